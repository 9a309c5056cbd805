package graph

import (
	"math/rand/v2"
	"testing"

	"gorgonia.org/tensor"
)

// TestPoolForwardSameWithoutArgMax: the inference path of max pooling
// (no backward pass, so no arg max kept) gives the bits of the training
// path, and both give the reference per-feature maximum and mean over the
// real steps.
func TestPoolForwardSameWithoutArgMax(t *testing.T) {
	const nT, B, D = 5, 3, 7
	r := rand.New(rand.NewPCG(1, 2))
	h := make([]float32, nT*B*D)
	for i := range h {
		h[i] = float32(r.NormFloat64())
	}
	// sequence 0 has every step, 1 the first three, 2 none
	m := make([]float32, nT*B)
	for t := 0; t < nT; t++ {
		m[t*B] = 1
		if t < 3 {
			m[t*B+1] = 1
		}
	}
	hv := tensor.New(tensor.WithShape(nT, B, D), tensor.WithBacking(h))
	mv := tensor.New(tensor.WithShape(nT, B), tensor.WithBacking(m))
	for _, mode := range []Pool{PoolMax, PoolMean} {
		infer := &poolOp{mode: mode}
		train := &poolOp{mode: mode, diffed: true}
		a := append([]float32(nil), dataOf[float32](poolForward[float32](infer, hv, mv))...)
		b := dataOf[float32](poolForward[float32](train, hv, mv))
		for k := range a {
			if a[k] != b[k] {
				t.Fatalf("%v: element %d: %v without arg max, %v with", mode, k, a[k], b[k])
			}
		}
		for bi, steps := range []int{nT, 3, 0} {
			for d := 0; d < D; d++ {
				var want float32
				for s := 0; s < steps; s++ {
					v := h[(s*B+bi)*D+d]
					switch {
					case mode == PoolMean:
						want += v
					case s == 0 || v > want:
						want = v
					}
				}
				if mode == PoolMean && steps > 0 {
					want /= float32(steps)
				}
				if got := a[bi*D+d]; got != want {
					t.Errorf("%v: sequence %d feature %d: %v, want %v", mode, bi, d, got, want)
				}
				if mode == PoolMax && steps > 0 {
					if s := train.arg[bi*D+d]; h[(s*B+bi)*D+d] != want {
						t.Errorf("arg max of sequence %d feature %d is step %d", bi, d, s)
					}
				}
			}
		}
	}
}
