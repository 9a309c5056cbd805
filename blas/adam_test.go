package blas

import (
	"math"
	"math/rand/v2"
	"testing"
)

// Adam32 gives the scalar update's bits at every length (vector body and
// tail), with and without coupled weight decay, over gradients from tiny
// to huge, for 20 steps in a row.
func TestAdam32SameBits(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for _, l2 := range []float32{0, float32(math.Copysign(0, -1)), 1e-4} {
		for _, n := range []int{1, 7, 8, 9, 64, 1000, 1003} {
			w, g := make([]float32, n), make([]float32, n)
			m1, v1, m2, v2 := make([]float32, n), make([]float32, n), make([]float32, n), make([]float32, n)
			for i := range w {
				w[i] = float32(rng.NormFloat64() * 0.1)
			}
			w2 := append([]float32(nil), w...)
			for step := 1; step <= 20; step++ {
				for i := range g {
					g[i] = float32(rng.NormFloat64() * math.Pow(10, float64(rng.IntN(12)-8)))
				}
				lr := 1e-3
				c := &AdamCoef32{B1: 0.9, B2: 0.999, OB1: float32(1 - 0.9), OB2: float32(1 - 0.999),
					Step: float32(lr / (1 - math.Pow(0.9, float64(step)))), BC2: float32(math.Sqrt(1 - math.Pow(0.999, float64(step)))),
					Eps: 1e-8, Decay: float32(1 - lr*0.01), L2: l2}
				Adam32(w, g, m1, v1, c)
				adamScalar(w2, g, m2, v2, c)
				for i := range w {
					if math.Float32bits(w[i]) != math.Float32bits(w2[i]) || math.Float32bits(m1[i]) != math.Float32bits(m2[i]) || math.Float32bits(v1[i]) != math.Float32bits(v2[i]) {
						t.Fatalf("l2 %v n %d step %d element %d: w %v m %v v %v, scalar %v %v %v", l2, n, step, i, w[i], m1[i], v1[i], w2[i], m2[i], v2[i])
					}
				}
			}
		}
	}
	// Non-finite gradients give non-finite results in the same places
	// (NaN payloads aside).
	{
		w, g := []float32{1, 2, 3, 4, 5, 6, 7, 8, 9}, []float32{float32(math.NaN()), float32(math.Inf(1)), float32(math.Inf(-1)), 0, 1, float32(math.NaN()), 0, 0, float32(math.Inf(1))}
		m, v := make([]float32, 9), make([]float32, 9)
		w2, m2, v2 := append([]float32(nil), w...), make([]float32, 9), make([]float32, 9)
		c := &AdamCoef32{B1: 0.9, B2: 0.999, OB1: 0.1, OB2: 0.001, Step: 1e-3, BC2: 0.5, Eps: 1e-8, Decay: 1}
		Adam32(w, g, m, v, c)
		adamScalar(w2, g, m2, v2, c)
		for i := range w {
			for _, p := range [][2]float32{{w[i], w2[i]}, {m[i], m2[i]}, {v[i], v2[i]}} {
				a, b := p[0], p[1]
				if math.IsNaN(float64(a)) != math.IsNaN(float64(b)) || (!math.IsNaN(float64(a)) && a != b) {
					t.Fatalf("gradient %v: %v against the scalar %v", g[i], a, b)
				}
			}
		}
	}
	t.Logf("vector loop in use: %v", vecBody(8) == 8)
	// A million second moments from random bit patterns (every
	// magnitude): the vector square root (float32's) and the scalar one
	// (float64's rounded to float32) agree, and so does the whole update.
	const n = 1 << 20
	w, g, m, v := make([]float32, n), make([]float32, n), make([]float32, n), make([]float32, n)
	for i := range v {
		v[i] = math.Float32frombits(rng.Uint32() & 0x7f7fffff) // finite, ≥ 0
		m[i] = float32(rng.NormFloat64())
		w[i] = float32(rng.NormFloat64())
	}
	w2, m2, v2 := append([]float32(nil), w...), append([]float32(nil), m...), append([]float32(nil), v...)
	c := &AdamCoef32{B1: 0.9, B2: 0.999, OB1: float32(1 - 0.9), OB2: float32(1 - 0.999), Step: 1e-3, BC2: 0.5, Eps: 1e-8, Decay: 1}
	Adam32(w, g, m, v, c)
	adamScalar(w2, g, m2, v2, c)
	for i := range w {
		if math.Float32bits(w[i]) != math.Float32bits(w2[i]) {
			t.Fatalf("v %v: w %v, scalar %v", v2[i], w[i], w2[i])
		}
	}
}
