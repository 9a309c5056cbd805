//go:build amd64 && !purego

package blas

//go:noescape
func add8AVX2(dst, src *float32, n int)

//go:noescape
func mul8AVX2(dst, a, b *float32, n int)

//go:noescape
func tanhBackward8AVX2(dst, dh, y *float32, n int)

func tanhBackward8(dst, dh, y []float32) { tanhBackward8AVX2(&dst[0], &dh[0], &y[0], len(dst)) }

//go:noescape
func lstmCell8AVX2(c, f, cprev, in, cand *float32, n int)

//go:noescape
func lstmBackward8AVX2(n, h int, dp, a, tc, cp, dc, dh *float32)

// The wrappers take slices of equal length, a multiple of 8 (vecBody).
func add8(dst, src []float32)  { add8AVX2(&dst[0], &src[0], len(dst)) }
func mul8(dst, a, b []float32) { mul8AVX2(&dst[0], &a[0], &b[0], len(dst)) }
func lstmCell8(c, f, cprev, i, g []float32) {
	lstmCell8AVX2(&c[0], &f[0], &cprev[0], &i[0], &g[0], len(c))
}
func lstmBackward8(n, h int, dp, a, tc, cp, dc, dh *float32) {
	lstmBackward8AVX2(n, h, dp, a, tc, cp, dc, dh)
}
