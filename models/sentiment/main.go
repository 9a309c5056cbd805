package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"runtime"
	"strings"
	"time"

	"github.com/rnnzoo/rnnzoo/blas"
	"github.com/rnnzoo/rnnzoo/datasets"
	"github.com/rnnzoo/rnnzoo/datasets/sentiment"
	"github.com/rnnzoo/rnnzoo/datasets/text"
	"github.com/rnnzoo/rnnzoo/embeddings"
	"github.com/rnnzoo/rnnzoo/train"
)

func main() {
	if _, err := blas.Setup("auto"); err != nil {
		fmt.Fprintln(os.Stderr, "sentiment:", err)
		os.Exit(1)
	}
	if err := run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "sentiment:", err)
		os.Exit(1)
	}
}

// examples are classified at the end of the demo.
var examples = []string{
	"This phone is great, I love it.",
	"The food was cold and the service was terrible.",
	"Not bad at all, I would come back.",
	"I would not recommend this movie to anyone.",
	"The battery died after two days.",
}

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	cmd := "demo"
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "demo", "train":
		return cmdTrain(cmd, args, stdout, stderr)
	case "eval":
		return cmdEval(args, stdout)
	case "predict":
		return cmdPredict(args, stdin, stdout)
	case "tokens":
		return cmdTokens(args, stdout, stderr)
	case "help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	return fmt.Errorf("unknown command %q\n%s", cmd, usage)
}

const usage = `usage:
  sentiment                       train on the embedded UCI sentences, evaluate, predict examples
  sentiment train [flags]         train (-data FILE|DIR -dataset uci|sst2|mr; see -h)
  sentiment eval -model M -test FILE [-dataset F] [-json]
  sentiment predict -model M ["text" ...]   (no text: one sentence per line on stdin)
  sentiment tokens -data FILE|DIR [-dataset F]   the training split, tokenised, one sentence a line
                                  (a corpus to add when training word vectors for the domain)
`

// trainFlags are the flags of train and of the no-argument demo.
type trainFlags struct {
	data, dataset, vectors, vecFormat, model string
	cell, pool                               string
	hidden, layers, batch, maxLen, minCount  int
	threads, extraWords                      int
	bidir, freeze, jsonOut                   bool
	dropout                                  float64
	train.Flags                              // -epochs -lr -schedule -clip -patience -seed -log -plots …
}

// defaultTrainFlags are the demo's settings: 12 epochs of Adam at a constant
// 2e-3, clipping at 5, early stopping after 4 epochs without improvement.
func defaultTrainFlags() trainFlags {
	f := trainFlags{Flags: train.DefaultFlags()}
	f.Epochs, f.LR, f.Patience = 12, 2e-3, 4
	return f
}

func (f *trainFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.data, "data", "", "data file or directory (default: the embedded UCI sentences)")
	fs.StringVar(&f.dataset, "dataset", "", "format of -data: uci, sst2 or mr (default: from the path)")
	fs.StringVar(&f.vectors, "vectors", "builtin", "initial word vectors: builtin, none, or a word2vec text/binary, GloVe or fastText .vec file")
	fs.StringVar(&f.vecFormat, "vectors-format", "auto", "format of -vectors: auto, text, binary, glove")
	fs.IntVar(&f.extraWords, "vectors-vocab", 20000, "add this many of the vectors' most frequent words to the vocabulary")
	fs.BoolVar(&f.freeze, "freeze", false, "keep the pretrained embedding fixed")
	fs.StringVar(&f.model, "model", "", "checkpoint to write (default: the user cache directory)")
	fs.StringVar(&f.cell, "cell", "lstm", "recurrent cell: lstm, gru or rnn")
	fs.StringVar(&f.pool, "pool", "max", "pooling over time: last, max or mean")
	fs.BoolVar(&f.bidir, "bidirectional", true, "bidirectional layers")
	fs.IntVar(&f.hidden, "hidden", 128, "hidden units per direction")
	fs.IntVar(&f.layers, "layers", 1, "stacked recurrent layers")
	fs.Float64Var(&f.dropout, "dropout", 0.4, "dropout between layers and before the output")
	fs.IntVar(&f.batch, "batch", 32, "batch size")
	fs.IntVar(&f.maxLen, "maxlen", 64, "truncate sentences to this many tokens")
	fs.IntVar(&f.minCount, "min-count", 1, "minimum count of a training word to enter the vocabulary")
	fs.IntVar(&f.threads, "threads", 0, "GOMAXPROCS (0: all cores)")
	fs.BoolVar(&f.jsonOut, "json", false, "print the final metrics as one JSON line last")
	f.Flags.Register(fs)
}

