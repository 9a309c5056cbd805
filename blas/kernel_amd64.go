//go:build amd64 && !purego

package blas

import "golang.org/x/sys/cpu"

//go:noescape
func sgemmKern6x16AVX2(k int, a, b, c *float32, ldc int, alpha, beta float32)

func kern6x16AVX2(k int, a, b, c []float32, ldc int, alpha, beta float32) {
	// Bounds checks once per tile, so the assembly stays in range.
	_ = a[6*k-1]
	_ = b[16*k-1]
	_ = c[5*ldc+15]
	sgemmKern6x16AVX2(k, &a[0], &b[0], &c[0], ldc, alpha, beta)
}

//go:noescape
func sgemmKern4x16AVX2(k int, a, b, c *float32, ldc int, alpha, beta float32)

func kern4x16AVX2(k int, a, b, c []float32, ldc int, alpha, beta float32) {
	_ = a[4*k-1]
	_ = b[16*k-1]
	_ = c[3*ldc+15]
	sgemmKern4x16AVX2(k, &a[0], &b[0], &c[0], ldc, alpha, beta)
}

//go:noescape
func sgemmKern1x64AVX2(k int, a *float32, astride int, b *float32, bstride int, c *float32)

// row64AVX2 multiplies one packed row (values astride apart) by four
// consecutive packed panels of B (bstride floats apart) into c[0:64].
func row64AVX2(k int, a []float32, astride int, b []float32, bstride int, c []float32) {
	_ = a[(k-1)*astride]
	_ = b[3*bstride+16*k-1]
	_ = c[63]
	sgemmKern1x64AVX2(k, &a[0], astride, &b[0], bstride, &c[0])
}

//go:noescape
func sgemmKern2x32AVX2(k int, a *float32, astride int, b *float32, bstride int, c *float32)

// rows2x32AVX2 multiplies two packed rows by two consecutive B panels into
// c[0:64], row-major.
func rows2x32AVX2(k int, a []float32, astride int, b []float32, bstride int, c []float32) {
	_ = a[(k-1)*astride+1]
	_ = b[bstride+16*k-1]
	_ = c[63]
	sgemmKern2x32AVX2(k, &a[0], astride, &b[0], bstride, &c[0])
}

var (
	avx2Tail   = kernel{name: "avx2-4x16", mr: 4, nr: 16, fn: kern4x16AVX2, row64: row64AVX2, rows2x32: rows2x32AVX2}
	avx2Kernel = kernel{name: "avx2-6x16", mr: 6, nr: 16, fn: kern6x16AVX2, tail: &avx2Tail}
)

// avx512Kernel is 8 rows of one 16-float register each; its last panels
// of up to 4 rows, and those of one or two rows, go through the AVX2 tail
// kernels. Every element is one FMA chain over the depth in order, as in
// the AVX2 kernels, so all kernels give the same bits (TestKernelsSameBits).
var avx512Kernel = kernel{name: "avx512-8x16", mr: 8, nr: 16, fn: kern8x16AVX512, tail: &avx512Tail}

// avx512Tail is the AVX2 4×16 tail with, for a last panel of three or four
// rows (a served batch of a few sentences), the AVX-512 4×32 kernel.
var avx512Tail = kernel{name: "avx2-4x16", mr: 4, nr: 16, fn: kern4x16AVX2, row64: row64AVX2, rows2x32: rows2x32AVX2, rows4x32: rows4x32AVX512}

//go:noescape
func sgemmKern4x32AVX512(k int, a *float32, astride int, b *float32, bstride int, c *float32)

// rows4x32AVX512 multiplies the four rows of a packed panel (values astride
// apart) by two consecutive B panels into c[0:128], row-major.
func rows4x32AVX512(k int, a []float32, astride int, b []float32, bstride int, c []float32) {
	_ = a[(k-1)*astride+3]
	_ = b[bstride+16*k-1]
	_ = c[127]
	sgemmKern4x32AVX512(k, &a[0], astride, &b[0], bstride, &c[0])
}

// archKernels lists the kernels of this CPU, best first: AVX-512 where the
// CPU and the operating system support it (x/sys/cpu checks both), else
// AVX2 with FMA.
func archKernels() []kernel {
	var ks []kernel
	if cpu.X86.HasAVX512F && cpu.X86.HasAVX2 && cpu.X86.HasFMA {
		ks = append(ks, avx512Kernel)
	}
	if cpu.X86.HasAVX2 && cpu.X86.HasFMA {
		ks = append(ks, avx2Kernel)
	}
	return ks
}

//go:noescape
func sgemmKern8x16AVX512(k int, a, b, c *float32, ldc int, alpha, beta float32)

func kern8x16AVX512(k int, a, b, c []float32, ldc int, alpha, beta float32) {
	_ = a[8*k-1]
	_ = b[16*k-1]
	_ = c[7*ldc+15]
	sgemmKern8x16AVX512(k, &a[0], &b[0], &c[0], ldc, alpha, beta)
}
