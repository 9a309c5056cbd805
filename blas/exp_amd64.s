//go:build amd64 && !purego

#include "textflag.h"

// Constants of ExpShifted64's AVX2 loop, 4 copies each: those of the Go
// runtime's math.Exp on amd64 (src/math/exp_amd64.s), whose FMA path the
// loop repeats lane by lane, and the range [-708, 708] in which that path
// neither overflows nor goes subnormal.
// 0: LOG2E = 1.4426950408889634073599246810018920
DATA expd<>+0(SB)/8, $0x3ff71547652b82fe
DATA expd<>+8(SB)/8, $0x3ff71547652b82fe
DATA expd<>+16(SB)/8, $0x3ff71547652b82fe
DATA expd<>+24(SB)/8, $0x3ff71547652b82fe
// 32: LN2U = 0.69314718055966295651160180568695068359375
DATA expd<>+32(SB)/8, $0x3fe62e42fefa3000
DATA expd<>+40(SB)/8, $0x3fe62e42fefa3000
DATA expd<>+48(SB)/8, $0x3fe62e42fefa3000
DATA expd<>+56(SB)/8, $0x3fe62e42fefa3000
// 64: LN2L = 0.28235290563031577122588448175013436025525412068e-12
DATA expd<>+64(SB)/8, $0x3d53de6af278ece6
DATA expd<>+72(SB)/8, $0x3d53de6af278ece6
DATA expd<>+80(SB)/8, $0x3d53de6af278ece6
DATA expd<>+88(SB)/8, $0x3d53de6af278ece6
// 96: 1/16 = 0.0625
DATA expd<>+96(SB)/8, $0x3fb0000000000000
DATA expd<>+104(SB)/8, $0x3fb0000000000000
DATA expd<>+112(SB)/8, $0x3fb0000000000000
DATA expd<>+120(SB)/8, $0x3fb0000000000000
// 128: c8 = 2.4801587301587301587e-5
DATA expd<>+128(SB)/8, $0x3efa01a01a01a01a
DATA expd<>+136(SB)/8, $0x3efa01a01a01a01a
DATA expd<>+144(SB)/8, $0x3efa01a01a01a01a
DATA expd<>+152(SB)/8, $0x3efa01a01a01a01a
// 160: c7 = 1.9841269841269841270e-4
DATA expd<>+160(SB)/8, $0x3f2a01a01a01a01a
DATA expd<>+168(SB)/8, $0x3f2a01a01a01a01a
DATA expd<>+176(SB)/8, $0x3f2a01a01a01a01a
DATA expd<>+184(SB)/8, $0x3f2a01a01a01a01a
// 192: c6 = 1.3888888888888888889e-3
DATA expd<>+192(SB)/8, $0x3f56c16c16c16c17
DATA expd<>+200(SB)/8, $0x3f56c16c16c16c17
DATA expd<>+208(SB)/8, $0x3f56c16c16c16c17
DATA expd<>+216(SB)/8, $0x3f56c16c16c16c17
// 224: c5 = 8.3333333333333333333e-3
DATA expd<>+224(SB)/8, $0x3f81111111111111
DATA expd<>+232(SB)/8, $0x3f81111111111111
DATA expd<>+240(SB)/8, $0x3f81111111111111
DATA expd<>+248(SB)/8, $0x3f81111111111111
// 256: c4 = 4.1666666666666666667e-2
DATA expd<>+256(SB)/8, $0x3fa5555555555555
DATA expd<>+264(SB)/8, $0x3fa5555555555555
DATA expd<>+272(SB)/8, $0x3fa5555555555555
DATA expd<>+280(SB)/8, $0x3fa5555555555555
// 288: c3 = 1.6666666666666666667e-1
DATA expd<>+288(SB)/8, $0x3fc5555555555555
DATA expd<>+296(SB)/8, $0x3fc5555555555555
DATA expd<>+304(SB)/8, $0x3fc5555555555555
DATA expd<>+312(SB)/8, $0x3fc5555555555555
// 320: 0.5 = 0.5
DATA expd<>+320(SB)/8, $0x3fe0000000000000
DATA expd<>+328(SB)/8, $0x3fe0000000000000
DATA expd<>+336(SB)/8, $0x3fe0000000000000
DATA expd<>+344(SB)/8, $0x3fe0000000000000
// 352: 1 = 1.0
DATA expd<>+352(SB)/8, $0x3ff0000000000000
DATA expd<>+360(SB)/8, $0x3ff0000000000000
DATA expd<>+368(SB)/8, $0x3ff0000000000000
DATA expd<>+376(SB)/8, $0x3ff0000000000000
// 384: 2 = 2.0
DATA expd<>+384(SB)/8, $0x4000000000000000
DATA expd<>+392(SB)/8, $0x4000000000000000
DATA expd<>+400(SB)/8, $0x4000000000000000
DATA expd<>+408(SB)/8, $0x4000000000000000
// 416: lo = -708.0
DATA expd<>+416(SB)/8, $0xc086200000000000
DATA expd<>+424(SB)/8, $0xc086200000000000
DATA expd<>+432(SB)/8, $0xc086200000000000
DATA expd<>+440(SB)/8, $0xc086200000000000
// 448: hi = 708.0
DATA expd<>+448(SB)/8, $0x4086200000000000
DATA expd<>+456(SB)/8, $0x4086200000000000
DATA expd<>+464(SB)/8, $0x4086200000000000
DATA expd<>+472(SB)/8, $0x4086200000000000
// 480: the exponent bias 0x3FF (int64)
DATA expd<>+480(SB)/8, $0x00000000000003ff
DATA expd<>+488(SB)/8, $0x00000000000003ff
DATA expd<>+496(SB)/8, $0x00000000000003ff
DATA expd<>+504(SB)/8, $0x00000000000003ff
// 512: tanh: 0.5·MAXLOG = 44.0148459655565271479940
DATA expd<>+512(SB)/8, $0x404601e678fc457b
DATA expd<>+520(SB)/8, $0x404601e678fc457b
DATA expd<>+528(SB)/8, $0x404601e678fc457b
DATA expd<>+536(SB)/8, $0x404601e678fc457b
// 544: 0.625 = 0.625
DATA expd<>+544(SB)/8, $0x3fe4000000000000
DATA expd<>+552(SB)/8, $0x3fe4000000000000
DATA expd<>+560(SB)/8, $0x3fe4000000000000
DATA expd<>+568(SB)/8, $0x3fe4000000000000
// 576: tanhP[0] = -9.64399179425052238628e-1
DATA expd<>+576(SB)/8, $0xbfeedc5baafd6f4b
DATA expd<>+584(SB)/8, $0xbfeedc5baafd6f4b
DATA expd<>+592(SB)/8, $0xbfeedc5baafd6f4b
DATA expd<>+600(SB)/8, $0xbfeedc5baafd6f4b
// 608: tanhP[1] = -9.92877231001918586564e1
DATA expd<>+608(SB)/8, $0xc058d26a0e26682d
DATA expd<>+616(SB)/8, $0xc058d26a0e26682d
DATA expd<>+624(SB)/8, $0xc058d26a0e26682d
DATA expd<>+632(SB)/8, $0xc058d26a0e26682d
// 640: tanhP[2] = -1.61468768441708447952e3
DATA expd<>+640(SB)/8, $0xc0993ac030580563
DATA expd<>+648(SB)/8, $0xc0993ac030580563
DATA expd<>+656(SB)/8, $0xc0993ac030580563
DATA expd<>+664(SB)/8, $0xc0993ac030580563
// 672: tanhQ[0] = 1.12811678491632931402e2
DATA expd<>+672(SB)/8, $0x405c33f28a581b86
DATA expd<>+680(SB)/8, $0x405c33f28a581b86
DATA expd<>+688(SB)/8, $0x405c33f28a581b86
DATA expd<>+696(SB)/8, $0x405c33f28a581b86
// 704: tanhQ[1] = 2.23548839060100448583e3
DATA expd<>+704(SB)/8, $0x40a176fa0e5535fa
DATA expd<>+712(SB)/8, $0x40a176fa0e5535fa
DATA expd<>+720(SB)/8, $0x40a176fa0e5535fa
DATA expd<>+728(SB)/8, $0x40a176fa0e5535fa
// 736: tanhQ[2] = 4.84406305325125486048e3
DATA expd<>+736(SB)/8, $0x40b2ec102442040c
DATA expd<>+744(SB)/8, $0x40b2ec102442040c
DATA expd<>+752(SB)/8, $0x40b2ec102442040c
DATA expd<>+760(SB)/8, $0x40b2ec102442040c
// 768: the sign bit, 800: all bits but the sign
DATA expd<>+768(SB)/8, $0x8000000000000000
DATA expd<>+776(SB)/8, $0x8000000000000000
DATA expd<>+784(SB)/8, $0x8000000000000000
DATA expd<>+792(SB)/8, $0x8000000000000000
DATA expd<>+800(SB)/8, $0x7fffffffffffffff
DATA expd<>+808(SB)/8, $0x7fffffffffffffff
DATA expd<>+816(SB)/8, $0x7fffffffffffffff
DATA expd<>+824(SB)/8, $0x7fffffffffffffff
GLOBL expd<>(SB), RODATA|NOPTR, $832

