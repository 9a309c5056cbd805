//go:build amd64 && !purego

#include "textflag.h"

// func packB16NAVX(kc int, src *float32, ldb int, dst *float32)
// dst[p*16+j] = src[p*ldb+j] for p < kc, j < 16 (kc >= 1).
TEXT ·packB16NAVX(SB), NOSPLIT, $0-32
	MOVQ kc+0(FP), CX
	MOVQ src+8(FP), SI
	MOVQ ldb+16(FP), R8
	SHLQ $2, R8
	MOVQ dst+24(FP), DI
pbloop:
	VMOVUPS (SI), Y0
	VMOVUPS 32(SI), Y1
	VMOVUPS Y0, (DI)
	VMOVUPS Y1, 32(DI)
	ADDQ R8, SI
	ADDQ $64, DI
	DECQ CX
	JNZ pbloop
	VZEROUPPER
	RET

// func packA6TSSE(kc int, src *float32, lda int, dst *float32)
// dst[p*6+i] = src[p*lda+i] for p < kc, i < 6 (kc >= 1).
TEXT ·packA6TSSE(SB), NOSPLIT, $0-32
	MOVQ kc+0(FP), CX
	MOVQ src+8(FP), SI
	MOVQ lda+16(FP), R8
	SHLQ $2, R8
	MOVQ dst+24(FP), DI
patloop:
	MOVUPS (SI), X0
	MOVQ 16(SI), X1
	MOVUPS X0, (DI)
	MOVQ X1, 16(DI)
	ADDQ R8, SI
	ADDQ $24, DI
	DECQ CX
	JNZ patloop
	RET

// func packA6NSSE(kc4 int, src *float32, lda int, dst *float32)
// dst[p*6+i] = src[i*lda+p] for p < 4*kc4, i < 6 (kc4 >= 1): four depth
// steps at a time, by a 4×4 transpose of rows 0-3 and an interleave of
// rows 4-5.
TEXT ·packA6NSSE(SB), NOSPLIT, $0-32
	MOVQ kc4+0(FP), CX
	MOVQ src+8(FP), SI
	MOVQ lda+16(FP), R8
	SHLQ $2, R8
	MOVQ dst+24(FP), DI
	LEAQ (R8)(R8*2), R9 // 3*lda
	LEAQ (R8)(R8*4), R10 // 5*lda
panloop:
	MOVUPS (SI), X0        // r0: p0..p3
	MOVUPS (SI)(R8*1), X1  // r1
	MOVUPS (SI)(R8*2), X2  // r2
	MOVUPS (SI)(R9*1), X3  // r3
	MOVUPS (SI)(R8*4), X4  // r4
	MOVUPS (SI)(R10*1), X5 // r5
	// 4×4 transpose of X0..X3 into columns c0..c3 = [r0 r1 r2 r3] at p.
	MOVAPS X0, X6
	UNPCKLPS X1, X6        // r0p0 r1p0 r0p1 r1p1
	UNPCKHPS X1, X0        // r0p2 r1p2 r0p3 r1p3
	MOVAPS X2, X7
	UNPCKLPS X3, X7        // r2p0 r3p0 r2p1 r3p1
	UNPCKHPS X3, X2        // r2p2 r3p2 r2p3 r3p3
	MOVAPS X6, X1
	MOVLHPS X7, X1         // c0
	MOVHLPS X6, X7         // c1
	MOVAPS X0, X3
	MOVLHPS X2, X3         // c2
	MOVHLPS X0, X2         // c3
	MOVAPS X4, X8
	UNPCKLPS X5, X8        // r4p0 r5p0 r4p1 r5p1
	UNPCKHPS X5, X4        // r4p2 r5p2 r4p3 r5p3
	MOVUPS X1, (DI)
	MOVQ X8, 16(DI)
	MOVUPS X7, 24(DI)
	MOVHPS X8, 40(DI)
	MOVUPS X3, 48(DI)
	MOVQ X4, 64(DI)
	MOVUPS X2, 72(DI)
	MOVHPS X4, 88(DI)
	ADDQ $16, SI
	ADDQ $96, DI
	DECQ CX
	JNZ panloop
	RET

// func packB16TAVX(kc8 int, src *float32, ldb int, dst *float32)
// dst[p*16+j] = src[j*ldb+p] for p < 8*kc8, j < 16 (kc8 >= 1): per block of
// 8 depth steps, two 8×8 transposes (rows 0-7, then 8-15 of src).
TEXT ·packB16TAVX(SB), NOSPLIT, $0-32
	MOVQ kc8+0(FP), CX
	MOVQ src+8(FP), SI
	MOVQ ldb+16(FP), R8
	SHLQ $2, R8
	MOVQ dst+24(FP), DI
	LEAQ (R8)(R8*2), R9 // 3*ldb
