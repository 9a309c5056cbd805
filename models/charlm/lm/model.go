package lm

import (
	"context"
	"encoding/json"
	"fmt"
	"github.com/rnnzoo/rnnzoo/train/checkpoint"
	"io"
	"math"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/rnnzoo/rnnzoo/graph"
	"github.com/rnnzoo/rnnzoo/train"
	"gorgonia.org/tensor"
)

// Config is the model's configuration, stored in checkpoints.
type Config struct {
	Cell    graph.CellKind   `json:"cell"` // lstm, gru or rnn
	Act     graph.Activation `json:"act"`  // of an Elman cell
	Layers  int              `json:"layers"`
	Hidden  int              `json:"hidden"`
	Embed   int              `json:"embed"`
	Dropout float64          `json:"dropout"`
	Vocab   int              `json:"vocab"`
	Seed    uint64           `json:"seed"`
	// EmbedStd, when > 0, draws the initial embedding from N(0, EmbedStd²)
	// (PyTorch's default is 1) instead of graph's U(−0.1, 0.1).
	EmbedStd float64 `json:"embed_std,omitempty"`
}

// Kind is the model kind recorded in this package's checkpoints.
const Kind = "charlm"

// Model is a character language model: embedding → stacked recurrent
// layers → softmax over the next character at every step (graph.Synced):
//
//	x_t = E[c_t],  h_t = RNN(x_t, h_{t−1}),  p(c_{t+1} | c_≤t) = softmax(W·h_t + b)
//
// Sample, Evaluate and BitsPerChar are safe for concurrent use (calls are
// serialised: the recurrent layers share working memory across graphs).
type Model struct {
	Config Config
	Vocab  *Vocab
	Params *graph.Params
	Net    *graph.Synced
	// Metrics are the held-out metrics stored with the weights (may be nil).
	Metrics map[string]float64

	mu     sync.Mutex
	graphs *graph.Cache[[2]int, *graph.SyncedGraph] // evaluation graphs by (T, B)
}

// inference returns the evaluation graph of T steps and B streams.
func (m *Model) inference(T, B int) (*graph.SyncedGraph, error) {
	if m.graphs == nil {
		m.graphs = graph.NewCache(8, func(k [2]int) (*graph.SyncedGraph, error) { return m.Net.Compile(k[0], k[1], false, nil) })
	}
	return m.graphs.Get([2]int{T, B})
}

// NewModel creates a model with freshly initialised weights.
func NewModel(cfg Config, v *Vocab) (*Model, error) {
	kind, act := cfg.Cell, cfg.Act
	if v == nil || v.Validate() != nil {
		return nil, fmt.Errorf("charlm: no valid vocabulary")
	}
	if cfg.Layers < 1 || cfg.Hidden < 1 || cfg.Embed < 1 {
		return nil, fmt.Errorf("charlm: need layers, hidden and embed ≥ 1, got %d, %d, %d", cfg.Layers, cfg.Hidden, cfg.Embed)
	}
	cfg.Vocab = v.Size()
	ps := graph.NewParams(tensor.Float32, cfg.Seed)
	var opts []graph.Option
	if cfg.EmbedStd > 0 {
		rng := rand.New(rand.NewPCG(cfg.Seed, 0xe3b))
		e := make([]float64, cfg.Vocab*cfg.Embed)
		for i := range e {
			e[i] = cfg.EmbedStd * rng.NormFloat64()
		}
		opts = append(opts, graph.WithEmbedding(e))
	}
	net, err := graph.NewSynced(ps, "charlm", graph.SyncedConfig{
		Input:   graph.InputConfig{Vocab: cfg.Vocab, EmbedDim: cfg.Embed},
		RNN:     graph.StackConfig{Kind: kind, Act: act, Hidden: cfg.Hidden, Layers: cfg.Layers, Dropout: cfg.Dropout},
		Dropout: cfg.Dropout,
		Classes: cfg.Vocab,
	}, opts...)
	if err != nil {
		return nil, err
	}
	return &Model{Config: cfg, Vocab: v, Params: ps, Net: net}, nil
}