// EXP4(X, K, T) sets X = exp(X) for 4 doubles in range (see expShifted4AVX2),
// using K and T (and their X halves) as scratch: math.Exp's FMA path.
#define EXP4(X, K, T, KX) \
	VMULPD       expd<>+0(SB), X, T \
	VCVTPD2DQY   T, KX \
	VCVTDQ2PD    KX, T \
	VFNMADD231PD expd<>+32(SB), T, X \
	VFNMADD231PD expd<>+64(SB), T, X \
	VMULPD       expd<>+96(SB), X, X \
	VMOVUPD      expd<>+128(SB), T \
	VFMADD213PD  expd<>+160(SB), X, T \
	VFMADD213PD  expd<>+192(SB), X, T \
	VFMADD213PD  expd<>+224(SB), X, T \
	VFMADD213PD  expd<>+256(SB), X, T \
	VFMADD213PD  expd<>+288(SB), X, T \
	VFMADD213PD  expd<>+320(SB), X, T \
	VFMADD213PD  expd<>+352(SB), X, T \
	VMULPD       T, X, X \
	VADDPD       expd<>+384(SB), X, T \
	VMULPD       T, X, X \
	VADDPD       expd<>+384(SB), X, T \
	VMULPD       T, X, X \
	VADDPD       expd<>+384(SB), X, T \
	VMULPD       T, X, X \
	VADDPD       expd<>+384(SB), X, T \
	VFMADD213PD  expd<>+352(SB), T, X \
	VPMOVSXDQ    KX, K \
	VPADDQ       expd<>+480(SB), K, K \
	VPSLLQ       $52, K, K \
	VMULPD       K, X, X

