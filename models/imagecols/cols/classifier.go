package cols

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sync"

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

	graphs *graph.Cache[graphKey, *graph.ClassifierGraph]
	// Dropout is the source of the training graphs' dropout masks; give it
	// to train.Config.RandSources so that a resumed run continues it.
	Dropout *rand.PCG
	// Metrics are the held-out metrics stored with the weights (may be nil).
	Metrics map[string]float64
	mu      sync.Mutex // serialises Classify, Predict and Evaluate
}

// CachePath is where the imagecols program keeps a model of a kind
// (KindClassifier or KindGenerator), data set and architecture when no
// -model is given: a file in the user cache directory named after them.
func CachePath(kind, dataset string, o Options) (string, error) {
	cfg := Config{Cell: o.Cell, Bidirectional: o.Bidirectional && kind == KindClassifier, Layers: o.Layers, Rows: o.Rows}
	gen := ""
	if kind == KindGenerator {
		gen = "gen-"
	}
	return datasets.CacheFile(Kind, dataset+"-"+gen+cfg.Name()+".ckpt")
}

// ModelPath is the checkpoint a command of the imagecols program reads or
// writes: model (its -model flag) when set, else CachePath.
func ModelPath(model, kind, dataset string, o Options) (string, error) {
	if model != "" {
		return model, nil
	}
	return CachePath(kind, dataset, o)
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
		Pool:    cfg.Pool,
		Dropout: cfg.Dropout,
		Classes: cfg.Classes,
	})
	if err != nil {
		return nil, err
	}
	c := &Classifier{Config: cfg, Params: ps, Model: m, Dropout: ps.Source("dropout", seed, 0x1d0e)}
	c.graphs = graph.NewCache(0, func(k graphKey) (*graph.ClassifierGraph, error) {
		var rng *rand.Rand
		if k.training {
			rng = rand.New(c.Dropout)
		}
		g, err := c.Model.Compile(c.Config.Steps(), k.batch, k.training, rng)
		if err != nil {
			return nil, fmt.Errorf("compile the %d-row graph: %w", k.batch, err)
		}
		g.Mask.Fill(1)
		return g, nil
	})
	return c, nil
}

// graphKey names a compiled graph of a classifier or a generator.
type graphKey struct {
	batch    int
	training bool
}

func (c *Classifier) graph(B int, training bool) (*graph.ClassifierGraph, error) {
	return c.graphs.Get(graphKey{B, training})
}

// run feeds images (each H×W) with labels (nil: none, a prediction)
// through the graph of batch size B and returns the loss (0 without
// labels), each image's class probabilities and its most probable class.
func (c *Classifier) run(imgs [][]float32, labels []int, B int, training bool) (float64, [][]float64, []int, error) {
	if len(imgs) > B {
		return 0, nil, nil, fmt.Errorf("%d images for a batch of %d", len(imgs), B)
	}
	g, err := c.graph(B, training)
	if err != nil {
		return 0, nil, nil, err
	}
	x := g.X.F32()
	clear(x)
	for b, img := range imgs {
		if len(img) != c.Config.H*c.Config.W {
			return 0, nil, nil, fmt.Errorf("image %d has %d pixels, want %d×%d", b, len(img), c.Config.H, c.Config.W)
		}
		c.Config.writeSeq(x, B, b, img)
	}
	if labels == nil {
		probs, pred, err := g.Predict(len(imgs))
		return 0, probs, pred, err
	}
	g.SetLabels(labels)
	if err := g.Net.Run(); err != nil {
		return 0, nil, nil, err
	}
	probs, pred := graph.Softmax(g.Net.Output(0), len(imgs))
	return g.Net.LossValue(), probs, pred, nil
}

// SetTestAugment replaces the test-time augmentation (Config.TestAugment;
// "" or "none": the image alone); a value images.ParseAugment refuses
// leaves it unchanged and is returned as the error.
func (c *Classifier) SetTestAugment(a string) error {
	if _, err := images.ParseAugment(a); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.Config.TestAugment = a
	return nil
}

// views is the test-time augmentation of the configuration (Config.Validate
// has checked its syntax): one view, the image, without it.
func (c *Classifier) views() []images.View {
	a, _ := images.ParseAugment(c.Config.TestAugment)
	return a.Views()
}

