package graph

import (
	"fmt"
	"math/rand/v2"
	"testing"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// Both ways of the backward pass of additive attention: tanh kept from the
// forward pass, and computed again (over attnKeep values).
func TestAttentionGradientCheck(t *testing.T) {
	defer func(k int) { attnKeep = k }(attnKeep)
	for _, keep := range []int{attnKeep, 0} {
		attnKeep = keep
		t.Run(fmt.Sprintf("keep=%d", keep), testAttentionGradientCheck)
	}
}

func testAttentionGradientCheck(t *testing.T) {
	const Tq, Ts, B, D = 3, 4, 2, 3
	for _, kind := range []AttentionKind{Additive, Dot, General} {
		t.Run(kind.String(), func(t *testing.T) {
			ps := NewParams(tensor.Float64, 9)
			att, err := NewAttention(ps, "att", kind, D, D, 5)
			if err != nil {
				t.Fatal(err)
			}
			q := ps.New("q", tensor.Shape{Tq, B, D}, Uniform(1))
			k := ps.New("k", tensor.Shape{Ts, B, D}, Uniform(1))
			b := NewBuilder(ps, true)
			mask := b.Input("mask", Ts, B)
			mask.Set([]float64{1, 1, 1, 1, 1, 0, 1, 0}) // lengths 4 and 2
			var seen []float64
			att.Weights = func(a []float64, _, _, _ int) { seen = a }
			ctx := must(att.Apply(b, b.Param(q), b.Param(k), mask.Node))
			w := b.Input("w", Tq, B, D)
			rng := rand.New(rand.NewPCG(1, 1))
			v := make([]float64, Tq*B*D)
			for i := range v {
				v[i] = rng.NormFloat64()
			}
			w.Set(v)
			loss := must(G.Sum(must(G.HadamardProd(ctx, w.Node))))
			net, err := b.Compile(loss, nil)
			if err != nil {
				t.Fatal(err)
			}
			if worst := gradCheck(t, ps, net, 1e-6); worst > 1e-6 {
				t.Fatalf("worst relative error %g", worst)
			}
			// Masked source steps get no weight; each row sums to 1.
			for tq := 0; tq < Tq; tq++ {
				row := seen[(tq*B+1)*Ts : (tq*B+2)*Ts]
				if row[2] != 0 || row[3] != 0 || row[0]+row[1] < 0.999999 {
					t.Fatalf("weights of the short example: %v", row)
				}
			}
		})
	}
}