// Save writes the model (weights, configuration, vocabulary and Metrics)
// as a checkpoint file (".gz": compressed; int8: 8-bit weight matrices).
func (m *Model) Save(path string, int8 bool) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	return checkpoint.WriteWeights(path, Kind, m.Params, m.Config, map[string]any{"chars": m.Vocab}, m.Metrics, int8)
}

// Load reads a model written by Save or the charlm program.
func Load(path string) (*Model, error) { return checkpoint.Load(path, FromCheckpoint) }

// FromCheckpoint rebuilds a model from a decoded checkpoint.
func FromCheckpoint(ck *checkpoint.Checkpoint) (*Model, error) {
	if err := ck.CheckKind(Kind); err != nil {
		return nil, err
	}
	var cfg Config
	if err := jsonUnmarshal(ck.Config, &cfg); err != nil {
		return nil, fmt.Errorf("model config: %w", err)
	}
	v := &Vocab{}
	raw, ok := ck.Vocabs["chars"]
	if !ok {
		return nil, fmt.Errorf("no character vocabulary")
	}
	if err := jsonUnmarshal(raw, v); err != nil {
		return nil, fmt.Errorf("vocabulary: %w", err)
	}
	if err := v.Validate(); err != nil {
		return nil, err
	}
	h := float64(cfg.Hidden)
	if err := ck.CheckWeights(float64(cfg.Vocab)*float64(cfg.Embed) + float64(cfg.Layers)*h*h + h*float64(cfg.Vocab)); err != nil {
		return nil, err
	}
	m, err := NewModel(cfg, v)
	if err != nil {
		return nil, err
	}
	if err := ck.LoadParams(m.Params); err != nil {
		return nil, err
	}
	m.Metrics = ck.Metrics
	return m, nil
}

// TrainConfig sets up training.
type TrainConfig struct {
	Batch, BPTT int // streams and steps per batch
	// Flags are train's settings, those named in TrainFlags: MaxSteps
	// (-steps; 0: until Time), Optimizer, LR, WeightDecay, Momentum,
	// Schedule, LRMin, Warmup, Clip, ClipValue and SaveEvery. The number
	// of passes over the streams follows from MaxSteps; the seed is
	// Config.Seed.
	train.Flags
	Time      time.Duration // stop after this long (0: until MaxSteps)
	EvalEvery int           // updates between held-out evaluations (0: only at the end)
	Progress  io.Writer     // progress lines (nil: none)
	JSONL     io.Writer     // one JSON line per evaluation (nil: none)
	// Checkpoint, if set, receives the training state when ctx is
	// cancelled; with Resume, training continues from it (the curve of
	// the report starts anew).
	Checkpoint string
	Resume     bool
}

// TrainFlags are the train.Flags that Train honours, for
// Flags.RegisterOnly.
var TrainFlags = []string{"steps", "optimizer", "lr", "weight-decay", "momentum", "schedule", "lr-min", "warmup", "clip", "clip-value", "save-every"}

// DefaultTrainConfig is the charlm program's recipe: 32 streams of 64
// steps, Adam at a constant 3e-3, clipping at global norm 5, a held-out
// evaluation every 200 updates (set MaxSteps or Time).
func DefaultTrainConfig() TrainConfig {
	f := train.DefaultFlags()
	f.LR, f.Epochs, f.Patience = 0.003, 1, 0
	return TrainConfig{Batch: 32, BPTT: 64, Flags: f, EvalEvery: 200}
}

// Point is one evaluation during training.
type Point struct {
	Step      int     `json:"step"`
	Seconds   float64 `json:"seconds"`
	TrainLoss float64 `json:"train_loss"` // mean over the updates since the last point (nats/char)
	ValidBPC  float64 `json:"valid_bpc"`
	GradNorm  float64 `json:"grad_norm_mean"` // pre-clip
	Clipped   float64 `json:"clipped"`        // share of clipped updates
}

