//go:build amd64 && !purego

package blas

import "golang.org/x/sys/cpu"

var (
	hasAVX2FMA = cpu.X86.HasAVX && cpu.X86.HasAVX2 && cpu.X86.HasFMA // GODEBUG=cpu.avx=off clears HasAVX, not HasAVX2
	// hasAVX512 selects the 16-wide routines (AVX512DQ for VPMOVD2M).
	hasAVX512 = hasAVX2FMA && cpu.X86.HasAVX512F && cpu.X86.HasAVX512DQ
)

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

//go:noescape
func sigmoid16AVX512(dst, src *float32, n int)

//go:noescape
func tanh16AVX512(dst, src *float32, n int)

// sigmoidVec and tanhVec need len(dst) == len(src), a multiple of 8.
func sigmoidVec(dst, src []float32) { vecWide(dst, src, sigmoid16AVX512, sigmoid8AVX2) }

func tanhVec(dst, src []float32) { vecWide(dst, src, tanh16AVX512, tanh8AVX2) }

// vecWide runs w16 over the values 16 at a time with AVX-512, and w8 over
// the last 8 (or over all, without AVX-512).
func vecWide(dst, src []float32, w16, w8 func(dst, src *float32, n int)) {
	_ = dst[len(src)-1]
	n := 0
	if hasAVX512 {
		if n = len(src) &^ 15; n > 0 {
			w16(&dst[0], &src[0], n)
		}
	}
	if n < len(src) {
		w8(&dst[n], &src[n], len(src)-n)
	}
}

//go:noescape
func adam8AVX2(wp, gp, mp, vp *float32, n int, c *AdamCoef32)

// adam8 needs len(w) a multiple of 8.
func adam8(w, g, m, v []float32, c *AdamCoef32) {
	adam8AVX2(&w[0], &g[0], &m[0], &v[0], len(w), c)
}
