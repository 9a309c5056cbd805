package graph_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/rnnzoo/rnnzoo/graph"
	"gorgonia.org/tensor"
)

// benchAdam is a minimal Adam (lr 1e-3) so that a benchmark step is a full
// training step like the PyTorch baseline's: forward, backward, update.
type benchAdam struct {
	m, v map[*graph.Param][]float32
	t    int
}

func (a *benchAdam) step(ps *graph.Params) {
	if a.m == nil {
		a.m, a.v = map[*graph.Param][]float32{}, map[*graph.Param][]float32{}
	}
	a.t++
	c1 := 1 - math.Pow(0.9, float64(a.t))
	c2 := 1 - math.Pow(0.999, float64(a.t))
	for _, p := range ps.Trainable() {
		w, g := p.F32(), p.GradF32()
		m, ok := a.m[p]
		if !ok {
			m, a.v[p] = make([]float32, len(w)), make([]float32, len(w))
			a.m[p] = m
		}
		v := a.v[p]
		for i := range w {
			m[i] = 0.9*m[i] + 0.1*g[i]
			v[i] = 0.999*v[i] + 0.001*g[i]*g[i]
			w[i] -= float32(1e-3 * (float64(m[i]) / c1) / (math.Sqrt(float64(v[i])/c2) + 1e-8))
		}
	}
	ps.ZeroGrad()
}

// BenchmarkTrainStep times one full training step (forward, backward
// through time, Adam) at the shapes of ../shared/bench's PyTorch script.
func BenchmarkTrainStep(b *testing.B) {
	image := func(kind graph.CellKind, bidir bool) func(*testing.B) {
		return func(b *testing.B) {
			const B, T, F, H = 64, 28, 28, 128
			ps := graph.NewParams(tensor.Float32, 1)
			m, err := graph.NewManyToOne(ps, "m", graph.ManyToOneConfig{
				Input: graph.InputConfig{Features: F},
				RNN:   graph.StackConfig{Kind: kind, Hidden: H, Layers: 1, Bidirectional: bidir},
				Pool:  graph.PoolLast, Classes: 10,
			})
			if err != nil {
				b.Fatal(err)
			}
			g, err := m.Compile(T, B, true, nil)
			if err != nil {
				b.Fatal(err)
			}
			rng := rand.New(rand.NewPCG(1, 1))
			x := g.X.F32()
			for i := range x {
				x[i] = rng.Float32()
			}
			g.Mask.Fill(1)
			labels := make([]int, B)
			for i := range labels {
				labels[i] = rng.IntN(10)
			}
			g.SetLabels(labels)
			runSteps(b, ps, g.Net)
		}
	}
	b.Run("lstm_imagecols", image(graph.LSTM, false))
	b.Run("gru_imagecols", image(graph.GRU, false))
	b.Run("rnn_imagecols", image(graph.RNN, false))
	b.Run("bilstm_imagecols", image(graph.LSTM, true))
	b.Run("lstm_sentiment", func(b *testing.B) {
		const B, T, V = 32, 50, 20000
		ps := graph.NewParams(tensor.Float32, 1)
		m, err := graph.NewManyToOne(ps, "m", graph.ManyToOneConfig{
			Input: graph.InputConfig{Vocab: V, EmbedDim: 100},
			RNN:   graph.StackConfig{Kind: graph.LSTM, Hidden: 128, Layers: 1},
			Pool:  graph.PoolLast, Classes: 2,
		})
		if err != nil {
			b.Fatal(err)
		}
		g, err := m.Compile(T, B, true, nil)
		if err != nil {
			b.Fatal(err)
		}
		rng := rand.New(rand.NewPCG(2, 2))
		seqs, labels := make([][]int, B), make([]int, B)
		for i := range seqs {
			n := min(20+rng.IntN(41), T)
			seqs[i] = make([]int, n)
			for t := range seqs[i] {
				seqs[i][t] = rng.IntN(V)
			}
			labels[i] = rng.IntN(2)
		}
		g.SetTokens(seqs)
		g.SetLabels(labels)
		runSteps(b, ps, g.Net)
	})
}

func runSteps(b *testing.B, ps *graph.Params, net *graph.Net) {
	opt := &benchAdam{}
	step := func() {
		if err := net.Run(); err != nil {
			b.Fatal(err)
		}
		opt.step(ps)
	}
	for i := 0; i < 3; i++ {
		step()
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		step()
	}
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/step")
}