// runViews is run; without training, the class probabilities are averaged
// over the views of each image (see Config.TestAugment), and with labels
// the loss is the mean negative log of the averaged probability of the
// label.
func (c *Classifier) runViews(imgs [][]float32, labels []int, B int, training bool, views []images.View) (float64, [][]float64, []int, error) {
	if len(views) <= 1 || training {
		return c.run(imgs, labels, B, training)
	}
	mean := make([][]float64, len(imgs))
	moved := make([][]float32, len(imgs))
	for _, v := range views {
		for i, img := range imgs {
			if len(img) != c.Config.H*c.Config.W {
				return 0, nil, nil, fmt.Errorf("image %d has %d pixels, want %d×%d", i, len(img), c.Config.H, c.Config.W)
			}
			moved[i] = images.Transform(moved[i], img, c.Config.H, c.Config.W, v.DY, v.DX, v.Flip)
		}
		_, probs, _, err := c.run(moved, nil, B, false)
		if err != nil {
			return 0, nil, nil, err
		}
		for i, p := range probs {
			if mean[i] == nil {
				mean[i] = make([]float64, len(p))
			}
			for k, q := range p {
				mean[i][k] += q / float64(len(views))
			}
		}
	}
	pred := make([]int, len(imgs))
	loss := 0.0
	for i, p := range mean {
		pred[i] = graph.ArgmaxRow(p)
		if labels != nil {
			if labels[i] < 0 || labels[i] >= len(p) {
				return 0, nil, nil, fmt.Errorf("image %d: label %d is not a class of 0..%d", i, labels[i], len(p)-1)
			}
			loss -= math.Log(max(p[labels[i]], math.SmallestNonzeroFloat64)) / float64(len(imgs))
		}
	}
	return loss, mean, pred, nil
}

// Prediction is the class of one image with its probability.
type Prediction struct {
	Class int
	Name  string // the class name, e.g. "7" or "Sneaker"
	Prob  float64
	Probs []float64 // per class, summing to 1
}

// Classify classifies images (each H×W, values in [0, 1], ink light on
// a dark background as in MNIST). It is safe for concurrent use.
func (c *Classifier) Classify(imgs [][]float32) ([]Prediction, error) { return c.Predict(imgs, 64) }

// Predict classifies images (each H×W, values in [0, 1]) in batches of B,
// averaging over the views of Config.TestAugment.
func (c *Classifier) Predict(imgs [][]float32, B int) ([]Prediction, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if B < 1 {
		return nil, fmt.Errorf("batch size %d", B)
	}
	var preds []Prediction
	for lo := 0; lo < len(imgs); lo += B {
		_, probs, classes, err := c.runViews(imgs[lo:min(lo+B, len(imgs))], nil, B, false, c.views())
		if err != nil {
			return nil, err
		}
		for i, k := range classes {
			preds = append(preds, Prediction{Class: k, Name: c.Config.ClassName(k), Prob: probs[i][k], Probs: probs[i]})
		}
	}
	return preds, nil
}

