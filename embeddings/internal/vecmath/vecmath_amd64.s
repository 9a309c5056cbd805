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

// func dot4Asm(n int, x, r0, r1, r2, r3 *float32) (s0, s1, s2, s3 float32)
// sK = Σ_{i<n} x[i]·rK[i]: one load of x for four rows.
TEXT ·dot4Asm(SB), NOSPLIT, $0-64
	MOVQ n+0(FP), CX
	MOVQ x+8(FP), SI
	MOVQ r0+16(FP), R8
	MOVQ r1+24(FP), R9
	MOVQ r2+32(FP), R10
	MOVQ r3+40(FP), R11
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3
	XORQ AX, AX
	MOVQ CX, DX
	ANDQ $-8, DX

d4loop:
	CMPQ AX, DX
	JGE  d4red
	VMOVUPS (SI)(AX*4), Y4
	VFMADD231PS (R8)(AX*4), Y4, Y0
	VFMADD231PS (R9)(AX*4), Y4, Y1
	VFMADD231PS (R10)(AX*4), Y4, Y2
	VFMADD231PS (R11)(AX*4), Y4, Y3
	ADDQ $8, AX
	JMP  d4loop

d4red:
	VEXTRACTF128 $1, Y0, X5
	VADDPS       X5, X0, X0
	VHADDPS      X0, X0, X0
	VHADDPS      X0, X0, X0
	VEXTRACTF128 $1, Y1, X5
	VADDPS       X5, X1, X1
	VHADDPS      X1, X1, X1
	VHADDPS      X1, X1, X1
	VEXTRACTF128 $1, Y2, X5
	VADDPS       X5, X2, X2
	VHADDPS      X2, X2, X2
	VHADDPS      X2, X2, X2
	VEXTRACTF128 $1, Y3, X5
	VADDPS       X5, X3, X3
	VHADDPS      X3, X3, X3
	VHADDPS      X3, X3, X3

d4tail:
	CMPQ AX, CX
	JGE  d4done
	VMOVSS      (SI)(AX*4), X4
	VFMADD231SS (R8)(AX*4), X4, X0
	VFMADD231SS (R9)(AX*4), X4, X1
	VFMADD231SS (R10)(AX*4), X4, X2
	VFMADD231SS (R11)(AX*4), X4, X3
	INCQ AX
	JMP  d4tail

d4done:
	VZEROUPPER
	MOVSS X0, s0+48(FP)
	MOVSS X1, s1+52(FP)
	MOVSS X2, s2+56(FP)
	MOVSS X3, s3+60(FP)
	RET

// func axpy4Asm(n int, y *float32, g0, g1, g2, g3 float32, r0, r1, r2, r3 *float32)
// y[i] += g0·r0[i] + g1·r1[i] + g2·r2[i] + g3·r3[i] for i < n: one load
// and store of y for four rows.
TEXT ·axpy4Asm(SB), NOSPLIT, $0-64
	MOVQ         n+0(FP), CX
	MOVQ         y+8(FP), DI
	VBROADCASTSS g0+16(FP), Y0
	VBROADCASTSS g1+20(FP), Y1
	VBROADCASTSS g2+24(FP), Y2
	VBROADCASTSS g3+28(FP), Y3
	MOVQ         r0+32(FP), R8
	MOVQ         r1+40(FP), R9
	MOVQ         r2+48(FP), R10
	MOVQ         r3+56(FP), R11
	XORQ         AX, AX
	MOVQ         CX, DX
	ANDQ         $-8, DX

a4loop:
	CMPQ AX, DX
	JGE  a4tail
	VMOVUPS     (DI)(AX*4), Y4
	VFMADD231PS (R8)(AX*4), Y0, Y4
	VFMADD231PS (R9)(AX*4), Y1, Y4
	VFMADD231PS (R10)(AX*4), Y2, Y4
	VFMADD231PS (R11)(AX*4), Y3, Y4
	VMOVUPS     Y4, (DI)(AX*4)
	ADDQ        $8, AX
	JMP         a4loop

a4tail:
	CMPQ AX, CX
	JGE  a4done
	VMOVSS      (DI)(AX*4), X4
	VFMADD231SS (R8)(AX*4), X0, X4
	VFMADD231SS (R9)(AX*4), X1, X4
	VFMADD231SS (R10)(AX*4), X2, X4
	VFMADD231SS (R11)(AX*4), X3, X4
	VMOVSS      X4, (DI)(AX*4)
	INCQ        AX
	JMP         a4tail

a4done:
	VZEROUPPER
	RET
