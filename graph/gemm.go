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

// stepProduct multiplies the state of every step of a sequence by the
// recurrent weights U (k×n). With rnnzoo's Go kernels (blas.Implementation)
// and float32, U is packed once for all the steps instead of once per step
// (blas.PackedB); the results are the same bits either way.
type stepProduct[T floats] struct {
	k, n   int
	u      []T
	impl   blas.Implementation
	packed *blas.PackedB
}

func newStepProduct[T floats](k, n int, u []T) stepProduct[T] {
	p := stepProduct[T]{k: k, n: n, u: u}
	if u32, ok := any(u).([]float32); ok {
		if impl, ok := G.WhichBLAS().(blas.Implementation); ok {
			p.impl, p.packed = impl, impl.PackB(false, k, n, u32, n)
		}
	}
	return p
}

// mul computes C = A·U + beta·C for the m×k matrix A.
func (p stepProduct[T]) mul(m int, a []T, beta T, c []T) {
	if p.packed == nil {
		gemm(false, false, m, p.n, p.k, 1, a, p.k, p.u, p.n, beta, c, p.n)
		return
	}
	p.impl.SgemmPacked(false, m, 1, any(a).([]float32), p.k, p.packed, float32(beta), any(c).([]float32), p.n)
}

func (p stepProduct[T]) release() { p.packed.Release() }
