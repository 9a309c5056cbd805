package polarity

import (
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/rnnzoo/rnnzoo/train/checkpoint"
	"math/rand/v2"
	"sync"

	"gorgonia.org/tensor"

	"github.com/rnnzoo/rnnzoo/datasets/text"
	"github.com/rnnzoo/rnnzoo/graph"
	"github.com/rnnzoo/rnnzoo/train"
)

// Kind is the model kind recorded in this package's checkpoints.
const Kind = "sentiment"

// Config describes a classifier; it is stored as JSON in every checkpoint
// and is all Load needs, with the vocabulary, to rebuild the model.
type Config struct {
	Cell          graph.CellKind `json:"cell"`
	Hidden        int            `json:"hidden"` // units per direction
	Layers        int            `json:"layers"`
	Bidirectional bool           `json:"bidirectional"`
	Pool          graph.Pool     `json:"pool"`
	EmbedDim      int            `json:"embed_dim"`
	Dropout       float64        `json:"dropout"`
	// EmbedDropout drops embedded tokens' vector elements while training.
	EmbedDropout float64 `json:"embed_dropout,omitempty"`
	MaxLen       int     `json:"max_len"` // texts are cut to this many tokens
	Vocab        int     `json:"vocab"`
	Classes      int     `json:"classes"`
	// Labels names the classes by id; empty means "negative", "positive".
	Labels  []string `json:"labels,omitempty"`
	Vectors string   `json:"vectors"` // where the initial embedding came from
	Frozen  bool     `json:"frozen"`  // the embedding was not trained
}

// DefaultLabels are the class names of binary polarity data (0 negative,
// 1 positive), as datasets/sentiment reads them.
var DefaultLabels = []string{"negative", "positive"}

// DefaultConfig is the default model: a bidirectional LSTM of 128 units per
// direction, max pooling over time, dropout 0.4, texts cut at 64 tokens.
// Vocab and EmbedDim are set by Train from the data and the word vectors.
func DefaultConfig() Config {
	return Config{Cell: graph.LSTM, Hidden: 128, Layers: 1, Bidirectional: true, Pool: graph.PoolMax,
		EmbedDim: 100, Dropout: 0.4, MaxLen: 64, Classes: 2}
}

// Validate reports the first field that cannot make a model.
func (c Config) Validate() error {
	if err := c.validateArch(); err != nil {
		return fmt.Errorf("polarity: %w", err)
	}
	switch {
	case c.EmbedDim < 1:
		return fmt.Errorf("polarity: embedding size %d, want ≥ 1", c.EmbedDim)
	case c.Vocab < 2:
		return fmt.Errorf("polarity: vocabulary of %d words, want ≥ 2", c.Vocab)
	case c.Classes < 2:
		return fmt.Errorf("polarity: %d classes, want ≥ 2", c.Classes)
	case len(c.Labels) != 0 && len(c.Labels) != c.Classes:
		return fmt.Errorf("polarity: %d label names for %d classes", len(c.Labels), c.Classes)
	case len(c.Labels) == 0 && c.Classes != len(DefaultLabels):
		return fmt.Errorf("polarity: %d classes need label names", c.Classes)
	}
	return nil
}

// validateArch checks the fields a user sets (by flag: -hidden, -layers,
// -maxlen, -dropout).
func (c Config) validateArch() error {
	switch {
	case c.Hidden < 1:
		return fmt.Errorf("hidden %d, want ≥ 1", c.Hidden)
	case c.Layers < 1:
		return fmt.Errorf("layers %d, want ≥ 1", c.Layers)
	case c.MaxLen < 1:
		return fmt.Errorf("maxlen %d, want ≥ 1", c.MaxLen)
	case !(c.Dropout >= 0 && c.Dropout < 1): // NaN too
		return fmt.Errorf("dropout %v, want [0,1)", c.Dropout)
	case !(c.EmbedDropout >= 0 && c.EmbedDropout < 1):
		return fmt.Errorf("embed-dropout %v, want [0,1)", c.EmbedDropout)
	}
	return nil
}

// labels returns the class names.
func (c Config) labels() []string {
	if len(c.Labels) > 0 {
		return c.Labels
	}
	return DefaultLabels
}

// buckets are the padded lengths of the length buckets (one graph each).
var buckets = []int{8, 16, 24, 32, 48, 64}