// Report is the outcome of training.
type Report struct {
	Steps     int     `json:"steps"`
	Seconds   float64 `json:"seconds"` // training only, without the evaluations
	Chars     int     `json:"chars_seen"`
	ValidNLL  float64 `json:"valid_nll"`
	ValidBPC  float64 `json:"valid_bpc"`
	ValidPPL  float64 `json:"valid_perplexity"`
	ValidSize int     `json:"valid_chars"`
	Curve     []Point `json:"curve"`
}

// streamTask is the training text as train.Task: batch k of an epoch is
// the k-th window of the parallel streams, the recurrent state carried
// from batch to batch (truncated BPTT) and reset at batch 0.
type streamTask struct {
	m  *Model
	st *Streams
	g  *graph.SyncedGraph
}

func (k *streamTask) Params() *graph.Params { return k.m.Params }
func (k *streamTask) NumTrain() int         { return k.st.Batches() }
func (k *streamTask) NumValid() int         { return 0 }
func (k *streamTask) EvalBatch(int) (train.Result, error) {
	return train.Result{}, fmt.Errorf("charlm: no validation batches")
}

// CarriedState implements train.CarriedState: the recurrent state after
// the last batch, so that a resumed run continues the streams exactly.
func (k *streamTask) CarriedState() (json.RawMessage, error) { return json.Marshal(k.g.State()) }

// SetCarriedState implements train.CarriedState.
func (k *streamTask) SetCarriedState(b json.RawMessage) error {
	var st [][]float64
	if err := json.Unmarshal(b, &st); err != nil {
		return err
	}
	return k.g.SetState(st)
}

func (k *streamTask) TrainBatch(i int) (train.Result, error) {
	if i == 0 {
		k.g.ResetState()
	}
	in, out := k.st.Batch(i)
	k.g.SetTokens(in)
	k.g.SetTargets(out)
	if err := k.g.Net.Run(); err != nil {
		return train.Result{}, err
	}
	k.g.CarryState()
	return train.Result{Loss: k.g.Net.LossValue(), Weight: 1}, nil
}

