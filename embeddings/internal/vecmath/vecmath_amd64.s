//go:build amd64 && !purego

#include "textflag.h"

// func cpuid(eaxArg, ecxArg uint32) (eax, ebx, ecx, edx uint32)
TEXT ·cpuid(SB), NOSPLIT, $0-24
	MOVL eaxArg+0(FP), AX
	MOVL ecxArg+4(FP), CX
	CPUID
	MOVL AX, eax+8(FP)
	MOVL BX, ebx+12(FP)
	MOVL CX, ecx+16(FP)
	MOVL DX, edx+20(FP)
	RET

// func xgetbv() (eax, edx uint32)
TEXT ·xgetbv(SB), NOSPLIT, $0-8
	MOVL $0, CX
	XGETBV
	MOVL AX, eax+0(FP)
	MOVL DX, edx+4(FP)
	RET

// func dotAsm(a, b []float32) float32
TEXT ·dotAsm(SB), NOSPLIT, $0-52
	MOVQ a_base+0(FP), SI
	MOVQ a_len+8(FP), CX
	MOVQ b_base+24(FP), DI
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3
	XORQ AX, AX
	MOVQ CX, DX
	ANDQ $-32, DX

dot32:
	CMPQ AX, DX
	JGE  dot8s
	VMOVUPS (SI)(AX*4), Y4
	VMOVUPS 32(SI)(AX*4), Y5
	VMOVUPS 64(SI)(AX*4), Y6
	VMOVUPS 96(SI)(AX*4), Y7
	VFMADD231PS (DI)(AX*4), Y4, Y0
	VFMADD231PS 32(DI)(AX*4), Y5, Y1
	VFMADD231PS 64(DI)(AX*4), Y6, Y2
	VFMADD231PS 96(DI)(AX*4), Y7, Y3
	ADDQ $32, AX
	JMP  dot32

dot8s:
	MOVQ CX, DX
	ANDQ $-8, DX

dot8:
	CMPQ AX, DX
	JGE  dotred
	VMOVUPS (SI)(AX*4), Y4
	VFMADD231PS (DI)(AX*4), Y4, Y0
	ADDQ $8, AX
	JMP  dot8

dotred:
	VADDPS Y1, Y0, Y0
	VADDPS Y3, Y2, Y2
	VADDPS Y2, Y0, Y0
	VEXTRACTF128 $1, Y0, X1
	VADDPS X1, X0, X0
	MOVQ CX, DX
	ANDQ $-4, DX
	CMPQ AX, DX
	JGE  dothadd
	VMOVUPS (SI)(AX*4), X4
	VFMADD231PS (DI)(AX*4), X4, X0
	ADDQ $4, AX

dothadd:
	VHADDPS X0, X0, X0
	VHADDPS X0, X0, X0

dot1:
	CMPQ AX, CX
	JGE  dotdone
	VMOVSS (SI)(AX*4), X4
	VFMADD231SS (DI)(AX*4), X4, X0
	INCQ AX
	JMP  dot1

dotdone:
	VZEROUPPER
	MOVSS X0, ret+48(FP)
	RET

// func axpyAsm(alpha float32, x, y []float32)
TEXT ·axpyAsm(SB), NOSPLIT, $0-56
	VBROADCASTSS alpha+0(FP), Y0
	MOVQ x_base+8(FP), SI
	MOVQ x_len+16(FP), CX
	MOVQ y_base+32(FP), DI
	XORQ AX, AX
	MOVQ CX, DX
	ANDQ $-16, DX

axpy16:
	CMPQ AX, DX
	JGE  axpy8
	VMOVUPS (DI)(AX*4), Y1
	VMOVUPS 32(DI)(AX*4), Y2
	VFMADD231PS (SI)(AX*4), Y0, Y1
	VFMADD231PS 32(SI)(AX*4), Y0, Y2
	VMOVUPS Y1, (DI)(AX*4)
	VMOVUPS Y2, 32(DI)(AX*4)
	ADDQ $16, AX
	JMP  axpy16

