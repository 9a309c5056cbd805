package graph

import (
	"fmt"
	"math"
	"testing"

	"gorgonia.org/tensor"
)

func TestOneToManyGradientAndGeneration(t *testing.T) {
	for _, kind := range []CellKind{RNN, LSTM, GRU} {
		for _, loss := range []OutputLoss{LossBCE, LossMSE} {
			t.Run(fmt.Sprintf("%v-%d", kind, loss), func(t *testing.T) {
				ps := NewParams(tensor.Float64, 13)
				m, err := NewOneToMany(ps, "gen", OneToManyConfig{
					Cond: InputConfig{Vocab: 3, EmbedDim: 2}, Out: 2,
					RNN: StackConfig{Kind: kind, Hidden: 3, Layers: 2}, Loss: loss,
				})
				if err != nil {
					t.Fatal(err)
				}
				g, err := m.Compile(3, 2, true, nil)
				if err != nil {
					t.Fatal(err)
				}
				copy(g.Cond.Ints(), []int{2, 0})
				g.SetSequences([][][]float64{{{0.1, 0.9}, {0.5, 0.5}, {1, 0}}, {{0, 1}, {0.3, 0.2}}})
				if worst := gradCheck(t, ps, g.Net, 1e-6); worst > 1e-6 {
					t.Fatalf("worst relative error %g", worst)
				}
				// Generation feeds back its own outputs: teacher forcing on
				// the generated sequence reproduces it.
				gen, err := m.NewGenerator(2)
				if err != nil {
					t.Fatal(err)
				}
				seqs, err := gen.Generate([]int{2, 0}, nil, 3)
				if err != nil {
					t.Fatal(err)
				}
				g.SetSequences(seqs)
				if err := g.Net.Run(); err != nil {
					t.Fatal(err)
				}
				ps.ZeroGrad()
				outs := g.Net.Output(0).Data().([]float64)
				for s := 0; s < 3; s++ {
					for b := 0; b < 2; b++ {
						for d := 0; d < 2; d++ {
							if math.Abs(outs[(s*2+b)*2+d]-seqs[b][s][d]) > 1e-12 {
								t.Fatalf("step %d row %d: teacher-forced %v, generated %v", s, b, outs[(s*2+b)*2+d], seqs[b][s][d])
							}
						}
					}
				}
			})
		}
	}
}

func TestBCEWithLargeLogits(t *testing.T) {
	ps := NewParams(tensor.Float32, 1)
	b := NewBuilder(ps, true)
	z := ps.New("z", tensor.Shape{1, 3}, nil)
	copy(z.F32(), []float32{1000, -1000, 0})
	y := b.Input("y", 1, 3)
	y.Set([]float64{0, 0, 1})
	w := b.Input("w", 1)
	w.Fill(1)
	loss := must(BCEWithLogits(b.Param(z), y.Node, w.Node))
	net, err := b.Compile(loss, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := net.Run(); err != nil {
		t.Fatal(err)
	}
	want := (1000 + 0 + math.Ln2) / 3
	if got := net.LossValue(); math.Abs(got-want) > 1e-3 {
		t.Fatalf("loss %v, want %v", got, want)
	}
	for _, g := range gradFloats(z) {
		if math.IsNaN(g) || math.IsInf(g, 0) {
			t.Fatal("non-finite gradient")
		}
	}
}
