package cols

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/rnnzoo/rnnzoo/datasets"
	"github.com/rnnzoo/rnnzoo/datasets/images"
	"github.com/rnnzoo/rnnzoo/graph"
	"github.com/rnnzoo/rnnzoo/train"
)

// Classifier is a many-to-one recurrent classifier of images read as
// sequences of pixel columns (or rows).
type Classifier struct {
	Config Config
	Params *graph.Params
	Model  *graph.ManyToOne

	graphs map[[2]int]*graph.ClassifierGraph // (batch, train?) → graph
	// Dropout is the source of the training graphs' dropout masks; give it
	// to train.Config.RandSources so that a resumed run continues it.
	Dropout *rand.PCG
}

// NewClassifier creates a classifier with weights drawn from seed.
func NewClassifier(cfg Config, seed uint64) (*Classifier, error) {
	cfg.Kind = KindClassifier
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	ps := newParams(seed)
	m, err := graph.NewManyToOne(ps, "clf", graph.ManyToOneConfig{
		Input:   graph.InputConfig{Features: cfg.Features()},
		RNN:     cfg.stack(),
		Pool:    graph.PoolLast,
		Dropout: cfg.Dropout,
		Classes: cfg.Classes,
	})
	if err != nil {
		return nil, err
	}
	return &Classifier{Config: cfg, Params: ps, Model: m, graphs: map[[2]int]*graph.ClassifierGraph{},
		Dropout: rand.NewPCG(seed, 0x1d0e)}, nil
}

func (c *Classifier) graph(B int, training bool) (*graph.ClassifierGraph, error) {
	key := [2]int{B, 0}
	if training {
		key[1] = 1
	}
	if g := c.graphs[key]; g != nil {
		return g, nil
	}
	var rng *rand.Rand
	if training {
		rng = rand.New(c.Dropout)
	}
	g, err := c.Model.Compile(c.Config.Steps(), B, training, rng)
	if err != nil {
		return nil, fmt.Errorf("compile the %d-row graph: %w", B, err)
	}
	g.Mask.Fill(1)
	c.graphs[key] = g
	return g, nil
}

// run feeds images (each H×W) with labels (nil: none) through the graph of
// batch size B and returns the loss and the logits of each image.
func (c *Classifier) run(imgs [][]float32, labels []int, B int, training bool) (float64, [][]float32, error) {
	if len(imgs) > B {
		return 0, nil, fmt.Errorf("%d images for a batch of %d", len(imgs), B)
	}
	g, err := c.graph(B, training)
	if err != nil {
		return 0, nil, err
	}
	x := g.X.F32()
	clear(x)
	for b, img := range imgs {
		if len(img) != c.Config.H*c.Config.W {
			return 0, nil, fmt.Errorf("image %d has %d pixels, want %d×%d", b, len(img), c.Config.H, c.Config.W)
		}
		c.Config.writeSeq(x, B, b, img)
	}
	if labels == nil {
		labels = make([]int, len(imgs))
	}
	g.SetLabels(labels)
	if err := g.Net.Run(); err != nil {
		return 0, nil, err
	}
	out := g.Net.Output(0).Data().([]float32)
	C := c.Config.Classes
	logits := make([][]float32, len(imgs))
	for b := range logits {
		logits[b] = append([]float32(nil), out[b*C:(b+1)*C]...)
	}
	return g.Net.LossValue(), logits, nil
}

func argmax(v []float32) int {
	best := 0
	for j := range v {
		if v[j] > v[best] {
			best = j
		}
	}
	return best
}

// Softmax turns logits into probabilities.
func Softmax(z []float32) []float64 {
	p := make([]float64, len(z))
	m := math.Inf(-1)
	for _, v := range z {
		m = math.Max(m, float64(v))
	}
	s := 0.0
	for i, v := range z {
		p[i] = math.Exp(float64(v) - m)
		s += p[i]
	}
	for i := range p {
		p[i] /= s
	}
	return p
}

// Prediction is the class of one image with its probability.
type Prediction struct {
	Class int
	Prob  float64
	Probs []float64
}

