//go:build amd64 && !purego

#include "textflag.h"

// One depth step of the 8×16 AVX-512 kernel: the 16 values of B at boff
// (Z16) times each of the 8 values of A at aoff, broadcast from memory,
// into the accumulators Z0-Z7 (row i in Zi): one FMA chain per element, as
// in the AVX2 kernels, so the sums have the same bits.
#define STEP8(aoff, boff) \
	VMOVUPS boff(BX), Z16; \
	VFMADD231PS.BCST (aoff+0)(AX), Z16, Z0; \
	VFMADD231PS.BCST (aoff+4)(AX), Z16, Z1; \
	VFMADD231PS.BCST (aoff+8)(AX), Z16, Z2; \
	VFMADD231PS.BCST (aoff+12)(AX), Z16, Z3; \
	VFMADD231PS.BCST (aoff+16)(AX), Z16, Z4; \
	VFMADD231PS.BCST (aoff+20)(AX), Z16, Z5; \
	VFMADD231PS.BCST (aoff+24)(AX), Z16, Z6; \
	VFMADD231PS.BCST (aoff+28)(AX), Z16, Z7

// ZERO8 clears the accumulators Z0-Z7.
#define ZERO8 \
	VPXORD Z0, Z0, Z0; \
	VPXORD Z1, Z1, Z1; \
	VPXORD Z2, Z2, Z2; \
	VPXORD Z3, Z3, Z3; \
	VPXORD Z4, Z4, Z4; \
	VPXORD Z5, Z5, Z5; \
	VPXORD Z6, Z6, Z6; \
	VPXORD Z7, Z7, Z7

// One row of the tile into C at DX, then DX to the next row (R9 bytes):
// c = alpha·acc + beta·c (Z14 alpha, Z15 beta), or alpha·acc when beta is 0.
#define STOREBETA(acc) \
	VMULPS      (DX), Z15, Z17; \
	VFMADD231PS acc, Z14, Z17; \
	VMOVUPS     Z17, (DX); \
	ADDQ        R9, DX

#define STOREZERO(acc) \
	VMULPS  acc, Z14, Z17; \
	VMOVUPS Z17, (DX); \
	ADDQ    R9, DX

// func sgemmKern8x16AVX512(k int, a, b, c *float32, ldc int, alpha, beta float32)
//
// Computes the 8×16 tile acc = Σ_p a[8p+i]·b[16p+j] over k >= 1 depth steps
// of packed panels, then c[i*ldc+j] = alpha*acc + beta*c[i*ldc+j] (c not read
// when beta == 0), with the operations of sgemmKern6x16AVX2.
TEXT ·sgemmKern8x16AVX512(SB), NOSPLIT, $0-48
	MOVQ k+0(FP), CX
	MOVQ a+8(FP), AX
	MOVQ b+16(FP), BX
	MOVQ c+24(FP), DX
	MOVQ ldc+32(FP), R9
	SHLQ $2, R9
	ZERO8
	MOVQ CX, R8
	SHRQ $2, R8
	JZ   k8tail

k8loop4:
	STEP8(0, 0)
	STEP8(32, 64)
	STEP8(64, 128)
	STEP8(96, 192)
	ADDQ $128, AX
	ADDQ $256, BX
	DECQ R8
	JNZ  k8loop4

k8tail:
	ANDQ $3, CX
	JZ   k8store

k8loop1:
	STEP8(0, 0)
	ADDQ $32, AX
	ADDQ $64, BX
	DECQ CX
	JNZ  k8loop1

k8store:
	VBROADCASTSS alpha+40(FP), Z14
	MOVL         beta+44(FP), R8
	ANDL         $0x7fffffff, R8
	JZ           k8store0
	VBROADCASTSS beta+44(FP), Z15
	STOREBETA(Z0)
	STOREBETA(Z1)
	STOREBETA(Z2)
	STOREBETA(Z3)
	STOREBETA(Z4)
	STOREBETA(Z5)
	STOREBETA(Z6)
	STOREBETA(Z7)
	VZEROUPPER
	RET

k8store0:
	STOREZERO(Z0)
	STOREZERO(Z1)
	STOREZERO(Z2)
	STOREZERO(Z3)
	STOREZERO(Z4)
	STOREZERO(Z5)
	STOREZERO(Z6)
	STOREZERO(Z7)
	VZEROUPPER
	RET

// func sgemmKern4x32AVX512(k int, a *float32, astride int, b *float32, bstride int, c *float32)
//
// Four rows (a[p·astride+r], r < 4) times two packed 16-column panels of B
// (bstride floats apart): eight accumulator chains Z0-Z7 (row r, panel j
// in Z(2r+j)), raw sums stored row-major in c[0:128] (row r in
// c[32r:32r+32]). Each element is summed over p in order from 0, as the
// 4×16 kernel does, so the bits are the same; each step does twice the
// work of that kernel's (512-bit registers).
TEXT ·sgemmKern4x32AVX512(SB), NOSPLIT, $0-48
	MOVQ k+0(FP), CX
	MOVQ a+8(FP), AX
	MOVQ astride+16(FP), R12
	SHLQ $2, R12
	MOVQ b+24(FP), BX
	MOVQ bstride+32(FP), R10
	SHLQ $2, R10
	MOVQ c+40(FP), DX
	ZERO8

k4x32loop:
	VMOVUPS (BX), Z16
	VMOVUPS (BX)(R10*1), Z17
	VBROADCASTSS 0(AX), Z18
	VFMADD231PS  Z16, Z18, Z0
	VFMADD231PS  Z17, Z18, Z1
	VBROADCASTSS 4(AX), Z19
	VFMADD231PS  Z16, Z19, Z2
	VFMADD231PS  Z17, Z19, Z3
	VBROADCASTSS 8(AX), Z20
	VFMADD231PS  Z16, Z20, Z4
	VFMADD231PS  Z17, Z20, Z5
	VBROADCASTSS 12(AX), Z21
	VFMADD231PS  Z16, Z21, Z6
	VFMADD231PS  Z17, Z21, Z7
	ADDQ R12, AX
	ADDQ $64, BX
	DECQ CX
	JNZ  k4x32loop
	VMOVUPS Z0, (DX)
	VMOVUPS Z1, 64(DX)
	VMOVUPS Z2, 128(DX)
	VMOVUPS Z3, 192(DX)
	VMOVUPS Z4, 256(DX)
	VMOVUPS Z5, 320(DX)
	VMOVUPS Z6, 384(DX)
	VMOVUPS Z7, 448(DX)
	VZEROUPPER
	RET
