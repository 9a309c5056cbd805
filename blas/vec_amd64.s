//go:build amd64 && !purego

#include "textflag.h"

// Vector constants for sigmoid8AVX2 and tanh8AVX2, 8 copies each (see vec.go).
DATA vconst<>+0(SB)/4, $0x80000000
DATA vconst<>+4(SB)/4, $0x80000000
DATA vconst<>+8(SB)/4, $0x80000000
DATA vconst<>+12(SB)/4, $0x80000000
DATA vconst<>+16(SB)/4, $0x80000000
DATA vconst<>+20(SB)/4, $0x80000000
DATA vconst<>+24(SB)/4, $0x80000000
DATA vconst<>+28(SB)/4, $0x80000000
DATA vconst<>+32(SB)/4, $0xc2ac0000
DATA vconst<>+36(SB)/4, $0xc2ac0000
DATA vconst<>+40(SB)/4, $0xc2ac0000
DATA vconst<>+44(SB)/4, $0xc2ac0000
DATA vconst<>+48(SB)/4, $0xc2ac0000
DATA vconst<>+52(SB)/4, $0xc2ac0000
DATA vconst<>+56(SB)/4, $0xc2ac0000
DATA vconst<>+60(SB)/4, $0xc2ac0000
DATA vconst<>+64(SB)/4, $0x3fb8aa3b
DATA vconst<>+68(SB)/4, $0x3fb8aa3b
DATA vconst<>+72(SB)/4, $0x3fb8aa3b
DATA vconst<>+76(SB)/4, $0x3fb8aa3b
DATA vconst<>+80(SB)/4, $0x3fb8aa3b
DATA vconst<>+84(SB)/4, $0x3fb8aa3b
DATA vconst<>+88(SB)/4, $0x3fb8aa3b
DATA vconst<>+92(SB)/4, $0x3fb8aa3b
DATA vconst<>+96(SB)/4, $0x3f318000
DATA vconst<>+100(SB)/4, $0x3f318000
DATA vconst<>+104(SB)/4, $0x3f318000
DATA vconst<>+108(SB)/4, $0x3f318000
DATA vconst<>+112(SB)/4, $0x3f318000
DATA vconst<>+116(SB)/4, $0x3f318000
DATA vconst<>+120(SB)/4, $0x3f318000
DATA vconst<>+124(SB)/4, $0x3f318000
DATA vconst<>+128(SB)/4, $0xb95e8083
DATA vconst<>+132(SB)/4, $0xb95e8083
DATA vconst<>+136(SB)/4, $0xb95e8083
DATA vconst<>+140(SB)/4, $0xb95e8083
DATA vconst<>+144(SB)/4, $0xb95e8083
DATA vconst<>+148(SB)/4, $0xb95e8083
DATA vconst<>+152(SB)/4, $0xb95e8083
DATA vconst<>+156(SB)/4, $0xb95e8083
DATA vconst<>+160(SB)/4, $0x39500d01
DATA vconst<>+164(SB)/4, $0x39500d01
DATA vconst<>+168(SB)/4, $0x39500d01
DATA vconst<>+172(SB)/4, $0x39500d01
DATA vconst<>+176(SB)/4, $0x39500d01
DATA vconst<>+180(SB)/4, $0x39500d01
DATA vconst<>+184(SB)/4, $0x39500d01
DATA vconst<>+188(SB)/4, $0x39500d01
DATA vconst<>+192(SB)/4, $0x3ab60b61
DATA vconst<>+196(SB)/4, $0x3ab60b61
DATA vconst<>+200(SB)/4, $0x3ab60b61
DATA vconst<>+204(SB)/4, $0x3ab60b61
DATA vconst<>+208(SB)/4, $0x3ab60b61
DATA vconst<>+212(SB)/4, $0x3ab60b61
DATA vconst<>+216(SB)/4, $0x3ab60b61
DATA vconst<>+220(SB)/4, $0x3ab60b61
DATA vconst<>+224(SB)/4, $0x3c088889
DATA vconst<>+228(SB)/4, $0x3c088889
DATA vconst<>+232(SB)/4, $0x3c088889
DATA vconst<>+236(SB)/4, $0x3c088889
DATA vconst<>+240(SB)/4, $0x3c088889
DATA vconst<>+244(SB)/4, $0x3c088889
DATA vconst<>+248(SB)/4, $0x3c088889
DATA vconst<>+252(SB)/4, $0x3c088889
DATA vconst<>+256(SB)/4, $0x3d2aaaab
DATA vconst<>+260(SB)/4, $0x3d2aaaab
DATA vconst<>+264(SB)/4, $0x3d2aaaab
DATA vconst<>+268(SB)/4, $0x3d2aaaab
DATA vconst<>+272(SB)/4, $0x3d2aaaab
DATA vconst<>+276(SB)/4, $0x3d2aaaab
DATA vconst<>+280(SB)/4, $0x3d2aaaab
DATA vconst<>+284(SB)/4, $0x3d2aaaab
DATA vconst<>+288(SB)/4, $0x3e2aaaab
DATA vconst<>+292(SB)/4, $0x3e2aaaab
DATA vconst<>+296(SB)/4, $0x3e2aaaab
DATA vconst<>+300(SB)/4, $0x3e2aaaab
DATA vconst<>+304(SB)/4, $0x3e2aaaab
DATA vconst<>+308(SB)/4, $0x3e2aaaab
DATA vconst<>+312(SB)/4, $0x3e2aaaab
DATA vconst<>+316(SB)/4, $0x3e2aaaab
DATA vconst<>+320(SB)/4, $0x3f000000
DATA vconst<>+324(SB)/4, $0x3f000000
DATA vconst<>+328(SB)/4, $0x3f000000
DATA vconst<>+332(SB)/4, $0x3f000000
DATA vconst<>+336(SB)/4, $0x3f000000
DATA vconst<>+340(SB)/4, $0x3f000000
DATA vconst<>+344(SB)/4, $0x3f000000
DATA vconst<>+348(SB)/4, $0x3f000000
DATA vconst<>+352(SB)/4, $0x3f800000
DATA vconst<>+356(SB)/4, $0x3f800000
DATA vconst<>+360(SB)/4, $0x3f800000
DATA vconst<>+364(SB)/4, $0x3f800000
DATA vconst<>+368(SB)/4, $0x3f800000
DATA vconst<>+372(SB)/4, $0x3f800000
DATA vconst<>+376(SB)/4, $0x3f800000
DATA vconst<>+380(SB)/4, $0x3f800000
GLOBL vconst<>(SB), RODATA|NOPTR, $384

