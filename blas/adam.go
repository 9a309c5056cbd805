package blas

import "math"

// AdamCoef32 are the per-step coefficients of an Adam update in float32
// (package train computes them): B1, B2 the moment decays, OB1 = 1−B1,
// OB2 = 1−B2, Step = lr/(1−β1^t), BC2 = √(1−β2^t), Eps, Decay the
// decoupled weight decay factor (1 − lr·wd, or 1), L2 the coupled weight
// decay (or 0).
type AdamCoef32 struct {
	B1, B2, OB1, OB2, Step, BC2, Eps, Decay, L2 float32
}

// Adam32 applies one Adam update to w from the gradient g and the moments
// m and v (all as long as w), element by element:
//
//	g' = g + L2·w,  m = B1·m + OB1·g',  v = B2·v + OB2·g'·g',
//	w  = w·Decay − Step·m / (√v / BC2 + Eps)
//
// each operation rounded to float32 in this order (the square root of
// float32 rounding the same as float64's rounded to float32). With AVX2, 8
// elements a step by the same operations, so the same bits
// (TestAdam32SameBits); of two NaN operands the two paths may keep
// different payloads (still NaN).
func Adam32(w, g, m, v []float32, c *AdamCoef32) {
	g, m, v = g[:len(w)], m[:len(w)], v[:len(w)]
	n := vecBody(len(w))
	if n > 0 {
		adam8(w[:n], g[:n], m[:n], v[:n], c)
	}
	adamScalar(w[n:], g[n:], m[n:], v[n:], c)
}

// adamScalar is Adam32's update in Go, the vector loop's reference.
func adamScalar(w, g, m, v []float32, c *AdamCoef32) {
	for j := range w {
		gj := g[j]
		if c.L2 != 0 {
			gj += float32(c.L2 * w[j])
		}
		m[j] = float32(c.B1*m[j]) + float32(c.OB1*gj)
		v[j] = float32(c.B2*v[j]) + float32(float32(c.OB2*gj)*gj)
		denom := float32(math.Sqrt(float64(v[j])))/c.BC2 + c.Eps
		w[j] = float32(w[j]*c.Decay) - float32(c.Step*m[j])/denom
	}
}
