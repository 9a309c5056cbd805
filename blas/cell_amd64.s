//go:build amd64 && !purego

#include "textflag.h"

// The AVX2 loops of cell.go, 8 values a step; n is a positive multiple of
// 8. Only VADDPS, VSUBPS and VMULPS, in the scalar code's order (Go's
// evaluation from left to right), so the bits equal the Go loops'.

// func add8AVX2(dst, src *float32, n int)
TEXT ·add8AVX2(SB), NOSPLIT, $0-24
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ n+16(FP), CX
	SHRQ $3, CX
add8loop:
	VMOVUPS (DI), Y0
	VADDPS  (SI), Y0, Y0
	VMOVUPS Y0, (DI)
	ADDQ    $32, SI
	ADDQ    $32, DI
	DECQ    CX
	JNZ     add8loop
	VZEROUPPER
	RET

// func mul8AVX2(dst, a, b *float32, n int)
TEXT ·mul8AVX2(SB), NOSPLIT, $0-32
	MOVQ dst+0(FP), DI
	MOVQ a+8(FP), SI
	MOVQ b+16(FP), BX
	MOVQ n+24(FP), CX
	SHRQ $3, CX
mul8loop:
	VMOVUPS (SI), Y0
	VMULPS  (BX), Y0, Y0
	VMOVUPS Y0, (DI)
	ADDQ    $32, SI
	ADDQ    $32, BX
	ADDQ    $32, DI
	DECQ    CX
	JNZ     mul8loop
	VZEROUPPER
	RET

// func tanhBackward8AVX2(dst, dh, y *float32, n int)
// dst = dh·(1 − y·y)
TEXT ·tanhBackward8AVX2(SB), NOSPLIT, $0-32
	MOVQ dst+0(FP), DI
	MOVQ dh+8(FP), SI
	MOVQ y+16(FP), BX
	MOVQ n+24(FP), CX
	SHRQ $3, CX
	MOVL $0x3f800000, R12
	MOVL R12, X15
	VBROADCASTSS X15, Y15
tanhb8loop:
	VMOVUPS (BX), Y0
	VMULPS  Y0, Y0, Y0
	VSUBPS  Y0, Y15, Y0
	VMOVUPS (SI), Y1
	VMULPS  Y0, Y1, Y1
	VMOVUPS Y1, (DI)
	ADDQ    $32, SI
	ADDQ    $32, BX
	ADDQ    $32, DI
	DECQ    CX
	JNZ     tanhb8loop
	VZEROUPPER
	RET

// func lstmCell8AVX2(c, f, cprev, in, cand *float32, n int)
// c = f·cprev + i·g
TEXT ·lstmCell8AVX2(SB), NOSPLIT, $0-48
	MOVQ c+0(FP), DI
	MOVQ f+8(FP), SI
	MOVQ cprev+16(FP), BX
	MOVQ in+24(FP), R8
	MOVQ cand+32(FP), R9
	MOVQ n+40(FP), CX
	SHRQ $3, CX
cell8loop:
	VMOVUPS (SI), Y0
	VMULPS  (BX), Y0, Y0
	VMOVUPS (R8), Y1
	VMULPS  (R9), Y1, Y1
	VADDPS  Y1, Y0, Y0
	VMOVUPS Y0, (DI)
	ADDQ    $32, SI
	ADDQ    $32, BX
	ADDQ    $32, R8
	ADDQ    $32, R9
	ADDQ    $32, DI
	DECQ    CX
	JNZ     cell8loop
	VZEROUPPER
	RET

// func lstmBackward8AVX2(n, h int, dp, a, tc, cp, dc, dh *float32)
// See LSTMBackward32. The gates are h floats apart in a and in dp: R9,
// R10, R11 hold h, 2h and 3h in bytes. Y15 holds 1.
TEXT ·lstmBackward8AVX2(SB), NOSPLIT, $0-64
	MOVQ n+0(FP), CX
	SHRQ $3, CX
	MOVQ h+8(FP), R9
	SHLQ $2, R9
	LEAQ (R9)(R9*1), R10
	LEAQ (R10)(R9*1), R11
	MOVQ dp+16(FP), DI
	MOVQ a+24(FP), SI
	MOVQ tc+32(FP), AX
	MOVQ cp+40(FP), BX
	MOVQ dc+48(FP), DX
	MOVQ dh+56(FP), R8
	MOVL $0x3f800000, R12
	MOVL R12, X15
	VBROADCASTSS X15, Y15
