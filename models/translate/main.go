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
	"slices"
	"strings"
	"time"

	"github.com/rnnzoo/rnnzoo/blas"
	"github.com/rnnzoo/rnnzoo/datasets"
	"github.com/rnnzoo/rnnzoo/datasets/parallel"
	"github.com/rnnzoo/rnnzoo/datasets/text"
	"github.com/rnnzoo/rnnzoo/train"
)

func main() {
	if _, err := blas.Setup("auto"); err != nil {
		fmt.Fprintln(os.Stderr, "translate:", err)
		os.Exit(1)
	}
	if err := run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "translate:", err)
		os.Exit(1)
	}
}

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	cmd := "demo"
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "demo":
		return cmdDemo(args, stdout, stderr)
	case "train":
		return cmdTrain(args, stdout, stderr)
	case "eval":
		return cmdEval(args, stdout, stderr)
	case "predict":
		return cmdPredict(args, stdin, stdout, stderr)
	case "heatmap":
		return cmdHeatmap(args, stdout, stderr)
	case "export":
		return cmdExport(args, stdout, stderr)
	case "average":
		return cmdAverage(args, stdout, stderr)
	case "help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	return fmt.Errorf("unknown command %q\n%s", cmd, usage)
}

const usage = `usage:
  translate [-scratch] [-beam K] [-json]    English→Spanish demo: the embedded pretrained model (or -scratch:
                                            a short training run) on the held-out book of Revelation
  translate train [flags]                   train (-data pairs.tsv -src fra -tgt eng; default: the embedded Bible)
  translate eval -model M -test pairs.tsv [-beam K] [-json]
  translate predict -model M ["sentence" ...]   (no sentence: one per line on stdin)
  translate heatmap -model M -out attn.png "sentence"
  translate export -model M -out small.ckpt [-int8]   weights only (for embedding; -int8: 8-bit matrices)
  translate average -out avg.ckpt M1 M2 ...     the mean weights of checkpoints of one model (e.g. its last epochs)
`

// trainFlags are the flags of train and of the demo's -scratch run.
type trainFlags struct {
	dataOptions
	model, logPath, plots, export          string
	schedule                               string
	resume                                 bool
	cell, attention                        string
	hidden, encHidden, layers, embed       int
	epochs, batch, minCount, maxVocab      int
	patience, threads, beam, maxOut, valid int
	warmLen, warmEpochs                    int
	dropout, tf, lr, clip, alpha           float64
	smoothing, wordDrop                    float64
	seed                                   uint64
	jsonOut                                bool
}

