package main

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/rnnzoo/rnnzoo/datasets/text"
	"github.com/rnnzoo/rnnzoo/graph"
	"github.com/rnnzoo/rnnzoo/train"
	"gorgonia.org/tensor"
)

// modelConfig is what a checkpoint needs to rebuild the classifier.
type modelConfig struct {
	Cell          string  `json:"cell"`
	Hidden        int     `json:"hidden"`
	Layers        int     `json:"layers"`
	Bidirectional bool    `json:"bidirectional"`
	Pool          string  `json:"pool"`
	EmbedDim      int     `json:"embed_dim"`
	Dropout       float64 `json:"dropout"`
	MaxLen        int     `json:"max_len"`
	Vocab         int     `json:"vocab"`
	Classes       int     `json:"classes"`
	Vectors       string  `json:"vectors"` // where the initial embedding came from
	Frozen        bool    `json:"frozen"`
}

// buckets are the padded lengths of the length buckets (one graph each).
var buckets = []int{8, 16, 24, 32, 48, 64}

// classifier is the many-to-one model with one training and one evaluation
// graph per length bucket, all sharing its parameters.
type classifier struct {
	cfg   modelConfig
	ps    *graph.Params
	m     *graph.ManyToOne
	vocab *text.Vocab
	batch int
	nets  map[[2]int]*graph.ClassifierGraph // (T, training)
	drop  *rand.PCG
}

func newClassifier(cfg modelConfig, vocab *text.Vocab, pretrained []float64, seed uint64, batch int) (*classifier, error) {
	kind, err := graph.ParseCellKind(cfg.Cell)
	if err != nil {
		return nil, err
	}
	pool, err := graph.ParsePool(cfg.Pool)
	if err != nil {
		return nil, err
	}
	ps := graph.NewParams(tensor.Float32, seed)
	m, err := graph.NewManyToOne(ps, "sentiment", graph.ManyToOneConfig{
		Input: graph.InputConfig{Vocab: cfg.Vocab, EmbedDim: cfg.EmbedDim, Pretrained: pretrained, FreezeEmbedding: cfg.Frozen},
		RNN: graph.StackConfig{Kind: kind, Act: graph.Tanh, Hidden: cfg.Hidden, Layers: cfg.Layers,
			Bidirectional: cfg.Bidirectional, Merge: graph.Concat, Dropout: cfg.Dropout},
		Pool: pool, Dropout: cfg.Dropout, Classes: cfg.Classes,
	})
	if err != nil {
		return nil, err
	}
	return &classifier{cfg: cfg, ps: ps, m: m, vocab: vocab, batch: batch,
		nets: map[[2]int]*graph.ClassifierGraph{}, drop: rand.NewPCG(seed, 0xd509)}, nil
}

// bucketLen returns the padded length for a sequence of n tokens.
func (c *classifier) bucketLen(n int) int {
	for _, b := range buckets {
		if n <= b && b <= c.cfg.MaxLen {
			return b
		}
	}
	return c.cfg.MaxLen
}

func (c *classifier) net(T int, training bool) (*graph.ClassifierGraph, error) {
	k := [2]int{T, 0}
	if training {
		k[1] = 1
	}
	if g, ok := c.nets[k]; ok {
		return g, nil
	}
	var rng *rand.Rand
	if training {
		rng = rand.New(c.drop)
	}
	g, err := c.m.Compile(T, c.batch, training, rng)
	if err != nil {
		return nil, err
	}
	c.nets[k] = g
	return g, nil
}

// run feeds up to c.batch sequences (with labels, or nil) through the graph
// of their bucket and returns the loss, predictions and probabilities.
func (c *classifier) run(seqs [][]int, labels []int, training bool) (train.Result, [][]float64, error) {
	T := 1
	for _, s := range seqs {
		T = max(T, min(len(s), c.cfg.MaxLen))
	}
	g, err := c.net(c.bucketLen(T), training)
	if err != nil {
		return train.Result{}, nil, err
	}
	g.SetTokens(seqs)
	if labels == nil {
		g.SetLabels(make([]int, len(seqs)))
	} else {
		g.SetLabels(labels)
	}
	if err := g.Net.Run(); err != nil {
		return train.Result{}, nil, err
	}
	logits := g.Net.Output(0).Data().([]float32)
	C := c.cfg.Classes
	r := train.Result{Loss: g.Net.LossValue(), Weight: float64(len(seqs)), Gold: labels}
	probs := make([][]float64, len(seqs))
	for i := range seqs {
		row := logits[i*C : (i+1)*C]
		mx := math.Inf(-1)
		for _, v := range row {
			mx = math.Max(mx, float64(v))
		}
		p := make([]float64, C)
		var z float64
		best := 0
		for j, v := range row {
			p[j] = math.Exp(float64(v) - mx)
			z += p[j]
			if v > row[best] {
				best = j
			}
		}
		for j := range p {
			p[j] /= z
		}
		probs[i] = p
		r.Pred = append(r.Pred, best)
	}
	return r, probs, nil
}

