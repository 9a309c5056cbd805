//go:build amd64 && !purego

package blas

import "golang.org/x/sys/cpu"

var hasAVX2FMA = cpu.X86.HasAVX2 && cpu.X86.HasFMA

// vecBody is how many leading elements the assembly handles (8 per step).
func vecBody(n int) int {
	if !hasAVX2FMA {
		return 0
	}
	return n &^ 7
}

//go:noescape
func sigmoid8AVX2(dst, src *float32, n int)

//go:noescape
func tanh8AVX2(dst, src *float32, n int)

// sigmoidVec and tanhVec need len(dst) == len(src), a multiple of 8.
func sigmoidVec(dst, src []float32) {
	_ = dst[len(src)-1]
	sigmoid8AVX2(&dst[0], &src[0], len(src))
}

func tanhVec(dst, src []float32) {
	_ = dst[len(src)-1]
	tanh8AVX2(&dst[0], &src[0], len(src))
}
