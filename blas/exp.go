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