func (f *trainFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.data, "data", "", "pairs file: Anki TSV (English<TAB>other) or Bible TSV (ref<TAB>English<TAB>Spanish) (default: the embedded Bible verses)")
	fs.StringVar(&f.test, "test", "", "test pairs file (default: -test-book of a Bible file, else -holdout of -data)")
	fs.StringVar(&f.format, "format", "", "format of -data and -test: anki or bible (default: detected)")
	fs.StringVar(&f.src, "src", "", "source language, e.g. eng, spa, fra (default: eng for the Bible, else the file's first column)")
	fs.StringVar(&f.tgt, "tgt", "", "target language (default: the other one)")
	fs.StringVar(&f.testBook, "test-book", "", "Bible book held out as the test set (default: Revelation)")
	fs.Float64Var(&f.holdout, "holdout", 0.03, "fraction of -data held out as the test set by English sentence, when there is no -test")
	fs.IntVar(&f.valid, "valid", 1000, "hold out at most this many training pairs for validation (0: none)")
	fs.IntVar(&f.maxLen, "maxlen", 20, "drop training pairs with a side longer than this many tokens (sources to translate are cut at max(this, 60) tokens)")
	fs.IntVar(&f.limit, "limit", 0, "use at most this many training pairs (0: all)")
	fs.StringVar(&f.model, "model", "", "checkpoint to write (default: the user cache directory)")
	fs.StringVar(&f.export, "export", "", "also write the weights alone (no optimizer state) to this file")
	fs.StringVar(&f.logPath, "log", "", "JSONL training log")
	fs.StringVar(&f.plots, "plots", "", "directory for PNG loss curves")
	fs.StringVar(&f.cell, "cell", "gru", "recurrent cell: gru or lstm")
	fs.StringVar(&f.attention, "attention", "additive", "attention: none, additive, dot or general")
	fs.IntVar(&f.hidden, "hidden", 256, "decoder state size")
	fs.IntVar(&f.encHidden, "enc-hidden", 0, "encoder state size per direction (default: -hidden; -hidden/2 for dot attention)")
	fs.IntVar(&f.layers, "layers", 1, "stacked layers in the encoder and the decoder")
	fs.IntVar(&f.embed, "embed", 128, "embedding size")
	fs.Float64Var(&f.dropout, "dropout", 0.2, "dropout between layers and before the output layer")
	fs.Float64Var(&f.smoothing, "label-smoothing", 0, "label smoothing ε of the training loss (0: plain cross-entropy)")
	fs.Float64Var(&f.wordDrop, "word-dropout", 0, "in training, replace each source and decoder input token by <unk> with this probability")
	fs.Float64Var(&f.tf, "teacher-forcing", 1, "teacher forcing ratio: the share of decoder inputs that are gold tokens")
	fs.IntVar(&f.epochs, "epochs", 10, "epochs")
	fs.IntVar(&f.batch, "batch", 64, "batch size")
	fs.IntVar(&f.minCount, "min-count", 2, "minimum count of a training token to enter a vocabulary")
	fs.IntVar(&f.maxVocab, "max-vocab", 20000, "largest vocabulary per language, special tokens included")
	fs.IntVar(&f.patience, "patience", 3, "early stopping on validation BLEU: epochs without improvement (0: off)")
	fs.Float64Var(&f.lr, "lr", 2e-3, "Adam learning rate")
	fs.IntVar(&f.warmLen, "warmup-maxlen", 0, "before the epochs, train on the pairs of at most this many tokens a side (0: no warm-up)")
	fs.IntVar(&f.warmEpochs, "warmup-epochs", 2, "epochs of the -warmup-maxlen warm-up")
	fs.StringVar(&f.schedule, "schedule", "constant", "learning rate schedule: constant, or cosine (from -lr down to -lr/20 over -epochs)")
	fs.BoolVar(&f.resume, "resume", false, "continue the training state saved in -model (same data and flags; -epochs may grow)")
	fs.Float64Var(&f.clip, "clip", 5, "clip the global gradient norm (0: off)")
	fs.IntVar(&f.beam, "beam", 1, "beam width for the final test scores (1: greedy only)")
	fs.Float64Var(&f.alpha, "alpha", 1, "beam search length normalisation: score / length^alpha")
	fs.IntVar(&f.maxOut, "max-out", 80, "longest translation in tokens")
	fs.Uint64Var(&f.seed, "seed", 1, "seed of the initialisation, splits, shuffling, dropout and teacher forcing")
	fs.IntVar(&f.threads, "threads", 0, "GOMAXPROCS (0: all cores)")
	fs.BoolVar(&f.jsonOut, "json", false, "print the final metrics as one JSON line last")
}

func defaultModelPath() (string, error) { return datasets.CacheFile("translate", "model.ckpt") }

func printJSON(w io.Writer, m map[string]float64) error {
	b, err := json.Marshal(m)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintln(w, string(b))
	return err
}

