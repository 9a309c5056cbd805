package blas

import (
	"math"
	"math/rand"
	"testing"
)

// vecInputs is a dense sweep of [-20, 20], powers of ten up to ±1e4 and
// beyond, the region where exp is clamped, subnormals, ±0, ±Inf, and random
// values; len is not a multiple of 8 so both the vector body and the scalar
// tail run.
func vecInputs() []float32 {
	var xs []float32
	for x := -20.0; x <= 20; x += 1.0 / 1024 {
		xs = append(xs, float32(x))
	}
	for e := -10; e <= 4; e++ {
		for _, m := range []float64{1, 1.5, 3, 7.7} {
			v := m * math.Pow(10, float64(e))
			xs = append(xs, float32(v), float32(-v))
		}
	}
	for x := 40.0; x <= 100; x += 0.125 {
		xs = append(xs, float32(x), float32(-x))
	}
	xs = append(xs, 1e4, -1e4, 1e30, -1e30, math.MaxFloat32, -math.MaxFloat32,
		float32(math.Inf(1)), float32(math.Inf(-1)), 0, float32(math.Copysign(0, -1)),
		math.SmallestNonzeroFloat32, -math.SmallestNonzeroFloat32, 1e-38, -1e-38)
	r := rand.New(rand.NewSource(3))
	for i := 0; i < 10000; i++ {
		xs = append(xs, float32(r.NormFloat64()*8))
	}
	if len(xs)%8 == 0 {
		xs = append(xs, 0.1)
	}
	return xs
}

const vecTol = 2e-7

func checkVec(t *testing.T, name string, f func(dst, src []float32), ref func(float64) float64) {
	xs := vecInputs()
	got := make([]float32, len(xs))
	f(got, xs)
	worst, at := 0.0, float32(0)
	for i, x := range xs {
		want := ref(float64(x))
		g := float64(got[i])
		if math.IsNaN(g) || math.IsInf(g, 0) {
			t.Fatalf("%s(%g) = %v", name, x, g)
		}
		if d := math.Abs(g - want); d > worst {
			worst, at = d, x
		}
	}
	if worst > vecTol {
		t.Fatalf("%s: max abs error %g at x=%g, want <= %g", name, worst, at, vecTol)
	}
	t.Logf("%s: max abs error %.3g at x=%g over %d inputs", name, worst, at, len(xs))

	// In place, and every length 0..40 (vector body + scalar tail agree).
	in := append([]float32(nil), xs...)
	f(in, in)
	for i := range in {
		if in[i] != got[i] {
			t.Fatalf("%s in place differs at %d", name, i)
		}
	}
	for n := 0; n <= 40; n++ {
		d := make([]float32, n)
		f(d, xs[100:100+n])
		for i := range d {
			// The scalar tail may differ from the FMA vector body in the last bit.
			if w := got[100+i]; math.Abs(float64(d[i]-w)) > 1e-6*math.Abs(float64(w)) {
				t.Fatalf("%s len %d: [%d] = %v, want %v", name, n, i, d[i], got[100+i])
			}
		}
	}
	// NaN in, NaN out, neighbours untouched.
	nan := []float32{1, 2, 3, float32(math.NaN()), 5, 6, 7, 8, float32(math.NaN())}
	out := make([]float32, len(nan))
	f(out, nan)
	for i, v := range out {
		if isNaN := v != v; isNaN != (i == 3 || i == 8) {
			t.Fatalf("%s NaN handling: out[%d] = %v", name, i, v)
		}
	}
}

func sigmoid64(x float64) float64 {
	if x >= 0 {
		return 1 / (1 + math.Exp(-x))
	}
	e := math.Exp(x)
	return e / (1 + e)
}

func TestSigmoid32(t *testing.T) { checkVec(t, "Sigmoid32", Sigmoid32, sigmoid64) }
func TestTanh32(t *testing.T)    { checkVec(t, "Tanh32", Tanh32, math.Tanh) }

// The scalar path (used for tails and on CPUs without AVX2) meets the same
// bound on its own.
func TestSigmoidTanhScalar(t *testing.T) {
	scalar := func(f func(float32) float32) func(dst, src []float32) {
		return func(dst, src []float32) {
			for i, x := range src {
				dst[i] = f(x)
			}
		}
	}
	checkVec(t, "sigmoid32", scalar(sigmoid32), sigmoid64)
	checkVec(t, "tanh32", scalar(tanh32), math.Tanh)
}

func TestSigmoidTanhMonotoneLimits(t *testing.T) {
	xs := []float32{-1e4, -100, -50, 50, 100, 1e4}
	s := make([]float32, len(xs))
	th := make([]float32, len(xs))
	Sigmoid32(s, xs)
	Tanh32(th, xs)
	for i, x := range xs {
		if x > 0 && (s[i] != 1 || th[i] != 1) {
			t.Errorf("x=%g: sigmoid %v tanh %v, want 1, 1", x, s[i], th[i])
		}
		if x < 0 && (s[i] < 0 || s[i] > 1e-20 || th[i] != -1) {
			t.Errorf("x=%g: sigmoid %v tanh %v, want ~0, -1", x, s[i], th[i])
		}
	}
}
