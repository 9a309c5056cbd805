//go:build amd64 && !purego

package blas

import (
	"math"

	"golang.org/x/sys/cpu"
)

// useExpVec: the vector loop repeats math.Exp's FMA path, which the Go
// runtime takes when its own CPU flags say AVX and FMA (GODEBUG=cpu.avx=off
// clears the runtime's AVX but not x/sys/cpu's, hence the check at start
// against math.Exp itself).
var useExpVec = hasAVX2FMA && cpu.X86.HasAVX && expVecAgrees()

//go:noescape
func expShifted4AVX2(dst *float64, src *float32, n int, shift float64) int

// expShifted4 runs the vector loop over whole blocks of 4 and returns how
// many values it did (it stops at a block it must leave to math.Exp).
func expShifted4(dst []float64, src []float32, shift float64) int {
	return expShifted4AVX2(&dst[0], &src[0], len(dst), shift)
}

// expVecAgrees runs the vector loop on a few arguments whose exponentials
// differ in the last bit between math.Exp's FMA and plain paths, and
// reports whether it matches the math.Exp this process runs.
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