// Train trains the model on the training ids with truncated BPTT (the
// state carried from batch to batch, reset at the start of each pass) with
// train's loop (Adam, clipping, NaN guard), and evaluates it on the
// held-out ids every tc.EvalEvery updates and at the end.
//
// Cancelling ctx stops after the update under way and returns the report
// so far with ctx's error (the model keeps the weights it has; with
// tc.Checkpoint, the training state is saved there).
func (m *Model) Train(ctx context.Context, trainIDs, validIDs []int, tc TrainConfig) (*Report, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if tc.MaxSteps <= 0 && tc.Time <= 0 {
		return nil, fmt.Errorf("charlm: set a number of steps or a time budget")
	}
	if tc.MaxSteps <= 0 && (tc.Schedule == "cosine" || tc.Warmup == train.WarmupAuto) {
		return nil, fmt.Errorf("charlm: a cosine schedule or -warmup -1 needs -steps (a time budget has no known end)")
	}
	st, err := NewStreams(trainIDs, tc.Batch, tc.BPTT)
	if err != nil {
		return nil, err
	}
	g, err := m.Net.Compile(tc.BPTT, tc.Batch, true, rand.New(m.Params.Source("dropout", m.Config.Seed, 0xd40)))
	if err != nil {
		return nil, err
	}
	defer g.Net.Close()
	rep := &Report{}
	var evalTime time.Duration
	point := func(r train.Record) error {
		t0 := time.Now()
		defer func() { evalTime += time.Since(t0) }()
		nll, chars, err := m.evaluate(validIDs, tc.Batch, tc.BPTT)
		if err != nil {
			return err
		}
		p := Point{Step: int(r.Step), Seconds: r.Seconds, ValidBPC: train.BitsPerChar(nll), TrainLoss: r.Loss}
		if r.GradNormMean != nil {
			p.GradNorm, p.Clipped = *r.GradNormMean, *r.Clipped
		}
		rep.Curve = append(rep.Curve, p)
		rep.ValidNLL, rep.ValidBPC, rep.ValidPPL, rep.ValidSize = nll, p.ValidBPC, train.Perplexity(nll), chars
		if tc.Progress != nil {
			fmt.Fprintf(tc.Progress, "step %5d  %5.0fs  train %.3f bpc  held-out %.3f bpc  grad norm %.2f  clipped %.0f%%\n",
				p.Step, p.Seconds, train.BitsPerChar(p.TrainLoss), p.ValidBPC, p.GradNorm, 100*p.Clipped)
		}
		if tc.JSONL != nil {
			if b, err := jsonMarshal(p); err == nil {
				tc.JSONL.Write(append(b, '\n'))
			}
		}
		return nil
	}
	f := tc.Flags
	f.Epochs, f.Seed, f.Patience, f.Log, f.Plots, f.GradNorms = 1<<30, m.Config.Seed, 0, "", "", false // a time budget: as many passes as it allows
	if tc.MaxSteps > 0 {
		f.Epochs = int((tc.MaxSteps + int64(st.Batches()) - 1) / int64(st.Batches()))
	}
	cfg, err := f.Config(m.Params, st.Batches())
	if err != nil {
		return nil, fmt.Errorf("charlm: %w", err)
	}
	cfg.NoShuffle, cfg.Every, cfg.Hook = true, int64(tc.EvalEvery), func(r train.Record) (bool, error) { return false, point(r) }
	cfg.TimeBudget, cfg.Checkpoint, cfg.ModelKind, cfg.ModelConfig = tc.Time, tc.Checkpoint, Kind, m.Config
	cfg.Vocabs, cfg.Progress = map[string]any{"chars": m.Vocab}, io.Discard
	tr, err := train.New(&streamTask{m: m, st: st, g: g}, cfg)
	if err != nil {
		return nil, err
	}
	if tc.Resume {
		if err := tr.Resume(tc.Checkpoint); err != nil {
			return nil, err
		}
	}
	start := time.Now()
	_, err = tr.FitContext(ctx)
	rep.Steps = int(tr.Step())
	rep.Seconds = (time.Since(start) - evalTime).Seconds()
	rep.Chars = rep.Steps * tc.Batch * tc.BPTT
	if err != nil {
		return rep, err
	}
	if len(rep.Curve) == 0 || rep.Curve[len(rep.Curve)-1].Step != rep.Steps {
		if err := point(tr.Interval()); err != nil {
			return nil, err
		}
	}
	return rep, nil
}

// Evaluate returns the mean negative log-likelihood (nats per character) of
// the model on ids, read as B streams in T-step batches with the state
// carried through each stream, and the number of characters scored (the
// predictions of the first character of each stream and of the characters
// after the last whole batch are not scored).
func (m *Model) Evaluate(ids []int, B, T int) (float64, int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.evaluate(ids, B, T)
}

