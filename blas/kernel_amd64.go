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

var (
	avx2Tail   = kernel{name: "avx2-4x16", mr: 4, nr: 16, fn: kern4x16AVX2}
	avx2Kernel = kernel{name: "avx2-6x16", mr: 6, nr: 16, fn: kern6x16AVX2, tail: &avx2Tail}
)

func archKernels() []kernel {
	if cpu.X86.HasAVX2 && cpu.X86.HasFMA {
		return []kernel{avx2Kernel}
	}
	return nil
}
