package train_test

import (
	"encoding/json"
	"fmt"
	"github.com/rnnzoo/rnnzoo/train/checkpoint"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"github.com/rnnzoo/rnnzoo/graph"
	"github.com/rnnzoo/rnnzoo/train"
)

// blobs is a small deterministic task: points of three Gaussian clusters
// in the plane, classified by a two-layer network with dropout. Batches
// come in two shapes (sizes 8 and 5, standing for two sequence-length
// buckets); each shape has one training net (with dropout) and one
// evaluation net, and all four nets share the weights.
type blobs struct {
	ps           *graph.Params
	train, valid []batch
	nets         map[[2]int]*bucketNet // (batch size, train?) → net
}

type batch struct {
	x, y []float64
}

type bucketNet struct {
	net        *graph.Net
	x, y, w    *graph.Input
	rows, cols int
}

// newBlobs builds the task; dataSeed draws the data, initSeed the weights,
// and dropout is the source of the dropout masks.
func newBlobs(dataSeed, initSeed uint64, dropout *rand.PCG) (*blobs, error) {
	ps := graph.NewParams(tensor.Float32, initSeed)
	hidden, err := graph.NewLinear(ps, "hidden", 2, 16)
	if err != nil {
		return nil, err
	}
	out, err := graph.NewLinear(ps, "out", 16, 3)
	if err != nil {
		return nil, err
	}
	t := &blobs{ps: ps, nets: map[[2]int]*bucketNet{}}
	rng := rand.New(rand.NewPCG(dataSeed, 7))
	centers := [][2]float64{{0, 1.2}, {1, -0.6}, {-1, -0.6}}
	gen := func(sizes []int) []batch {
		var bs []batch
		for _, n := range sizes {
			var b batch
			for i := 0; i < n; i++ {
				c := rng.IntN(3)
				b.x = append(b.x, centers[c][0]+rng.NormFloat64(), centers[c][1]+rng.NormFloat64())
				b.y = append(b.y, float64(c))
			}
			bs = append(bs, b)
		}
		return bs
	}
	t.train = gen([]int{8, 8, 5, 8, 5, 8, 8, 5})
	t.valid = gen([]int{8, 8, 8, 5})
	for _, n := range []int{8, 5} {
		for _, training := range []bool{true, false} {
			b := graph.NewBuilder(ps, training)
			x := b.Input("x", n, 2)
			y := b.Input("y", n)
			w := b.Input("w", n)
			h, err := hidden.Apply(b, x.Node)
			if err != nil {
				return nil, err
			}
			h = b.Dropout(G.Must(G.Tanh(h)), 0.1)
			logits, err := out.Apply(b, h)
			if err != nil {
				return nil, err
			}
			loss, err := graph.CrossEntropy(logits, y.Node, w.Node)
			if err != nil {
				return nil, err
			}
			var r *rand.Rand
			if training {
				r = rand.New(dropout)
			}
			net, err := b.Compile(loss, r, logits)
			if err != nil {
				return nil, err
			}
			w.Fill(1)
			t.nets[[2]int{n, boolInt(training)}] = &bucketNet{net: net, x: x, y: y, w: w, rows: n, cols: 3}
		}
	}
	return t, nil
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// run feeds a batch to the net of its shape and returns loss and argmax
// predictions.
func (t *blobs) run(b batch, training bool) (train.Result, error) {
	bn := t.nets[[2]int{len(b.y), boolInt(training)}]
	bn.x.Set(b.x)
	bn.y.Set(b.y)
	if err := bn.net.Run(); err != nil {
		return train.Result{}, err
	}
	logits := bn.net.Output(0).Data().([]float32)
	r := train.Result{Loss: bn.net.LossValue(), Weight: float64(bn.rows)}
	for i := 0; i < bn.rows; i++ {
		best := 0
		for j := 1; j < bn.cols; j++ {
			if logits[i*bn.cols+j] > logits[i*bn.cols+best] {
				best = j
			}
		}
		r.Pred = append(r.Pred, best)
		r.Gold = append(r.Gold, int(b.y[i]))
	}
	return r, nil
}

func (t *blobs) Params() *graph.Params                  { return t.ps }
func (t *blobs) NumTrain() int                          { return len(t.train) }
func (t *blobs) TrainBatch(i int) (train.Result, error) { return t.run(t.train[i], true) }
func (t *blobs) NumValid() int                          { return len(t.valid) }
func (t *blobs) EvalBatch(i int) (train.Result, error)  { return t.run(t.valid[i], false) }

// Example trains a small classifier with Adam, a warm-up then cosine
// schedule, global-norm clipping and early stopping on the validation
// loss.
func Example() {
	dropout := rand.NewPCG(1, 2)
	task, err := newBlobs(1, 1, dropout)
	if err != nil {
		panic(err)
	}
	tr, err := train.New(task, train.Config{
		Epochs:      30,
		Seed:        1,
		Optimizer:   train.NewAdam(task.Params()),
		LR:          train.Warmup{Steps: 8, Then: train.Cosine{Base: 0.01, Min: 0.001, Steps: 240}},
		ClipNorm:    1,
		Patience:    5,
		Monitor:     "loss",
		Eval:        train.EvalOptions{Classes: 3},
		RandSources: map[string]*rand.PCG{"dropout": dropout},
		Progress:    io.Discard, // os.Stderr shows a progress bar on a terminal
	})
	if err != nil {
		panic(err)
	}
	rep, err := tr.Fit()
	if err != nil {
		panic(err)
	}
	first := rep.History[1] // the first validation
	fmt.Printf("epoch 1: validation loss %.1f, accuracy %.2f\n", first.Loss, first.Metrics["accuracy"])
	fmt.Printf("stopped by %s after %d epochs; best epoch %d\n", rep.Stopped, rep.Epochs, rep.BestEpoch)
	fmt.Printf("restored best: validation loss %.2f, accuracy %.2f, macro-F1 %.2f\n",
		rep.Metrics["loss"], rep.Metrics["accuracy"], rep.Metrics["macro_f1"])
	// Output:
	// epoch 1: validation loss 1.1, accuracy 0.45
	// stopped by early-stopping after 15 epochs; best epoch 10
	// restored best: validation loss 0.42, accuracy 0.76, macro-F1 0.76
}

// Example_checkpoint is what a program's eval and predict commands do:
// read the checkpoint a training run wrote, rebuild the model from the
// stored configuration and load the weights.
func Example_checkpoint() {
	dir, err := os.MkdirTemp("", "rnnzoo-example")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "blobs.ckpt")

	// Training (see Example) with a checkpoint.
	dropout := rand.NewPCG(1, 2)
	task, err := newBlobs(1, 1, dropout)
	if err != nil {
		panic(err)
	}
	tr, err := train.New(task, train.Config{
		Epochs: 3, Seed: 1, LR: train.Constant(0.01),
		Checkpoint:  path,
		ModelConfig: map[string]any{"hidden": 16, "classes": 3},
		Vocabs:      map[string]any{"classes": []string{"north", "east", "west"}},
		RandSources: map[string]*rand.PCG{"dropout": dropout},
		Progress:    io.Discard,
	})
	if err != nil {
		panic(err)
	}
	rep, err := tr.Fit()
	if err != nil {
		panic(err)
	}

	// Later, in another process: read, rebuild, load, evaluate.
	ck, err := checkpoint.Read(path)
	if err != nil {
		panic(err)
	}
	var cfg struct{ Hidden, Classes int }
	var classes []string
	if err := json.Unmarshal(ck.Config, &cfg); err != nil {
		panic(err)
	}
	if err := json.Unmarshal(ck.Vocabs["classes"], &classes); err != nil {
		panic(err)
	}
	model, err := newBlobs(1, 99, rand.NewPCG(0, 0)) // other initial weights
	if err != nil {
		panic(err)
	}
	if err := ck.LoadParams(model.Params()); err != nil {
		panic(err)
	}
	ev, err := train.Evaluate(model.NumValid(), model.EvalBatch, train.EvalOptions{})
	if err != nil {
		panic(err)
	}
	fmt.Println("config:", cfg.Hidden, "hidden units,", cfg.Classes, "classes:", classes)
	fmt.Println("parameters:", ck.Params)
	fmt.Println("same validation loss as in training:", ev.Loss == rep.Metrics["loss"])
	// Output:
	// config: 16 hidden units, 3 classes: [north east west]
	// parameters: [hidden.W hidden.b out.W out.b]
	// same validation loss as in training: true
}
