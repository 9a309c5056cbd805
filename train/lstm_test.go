package train_test

import (
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"gorgonia.org/tensor"

	"github.com/rnnzoo/rnnzoo/graph"
	"github.com/rnnzoo/rnnzoo/train"
)

// firstToken is a sequence task for a fused LSTM: token sequences of 3 to
// 8 steps over 4 symbols, labelled 1 when the first token is 1, so the
// label must be carried through every later step. Batches are bucketed by
// length (T = 4 and T = 8, padded and masked inside a bucket); each bucket
// has a training net (with dropout) and an evaluation net, all sharing the
// weights of one graph.ManyToOne.
type firstToken struct {
	ps           *graph.Params
	model        *graph.ManyToOne
	nets         map[[2]int]*graph.ClassifierGraph // (T, training) → graph
	train, valid []seqBatch
}

type seqBatch struct {
	T      int
	seqs   [][]int
	labels []int
}

const seqBatchSize = 16

func newFirstToken(nTrain, nValid int, initSeed uint64, dropout *rand.PCG, norms *train.StepNormLog) (*firstToken, error) {
	ps := graph.NewParams(tensor.Float32, initSeed)
	model, err := graph.NewManyToOne(ps, "clf", graph.ManyToOneConfig{
		Input:   graph.InputConfig{Vocab: 4, EmbedDim: 8},
		RNN:     graph.StackConfig{Kind: graph.LSTM, Hidden: 16, Layers: 1},
		Pool:    graph.PoolLast,
		Dropout: 0.1,
		Classes: 2,
	})
	if err != nil {
		return nil, err
	}
	if norms != nil {
		model.RNN.Layers[0].(*graph.Recurrent).StepGradNorms = norms.Recorder("lstm")
	}
	t := &firstToken{ps: ps, model: model, nets: map[[2]int]*graph.ClassifierGraph{}}
	rng := rand.New(rand.NewPCG(11, 12))
	gen := func(n int) []seqBatch {
		var out []seqBatch
		for k := 0; k < n; k++ {
			b := seqBatch{T: 4 + 4*(k%2)}
			for i := 0; i < seqBatchSize; i++ {
				L := b.T - rng.IntN(2+2*(k%2)) // 3–4 or 5–8 steps
				s := make([]int, L)
				for j := range s {
					s[j] = rng.IntN(4)
				}
				label := 0
				if s[0] == 1 {
					label = 1
				}
				b.seqs, b.labels = append(b.seqs, s), append(b.labels, label)
			}
			out = append(out, b)
		}
		return out
	}
	t.train, t.valid = gen(nTrain), gen(nValid)
	for _, T := range []int{4, 8} {
		for _, training := range []bool{true, false} {
			var r *rand.Rand
			if training {
				r = rand.New(dropout)
			}
			g, err := model.Compile(T, seqBatchSize, training, r)
			if err != nil {
				return nil, err
			}
			t.nets[[2]int{T, boolInt(training)}] = g
		}
	}
	return t, nil
}

func (t *firstToken) run(b seqBatch, training bool) (train.Result, error) {
	g := t.nets[[2]int{b.T, boolInt(training)}]
	g.SetTokens(b.seqs)
	g.SetLabels(b.labels)
	if err := g.Net.Run(); err != nil {
		return train.Result{}, err
	}
	pred := graph.Argmax(g.Net.Output(0))[:len(b.labels)]
	return train.Result{Loss: g.Net.LossValue(), Weight: float64(len(b.labels)), Pred: pred, Gold: b.labels}, nil
}

func (t *firstToken) Params() *graph.Params                  { return t.ps }
func (t *firstToken) NumTrain() int                          { return len(t.train) }
func (t *firstToken) TrainBatch(i int) (train.Result, error) { return t.run(t.train[i], true) }
func (t *firstToken) NumValid() int                          { return len(t.valid) }
func (t *firstToken) EvalBatch(i int) (train.Result, error)  { return t.run(t.valid[i], false) }