// BitsPerChar returns the model's bits per character on text read as one
// stream (the first character is given, each next one scored), and the
// number of characters scored: all of them up to 4,097 characters; in a
// longer text, whole chunks of 4,096 with the state carried between them,
// and the characters after the last whole chunk are not scored.
func (m *Model) BitsPerChar(text string) (float64, int, error) {
	ids := m.Vocab.Encode([]rune(text))
	if len(ids) < 2 {
		return 0, 0, fmt.Errorf("charlm: a text of %d characters has nothing to score", len(ids))
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	T := min(4096, len(ids)-1)
	nll, n, err := m.evaluate(ids, 1, T)
	if err != nil {
		return 0, 0, err
	}
	return train.BitsPerChar(nll), n, nil
}

func (m *Model) evaluate(ids []int, B, T int) (float64, int, error) {
	if B < 1 || T < 1 {
		return 0, 0, fmt.Errorf("charlm: batch %d and steps %d must be at least 1", B, T)
	}
	if len(ids)/B < T+1 {
		B = max(1, len(ids)/(T+1))
	}
	st, err := NewStreams(ids, B, T)
	if err != nil {
		return 0, 0, err
	}
	g, err := m.inference(T, B)
	if err != nil {
		return 0, 0, err
	}
	g.ResetState()
	var sum float64
	nb := st.Batches()
	for k := 0; k < nb; k++ {
		in, out := st.Batch(k)
		g.SetTokens(in)
		g.SetTargets(out)
		if err := g.Net.Run(); err != nil {
			return 0, 0, err
		}
		sum += g.Net.LossValue()
		g.CarryState()
	}
	// The graph computes gradients too; they are not ours to keep.
	m.Params.ZeroGrad()
	return sum / float64(nb), nb * B * T, nil
}

// Sample primes the model with prime (which may be empty) and then draws n
// characters, each from softmax(logits/temperature) (temperature 0: the
// most probable character), from a generator seeded by seed.
func (m *Model) Sample(prime string, n int, temperature float64, seed uint64) (string, error) {
	if temperature < 0 || math.IsNaN(temperature) {
		return "", fmt.Errorf("charlm: temperature %v, want ≥ 0", temperature)
	}
	if n < 0 || n > MaxSample {
		return "", fmt.Errorf("charlm: %d characters to draw, want 0 to %d", n, MaxSample)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	g, err := m.inference(1, 1)
	if err != nil {
		return "", err
	}
	g.ResetState()
	rng := rand.New(rand.NewPCG(seed, 0x5a3))
	ids := m.Vocab.Encode([]rune(prime))
	if len(ids) == 0 {
		// Start after a newline, as at the beginning of an address.
		ids = []int{m.Vocab.ID('\n')}
	}
	V := m.Vocab.Size()
	probs := make([]float64, V)
	step := func(id int) error {
		g.SetTokens([][]int{{id}})
		g.SetTargets([][]int{{0}})
		if err := g.Net.Run(); err != nil {
			return err
		}
		g.CarryState()
		return nil
	}
	for _, id := range ids {
		if err := step(id); err != nil {
			return "", err
		}
	}
	out := make([]rune, 0, n)
	for i := 0; i < n; i++ {
		logits := g.Net.Output(0)
		for c := 0; c < V; c++ {
			probs[c] = at(logits, c)
		}
		id := draw(probs, temperature, rng)
		out = append(out, m.Vocab.Char(id))
		if err := step(id); err != nil {
			return "", err
		}
	}
	m.Params.ZeroGrad()
	return string(out), nil
}

// MaxSample is the most characters one Sample call draws.
const MaxSample = 1 << 20

// draw picks an id from logits at a temperature; the unknown character is
// never drawn.
func draw(logits []float64, temperature float64, rng *rand.Rand) int {
	best := 1
	for c := 2; c < len(logits); c++ {
		if logits[c] > logits[best] {
			best = c
		}
	}
	if temperature == 0 {
		return best
	}
	var sum float64
	p := make([]float64, len(logits))
	for c := 1; c < len(logits); c++ {
		p[c] = math.Exp((logits[c] - logits[best]) / temperature)
		sum += p[c]
	}
	u := rng.Float64() * sum
	for c := 1; c < len(p); c++ {
		if u -= p[c]; u < 0 {
			return c
		}
	}
	return best
}

func at(d *tensor.Dense, i int) float64 {
	switch v := d.Data().(type) {
	case []float32:
		return float64(v[i])
	case []float64:
		return v[i]
	}
	panic(fmt.Sprintf("charlm: unexpected tensor type %T", d.Data()))
}