// batchSize is the batch of the inference graphs.
const batchSize = 32

// Model is a many-to-one sentiment classifier:
//
//	x_t = E[w_t]                            (word embedding)
//	h_t = RNN(x_t, h_{t−1})                 (LSTM, GRU or Elman; both directions when bidirectional)
//	v   = pool_t h_t                        (last state, max or mean over the real steps)
//	p   = softmax(W·v + b)                  (class probabilities)
//
// A Model carries its tokenizer (text.Tokenize), vocabulary, truncation and
// label names, so Predict takes raw text. It is safe for concurrent use:
// calls are serialised, since the compiled graphs hold bound buffers; pass
// many texts to one call for throughput.
type Model struct {
	cfg   Config
	vocab *text.Vocab
	ps    *graph.Params
	net   *graph.ManyToOne
	batch int
	drop  *rand.PCG // dropout of the training graphs

	mu     sync.Mutex
	graphs *graph.Cache[graphKey, *graph.ClassifierGraph]

	// Metrics are the held-out metrics stored with the weights (may be nil).
	Metrics map[string]float64
}

type graphKey struct {
	T, B     int // padded length and batch
	training bool
}

// predictBatch is the largest batch of the prediction graphs; Predict
// runs n texts in a graph of the smallest power of two ≥ n (at most
// predictBatch), so that one sentence does not pay for a full batch.
const predictBatch = 64

func predictBucket(n int) int {
	b := 1
	for b < n && b < predictBatch {
		b *= 2
	}
	return b
}

// New returns an untrained model: cfg with the vocabulary, an optional
// initial embedding (Vocab×EmbedDim values; nil draws it at random), the
// seed of the initial weights and of dropout, and the training batch size
// (0: 32).
func New(cfg Config, vocab *text.Vocab, embedding []float64, seed uint64, batch int) (*Model, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if vocab == nil || vocab.Size() != cfg.Vocab {
		return nil, fmt.Errorf("polarity: the config says %d words but the vocabulary has %d", cfg.Vocab, vocabSize(vocab))
	}
	if batch <= 0 {
		batch = batchSize
	}
	ps := graph.NewParams(tensor.Float32, seed)
	var opts []graph.Option
	if embedding != nil {
		opts = append(opts, graph.WithEmbedding(embedding))
	}
	net, err := graph.NewManyToOne(ps, "sentiment", graph.ManyToOneConfig{
		Input: graph.InputConfig{Vocab: cfg.Vocab, EmbedDim: cfg.EmbedDim, FreezeEmbedding: cfg.Frozen, Dropout: cfg.EmbedDropout},
		RNN: graph.StackConfig{Kind: cfg.Cell, Act: graph.Tanh, Hidden: cfg.Hidden, Layers: cfg.Layers,
			Bidirectional: cfg.Bidirectional, Merge: graph.Concat, Dropout: cfg.Dropout},
		Pool: cfg.Pool, Dropout: cfg.Dropout, Classes: cfg.Classes,
	}, opts...)
	if err != nil {
		return nil, err
	}
	m := &Model{cfg: cfg, vocab: vocab, ps: ps, net: net, batch: batch, drop: ps.Source("dropout", seed, 0xd509)}
	m.graphs = graph.NewCache(0, func(k graphKey) (*graph.ClassifierGraph, error) {
		var rng *rand.Rand
		if k.training {
			rng = rand.New(m.drop)
		}
		return m.net.Compile(k.T, k.B, k.training, rng)
	})
	return m, nil
}

func vocabSize(v *text.Vocab) int {
	if v == nil {
		return 0
	}
	return v.Size()
}

// Config returns the model's configuration.
func (m *Model) Config() Config { return m.cfg }

// Vocab returns the model's vocabulary (do not modify it).
func (m *Model) Vocab() *text.Vocab { return m.vocab }

// Labels returns the class names by class id.
func (m *Model) Labels() []string { return append([]string(nil), m.cfg.labels()...) }

// Params returns the model's weights.
func (m *Model) Params() *graph.Params { return m.ps }

