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
	VPXORD Z0, Z0, Z0
	VPXORD Z1, Z1, Z1
	VPXORD Z2, Z2, Z2
	VPXORD Z3, Z3, Z3
	VPXORD Z4, Z4, Z4
	VPXORD Z5, Z5, Z5
	VPXORD Z6, Z6, Z6
	VPXORD Z7, Z7, Z7
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
