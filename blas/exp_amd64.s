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
GLOBL expd<>(SB), RODATA|NOPTR, $512

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

	VMULPD      expd<>+0(SB), Y0, Y1       // x·log2(e)
	VCVTPD2DQY  Y1, X3                     // k, rounded to nearest
	VCVTDQ2PD   X3, Y1
	VFNMADD231PD expd<>+32(SB), Y1, Y0     // x −= k·LN2U
	VFNMADD231PD expd<>+64(SB), Y1, Y0     // x −= k·LN2L
	VMULPD      expd<>+96(SB), Y0, Y0      // x /= 16
	VMOVUPD     expd<>+128(SB), Y1         // Taylor series (Horner)
	VFMADD213PD expd<>+160(SB), Y0, Y1
	VFMADD213PD expd<>+192(SB), Y0, Y1
	VFMADD213PD expd<>+224(SB), Y0, Y1
	VFMADD213PD expd<>+256(SB), Y0, Y1
	VFMADD213PD expd<>+288(SB), Y0, Y1
	VFMADD213PD expd<>+320(SB), Y0, Y1
	VFMADD213PD expd<>+352(SB), Y0, Y1
	VMULPD      Y1, Y0, Y0                 // e^x − 1 for x/16, squared up four times:
	VADDPD      expd<>+384(SB), Y0, Y1     // y ← y·(y + 2)
	VMULPD      Y1, Y0, Y0
	VADDPD      expd<>+384(SB), Y0, Y1
	VMULPD      Y1, Y0, Y0
	VADDPD      expd<>+384(SB), Y0, Y1
	VMULPD      Y1, Y0, Y0
	VADDPD      expd<>+384(SB), Y0, Y1
	VFMADD213PD expd<>+352(SB), Y1, Y0     // the last one adds 1 in the same rounding
	VPMOVSXDQ   X3, Y3                     // · 2^k
	VPADDQ      expd<>+480(SB), Y3, Y3
	VPSLLQ      $52, Y3, Y3
	VMULPD      Y3, Y0, Y0
	VMOVUPD     Y0, (DI)(AX*8)
	ADDQ        $4, AX
	DECQ        CX
	JNZ         loop

done:
	VZEROUPPER
	MOVQ AX, ret+32(FP)
	RET