func (m *Model) String() string {
	dir := ""
	if m.cfg.Bidirectional {
		dir = "bidirectional "
	}
	return fmt.Sprintf("%s%s×%d, hidden %d, %s pooling, vocabulary %d × %d (%d weights)",
		dir, m.cfg.Cell, m.cfg.Layers, m.cfg.Hidden, m.cfg.Pool, m.cfg.Vocab, m.cfg.EmbedDim, m.ps.Count())
}

// Prediction is the model's answer for one text.
type Prediction struct {
	Label         int       // the most probable class
	Name          string    // its name, e.g. "positive"
	Probabilities []float64 // per class, summing to 1
}

// Predict classifies texts. An empty text reads as one unknown word.
func (m *Model) Predict(texts []string) ([]Prediction, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	seqs := m.Encode(texts)
	names := m.cfg.labels()
	out := make([]Prediction, 0, len(texts))
	for lo := 0; lo < len(seqs); lo += predictBatch {
		hi := min(lo+predictBatch, len(seqs))
		r, probs, err := m.run(seqs[lo:hi], nil, false)
		if err != nil {
			return nil, err
		}
		for i, p := range probs {
			out = append(out, Prediction{Label: r.Pred[i], Name: names[r.Pred[i]], Probabilities: p})
		}
	}
	return out, nil
}

// Warmup compiles the prediction graphs of every length bucket and batch
// size (1, 2, 4, … 64) and runs each once, so that the first requests of
// a server do not wait for a graph to be built. It takes about a second
// and holds the graphs' memory from then on. It also seals the weights
// (graph.Params.Seal): the recurrent layers keep them packed for the matrix
// kernels instead of packing them for every request; training the model
// again unseals them.
func (m *Model) Warmup() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.ps.Seal()
	unk := m.vocab.ID(text.Unk)
	for _, T := range append(append([]int(nil), buckets...), m.cfg.MaxLen) {
		if T > m.cfg.MaxLen {
			continue
		}
		seq := make([]int, T)
		for i := range seq {
			seq[i] = unk
		}
		for B := 1; ; B *= 2 {
			seqs := make([][]int, min(B, predictBatch))
			for i := range seqs {
				seqs[i] = seq
			}
			if _, _, err := m.run(seqs, nil, false); err != nil {
				return err
			}
			if B >= predictBatch {
				break
			}
		}
	}
	return nil
}