func newLSTMTrainer(t *testing.T, nTrain, nValid int, initSeed, dropSeed uint64, mod func(*train.Config)) (*firstToken, *train.Trainer) {
	t.Helper()
	drop := rand.NewPCG(dropSeed, 3)
	norms := &train.StepNormLog{}
	task, err := newFirstToken(nTrain, nValid, initSeed, drop, norms)
	if err != nil {
		t.Fatal(err)
	}
	cfg := train.Config{
		Epochs:      3,
		Seed:        5,
		Optimizer:   train.NewAdamW(task.Params(), 0.01),
		LR:          train.Warmup{Steps: 4, Then: train.Cosine{Base: 0.02, Min: 0.002, Steps: 200}},
		ClipNorm:    1,
		Patience:    3,
		Eval:        train.EvalOptions{Classes: 2},
		RandSources: map[string]*rand.PCG{"dropout": drop},
		StepNorms:   norms,
		Progress:    io.Discard,
	}
	if mod != nil {
		mod(&cfg)
	}
	tr, err := train.New(task, cfg)
	if err != nil {
		t.Fatal(err)
	}
	return task, tr
}

// TestLSTMResumeBitIdentical is the resume test on a bucketed fused-LSTM
// classifier with dropout and AdamW.
func TestLSTMResumeBitIdentical(t *testing.T) {
	straightTask, straight := newLSTMTrainer(t, 6, 2, 1, 1, nil)
	fit(t, straight)
	path := filepath.Join(t.TempDir(), "lstm.ckpt")
	_, first := newLSTMTrainer(t, 6, 2, 1, 1, func(c *train.Config) { c.MaxSteps = 8 })
	fit(t, first)
	if err := first.Save(path); err != nil {
		t.Fatal(err)
	}
	resumedTask, resumed := newLSTMTrainer(t, 6, 2, 7, 9, nil)
	if err := resumed.Resume(path); err != nil {
		t.Fatal(err)
	}
	fit(t, resumed)
	sameState(t, "LSTM resumed after 8 updates", straight, resumed, straightTask.Params(), resumedTask.Params())
	for _, r := range straight.History() {
		if r.Event == "epoch" && len(r.StepNorms["lstm"]) != 8 {
			t.Fatalf("epoch %d: step norms %v, want 8 steps", r.Epoch, r.StepNorms)
		}
	}
}

// TestWriteLSTMDemoRun trains the LSTM task for real and writes its JSONL
// log, PNG curves and checkpoint into $RNNZOO_TRAIN_DEMO_DIR (skipped when
// unset):
//
//	RNNZOO_TRAIN_DEMO_DIR=/tmp/train-demo go test ./train -run TestWriteLSTMDemoRun -v
func TestWriteLSTMDemoRun(t *testing.T) {
	dir := os.Getenv("RNNZOO_TRAIN_DEMO_DIR")
	if dir == "" {
		t.Skip("set RNNZOO_TRAIN_DEMO_DIR to write the demo run's log and plots")
	}
	dir = filepath.Join(dir, "lstm")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	os.Remove(filepath.Join(dir, "train.jsonl"))
	_, tr := newLSTMTrainer(t, 40, 10, 1, 1, func(c *train.Config) {
		c.Epochs, c.Patience, c.Monitor = 15, 4, "loss"
		c.LR = train.Warmup{Steps: 20, Then: train.Cosine{Base: 0.003, Min: 0.0003, Steps: 580}}
		c.Log, c.PlotDir, c.Checkpoint = filepath.Join(dir, "train.jsonl"), dir, filepath.Join(dir, "first-token.ckpt")
		c.ParamGradNorms = true
		c.Progress = os.Stderr
	})
	rep := fit(t, tr)
	t.Logf("stopped by %s after %d epochs (%d updates), best epoch %d, metrics %v", rep.Stopped, rep.Epochs, rep.Steps, rep.BestEpoch, rep.Metrics)
}
