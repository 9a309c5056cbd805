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

// vadd sets dst[j] += src[j] (blas.Add32 for float32: the same bits,
// vectorised).
func vadd[T floats](dst, src []T) {
	if d, ok := any(dst).([]float32); ok {
		blas.Add32(d, any(src).([]float32))
		return
	}
	src = src[:len(dst)]
	for j := range dst {
		dst[j] += src[j]
	}
}

// vmul sets dst[j] = a[j]·b[j].
func vmul[T floats](dst, a, b []T) {
	if d, ok := any(dst).([]float32); ok {
		blas.Mul32(d, any(a).([]float32), any(b).([]float32))
		return
	}
	for j := range dst {
		dst[j] = a[j] * b[j]
	}
}

// vtanhBackward sets dst[j] = dh[j]·(1 − y[j]²), as activateGrad for tanh.
func vtanhBackward[T floats](dst, dh, y []T) {
	if d, ok := any(dst).([]float32); ok {
		blas.TanhBackward32(d, any(dh).([]float32), any(y).([]float32))
		return
	}
	for j := range dst {
		dst[j] = dh[j] * (1 - T(y[j]*y[j]))
	}
}

// vlstmCell sets the LSTM cell c[j] = f[j]·cprev[j] + i[j]·g[j].
func vlstmCell[T floats](c, f, cprev, i, g []T) {
	if d, ok := any(c).([]float32); ok {
		blas.LSTMCell32(d, any(f).([]float32), any(cprev).([]float32), any(i).([]float32), any(g).([]float32))
		return
	}
	for j := range c {
		c[j] = T(f[j]*cprev[j]) + T(i[j]*g[j])
	}
}

// vlstmBackward is blas.LSTMBackward32 for both float types: the gate
// gradients dp of one row from its activated gates a, tanh of its cell tc,
// the previous cell cp and the gradients dc (updated) and dh.
func vlstmBackward[T floats](dp, a, tc, cp, dc, dh []T, H int) {
	if d, ok := any(dp).([]float32); ok {
		blas.LSTMBackward32(d, any(a).([]float32), any(tc).([]float32), any(cp).([]float32), any(dc).([]float32), any(dh).([]float32), H)
		return
	}
	for j := 0; j < H; j++ {
		i, f, g, og := a[j], a[H+j], a[2*H+j], a[3*H+j]
		dct := dc[j] + T(T(dh[j]*og)*(1-T(tc[j]*tc[j])))
		dp[j] = dct * g * i * (1 - i)
		dp[H+j] = dct * cp[j] * f * (1 - f)
		dp[2*H+j] = dct * i * (1 - T(g*g))
		dp[3*H+j] = dh[j] * tc[j] * og * (1 - og)
		dc[j] = dct * f
	}
}

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