func defaultModelPath() (string, error) { return datasets.CacheFile("sentiment", "model.ckpt") }

func loadVectors(spec, format string) (*embeddings.Vectors, string, error) {
	switch spec {
	case "none", "":
		return nil, "none", nil
	case "builtin":
		v, name, err := builtinVectors()
		return v, name, err
	}
	f, err := embeddings.ParseFormat(format)
	if err != nil {
		return nil, "", err
	}
	v, err := embeddings.Load(spec, f)
	return v, spec, err
}

func cmdTrain(cmd string, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet(cmd, flag.ContinueOnError)
	fs.SetOutput(stderr)
	f := defaultTrainFlags()
	f.register(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%s: unexpected argument %q", cmd, fs.Arg(0))
	}
	if f.threads > 0 {
		runtime.GOMAXPROCS(f.threads)
	}
	start := time.Now()
	ds, err := sentiment.Open(f.data, f.dataset, int64(f.Seed))
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "data: %s: %d train, %d validation, %d test sentences\n", ds.Name, len(ds.Train), len(ds.Valid), len(ds.Test))
	counts := text.NewCounter()
	var trainTexts []string
	var trainLabels []int
	for _, ex := range ds.Train {
		counts.Add(text.Tokenize(ex.Text))
		trainTexts = append(trainTexts, ex.Text)
		trainLabels = append(trainLabels, ex.Label)
	}
	vecs, vecName, err := loadVectors(f.vectors, f.vecFormat)
	if err != nil {
		return err
	}
	vocabCounts := text.Counter{}
	for w, n := range counts {
		if n >= f.minCount {
			vocabCounts[w] = n
		}
	}
	embedDim := 100
	if vecs != nil {
		embedDim = vecs.Dim
		for i := 0; i < min(f.extraWords, vecs.Len()); i++ {
			if w := vecs.Words[i]; vocabCounts[w] == 0 {
				vocabCounts[w] = 1
			}
		}
	}
	vocab := vocabCounts.Vocab(text.VocabOptions{MinCount: 1})
	cfg := modelConfig{Cell: f.cell, Hidden: f.hidden, Layers: f.layers, Bidirectional: f.bidir, Pool: f.pool,
		EmbedDim: embedDim, Dropout: f.dropout, MaxLen: f.maxLen, Vocab: vocab.Size(), Classes: 2,
		Vectors: vecName, Frozen: f.freeze && vecs != nil}
	var pre []float64
	if vecs != nil {
		var cov coverage
		pre, cov = embeddingMatrix(vocab, vecs, counts, f.Seed)
		fmt.Fprintf(stdout, "vectors: %s (%d × %d): %v\n", vecName, vecs.Len(), vecs.Dim, cov)
	} else {
		fmt.Fprintf(stdout, "vectors: none: the embedding starts from U(−0.1, 0.1)\n")
	}
	c, err := newClassifier(cfg, vocab, pre, f.Seed, f.batch)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "model: %v\nBLAS: %v (set RNNZOO_BLAS=go|gonum|openblas to choose)\n", c, blas.Current())
	t := &task{c: c}
	if t.train, err = c.newSplit(trainTexts, trainLabels, int64(f.Seed)); err != nil {
		return err
	}
	if len(ds.Valid) > 0 {
		if t.valid, err = c.newSplit(texts(ds.Valid), labelsOf(ds.Valid), int64(f.Seed)); err != nil {
			return err
		}
	}
	path := f.model
	if path == "" {
		if path, err = defaultModelPath(); err != nil {
			return err
		}
	}
	monitor := "accuracy"
	if t.valid == nil {
		monitor = "loss"
	}
	tc, err := f.Config(c.ps, t.NumTrain())
	if err != nil {
		return err
	}
	tc.Monitor = monitor
	tc.Eval = train.EvalOptions{Classes: 2}
	tc.Checkpoint, tc.ModelConfig, tc.Vocabs = path, cfg, map[string]any{"words": vocab}
	tc.RandSources = map[string]*rand.PCG{"dropout": c.drop}
	tc.Progress = stderr
	tr, err := train.New(t, tc)
	if err != nil {
		return err
	}
	rep, err := tr.Fit()
	if err != nil {
		return err
	}
	trainSeconds := time.Since(start).Seconds()
	metrics := map[string]float64{"train_seconds": trainSeconds, "epochs": float64(rep.Epochs)}
	if t.valid != nil {
		ev, err := c.evaluate(t.valid)
		if err != nil {
			return err
		}
		metrics["valid_accuracy"] = ev.Metrics["accuracy"]
		metrics["valid_macro_f1"] = ev.Metrics["macro_f1"]
		fmt.Fprintf(stdout, "validation: accuracy %.4f, macro-F1 %.4f, loss %.4f (%d sentences)\n", ev.Metrics["accuracy"], ev.Metrics["macro_f1"], ev.Loss, int(ev.Weight))
	}
	if len(ds.Test) > 0 {
		ts, err := c.newSplit(texts(ds.Test), labelsOf(ds.Test), 0)
		if err != nil {
			return err
		}
		ev, err := c.evaluate(ts)
		if err != nil {
			return err
		}
		metrics["accuracy"] = ev.Metrics["accuracy"]
		metrics["macro_f1"] = ev.Metrics["macro_f1"]
		metrics["loss"] = ev.Loss
		metrics["examples"] = ev.Weight
		fmt.Fprintf(stdout, "test: accuracy %.4f, macro-F1 %.4f, loss %.4f (%d sentences)\n", ev.Metrics["accuracy"], ev.Metrics["macro_f1"], ev.Loss, int(ev.Weight))
	}
	if err := tr.Save(path); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "checkpoint: %s (epochs %d, stopped: %s; %.1f s)\n", path, rep.Epochs, rep.Stopped, trainSeconds)
	if cmd == "demo" {
		preds, probs, err := c.predict(examples)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "predictions (try: go run ./models/sentiment predict \"your sentence\"):\n")
		for i, s := range examples {
			fmt.Fprintf(stdout, "  %-8s %.2f  %s\n", labelName(preds[i]), probs[i][preds[i]], s)
		}
	}
	if f.jsonOut {
		return printJSON(stdout, metrics)
	}
	return nil
}