// Evaluate scores a labelled set in batches of B: loss, accuracy, macro-F1
// and the confusion matrix, averaging over the views of Config.TestAugment.
func (c *Classifier) Evaluate(s *images.Set, B int) (*train.Eval, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if err := c.Config.CheckSet(s); err != nil {
		return nil, err
	}
	if B < 1 {
		return nil, fmt.Errorf("batch size %d", B)
	}
	n := (s.N + B - 1) / B
	ev, err := train.Evaluate(n, func(i int) (train.Result, error) {
		return c.batch(s, seq(i*B, min((i+1)*B, s.N)), B, c.views())
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

// batch scores the images idx of s without training, averaged over views.
func (c *Classifier) batch(s *images.Set, idx []int, B int, views []images.View) (train.Result, error) {
	imgs := make([][]float32, len(idx))
	labels := make([]int, len(idx))
	for i, k := range idx {
		imgs[i], labels[i] = s.Image(k), s.Labels[k]
	}
	return c.labelled(imgs, labels, B, false, views)
}

// labelled runs a batch of labelled images, training or (averaged over
// views) not, and scores the predictions.
func (c *Classifier) labelled(imgs [][]float32, labels []int, B int, training bool, views []images.View) (train.Result, error) {
	loss, _, pred, err := c.runViews(imgs, labels, B, training, views)
	if err != nil {
		return train.Result{}, err
	}
	return train.Result{Loss: loss, Weight: float64(len(imgs)), Gold: labels, Pred: pred}, nil
}

// Task is a classifier with its training and validation data, ready for
// train.New. While it trains, the classifier must not be used elsewhere
// (Classify, Evaluate, Save): the trainer changes its weights in place.
type Task struct {
	C            *Classifier
	Train, Valid *images.Set
	B            int
	// Reshuffle draws a new composition of the batches at the start of
	// every epoch (train.EpochStarter); otherwise the batches cut by
	// NewTask are kept and the trainer only shuffles their order.
	Reshuffle bool
	// Augment changes each training image at random, drawn anew every
	// epoch from the seed, the epoch and the batch (so a resumed run
	// draws the same changes).
	Augment images.Augment

	seed    int64
	epoch   int
	batches [][]int
	buf     [][]float32
	raw     [][]float32 // the batch's images read from a set of bytes
}

// NewTask cuts the training set into batches of B images after a shuffle
// seeded by seed (the trainer then shuffles the batch order every epoch;
// set Reshuffle to recompose the batches too). valid may be nil.
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
	t := &Task{C: c, Train: trainSet, Valid: valid, B: B, seed: seed}
	t.cut(datasets.Perm(trainSet.N, seed))
	return t, nil
}

func (t *Task) cut(perm []int) {
	t.batches = t.batches[:0]
	for lo := 0; lo < len(perm); lo += t.B {
		t.batches = append(t.batches, perm[lo:min(lo+t.B, len(perm))])
	}
}

// StartEpoch implements train.EpochStarter: with Reshuffle, epoch e > 0
// gets batches cut from a permutation seeded by the task's seed and e
// (epoch 0 keeps NewTask's), so the batches depend only on the epoch.
func (t *Task) StartEpoch(epoch int) error {
	t.epoch = epoch
	if t.Reshuffle && epoch > 0 {
		t.cut(datasets.Perm(t.Train.N, t.seed+int64(epoch)*1_000_003))
	}
	return nil
}

// Params implements train.Task.
func (t *Task) Params() *graph.Params { return t.C.Params }

// NumTrain implements train.Task.
func (t *Task) NumTrain() int { return len(t.batches) }

// TrainBatch implements train.Task.
func (t *Task) TrainBatch(i int) (train.Result, error) {
	imgs, labels := t.trainImages(i)
	return t.C.labelled(imgs, labels, t.B, true, nil)
}

// trainImages returns the images of training batch i, changed by
// Augment as drawn for the current epoch and i, and their labels.
func (t *Task) trainImages(i int) ([][]float32, []int) {
	idx := t.batches[i]
	imgs := make([][]float32, len(idx))
	labels := make([]int, len(idx))
	for len(t.raw) < len(idx) {
		t.raw = append(t.raw, nil)
	}
	for b, k := range idx {
		if t.Train.Pixels != nil {
			imgs[b] = t.Train.Image(k) // a view
		} else {
			t.raw[b] = t.Train.ImageTo(t.raw[b], k)
			imgs[b] = t.raw[b]
		}
		labels[b] = t.Train.Labels[k]
	}
	if t.Augment.None() {
		return imgs, labels
	}
	rng := rand.New(rand.NewPCG(uint64(t.seed)^0xa0761d6478bd642f, uint64(t.epoch)<<32|uint64(i)))
	for len(t.buf) < len(idx) {
		t.buf = append(t.buf, nil)
	}
	for b := range imgs {
		dy, dx, flip := t.Augment.Draw(rng)
		t.buf[b] = images.Transform(t.buf[b], imgs[b], t.Train.H, t.Train.W, dy, dx, flip)
		imgs[b] = t.buf[b]
	}
	return imgs, labels
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
	return t.C.batch(t.Valid, seq(i*t.B, min((i+1)*t.B, t.Valid.N)), t.B, nil) // one view: the epoch is chosen as it trains
}
