//go:build amd64 && !purego

package blas

import "math"

// useExpVec: the vector loop repeats math.Exp's FMA path, which the Go
// runtime takes when the CPU has AVX and FMA (GODEBUG=cpu.avx=off clears
// AVX for both the runtime and x/sys/cpu, and so hasAVX2FMA); the check at
// start against math.Exp itself guards against a Go release whose Exp
// computes otherwise (-3.0729883 rounds differently on its two paths).
var useExpVec = hasAVX2FMA && expVecAgrees()

//go:noescape
func expShifted4AVX2(dst *float64, src *float32, n int, shift float64) int

// expShifted4 runs the vector loop over whole blocks of 4 and returns how
// many values it did (it stops at a block it must leave to math.Exp).
func expShifted4(dst []float64, src []float32, shift float64) int {
	return expShifted4AVX2(&dst[0], &src[0], len(dst), shift)
}

// expVecAgrees runs the vector loop on a few arguments and
// reports whether it matches the math.Exp this process runs (one of them,
// −3.0729883, is enough to tell the FMA path from the plain one).
func expVecAgrees() bool {
	if !hasAVX2FMA {
		return false
	}
	src := []float32{-3.0729883, 0.5, -1.25, 7.75, -20.1, 3.3, -0.001, 100.5}
	dst := make([]float64, len(src))
	if expShifted4(dst, src, 0) != len(src) {
		return false
	}
	for i, x := range src {
		if math.Float64bits(dst[i]) != math.Float64bits(math.Exp(float64(x))) {
			return false
		}
	}
	return true
}

//go:noescape
func tanh4AVX2(dst, src *float32, n int)

// useTanhVec: the vector tanh repeats math.Tanh's Go code (which the amd64
// compiler builds without fused multiply-adds at any GOAMD64) and its exp
// is the loop above, hence useExpVec; checked at start against the
// math.Tanh this process runs.
var useTanhVec = useExpVec && tanhVecAgrees()

func tanh4(dst, src []float32) { tanh4AVX2(&dst[0], &src[0], len(dst)) }

// tanhVecAgrees compares the vector tanh with math.Tanh on arguments of
// each branch, among them some whose float32 result depends on the last
// bits of the float64 one.
func tanhVecAgrees() bool {
	src := []float32{0.1, -0.3, 0.6249, -0.625, 0.7, 3.1, -20, 50, 0, -1e-20, 0.2, 1.3}
	dst := make([]float32, len(src))
	tanh4(dst, src)
	for i, x := range src {
		if math.Float32bits(dst[i]) != math.Float32bits(float32(math.Tanh(float64(x)))) {
			return false
		}
	}
	return true
}
