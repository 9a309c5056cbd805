package blas

import "math"

// ExpShifted64 sets dst[i] = math.Exp(float64(src[i]) − shift) for
// i < len(dst) (src must be as long), with math.Exp's bits: on amd64 CPUs
// with AVX2 and FMA, four values a step by the very operations of the Go
// runtime's math.Exp there (its FMA path, in its order), and any block with
// an argument outside [−708, 708], or NaN, by math.Exp itself. The
// softmax and log-sum-exp of package graph's output layer call it, so
// vectorising them changes no result (TestExpShifted64SameBits).
func ExpShifted64(dst []float64, src []float32, shift float64) {
	src = src[:len(dst)]
	i := 0
	for useExpVec && len(dst)-i >= 4 {
		i += expShifted4(dst[i:], src[i:], shift)
		if len(dst)-i < 4 {
			break
		}
		for j := i; j < i+4; j++ { // a block outside the vector loop's range
			dst[j] = math.Exp(float64(src[j]) - shift)
		}
		i += 4
	}
	for ; i < len(dst); i++ {
		dst[i] = math.Exp(float64(src[i]) - shift)
	}
}

// TanhExact32 sets dst[i] = float32(math.Tanh(float64(src[i]))) for
// i < len(dst) (src must be as long; dst may be src), with those bits: on
// amd64 CPUs with AVX2 and FMA four values a step by the operations of
// math.Tanh's Go code in its order (its exp by ExpShifted64's loop), the
// rest by math.Tanh. Unlike Tanh32 (a faster float32 approximation within
// 2e-7), it changes no result of code written with math.Tanh: the additive
// attention of package graph uses it (TestTanhExact32SameBits).
func TanhExact32(dst, src []float32) {
	src = src[:len(dst)]
	n := 0
	if useTanhVec {
		n = len(dst) &^ 3
		if n > 0 {
			tanh4(dst[:n], src[:n])
		}
	}
	for i := n; i < len(dst); i++ {
		dst[i] = float32(math.Tanh(float64(src[i])))
	}
}
