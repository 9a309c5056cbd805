package graph

import (
	"math"

	"github.com/rnnzoo/rnnzoo/blas"
	gblas "gonum.org/v1/gonum/blas"
	G "gorgonia.org/gorgonia"
)

// gemm computes C = alpha·op(A)·op(B) + beta·C on row-major slices through
// the BLAS that Gorgonia uses (G.Use selects it), for float32 or float64.
func gemm[T floats](tA, tB bool, m, n, k int, alpha T, a []T, lda int, b []T, ldb int, beta T, c []T, ldc int) {
	if m == 0 || n == 0 {
		return
	}
	ta, tb := gblas.NoTrans, gblas.NoTrans
	if tA {
		ta = gblas.Trans
	}
	if tB {
		tb = gblas.Trans
	}
	impl := G.WhichBLAS()
	switch av := any(a).(type) {
	case []float32:
		impl.Sgemm(ta, tb, m, n, k, float32(alpha), av, lda, any(b).([]float32), ldb, float32(beta), any(c).([]float32), ldc)
	case []float64:
		impl.Dgemm(ta, tb, m, n, k, float64(alpha), av, lda, any(b).([]float64), ldb, float64(beta), any(c).([]float64), ldc)
	}
}

// Elementwise activations in the kernels' precision.
func sigm[T floats](x T) T {
	if x >= 0 {
		return T(1 / (1 + math.Exp(-float64(x))))
	}
	e := math.Exp(float64(x))
	return T(e / (1 + e))
}

func tanhf[T floats](x T) T { return T(math.Tanh(float64(x))) }

// vsigmoid and vtanh apply σ and tanh in place; float32 slices go through
// the vectorised kernels of package blas, float64 ones through math.
func vsigmoid[T floats](x []T) {
	if f, ok := any(x).([]float32); ok {
		blas.Sigmoid32(f, f)
		return
	}
	for i, v := range x {
		x[i] = sigm(v)
	}
}

func vtanh[T floats](x []T) { vtanhTo(x, x) }

// vtanhTo sets dst = tanh(src).
func vtanhTo[T floats](dst, src []T) {
	if f, ok := any(src).([]float32); ok {
		blas.Tanh32(any(dst).([]float32), f)
		return
	}
	for i, v := range src {
		dst[i] = tanhf(v)
	}
}