pbtloop:
	MOVQ SI, R10
	LEAQ (R10)(R8*4), R11
	VMOVUPS (R10), Y0
	VMOVUPS (R10)(R8*1), Y1
	VMOVUPS (R10)(R8*2), Y2
	VMOVUPS (R10)(R9*1), Y3
	VMOVUPS (R11), Y4
	VMOVUPS (R11)(R8*1), Y5
	VMOVUPS (R11)(R8*2), Y6
	VMOVUPS (R11)(R9*1), Y7
	VUNPCKLPS Y1, Y0, Y8
	VUNPCKHPS Y1, Y0, Y9
	VUNPCKLPS Y3, Y2, Y10
	VUNPCKHPS Y3, Y2, Y11
	VUNPCKLPS Y5, Y4, Y12
	VUNPCKHPS Y5, Y4, Y13
	VUNPCKLPS Y7, Y6, Y14
	VUNPCKHPS Y7, Y6, Y15
	VSHUFPS $0x44, Y10, Y8, Y0
	VSHUFPS $0xEE, Y10, Y8, Y1
	VSHUFPS $0x44, Y11, Y9, Y2
	VSHUFPS $0xEE, Y11, Y9, Y3
	VSHUFPS $0x44, Y14, Y12, Y4
	VSHUFPS $0xEE, Y14, Y12, Y5
	VSHUFPS $0x44, Y15, Y13, Y6
	VSHUFPS $0xEE, Y15, Y13, Y7
	VPERM2F128 $0x20, Y4, Y0, Y8
	VPERM2F128 $0x20, Y5, Y1, Y9
	VPERM2F128 $0x20, Y6, Y2, Y10
	VPERM2F128 $0x20, Y7, Y3, Y11
	VPERM2F128 $0x31, Y4, Y0, Y12
	VPERM2F128 $0x31, Y5, Y1, Y13
	VPERM2F128 $0x31, Y6, Y2, Y14
	VPERM2F128 $0x31, Y7, Y3, Y15
	VMOVUPS Y8, 0(DI)
	VMOVUPS Y9, 64(DI)
	VMOVUPS Y10, 128(DI)
	VMOVUPS Y11, 192(DI)
	VMOVUPS Y12, 256(DI)
	VMOVUPS Y13, 320(DI)
	VMOVUPS Y14, 384(DI)
	VMOVUPS Y15, 448(DI)
	LEAQ (SI)(R8*8), R10
	LEAQ (R10)(R8*4), R11
	VMOVUPS (R10), Y0
	VMOVUPS (R10)(R8*1), Y1
	VMOVUPS (R10)(R8*2), Y2
	VMOVUPS (R10)(R9*1), Y3
	VMOVUPS (R11), Y4
	VMOVUPS (R11)(R8*1), Y5
	VMOVUPS (R11)(R8*2), Y6
	VMOVUPS (R11)(R9*1), Y7
	VUNPCKLPS Y1, Y0, Y8
	VUNPCKHPS Y1, Y0, Y9
	VUNPCKLPS Y3, Y2, Y10
	VUNPCKHPS Y3, Y2, Y11
	VUNPCKLPS Y5, Y4, Y12
	VUNPCKHPS Y5, Y4, Y13
	VUNPCKLPS Y7, Y6, Y14
	VUNPCKHPS Y7, Y6, Y15
	VSHUFPS $0x44, Y10, Y8, Y0
	VSHUFPS $0xEE, Y10, Y8, Y1
	VSHUFPS $0x44, Y11, Y9, Y2
	VSHUFPS $0xEE, Y11, Y9, Y3
	VSHUFPS $0x44, Y14, Y12, Y4
	VSHUFPS $0xEE, Y14, Y12, Y5
	VSHUFPS $0x44, Y15, Y13, Y6
	VSHUFPS $0xEE, Y15, Y13, Y7
	VPERM2F128 $0x20, Y4, Y0, Y8
	VPERM2F128 $0x20, Y5, Y1, Y9
	VPERM2F128 $0x20, Y6, Y2, Y10
	VPERM2F128 $0x20, Y7, Y3, Y11
	VPERM2F128 $0x31, Y4, Y0, Y12
	VPERM2F128 $0x31, Y5, Y1, Y13
	VPERM2F128 $0x31, Y6, Y2, Y14
	VPERM2F128 $0x31, Y7, Y3, Y15
	VMOVUPS Y8, 32(DI)
	VMOVUPS Y9, 96(DI)
	VMOVUPS Y10, 160(DI)
	VMOVUPS Y11, 224(DI)
	VMOVUPS Y12, 288(DI)
	VMOVUPS Y13, 352(DI)
	VMOVUPS Y14, 416(DI)
	VMOVUPS Y15, 480(DI)
	ADDQ $32, SI
	ADDQ $512, DI
	DECQ CX
	JNZ pbtloop
	VZEROUPPER
	RET
