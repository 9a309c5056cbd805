package graph_test

import (
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"testing"

	"github.com/rnnzoo/rnnzoo/blas"
	"github.com/rnnzoo/rnnzoo/graph"
	"github.com/rnnzoo/rnnzoo/train"
	"gorgonia.org/tensor"
)

// TestMain installs the BLAS the programs use: RNNZOO_BLAS=go|gonum|openblas
// picks one; by default OpenBLAS when it can be loaded, else rnnzoo's
// pure-Go kernels.
func TestMain(m *testing.M) {
	info, err := blas.Setup("auto")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	flag.Parse()
	if testing.Verbose() || flag.Lookup("test.bench").Value.String() != "" {
		fmt.Fprintf(os.Stderr, "BLAS: %v\n", info)
	}
	os.Exit(m.Run())
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
	opt := train.NewAdam(ps)
	step := func() {
		if err := net.Run(); err != nil {
			b.Fatal(err)
		}
		opt.Step(1e-3)
		ps.ZeroGrad()
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