func cmdTrain(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("train", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var f trainFlags
	f.register(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("train: unexpected argument %q", fs.Arg(0))
	}
	_, metrics, err := trainModel(&f, stdout, stderr)
	if err != nil {
		return err
	}
	if f.jsonOut {
		return printJSON(stdout, metrics)
	}
	return nil
}

// trainModel loads the data, trains, scores the test set and saves the
// checkpoint; it returns the model and its metrics.
func trainModel(f *trainFlags, stdout, stderr io.Writer) (*translator, map[string]float64, error) {
	if f.threads > 0 {
		runtime.GOMAXPROCS(f.threads)
	}
	if f.batch < 1 || f.epochs < 1 {
		return nil, nil, fmt.Errorf("batch %d and epochs %d must be positive", f.batch, f.epochs)
	}
	if f.tf < 0 || f.tf > 1 {
		return nil, nil, fmt.Errorf("teacher forcing ratio %v outside [0, 1]", f.tf)
	}
	if f.wordDrop < 0 || f.wordDrop >= 1 {
		return nil, nil, fmt.Errorf("word dropout %v outside [0, 1)", f.wordDrop)
	}
	if f.beam < 1 {
		return nil, nil, fmt.Errorf("beam width %d", f.beam)
	}
	f.dataOptions.seed = int64(f.seed)
	f.validMax = f.valid
	start := time.Now()
	ds, err := loadData(f.dataOptions)
	if err != nil {
		return nil, nil, err
	}
	fmt.Fprintf(stdout, "data: %s, %s→%s: %d training pairs (of %d, sides ≤ %d tokens), %d validation, %d test\n",
		ds.name, ds.src, ds.tgt, len(ds.train), ds.trainAll, f.maxLen, len(ds.valid), len(ds.test))
	srcV, tgtV, tc := buildVocabs(ds.train, f.minCount, f.maxVocab)
	encHidden := f.encHidden
	if encHidden == 0 {
		encHidden = f.hidden
		if f.attention == "dot" {
			encHidden = f.hidden / 2
		}
	}
	cfg := modelConfig{Src: ds.src, Tgt: ds.tgt, Cell: f.cell, Attention: f.attention, EmbedDim: f.embed,
		Hidden: f.hidden, EncHidden: encHidden, Layers: f.layers, Dropout: f.dropout, LabelSmoothing: f.smoothing, MaxLen: f.maxLen,
		SrcVocab: srcV.Size(), TgtVocab: tgtV.Size()}
	t, err := newTranslator(cfg, srcV, tgtV, tc, f.seed, f.batch)
	if err != nil {
		return nil, nil, err
	}
	t.tf = f.tf
	t.wordDrop = f.wordDrop
	fmt.Fprintf(stdout, "model: %v\nBLAS: %v (set RNNZOO_BLAS=go|gonum|openblas to choose)\n", t, blas.Current())
	k := &task{t: t}
	if k.train, err = t.newSplit(ds.train, int64(f.seed)); err != nil {
		return nil, nil, err
	}
	if len(ds.valid) > 0 {
		if k.valid, err = t.newSplit(ds.valid, int64(f.seed)); err != nil {
			return nil, nil, err
		}
	}
	path := f.model
	if path == "" {
		if path, err = defaultModelPath(); err != nil {
			return nil, nil, err
		}
	}
	monitor := "loss"
	var extra func() (map[string]float64, error)
	if k.valid != nil {
		monitor = "bleu"
		// Greedy BLEU on (at most 300 of) the validation pairs after each
		// epoch, for early stopping and the best weights.
		vb := ds.valid[:min(len(ds.valid), 300)]
		extra = func() (map[string]float64, error) {
			s, err := t.evaluate(vb, decodeOpts{Beam: 1, MaxOut: f.maxOut})
			if err != nil {
				return nil, err
			}
			return map[string]float64{"bleu": s.BLEU, "chrf": s.ChrF}, nil
		}
	}
	opt := train.NewAdam(t.ps)
	var lr train.Schedule
	switch f.schedule {
	case "constant":
		lr = train.Constant(f.lr)
	case "cosine":
		lr = train.Cosine{Base: f.lr, Min: f.lr / 20, Steps: int64(f.epochs * len(k.train.batches))}
	default:
		return nil, nil, fmt.Errorf("unknown schedule %q (want constant or cosine)", f.schedule)
	}
	tr, err := train.New(k, train.Config{
		Epochs: f.epochs, Seed: f.seed, ClipNorm: f.clip,
		Optimizer: opt, LR: lr,
		Patience: f.patience, Monitor: monitor,
		Eval:       train.EvalOptions{Extra: extra},
		Checkpoint: path, ModelConfig: cfg, Vocabs: t.vocabs(),
		RandSources: map[string]*rand.PCG{"dropout": t.drop, "teacher-forcing": t.mix, "word-dropout": t.words},
		Log:         f.logPath, PlotDir: f.plots, Progress: stderr,
	})
	if err != nil {
		return nil, nil, err
	}
	if f.warmLen > 0 && !f.resume {
		if err := warmUp(f, t, ds.train, opt, stdout, stderr); err != nil {
			return nil, nil, err
		}
	}
	if f.resume {
		if err := tr.Resume(path); err != nil {
			return nil, nil, err
		}
		fmt.Fprintf(stdout, "resumed: %s at update %d\n", path, tr.Step())
	}
	rep, err := tr.Fit()
	if err != nil {
		return nil, nil, err
	}
	trainSeconds := time.Since(start).Seconds()
	metrics := map[string]float64{"train_seconds": trainSeconds, "epochs": float64(rep.Epochs), "steps": float64(rep.Steps)}
	if v, ok := rep.Metrics["bleu"]; ok {
		metrics["valid_bleu"] = v
	}
	fmt.Fprintf(stdout, "trained: %d epochs, %d steps, stopped: %s, %.1f s\n", rep.Epochs, rep.Steps, rep.Stopped, trainSeconds)
	t.path = path
	fmt.Fprintf(stdout, "checkpoint: %s\n", path)
	if f.export != "" {
		if err := t.export(f.export, metrics, false); err != nil {
			return nil, nil, err
		}
		fmt.Fprintf(stdout, "weights: %s\n", f.export)
	}
	if len(ds.test) > 0 {
		if err := t.scoreTest(ds.test, f.beam, f.alpha, f.maxOut, metrics, stdout); err != nil {
			return nil, nil, err
		}
	}
	return t, metrics, nil
}

// scoreTest prints and records greedy (and beam) scores on test pairs.
func (t *translator) scoreTest(test []parallel.Pair, beam int, alpha float64, maxOut int, metrics map[string]float64, stdout io.Writer) error {
	start := time.Now()
	g, err := t.evaluate(test, decodeOpts{Beam: 1, MaxOut: maxOut})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "test, greedy: BLEU %.2f (lower-cased %.2f), chrF %.2f, %d pairs, %.1f s\n  %v\n",
		g.BLEU, g.BLEULower, g.ChrF, len(test), time.Since(start).Seconds(), g.Detail)
	metrics["bleu"] = g.BLEU
	metrics["bleu_lc"] = g.BLEULower
	metrics["chrf"] = g.ChrF
	metrics["pairs"] = float64(len(test))
	if beam > 1 {
		start = time.Now()
		b, err := t.evaluate(test, decodeOpts{Beam: beam, Alpha: alpha, MaxOut: maxOut})
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "test, beam %d (alpha %g): BLEU %.2f (lower-cased %.2f), chrF %.2f, %.1f s\n  %v\n",
			beam, alpha, b.BLEU, b.BLEULower, b.ChrF, time.Since(start).Seconds(), b.Detail)
		metrics["bleu_beam"] = b.BLEU
		metrics["bleu_beam_lc"] = b.BLEULower
		metrics["chrf_beam"] = b.ChrF
		metrics["beam"] = float64(beam)
	}
	return nil
}