// Predict classifies images (each H×W, values in [0, 1]) in batches of B.
func (c *Classifier) Predict(imgs [][]float32, B int) ([]Prediction, error) {
	if B < 1 {
		return nil, fmt.Errorf("batch size %d", B)
	}
	var preds []Prediction
	for lo := 0; lo < len(imgs); lo += B {
		_, logits, err := c.run(imgs[lo:min(lo+B, len(imgs))], nil, B, false)
		if err != nil {
			return nil, err
		}
		for _, z := range logits {
			p := Softmax(z)
			k := argmax(z)
			preds = append(preds, Prediction{Class: k, Prob: p[k], Probs: p})
		}
	}
	c.Params.ZeroGrad() // evaluation runs accumulate gradients too
	return preds, nil
}

// Evaluate scores a labelled set in batches of B: loss, accuracy, macro-F1
// and the confusion matrix.
func (c *Classifier) Evaluate(s *images.Set, B int) (*train.Eval, error) {
	if err := c.Config.CheckSet(s); err != nil {
		return nil, err
	}
	if B < 1 {
		return nil, fmt.Errorf("batch size %d", B)
	}
	n := (s.N + B - 1) / B
	ev, err := train.Evaluate(n, func(i int) (train.Result, error) {
		return c.batch(s, seq(i*B, min((i+1)*B, s.N)), B, false)
	}, train.EvalOptions{Classes: c.Config.Classes})
	c.Params.ZeroGrad()
	return ev, err
}

func seq(lo, hi int) []int {
	idx := make([]int, hi-lo)
	for i := range idx {
		idx[i] = lo + i
	}
	return idx
}

func (c *Classifier) batch(s *images.Set, idx []int, B int, training bool) (train.Result, error) {
	imgs := make([][]float32, len(idx))
	labels := make([]int, len(idx))
	for i, k := range idx {
		imgs[i], labels[i] = s.Image(k), s.Labels[k]
	}
	loss, logits, err := c.run(imgs, labels, B, training)
	if err != nil {
		return train.Result{}, err
	}
	r := train.Result{Loss: loss, Weight: float64(len(idx)), Gold: labels, Pred: make([]int, len(idx))}
	for i, z := range logits {
		r.Pred[i] = argmax(z)
	}
	return r, nil
}

// Task is a classifier with its training and validation data, ready for
// train.New.
type Task struct {
	C            *Classifier
	Train, Valid *images.Set
	B            int
	batches      [][]int
}

// NewTask cuts the training set into batches of B images after a shuffle
// seeded by seed (the trainer then shuffles the batch order every epoch).
// valid may be nil.
func (c *Classifier) NewTask(trainSet, valid *images.Set, B int, seed int64) (*Task, error) {
	if err := c.Config.CheckSet(trainSet); err != nil {
		return nil, fmt.Errorf("training set: %w", err)
	}
	if valid != nil {
		if err := c.Config.CheckSet(valid); err != nil {
			return nil, fmt.Errorf("validation set: %w", err)
		}
	}
	if B < 1 {
		return nil, fmt.Errorf("-batch %d: need at least 1", B)
	}
	t := &Task{C: c, Train: trainSet, Valid: valid, B: B}
	perm := datasets.Perm(trainSet.N, seed)
	for lo := 0; lo < len(perm); lo += B {
		t.batches = append(t.batches, perm[lo:min(lo+B, len(perm))])
	}
	return t, nil
}

// Params implements train.Task.
func (t *Task) Params() *graph.Params { return t.C.Params }

// NumTrain implements train.Task.
func (t *Task) NumTrain() int { return len(t.batches) }

// TrainBatch implements train.Task.
func (t *Task) TrainBatch(i int) (train.Result, error) {
	return t.C.batch(t.Train, t.batches[i], t.B, true)
}

// NumValid implements train.Task.
func (t *Task) NumValid() int {
	if t.Valid == nil {
		return 0
	}
	return (t.Valid.N + t.B - 1) / t.B
}

// EvalBatch implements train.Task.
func (t *Task) EvalBatch(i int) (train.Result, error) {
	return t.C.batch(t.Valid, seq(i*t.B, min((i+1)*t.B, t.Valid.N)), t.B, false)
}