axpy8:
	MOVQ CX, DX
	ANDQ $-8, DX
	CMPQ AX, DX
	JGE  axpy4
	VMOVUPS (DI)(AX*4), Y1
	VFMADD231PS (SI)(AX*4), Y0, Y1
	VMOVUPS Y1, (DI)(AX*4)
	ADDQ $8, AX

axpy4:
	MOVQ CX, DX
	ANDQ $-4, DX
	CMPQ AX, DX
	JGE  axpy1
	VMOVUPS (DI)(AX*4), X1
	VFMADD231PS (SI)(AX*4), X0, X1
	VMOVUPS X1, (DI)(AX*4)
	ADDQ $4, AX

axpy1:
	CMPQ AX, CX
	JGE  axpydone
	VMOVSS (DI)(AX*4), X1
	VFMADD231SS (SI)(AX*4), X0, X1
	VMOVSS X1, (DI)(AX*4)
	INCQ AX
	JMP  axpy1

axpydone:
	VZEROUPPER
	RET

// func updateAsm(s float32, l1, l2, e []float32)
// e += g*l2; l2 += g*l1 (l2 read before it is written)
TEXT ·updateAsm(SB), NOSPLIT, $0-80
	VBROADCASTSS s+0(FP), Y0
	MOVQ l1_base+8(FP), SI
	MOVQ l1_len+16(FP), CX
	MOVQ l2_base+32(FP), DI
	MOVQ e_base+56(FP), BX
	XORQ AX, AX
	MOVQ CX, DX
	ANDQ $-16, DX

upd16:
	CMPQ AX, DX
	JGE  upd8
	VMOVUPS (DI)(AX*4), Y1
	VMOVUPS 32(DI)(AX*4), Y3
	VMOVUPS (BX)(AX*4), Y2
	VMOVUPS 32(BX)(AX*4), Y4
	VFMADD231PS Y1, Y0, Y2
	VFMADD231PS Y3, Y0, Y4
	VFMADD231PS (SI)(AX*4), Y0, Y1
	VFMADD231PS 32(SI)(AX*4), Y0, Y3
	VMOVUPS Y2, (BX)(AX*4)
	VMOVUPS Y4, 32(BX)(AX*4)
	VMOVUPS Y1, (DI)(AX*4)
	VMOVUPS Y3, 32(DI)(AX*4)
	ADDQ $16, AX
	JMP  upd16

upd8:
	MOVQ CX, DX
	ANDQ $-8, DX
	CMPQ AX, DX
	JGE  upd4
	VMOVUPS (DI)(AX*4), Y1
	VMOVUPS (BX)(AX*4), Y2
	VFMADD231PS Y1, Y0, Y2
	VFMADD231PS (SI)(AX*4), Y0, Y1
	VMOVUPS Y2, (BX)(AX*4)
	VMOVUPS Y1, (DI)(AX*4)
	ADDQ $8, AX

upd4:
	MOVQ CX, DX
	ANDQ $-4, DX
	CMPQ AX, DX
	JGE  upd1
	VMOVUPS (DI)(AX*4), X1
	VMOVUPS (BX)(AX*4), X2
	VFMADD231PS X1, X0, X2
	VFMADD231PS (SI)(AX*4), X0, X1
	VMOVUPS X2, (BX)(AX*4)
	VMOVUPS X1, (DI)(AX*4)
	ADDQ $4, AX

upd1:
	CMPQ AX, CX
	JGE  upddone
	VMOVSS (DI)(AX*4), X1
	VMOVSS (BX)(AX*4), X2
	VFMADD231SS X1, X0, X2
	VFMADD231SS (SI)(AX*4), X0, X1
	VMOVSS X2, (BX)(AX*4)
	VMOVSS X1, (DI)(AX*4)
	INCQ AX
	JMP  upd1

upddone:
	VZEROUPPER
	RET

// func prefetchAsm(p *float32, n int)
// Prefetches n bytes from p into all cache levels, one line at a time.
TEXT ·prefetchAsm(SB), NOSPLIT, $0-16
	MOVQ p+0(FP), SI
	MOVQ n+8(FP), CX
	XORQ AX, AX

pf:
	PREFETCHT0 (SI)(AX*1)
	ADDQ $64, AX
	CMPQ AX, CX
	JL   pf
	RET