// func expShifted4AVX2(dst *float64, src *float32, n int, shift float64) int
//
// For blocks of 4, dst[i] = exp(float64(src[i]) - shift) by the operations
// of math.Exp's FMA path in its order (so with its bits), until the first
// block with an argument outside [-708, 708] or NaN; returns the elements
// done (a multiple of 4, at most n).
TEXT ·expShifted4AVX2(SB), NOSPLIT, $0-40
	MOVQ         dst+0(FP), DI
	MOVQ         src+8(FP), SI
	MOVQ         n+16(FP), CX
	VBROADCASTSD shift+24(FP), Y15
	XORQ         AX, AX
	SHRQ         $2, CX
	JZ           done

loop:
	VCVTPS2PD (SI)(AX*4), Y0
	VSUBPD    Y15, Y0, Y0                 // x = float64(src) - shift
	VCMPPD    $0x1d, expd<>+416(SB), Y0, Y1 // x >= -708 (false for NaN)
	VCMPPD    $0x12, expd<>+448(SB), Y0, Y2 // x <= 708
	VANDPD    Y1, Y2, Y1
	VMOVMSKPD Y1, BX
	CMPQ      BX, $15
	JNE       done

	EXP4(Y0, Y3, Y1, X3)
	VMOVUPD     Y0, (DI)(AX*8)
	ADDQ        $4, AX
	DECQ        CX
	JNZ         loop

