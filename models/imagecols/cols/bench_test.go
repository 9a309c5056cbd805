package cols

import (
	"github.com/rnnzoo/rnnzoo/graph"
	"math/rand/v2"
	"testing"

	"github.com/rnnzoo/rnnzoo/blas"
	"github.com/rnnzoo/rnnzoo/datasets/images"
	"github.com/rnnzoo/rnnzoo/internal/blastest"
	"github.com/rnnzoo/rnnzoo/train"
)

// TestMain installs the BLAS the program uses (blas.Setup("auto"), or
// RNNZOO_BLAS): TestPretrained scores the shipped models over whole test
// sets (the Fashion-MNIST model over 18 views of each image), which
// Gorgonia's default kernels take minutes for.
func TestMain(m *testing.M) { blastest.Main(m) }

// BenchmarkTrainStep times one training update of the program's own path
// (batch of 64 MNIST-sized images read as 28 columns of 28 pixels, hidden
// 128, forward, backward through time, global-norm clipping and train's
// Adam) at the shapes of ../shared/bench's PyTorch imagecols_*_train. The
// BLAS is chosen as the program does (blas.Setup("auto"); the environment
// variable RNNZOO_BLAS overrides).
func BenchmarkTrainStep(b *testing.B) {
	info, err := blas.Setup("auto")
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("BLAS: %v", info)
	const B, side = 64, 28
	rng := rand.New(rand.NewPCG(1, 1))
	set := &images.Set{Name: "random", N: B, H: side, W: side, Pixels: make([]float32, B*side*side), Labels: make([]int, B), Classes: 10}
	for i := range set.Pixels {
		set.Pixels[i] = rng.Float32()
	}
	for i := range set.Labels {
		set.Labels[i] = rng.IntN(10)
	}
	for _, bc := range []struct {
		name  string
		cell  graph.CellKind
		bidir bool
	}{{"lstm_imagecols", graph.LSTM, false}, {"gru_imagecols", graph.GRU, false}, {"rnn_imagecols", graph.RNN, false}, {"bilstm_imagecols", graph.LSTM, true}} {
		b.Run(bc.name, func(b *testing.B) {
			cfg := Config{Kind: KindClassifier, H: side, W: side, Cell: bc.cell, Bidirectional: bc.bidir, Layers: 1, Hidden: 128, Classes: 10}
			clf, err := NewClassifier(cfg, 1)
			if err != nil {
				b.Fatal(err)
			}
			task, err := clf.NewTask(set, nil, B, 1)
			if err != nil {
				b.Fatal(err)
			}
			opt := train.NewAdam(clf.Params)
			step := func() {
				if _, err := task.TrainBatch(0); err != nil {
					b.Fatal(err)
				}
				train.ClipGradNorm(clf.Params.Trainable(), 5)
				opt.Step(1e-3)
				clf.Params.ZeroGrad()
			}
			for i := 0; i < 3; i++ {
				step()
			}
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				step()
			}
		})
	}
}