// Evaluate scores labelled texts: loss, accuracy, macro-F1 and the
// confusion matrix.
func (m *Model) Evaluate(texts []string, labels []int) (*train.Eval, error) {
	if err := checkLabelled(texts, labels, m.cfg.Classes); err != nil {
		return nil, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	s, err := m.newSplit(texts, labels, 0)
	if err != nil {
		return nil, err
	}
	return m.evaluate(s)
}

// checkLabelled reports texts and labels that cannot be scored.
func checkLabelled(texts []string, labels []int, classes int) error {
	if len(texts) != len(labels) {
		return fmt.Errorf("polarity: %d texts but %d labels", len(texts), len(labels))
	}
	if len(texts) == 0 {
		return fmt.Errorf("polarity: no labelled texts to evaluate")
	}
	for i, l := range labels {
		if l < 0 || l >= classes {
			return fmt.Errorf("polarity: label %d of text %d is outside [0,%d)", l, i, classes)
		}
	}
	return nil
}

func (m *Model) evaluate(s *split) (*train.Eval, error) {
	return train.Evaluate(len(s.batches), func(i int) (train.Result, error) {
		seqs, labels := s.batch(i)
		r, _, err := m.run(seqs, labels, false)
		return r, err
	}, train.EvalOptions{Classes: m.cfg.Classes})
}

// Encode tokenizes texts and maps them to word ids as the model reads them:
// text.Tokenize, unknown words to <unk>, an empty text to one <unk>, cut
// at Config.MaxLen tokens.
func (m *Model) Encode(texts []string) [][]int {
	out := make([][]int, len(texts))
	for i, s := range texts {
		ids := m.vocab.Encode(text.Tokenize(s), false, false)
		if len(ids) == 0 {
			ids = []int{m.vocab.ID(text.Unk)}
		}
		if len(ids) > m.cfg.MaxLen {
			ids = ids[:m.cfg.MaxLen]
		}
		out[i] = ids
	}
	return out
}

// bucketLen returns the padded length for a sequence of n tokens.
func (m *Model) bucketLen(n int) int {
	for _, b := range buckets {
		if n <= b && b <= m.cfg.MaxLen {
			return b
		}
	}
	return m.cfg.MaxLen
}

// run feeds up to m.batch sequences (predictBatch without labels) (with labels, or nil) through the graph
// of their bucket and returns the loss, predictions and probabilities.
func (m *Model) run(seqs [][]int, labels []int, training bool) (train.Result, [][]float64, error) {
	T := 1
	for _, s := range seqs {
		T = max(T, min(len(s), m.cfg.MaxLen))
	}
	B := m.batch
	if labels == nil {
		B = predictBucket(len(seqs))
	}
	g, err := m.graphs.Get(graphKey{m.bucketLen(T), B, training})
	if err != nil {
		return train.Result{}, nil, err
	}
	g.SetTokens(seqs)
	if labels == nil {
		probs, pred, err := g.Predict(len(seqs))
		return train.Result{Weight: float64(len(seqs)), Pred: pred}, probs, err
	}
	g.SetLabels(labels)
	if err := g.Net.Run(); err != nil {
		return train.Result{}, nil, err
	}
	probs, pred := graph.Softmax(g.Net.Output(0), len(seqs))
	return train.Result{Loss: g.Net.LossValue(), Weight: float64(len(seqs)), Gold: labels, Pred: pred}, probs, nil
}

// Save writes the model's weights, configuration and vocabulary to path (a
// weights-only checkpoint; ".gz" compresses it). With int8 the weight
// matrices are stored in 8 bits with a float32 scale per row or column
// (checkpoint.Checkpoint.Quantize8), a quarter of the size.
func (m *Model) Save(path string, int8 bool) error {
	return checkpoint.WriteWeights(path, Kind, m.ps, m.cfg, map[string]any{"words": m.vocab}, m.Metrics, int8)
}

// Load reads a model from a checkpoint file written by Train, the sentiment
// program or Save (".gz" files are decompressed).
func Load(path string) (*Model, error) { return checkpoint.Load(path, FromCheckpoint) }

// FromCheckpoint rebuilds a model from a decoded checkpoint.
func FromCheckpoint(ck *checkpoint.Checkpoint) (*Model, error) {
	if err := ck.CheckKind(Kind); err != nil {
		return nil, err
	}
	if ck.Config == nil {
		return nil, errors.New("the checkpoint has no model config")
	}
	var cfg Config
	if err := json.Unmarshal(ck.Config, &cfg); err != nil {
		return nil, fmt.Errorf("model config: %w", err)
	}
	raw, ok := ck.Vocabs["words"]
	if !ok {
		return nil, errors.New("the checkpoint has no vocabulary \"words\"")
	}
	vocab := &text.Vocab{}
	if err := json.Unmarshal(raw, vocab); err != nil {
		return nil, fmt.Errorf("vocabulary: %w", err)
	}
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("model config: %w", err)
	}
	if vocab.Size() != cfg.Vocab {
		return nil, fmt.Errorf("the vocabulary has %d words, the model config %d", vocab.Size(), cfg.Vocab)
	}
	dirs := map[bool]float64{true: 2, false: 1}[cfg.Bidirectional]
	h := float64(cfg.Hidden)
	if err := ck.CheckWeights(float64(cfg.Vocab)*float64(cfg.EmbedDim) + float64(cfg.Layers)*dirs*h*h + h*float64(cfg.Classes)); err != nil {
		return nil, err
	}
	m, err := New(cfg, vocab, nil, 1, batchSize)
	if err != nil {
		return nil, err
	}
	if err := ck.LoadParams(m.ps); err != nil {
		return nil, err
	}
	m.Metrics = ck.Metrics
	return m, nil
}

//go:embed pretrained/uci-bilstm.ckpt.gz
var pretrainedGz []byte

// PretrainedFile is the name of the shipped checkpoint in this package's
// directory.
const PretrainedFile = "pretrained/uci-bilstm.ckpt.gz"

// Pretrained returns the shipped model, trained on the UCI Sentiment
// Labelled Sentences (see the model card in the package doc). It is decoded
// anew on every call; keep the model rather than calling it per request.
func Pretrained() (*Model, error) {
	return checkpoint.LoadEmbedded("polarity: "+PretrainedFile, pretrainedGz, FromCheckpoint)
}