done:
	VZEROUPPER
	MOVQ AX, ret+32(FP)
	RET

// func tanh4AVX2(dst, src *float32, n int)
//
// For blocks of 4, dst[i] = float32(math.Tanh(float64(src[i]))) by the
// operations of the Go code of math.Tanh (src/math/tanh.go, compiled without
// fused multiply-adds) in its order, all three branches computed and the
// right one kept per value; its exp(2|x|) is math.Exp's FMA path (EXP4).
// n is a multiple of 4.
TEXT ·tanh4AVX2(SB), NOSPLIT, $0-24
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ n+16(FP), CX
	XORQ AX, AX
	SHRQ $2, CX
	JZ   tanhdone

tanhloop:
	VCVTPS2PD (SI)(AX*4), Y0           // x
	VANDPD    expd<>+800(SB), Y0, Y1   // z = |x|
	// z >= 0.625: 1 − 2/(exp(2z) + 1), with the sign of x
	VADDPD    Y1, Y1, Y2               // 2z (= 2·z exactly)
	EXP4(Y2, Y5, Y3, X5)
	VADDPD    expd<>+352(SB), Y2, Y2   // s + 1
	VMOVUPD   expd<>+384(SB), Y3
	VDIVPD    Y2, Y3, Y3               // 2/(s+1)
	VMOVUPD   expd<>+352(SB), Y2
	VSUBPD    Y3, Y2, Y2               // 1 − 2/(s+1)
	VANDPD    expd<>+768(SB), Y0, Y6   // sign of x
	VXORPD    Y6, Y2, Y2               // mid
	// z < 0.625: x + x·s·P(s)/Q(s), s = x·x
	VMULPD    Y0, Y0, Y4               // s
	VMULPD    expd<>+576(SB), Y4, Y3   // P0·s
	VADDPD    expd<>+608(SB), Y3, Y3   // + P1
	VMULPD    Y4, Y3, Y3               // ·s
	VADDPD    expd<>+640(SB), Y3, Y3   // + P2
	VADDPD    expd<>+672(SB), Y4, Y5   // s + Q0
	VMULPD    Y4, Y5, Y5               // ·s
	VADDPD    expd<>+704(SB), Y5, Y5   // + Q1
	VMULPD    Y4, Y5, Y5               // ·s
	VADDPD    expd<>+736(SB), Y5, Y5   // + Q2
	VMULPD    Y4, Y0, Y7               // x·s
	VMULPD    Y3, Y7, Y7               // ·P
	VDIVPD    Y5, Y7, Y7               // /Q
	VADDPD    Y7, Y0, Y7               // small: x + …
	// choose: small, mid where z >= 0.625, ±1 where z > 0.5·MAXLOG, x where x == 0
	VCMPPD    $0x1d, expd<>+544(SB), Y1, Y3 // z >= 0.625
	VBLENDVPD Y3, Y2, Y7, Y7
	VMOVUPD   expd<>+352(SB), Y2
	VORPD     Y6, Y2, Y2               // ±1
	VCMPPD    $0x1e, expd<>+512(SB), Y1, Y3 // z > 0.5·MAXLOG
	VBLENDVPD Y3, Y2, Y7, Y7
	VXORPD    Y3, Y3, Y3
	VCMPPD    $0x00, Y3, Y0, Y3        // x == 0
	VBLENDVPD Y3, Y0, Y7, Y7
	VCVTPD2PSY Y7, X7
	VMOVUPS   X7, (DI)(AX*4)
	ADDQ      $4, AX
	DECQ      CX
	JNZ       tanhloop

tanhdone:
	VZEROUPPER
	RET
