package graph

import (
	"math"
	"testing"

	"github.com/rnnzoo/rnnzoo/blas"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// TestSealedSameBits: with the weights sealed, the fused layers multiply
// by packed copies kept across runs, and every run gives the bits of an
// unsealed one; a change of weights through Unseal (what every optimizer
// step does first) is seen by the next run.
func TestSealedSameBits(t *testing.T) {
	old := G.WhichBLAS()
	G.Use(blas.Implementation{Threads: 1})
	defer G.Use(old)
	for _, kind := range []CellKind{LSTM, GRU, RNN} {
		ps := NewParams(tensor.Float32, 5)
		m, err := NewManyToOne(ps, "m", ManyToOneConfig{
			Input: InputConfig{Vocab: 30, EmbedDim: 24},
			RNN:   StackConfig{Kind: kind, Act: Tanh, Hidden: 40, Layers: 2, Bidirectional: true, Merge: Concat},
			Pool:  PoolMax, Classes: 3,
		})
		if err != nil {
			t.Fatal(err)
		}
		g, err := m.Compile(9, 3, true, nil)
		if err != nil {
			t.Fatal(err)
		}
		g.SetTokens([][]int{{1, 2, 3, 4, 5, 6, 7, 8, 9}, {29, 28, 3}, {2, 2}})
		g.SetLabels([]int{0, 2, 1})
		run := func() (float64, []float32) {
			ps.ZeroGrad()
			if err := g.Net.Run(); err != nil {
				t.Fatal(err)
			}
			return g.Net.LossValue(), append([]float32(nil), ps.All()[0].GradF32()...)
		}
		same := func(what string, l1, l2 float64, g1, g2 []float32) {
			if math.Float64bits(l1) != math.Float64bits(l2) {
				t.Fatalf("%v %s: loss %v, want %v", kind, what, l2, l1)
			}
			for i := range g1 {
				if math.Float32bits(g1[i]) != math.Float32bits(g2[i]) {
					t.Fatalf("%v %s: gradient[%d] %v, want %v", kind, what, i, g2[i], g1[i])
				}
			}
		}
		l0, g0 := run()
		ps.Seal()
		l1, g1 := run()
		same("sealed, first run", l0, l1, g0, g1)
		if len(ps.packs) == 0 {
			t.Fatalf("%v: sealed runs packed no weights", kind)
		}
		l2, g2 := run()
		same("sealed, second run", l0, l2, g0, g2)

		ps.Unseal()
		for _, p := range ps.All() {
			w := p.F32()
			for i := range w {
				w[i] *= 0.9
			}
		}
		l3, g3 := run()
		if l3 == l0 {
			t.Fatalf("%v: the loss did not change with the weights", kind)
		}
		ps.Seal()
		l4, g4 := run()
		same("sealed again after new weights", l3, l4, g3, g4)
	}
}