func texts(ex []sentiment.Example) []string {
	out := make([]string, len(ex))
	for i, e := range ex {
		out[i] = e.Text
	}
	return out
}

func labelsOf(ex []sentiment.Example) []int {
	out := make([]int, len(ex))
	for i, e := range ex {
		out[i] = e.Label
	}
	return out
}

func labelName(c int) string {
	if c == 1 {
		return "positive"
	}
	return "negative"
}

func printJSON(w io.Writer, m map[string]float64) error {
	b, err := json.Marshal(m)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintln(w, string(b))
	return err
}

// loadModel rebuilds a classifier from a checkpoint.
func loadModel(path string) (*classifier, error) {
	if path == "" {
		var err error
		if path, err = defaultModelPath(); err != nil {
			return nil, err
		}
	}
	ck, err := train.ReadCheckpoint(path)
	if err != nil {
		return nil, err
	}
	var cfg modelConfig
	if err := json.Unmarshal(ck.Config, &cfg); err != nil {
		return nil, fmt.Errorf("%s: model config: %w", path, err)
	}
	raw, ok := ck.Vocabs["words"]
	if !ok {
		return nil, fmt.Errorf("%s: no vocabulary \"words\"", path)
	}
	vocab := &text.Vocab{}
	if err := json.Unmarshal(raw, vocab); err != nil {
		return nil, fmt.Errorf("%s: vocabulary: %w", path, err)
	}
	if vocab.Size() != cfg.Vocab {
		return nil, fmt.Errorf("%s: vocabulary has %d words, the config says %d", path, vocab.Size(), cfg.Vocab)
	}
	c, err := newClassifier(cfg, vocab, nil, 1, 32)
	if err != nil {
		return nil, err
	}
	if err := ck.LoadParams(c.ps); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return c, nil
}