bwd8loop:
	VMOVUPS (SI), Y0        // i
	VMOVUPS (SI)(R9*1), Y1  // f
	VMOVUPS (SI)(R10*1), Y2 // g
	VMOVUPS (SI)(R11*1), Y3 // o
	VMOVUPS (AX), Y4        // tc
	VMOVUPS (R8), Y5        // dh
	VMOVUPS (DX), Y6        // dc
	VMOVUPS (BX), Y7        // cp
	// dct = dc + ((dh·o)·(1 − tc·tc))
	VMULPS  Y3, Y5, Y8
	VMULPS  Y4, Y4, Y9
	VSUBPS  Y9, Y15, Y9
	VMULPS  Y9, Y8, Y8
	VADDPS  Y8, Y6, Y6
	// dp_i = ((dct·g)·i)·(1 − i)
	VMULPS  Y2, Y6, Y10
	VMULPS  Y0, Y10, Y10
	VSUBPS  Y0, Y15, Y11
	VMULPS  Y11, Y10, Y10
	VMOVUPS Y10, (DI)
	// dp_f = ((dct·cp)·f)·(1 − f)
	VMULPS  Y7, Y6, Y10
	VMULPS  Y1, Y10, Y10
	VSUBPS  Y1, Y15, Y11
	VMULPS  Y11, Y10, Y10
	VMOVUPS Y10, (DI)(R9*1)
	// dp_g = (dct·i)·(1 − g·g)
	VMULPS  Y0, Y6, Y10
	VMULPS  Y2, Y2, Y11
	VSUBPS  Y11, Y15, Y11
	VMULPS  Y11, Y10, Y10
	VMOVUPS Y10, (DI)(R10*1)
	// dp_o = ((dh·tc)·o)·(1 − o)
	VMULPS  Y4, Y5, Y10
	VMULPS  Y3, Y10, Y10
	VSUBPS  Y3, Y15, Y11
	VMULPS  Y11, Y10, Y10
	VMOVUPS Y10, (DI)(R11*1)
	// dc = dct·f
	VMULPS  Y1, Y6, Y6
	VMOVUPS Y6, (DX)
	ADDQ    $32, SI
	ADDQ    $32, DI
	ADDQ    $32, AX
	ADDQ    $32, BX
	ADDQ    $32, DX
	ADDQ    $32, R8
	DECQ    CX
	JNZ     bwd8loop
	VZEROUPPER
	RET

// func adam8AVX2(wp, gp, mp, vp *float32, n int, c *AdamCoef32)
// One Adam update of n elements (a multiple of 8), as Adam32's scalar loop.
TEXT ·adam8AVX2(SB), NOSPLIT, $0-48
	MOVQ         wp+0(FP), DI
	MOVQ         gp+8(FP), SI
	MOVQ         mp+16(FP), DX
	MOVQ         vp+24(FP), R8
	MOVQ         n+32(FP), CX
	MOVQ         c+40(FP), R9
	VBROADCASTSS 0(R9), Y8   // B1
	VBROADCASTSS 4(R9), Y9   // B2
	VBROADCASTSS 8(R9), Y10  // OB1
	VBROADCASTSS 12(R9), Y11 // OB2
	VBROADCASTSS 16(R9), Y12 // Step
	VBROADCASTSS 20(R9), Y13 // BC2
	VBROADCASTSS 24(R9), Y14 // Eps
	VBROADCASTSS 28(R9), Y15 // Decay
	VBROADCASTSS 32(R9), Y7  // L2
	MOVL         32(R9), BX
	ANDL         $0x7fffffff, BX // L2 != 0 (−0 counts as 0)
	XORQ         AX, AX
	SHRQ         $3, CX
	JZ           adamdone

adamloop:
	VMOVUPS (SI)(AX*4), Y0 // g
	VMOVUPS (DI)(AX*4), Y1 // w
	TESTL   BX, BX
	JZ      adamnol2
	VMULPS  Y1, Y7, Y2     // L2·w
	VADDPS  Y2, Y0, Y0     // g' = g + L2·w

adamnol2:
	VMULPS  (DX)(AX*4), Y8, Y2 // B1·m
	VMULPS  Y0, Y10, Y3        // OB1·g'
	VADDPS  Y3, Y2, Y2         // m
	VMOVUPS Y2, (DX)(AX*4)
	VMULPS  Y0, Y11, Y3        // OB2·g'
	VMULPS  Y0, Y3, Y3         // ·g'
	VMULPS  (R8)(AX*4), Y9, Y4 // B2·v
	VADDPS  Y3, Y4, Y4         // v
	VMOVUPS Y4, (R8)(AX*4)
	VSQRTPS Y4, Y4
	VDIVPS  Y13, Y4, Y4        // √v / BC2
	VADDPS  Y14, Y4, Y4        // + Eps
	VMULPS  Y2, Y12, Y3        // Step·m
	VDIVPS  Y4, Y3, Y3         // / denom
	VMULPS  Y15, Y1, Y1        // w·Decay
	VSUBPS  Y3, Y1, Y1
	VMOVUPS Y1, (DI)(AX*4)
	ADDQ    $8, AX
	DECQ    CX
	JNZ     adamloop

adamdone:
	VZEROUPPER
	RET