// vocabs are the checkpoint's vocabularies.
func (t *translator) vocabs() map[string]any {
	return map[string]any{"src": t.src, "tgt": t.tgt, "truecase": t.truecase}
}

// export writes the weights alone, with the configuration and
// vocabularies; with int8, every weight matrix is stored in 8 bits with a
// scale per row (train.Checkpoint.Quantize8), the biases in float32.
func (t *translator) export(path string, metrics map[string]float64, int8 bool) error {
	ck, err := train.NewCheckpoint(t.ps, t.cfg, t.vocabs(), metrics)
	if err != nil {
		return err
	}
	if int8 {
		if err := ck.Quantize8(1024); err != nil {
			return err
		}
	}
	return ck.Write(path)
}

// decodeFlags are the decoding flags of eval, predict and the demo.
type decodeFlags struct {
	model   string
	beam    int
	alpha   float64
	maxOut  int
	threads int
}

func (d *decodeFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&d.model, "model", "", "checkpoint (default: the one the demo or train saved)")
	fs.IntVar(&d.beam, "beam", 1, "beam width (1: greedy)")
	fs.Float64Var(&d.alpha, "alpha", 1, "beam search length normalisation: score / length^alpha")
	fs.IntVar(&d.maxOut, "max-out", 80, "longest translation in tokens")
	fs.IntVar(&d.threads, "threads", 0, "GOMAXPROCS (0: all cores)")
}

