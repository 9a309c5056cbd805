package graph_test

import (
	"math/rand/v2"
	"os"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/rnnzoo/rnnzoo/graph"
	"github.com/rnnzoo/rnnzoo/internal/blastest"
	"github.com/rnnzoo/rnnzoo/train"
	"golang.org/x/sys/cpu"
	"gorgonia.org/tensor"
)

// TestMain installs the BLAS the programs use: RNNZOO_BLAS=go|gonum|openblas
// picks one; by default OpenBLAS when it can be loaded, else rnnzoo's
// pure-Go kernels.
func TestMain(m *testing.M) { blastest.Main(m) }

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
			dirs := 1
			if bidir {
				dirs = 2
			}
			runSteps(b, ps, g.Net, float64(dirs)*recurrentFlops(kind, T, B, F, H))
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
		runSteps(b, ps, g.Net, recurrentFlops(graph.LSTM, T, B, 100, 128))
	})
}

// recurrentFlops counts the floating-point operations of one training step
// of a recurrent layer from its shape: the products of the forward pass
// (inputs X·W and states H·U over T steps of B rows, G gate blocks) and the
// three of the backward pass (dX, dW and dU, dH: twice the forward's), 2
// per multiply-add. The rest (activations, the output layer, Adam) is left
// out, so the figure is a floor.
func recurrentFlops(kind graph.CellKind, T, B, F, H int) float64 {
	G := map[graph.CellKind]int{graph.LSTM: 4, graph.GRU: 3, graph.RNN: 1}[kind]
	forward := 2 * float64(T*B*G*H) * float64(F+H)
	return 3 * forward
}

// peakGFLOPS is the machine's peak for the threads this benchmark runs:
// GOMAXPROCS cores × 2 FMA units × the CPU's widest FMA (16 floats
// AVX-512, 8 AVX2, else 1) × 2 operations × the clock /proc/cpuinfo gives
// (0 when unknown).
func peakGFLOPS() float64 {
	lanes := 1.0
	switch {
	case cpu.X86.HasAVX512F:
		lanes = 16
	case cpu.X86.HasAVX2 && cpu.X86.HasFMA:
		lanes = 8
	}
	data, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		if name, val, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(name) == "cpu MHz" {
			mhz, err := strconv.ParseFloat(strings.TrimSpace(val), 64)
			if err != nil {
				return 0
			}
			return float64(runtime.GOMAXPROCS(0)) * 2 * lanes * 2 * mhz / 1000
		}
	}
	return 0
}

// runSteps times training steps of net and reports ms/step, the achieved
// GFLOP/s of flops per step, and its share of the peak.
func runSteps(b *testing.B, ps *graph.Params, net *graph.Net, flops float64) {
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
	sec := b.Elapsed().Seconds()
	b.ReportMetric(1000*sec/float64(b.N), "ms/step")
	gflops := flops * float64(b.N) / sec / 1e9
	b.ReportMetric(gflops, "GFLOP/s")
	if peak := peakGFLOPS(); peak > 0 {
		b.ReportMetric(100*gflops/peak, "%peak")
	}
}