func cmdEval(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("eval", flag.ContinueOnError)
	model := fs.String("model", "", "checkpoint (default: the one the demo saved)")
	test := fs.String("test", "", "labelled file or directory to score")
	format := fs.String("dataset", "", "format of -test: uci, sst2 or mr (default: from the path)")
	jsonOut := fs.Bool("json", false, "print the metrics as one JSON line last")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *test == "" {
		return errors.New("eval: -test FILE is required")
	}
	c, err := loadModel(*model)
	if err != nil {
		return err
	}
	ex, err := sentiment.Load(*test, *format)
	if err != nil {
		return err
	}
	s, err := c.newSplit(texts(ex), labelsOf(ex), 0)
	if err != nil {
		return err
	}
	ev, err := c.evaluate(s)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s: accuracy %.4f, macro-F1 %.4f, loss %.4f (%d sentences)\n", *test, ev.Metrics["accuracy"], ev.Metrics["macro_f1"], ev.Loss, int(ev.Weight))
	fmt.Fprintf(stdout, "confusion (rows gold, columns predicted): %v\n", ev.Confusion)
	if *jsonOut {
		return printJSON(stdout, ev.Summary())
	}
	return nil
}

func cmdPredict(args []string, stdin io.Reader, stdout io.Writer) error {
	fs := flag.NewFlagSet("predict", flag.ContinueOnError)
	model := fs.String("model", "", "checkpoint (default: the one the demo saved)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	c, err := loadModel(*model)
	if err != nil {
		return err
	}
	lines := fs.Args()
	if len(lines) == 0 {
		sc := bufio.NewScanner(stdin)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			if s := strings.TrimSpace(sc.Text()); s != "" {
				lines = append(lines, s)
			}
		}
		if err := sc.Err(); err != nil {
			return err
		}
	}
	preds, probs, err := c.predict(lines)
	if err != nil {
		return err
	}
	for i, s := range lines {
		fmt.Fprintf(stdout, "%s\t%.4f\t%s\n", labelName(preds[i]), probs[i][1], s)
	}
	return nil
}

// cmdTokens writes the training split of a data set as the model tokenises
// it, one sentence a line, so that word vectors can be trained on text of
// the same domain and tokenisation. Only the training split is written: the
// validation and test sentences must not reach the vectors.
func cmdTokens(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("tokens", flag.ContinueOnError)
	fs.SetOutput(stderr)
	data := fs.String("data", "", "data file or directory (default: the embedded UCI sentences)")
	format := fs.String("dataset", "", "format of -data: uci, sst2 or mr (default: from the path)")
	seed := fs.Uint64("seed", 1, "seed of the split, for data sets that are split here (UCI, MR)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("tokens: unexpected argument %q", fs.Arg(0))
	}
	ds, err := sentiment.Open(*data, *format, int64(*seed))
	if err != nil {
		return err
	}
	w := bufio.NewWriter(stdout)
	for _, ex := range ds.Train {
		if toks := text.Tokenize(ex.Text); len(toks) > 0 {
			w.WriteString(strings.Join(toks, " "))
			w.WriteByte('\n')
		}
	}
	return w.Flush()
}