func (d *decodeFlags) opts() (decodeOpts, error) {
	if d.threads > 0 {
		runtime.GOMAXPROCS(d.threads)
	}
	if d.beam < 1 || d.maxOut < 1 {
		return decodeOpts{}, fmt.Errorf("beam %d and max-out %d must be positive", d.beam, d.maxOut)
	}
	return decodeOpts{Beam: d.beam, Alpha: d.alpha, MaxOut: d.maxOut}, nil
}

func cmdEval(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("eval", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var d decodeFlags
	d.register(fs)
	test := fs.String("test", "", "pairs file to score (Anki or Bible TSV)")
	format := fs.String("format", "", "format of -test: anki or bible (default: detected)")
	book := fs.String("test-book", "", "score only this book of a Bible file")
	jsonOut := fs.Bool("json", false, "print the metrics as one JSON line last")
	validSplit := fs.Bool("valid-split", false, "score the validation pairs train holds out of -data (default: the embedded Bible) with the same -seed and -valid, instead of -test")
	data := fs.String("data", "", "with -valid-split: the training pairs file train read")
	seed := fs.Int64("seed", 1, "with -valid-split: train's -seed")
	validMax := fs.Int("valid", 1000, "with -valid-split: train's -valid")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *test == "" && !*validSplit {
		return errors.New("eval: -test FILE (or -valid-split) is required")
	}
	o, err := d.opts()
	if err != nil {
		return err
	}
	t, err := loadModel(d.model)
	if err != nil {
		return err
	}
	var pairs []parallel.Pair
	if *validSplit {
		ds, err := loadData(dataOptions{data: *data, format: *format, src: t.cfg.Src, tgt: t.cfg.Tgt, holdout: 0.03,
			validMax: *validMax, maxLen: t.cfg.MaxLen, seed: *seed})
		if err != nil {
			return err
		}
		pairs, *test = ds.valid, ds.name+", validation split"
	} else {
		b, err := loadBitext(*test, *format, t.cfg.Src, t.cfg.Tgt)
		if err != nil {
			return err
		}
		if *book != "" {
			if _, b, err = b.SplitBook(*book); err != nil {
				return err
			}
		}
		if pairs, err = b.Pairs(t.cfg.Src, t.cfg.Tgt); err != nil {
			return err
		}
	}
	if len(pairs) == 0 {
		return fmt.Errorf("%s: no pairs", *test)
	}
	start := time.Now()
	s, err := t.evaluate(pairs, o)
	if err != nil {
		return err
	}
	how := "greedy"
	if o.Beam > 1 {
		how = fmt.Sprintf("beam %d (alpha %g)", o.Beam, o.Alpha)
	}
	fmt.Fprintf(stdout, "%s, %s: BLEU %.2f (lower-cased %.2f), chrF %.2f, %d pairs, %.1f s\n  %v\n",
		*test, how, s.BLEU, s.BLEULower, s.ChrF, len(pairs), time.Since(start).Seconds(), s.Detail)
	if *jsonOut {
		return printJSON(stdout, map[string]float64{"bleu": s.BLEU, "bleu_lc": s.BLEULower, "chrf": s.ChrF,
			"pairs": float64(len(pairs)), "beam": float64(o.Beam)})
	}
	return nil
}

func cmdPredict(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("predict", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var d decodeFlags
	d.register(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	o, err := d.opts()
	if err != nil {
		return err
	}
	t, err := loadModel(d.model)
	if err != nil {
		return err
	}
	lines := fs.Args()
	if len(lines) == 0 {
		if lines, err = readLines(stdin); err != nil {
			return err
		}
	}
	if len(lines) == 0 {
		return errors.New("predict: no sentence given")
	}
	out, err := t.translate(lines, o)
	if err != nil {
		return err
	}
	for _, s := range out {
		fmt.Fprintln(stdout, s)
	}
	return nil
}

func readLines(r io.Reader) ([]string, error) {
	if r == nil {
		return nil, nil
	}
	var lines []string
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		if s := strings.TrimSpace(sc.Text()); s != "" {
			lines = append(lines, s)
		}
	}
	return lines, sc.Err()
}

func cmdExport(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("export", flag.ContinueOnError)
	fs.SetOutput(stderr)
	model := fs.String("model", "", "checkpoint to read")
	out := fs.String("out", "", "file to write the weights to")
	int8 := fs.Bool("int8", false, "store the weight matrices in 8 bits with a float32 scale per row (a quarter of the size)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *out == "" {
		return errors.New("export: -out FILE is required")
	}
	t, err := loadModel(*model)
	if err != nil {
		return err
	}
	if err := t.export(*out, t.metrics, *int8); err != nil {
		return err
	}
	st, err := os.Stat(*out)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s: %d bytes\n", *out, st.Size())
	return nil
}

// warmUp trains on the short training pairs alone before the main run:
// attention is learnt quickly on short sentences (and their steps are
// cheap), and the full run starts past the plateau where the decoder is a
// unigram model. The optimizer's moments carry over.
func warmUp(f *trainFlags, t *translator, pairs []parallel.Pair, opt train.Optimizer, stdout, stderr io.Writer) error {
	short := parallel.FilterLength(pairs, f.warmLen, text.Tokenize)
	if len(short) == 0 {
		return fmt.Errorf("warm-up: no training pair within %d tokens", f.warmLen)
	}
	sp, err := t.newSplit(short, int64(f.seed)+7)
	if err != nil {
		return err
	}
	start := time.Now()
	tr, err := train.New(&task{t: t, train: sp}, train.Config{
		Epochs: f.warmEpochs, Seed: f.seed + 7, ClipNorm: f.clip,
		Optimizer: opt, LR: train.Constant(f.lr), Progress: stderr,
	})
	if err != nil {
		return err
	}
	rep, err := tr.Fit()
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "warm-up: %d pairs of at most %d tokens, %d epochs, %d steps, loss %.3f, %.1f s\n",
		len(short), f.warmLen, rep.Epochs, rep.Steps, rep.Metrics["loss"], time.Since(start).Seconds())
	return nil
}

// cmdAverage writes the element-wise mean of the weights of several
// checkpoints of one model (the same configuration and vocabularies), such
// as the last epochs of a run: the average usually translates better than
// any one of them (Junczys-Dowmunt et al. 2016; Vaswani et al. 2017).
func cmdAverage(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("average", flag.ContinueOnError)
	fs.SetOutput(stderr)
	out := fs.String("out", "", "file to write the averaged weights to")
	int8 := fs.Bool("int8", false, "store the weight matrices in 8 bits with a float32 scale per row")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *out == "" || fs.NArg() < 1 {
		return errors.New("average: want -out FILE and at least one checkpoint")
	}
	avg, err := averageModels(fs.Args())
	if err != nil {
		return err
	}
	if err := avg.export(*out, map[string]float64{"averaged": float64(fs.NArg())}, *int8); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s: the mean of %d checkpoints\n", *out, fs.NArg())
	return nil
}

// averageModels loads the checkpoints and returns the first with the mean
// weights of all; they must share the configuration and vocabularies.
func averageModels(paths []string) (*translator, error) {
	var avg *translator
	var sums [][]float64
	for i, p := range paths {
		t, err := loadModel(p)
		if err != nil {
			return nil, err
		}
		if i == 0 {
			avg = t
			for _, q := range t.ps.All() {
				sums = append(sums, make([]float64, q.Size()))
			}
		} else {
			if t.cfg != avg.cfg {
				return nil, fmt.Errorf("%s: model %+v differs from %s's %+v", p, t.cfg, paths[0], avg.cfg)
			}
			if !slices.Equal(t.src.Tokens(), avg.src.Tokens()) || !slices.Equal(t.tgt.Tokens(), avg.tgt.Tokens()) {
				return nil, fmt.Errorf("%s: vocabularies differ from %s's", p, paths[0])
			}
		}
		for k, q := range t.ps.All() {
			for j, v := range q.F32() {
				sums[k][j] += float64(v)
			}
		}
	}
	for k, q := range avg.ps.All() {
		w := q.F32()
		for j := range w {
			w[j] = float32(sums[k][j] / float64(len(paths)))
		}
	}
	return avg, nil
}