// encode tokenizes and maps texts to ids (unknown words to <unk>).
func (c *classifier) encode(texts []string) [][]int {
	out := make([][]int, len(texts))
	for i, s := range texts {
		ids := c.vocab.Encode(text.Tokenize(s), false, false)
		if len(ids) == 0 {
			ids = []int{c.vocab.ID(text.Unk)}
		}
		if len(ids) > c.cfg.MaxLen {
			ids = ids[:c.cfg.MaxLen]
		}
		out[i] = ids
	}
	return out
}

// split is one data split encoded and cut into length-bucketed batches.
type split struct {
	seqs    [][]int
	labels  []int
	batches []text.Batch
}

func (c *classifier) newSplit(texts []string, labels []int, seed int64) (*split, error) {
	s := &split{seqs: c.encode(texts), labels: labels}
	lengths := make([]int, len(s.seqs))
	for i, q := range s.seqs {
		lengths[i] = len(q)
	}
	if len(lengths) == 0 {
		return s, nil
	}
	var err error
	s.batches, err = text.Bucket(lengths, text.BucketOptions{BatchSize: c.batch, Bounds: boundsUpTo(c.cfg.MaxLen), Seed: seed})
	return s, err
}

func boundsUpTo(maxLen int) []int {
	var b []int
	for _, v := range buckets {
		if v < maxLen {
			b = append(b, v)
		}
	}
	return append(b, maxLen)
}

func (s *split) batch(i int) ([][]int, []int) {
	b := s.batches[i]
	seqs := make([][]int, len(b.Indices))
	labels := make([]int, len(b.Indices))
	for k, j := range b.Indices {
		seqs[k], labels[k] = s.seqs[j], s.labels[j]
	}
	return seqs, labels
}

// task adapts the classifier to train.Task.
type task struct {
	c            *classifier
	train, valid *split
}

func (t *task) Params() *graph.Params { return t.c.ps }
func (t *task) NumTrain() int         { return len(t.train.batches) }
func (t *task) NumValid() int {
	if t.valid == nil {
		return 0
	}
	return len(t.valid.batches)
}
func (t *task) TrainBatch(i int) (train.Result, error) {
	seqs, labels := t.train.batch(i)
	r, _, err := t.c.run(seqs, labels, true)
	return r, err
}
func (t *task) EvalBatch(i int) (train.Result, error) {
	seqs, labels := t.valid.batch(i)
	r, _, err := t.c.run(seqs, labels, false)
	return r, err
}

// evaluate scores a split: accuracy, macro-F1, loss.
func (c *classifier) evaluate(s *split) (*train.Eval, error) {
	return train.Evaluate(len(s.batches), func(i int) (train.Result, error) {
		seqs, labels := s.batch(i)
		r, _, err := c.run(seqs, labels, false)
		return r, err
	}, train.EvalOptions{Classes: c.cfg.Classes})
}

// predict classifies texts, c.batch at a time.
func (c *classifier) predict(texts []string) ([]int, [][]float64, error) {
	seqs := c.encode(texts)
	var preds []int
	var probs [][]float64
	for lo := 0; lo < len(seqs); lo += c.batch {
		hi := min(lo+c.batch, len(seqs))
		r, p, err := c.run(seqs[lo:hi], nil, false)
		if err != nil {
			return nil, nil, err
		}
		preds = append(preds, r.Pred...)
		probs = append(probs, p...)
	}
	return preds, probs, nil
}

func (c *classifier) String() string {
	dir := ""
	if c.cfg.Bidirectional {
		dir = "bidirectional "
	}
	return fmt.Sprintf("%s%s×%d, hidden %d, %s pooling, vocabulary %d × %d (%d weights)",
		dir, c.cfg.Cell, c.cfg.Layers, c.cfg.Hidden, c.cfg.Pool, c.cfg.Vocab, c.cfg.EmbedDim, c.ps.Count())
}
