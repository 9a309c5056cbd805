//go:build amd64 && !purego

package blas

import (
	"math"
	"testing"
)

// TestVec16SameBits: the AVX-512 sigmoid and tanh give every input the bits
// of the AVX2 ones (same operations, twice as wide), specials included.
func TestVec16SameBits(t *testing.T) {
	if !hasAVX512 {
		t.Skip("this CPU has no AVX-512 (F and DQ)")
	}
	xs := append(vecInputs(), float32(math.Inf(1)), float32(math.Inf(-1)), float32(math.NaN()), float32(math.Copysign(0, -1)), 0, 88.5, -88.5, 1e-30, -1e-30)
	xs = xs[:len(xs)&^15]
	for _, f := range []struct {
		name      string
		avx2, w16 func(dst, src *float32, n int)
	}{{"sigmoid", sigmoid8AVX2, sigmoid16AVX512}, {"tanh", tanh8AVX2, tanh16AVX512}} {
		want, got := make([]float32, len(xs)), make([]float32, len(xs))
		f.avx2(&want[0], &xs[0], len(xs))
		f.w16(&got[0], &xs[0], len(xs))
		for i := range xs {
			if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
				t.Fatalf("%s(%g): AVX-512 %v (%#x), AVX2 %v (%#x)", f.name, xs[i], got[i], math.Float32bits(got[i]), want[i], math.Float32bits(want[i]))
			}
		}
	}
}
