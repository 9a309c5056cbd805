package blas

import (
	"math"
	"math/rand/v2"
	"testing"
)

// ExpShifted64 gives math.Exp's bits for every value: ordinary arguments,
// both ends of the vector range and past them (subnormal results, 0, +Inf),
// NaN and infinities, at lengths that leave tails and with blocks that
// must go to math.Exp between vector blocks.
func TestExpShifted64SameBits(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	special := []float32{0, -0, 1, -1, 707.9, 708, 708.01, -708, -708.01, -745.2, -746, 709.7, 709.79, 710, 1e6, -1e6,
		float32(math.NaN()), float32(math.Inf(1)), float32(math.Inf(-1)), 1e-30, -1e-30, math.SmallestNonzeroFloat32}
	for trial := 0; trial < 400; trial++ {
		n := rng.IntN(70)
		src := make([]float32, n)
		for i := range src {
			switch rng.IntN(10) {
			case 0:
				src[i] = special[rng.IntN(len(special))]
			case 1:
				src[i] = float32(rng.NormFloat64() * 300)
			default:
				src[i] = float32(rng.NormFloat64() * 8)
			}
		}
		shift := []float64{0, 3.25, -12.5, 700, rng.NormFloat64() * 10}[trial%5]
		dst := make([]float64, n)
		ExpShifted64(dst, src, shift)
		for i, x := range src {
			want := math.Exp(float64(x) - shift)
			if math.Float64bits(dst[i]) != math.Float64bits(want) && !(math.IsNaN(want) && math.IsNaN(dst[i])) {
				t.Fatalf("exp(%v − %v) = %v (%#x), math.Exp %v (%#x)", x, shift, dst[i], math.Float64bits(dst[i]), want, math.Float64bits(want))
			}
		}
	}
	// A million ordinary arguments, as the softmax sees them.
	src := make([]float32, 1<<20)
	for i := range src {
		src[i] = float32(rng.NormFloat64()*5 - 10)
	}
	dst := make([]float64, len(src))
	ExpShifted64(dst, src, 1.5)
	for i, x := range src {
		if want := math.Exp(float64(x) - 1.5); math.Float64bits(dst[i]) != math.Float64bits(want) {
			t.Fatalf("exp(%v − 1.5) = %v, math.Exp %v", x, dst[i], want)
		}
	}
	t.Logf("vector loop in use: %v", useExpVec)
}

func BenchmarkExpShifted64(b *testing.B) {
	src := make([]float32, 5000)
	for i := range src {
		src[i] = float32(i%97) * -0.1
	}
	dst := make([]float64, len(src))
	b.Run("vector", func(b *testing.B) {
		b.SetBytes(int64(len(src)) * 12)
		for b.Loop() {
			ExpShifted64(dst, src, 0.5)
		}
	})
	b.Run("math.Exp", func(b *testing.B) {
		b.SetBytes(int64(len(src)) * 12)
		for b.Loop() {
			for i, x := range src {
				dst[i] = math.Exp(float64(x) - 0.5)
			}
		}
	})
}

// TanhExact32 gives float32(math.Tanh(float64(x))) bit for bit: each branch
// of math.Tanh and its borders, ±0, NaN, ±Inf, subnormals, and a million
// ordinary values, in place and not.
func TestTanhExact32SameBits(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	src := []float32{0, float32(math.Copysign(0, -1)), 0.625, -0.625, 0.62499994, 44.01, 44.02, -44.02, 88, 1e30, -1e-40,
		float32(math.NaN()), float32(math.Inf(1)), float32(math.Inf(-1)), 1e-8, 0.5, 2, -3}
	for len(src) < 1<<20 {
		switch rng.IntN(4) {
		case 0:
			src = append(src, float32(rng.NormFloat64()*0.3))
		case 1:
			src = append(src, float32(rng.NormFloat64()*20))
		default:
			src = append(src, float32(rng.NormFloat64()*2))
		}
	}
	dst := make([]float32, len(src))
	TanhExact32(dst, src)
	for i, x := range src {
		want := float32(math.Tanh(float64(x)))
		if math.Float32bits(dst[i]) != math.Float32bits(want) && !(want != want && dst[i] != dst[i]) {
			t.Fatalf("tanh(%v) = %v (%#x), math.Tanh %v (%#x)", x, dst[i], math.Float32bits(dst[i]), want, math.Float32bits(want))
		}
	}
	in := append([]float32(nil), src[:1001]...)
	TanhExact32(in, in)
	for i := range in {
		if math.Float32bits(in[i]) != math.Float32bits(dst[i]) && in[i] == in[i] {
			t.Fatalf("in place: tanh(%v) = %v, not %v", src[i], in[i], dst[i])
		}
	}
	t.Logf("vector loop in use: %v", useTanhVec)
}

func BenchmarkTanhExact32(b *testing.B) {
	src := make([]float32, 2560)
	for i := range src {
		src[i] = float32(i%97)*0.05 - 2
	}
	dst := make([]float32, len(src))
	b.Run("vector", func(b *testing.B) {
		for b.Loop() {
			TanhExact32(dst, src)
		}
	})
	b.Run("math.Tanh", func(b *testing.B) {
		for b.Loop() {
			for i, x := range src {
				dst[i] = float32(math.Tanh(float64(x)))
			}
		}
	})
}
