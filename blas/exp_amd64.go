//go:build amd64 && !purego

package blas

// useExpVec: the vector exp repeats math.Exp's FMA path, which the Go
// runtime takes on CPUs with AVX and FMA; AVX2 and FMA imply both.
var useExpVec = hasAVX2FMA

//go:noescape
func expShifted4AVX2(dst *float64, src *float32, n int, shift float64) int

// expShifted4 runs the vector loop over whole blocks of 4 and returns how
// many values it did (it stops at a block it must leave to math.Exp).
func expShifted4(dst []float64, src []float32, shift float64) int {
	return expShifted4AVX2(&dst[0], &src[0], len(dst), shift)
}