// EXPNEG8: Y5 = exp(Y2) for Y2 <= 0 (clamped at -86 by Y8 first), Y3, Y4
// and Y6 scratch: y = n·ln2 + r, exp(r) by its degree-7 Taylor polynomial,
// times 2^n through the exponent bits (see expNeg32 in vec.go).
#define EXPNEG8 \
	VMAXPS Y2, Y8, Y2 \
	VMULPS vconst<>+64(SB), Y2, Y3 \
	VROUNDPS $0, Y3, Y3 \
	VMOVAPS Y2, Y4 \
	VFNMADD231PS vconst<>+96(SB), Y3, Y4 \
	VFNMADD231PS vconst<>+128(SB), Y3, Y4 \
	VMOVUPS vconst<>+160(SB), Y5 \
	VFMADD213PS vconst<>+192(SB), Y4, Y5 \
	VFMADD213PS vconst<>+224(SB), Y4, Y5 \
	VFMADD213PS vconst<>+256(SB), Y4, Y5 \
	VFMADD213PS vconst<>+288(SB), Y4, Y5 \
	VFMADD213PS vconst<>+320(SB), Y4, Y5 \
	VFMADD213PS vconst<>+352(SB), Y4, Y5 \
	VFMADD213PS vconst<>+352(SB), Y4, Y5 \
	VCVTPS2DQ Y3, Y6 \
	VPSLLD $23, Y6, Y6 \
	VPADDD Y6, Y5, Y5

// func sigmoid8AVX2(dst, src *float32, n int)
// n is a positive multiple of 8.
TEXT ·sigmoid8AVX2(SB), NOSPLIT, $0-24
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ n+16(FP), CX
	SHRQ $3, CX
	VMOVUPS vconst<>+32(SB), Y8
	VMOVUPS vconst<>+352(SB), Y9
sigmloop:
	VMOVUPS (SI), Y0
	VORPS vconst<>+0(SB), Y0, Y2
	EXPNEG8
	VADDPS Y9, Y5, Y6
	VDIVPS Y6, Y9, Y7
	VMULPS Y7, Y5, Y6
	VBLENDVPS Y0, Y6, Y7, Y7
	VMOVUPS Y7, (DI)
	ADDQ $32, SI
	ADDQ $32, DI
	DECQ CX
	JNZ sigmloop
	VZEROUPPER
	RET

// func tanh8AVX2(dst, src *float32, n int)
// n is a positive multiple of 8.
TEXT ·tanh8AVX2(SB), NOSPLIT, $0-24
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ n+16(FP), CX
	SHRQ $3, CX
	VMOVUPS vconst<>+32(SB), Y8
	VMOVUPS vconst<>+352(SB), Y9
tanhloop:
	VMOVUPS (SI), Y0
	VORPS vconst<>+0(SB), Y0, Y2
	VADDPS Y2, Y2, Y2
	EXPNEG8
	VSUBPS Y5, Y9, Y6
	VADDPS Y9, Y5, Y7
	VDIVPS Y7, Y6, Y6
	VANDPS vconst<>+0(SB), Y0, Y1
	VORPS Y1, Y6, Y6
	VMOVUPS Y6, (DI)
	ADDQ $32, SI
	ADDQ $32, DI
	DECQ CX
	JNZ tanhloop
	VZEROUPPER
	RET

// The AVX-512 forms of sigmoid8AVX2 and tanh8AVX2: 16 values per step, the
// same operations on the same constants (vconst, broadcast into registers),
// so that every value has the bits the AVX2 routines give it.

// LOADC broadcasts the constants: Z8 -86 (exp's input floor), Z9 1,
// Z10 log2(e), Z11-Z12 ln2 high and low, Z13-Z19 the polynomial, Z20 the
// sign bit.
#define LOADC \
	VBROADCASTSS vconst<>+32(SB), Z8; \
	VBROADCASTSS vconst<>+352(SB), Z9; \
	VBROADCASTSS vconst<>+64(SB), Z10; \
	VBROADCASTSS vconst<>+96(SB), Z11; \
	VBROADCASTSS vconst<>+128(SB), Z12; \
	VBROADCASTSS vconst<>+160(SB), Z13; \
	VBROADCASTSS vconst<>+192(SB), Z14; \
	VBROADCASTSS vconst<>+224(SB), Z15; \
	VBROADCASTSS vconst<>+256(SB), Z16; \
	VBROADCASTSS vconst<>+288(SB), Z17; \
	VBROADCASTSS vconst<>+320(SB), Z18; \
	VBROADCASTSS vconst<>+352(SB), Z19; \
	VBROADCASTSS vconst<>+0(SB), Z20

// EXPNEG: Z5 = exp(Z2) for Z2 <= 0 (clamped at -86 first), Z3 and Z4 scratch.
#define EXPNEG \
	VMAXPS       Z2, Z8, Z2; \
	VMULPS       Z10, Z2, Z3; \
	VRNDSCALEPS  $0, Z3, Z3; \
	VMOVAPS      Z2, Z4; \
	VFNMADD231PS Z11, Z3, Z4; \
	VFNMADD231PS Z12, Z3, Z4; \
	VMOVAPS      Z13, Z5; \
	VFMADD213PS  Z14, Z4, Z5; \
	VFMADD213PS  Z15, Z4, Z5; \
	VFMADD213PS  Z16, Z4, Z5; \
	VFMADD213PS  Z17, Z4, Z5; \
	VFMADD213PS  Z18, Z4, Z5; \
	VFMADD213PS  Z19, Z4, Z5; \
	VFMADD213PS  Z19, Z4, Z5; \
	VCVTPS2DQ    Z3, Z6; \
	VPSLLD       $23, Z6, Z6; \
	VPADDD       Z6, Z5, Z5

// func sigmoid16AVX512(dst, src *float32, n int)
// n is a positive multiple of 16.
TEXT ·sigmoid16AVX512(SB), NOSPLIT, $0-24
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ n+16(FP), CX
	SHRQ $4, CX
	LOADC

sigm16loop:
	VMOVUPS   (SI), Z0
	VPORD     Z20, Z0, Z2
	EXPNEG
	VADDPS    Z9, Z5, Z6
	VDIVPS    Z6, Z9, Z7
	VMULPS    Z7, Z5, Z6
	VPMOVD2M  Z0, K1
	VBLENDMPS Z6, Z7, K1, Z7
	VMOVUPS   Z7, (DI)
	ADDQ      $64, SI
	ADDQ      $64, DI
	DECQ      CX
	JNZ       sigm16loop
	VZEROUPPER
	RET

// func tanh16AVX512(dst, src *float32, n int)
// n is a positive multiple of 16.
TEXT ·tanh16AVX512(SB), NOSPLIT, $0-24
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ n+16(FP), CX
	SHRQ $4, CX
	LOADC

tanh16loop:
	VMOVUPS (SI), Z0
	VPORD   Z20, Z0, Z2
	VADDPS  Z2, Z2, Z2
	EXPNEG
	VSUBPS  Z5, Z9, Z6
	VADDPS  Z9, Z5, Z7
	VDIVPS  Z7, Z6, Z6
	VPANDD  Z20, Z0, Z1
	VPORD   Z1, Z6, Z6
	VMOVUPS Z6, (DI)
	ADDQ    $64, SI
	ADDQ    $64, DI
	DECQ    CX
	JNZ     tanh16loop
	VZEROUPPER
	RET
