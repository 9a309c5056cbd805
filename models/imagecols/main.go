package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/rnnzoo/rnnzoo/blas"
	"github.com/rnnzoo/rnnzoo/datasets"
	"github.com/rnnzoo/rnnzoo/datasets/images"
	"github.com/rnnzoo/rnnzoo/models/imagecols/internal/cols"
	"github.com/rnnzoo/rnnzoo/train"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// errUsage marks an error whose message already says what to fix; the
// program exits with status 2.
var errUsage = errors.New("usage")

const usage = `imagecols: images as sequences of pixel columns, classified by a recurrent network
(many-to-one) and generated column by column (one-to-many).

usage:
  imagecols                      demo: train on the embedded 8×8 digits, evaluate, show predictions
  imagecols train    [flags]     train a classifier
  imagecols eval     [flags]     evaluate a classifier checkpoint (accuracy, confusion matrix)
  imagecols predict  [flags] [FILE...]   classify the images of an IDX file or PNG files
  imagecols generate [flags]     train or load the conditional generator and write a PNG grid

Run 'imagecols <subcommand> -h' for the flags.
`

func run(args []string, stdout, stderr io.Writer) int {
	cmd := "demo"
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		cmd, args = args[0], args[1:]
	}
	var err error
	switch cmd {
	case "demo":
		err = cmdTrain("demo", args, stdout, stderr)
	case "train":
		err = cmdTrain("train", args, stdout, stderr)
	case "eval":
		err = cmdEval(args, stdout, stderr)
	case "predict":
		err = cmdPredict(args, stdout, stderr)
	case "generate":
		err = cmdGenerate(args, stdout, stderr)
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, usage)
		return 0
	default:
		fmt.Fprintf(stderr, "imagecols: unknown subcommand %q\n\n%s", cmd, usage)
		return 2
	}
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		return 0
	case errors.Is(err, errUsage):
		fmt.Fprintf(stderr, "imagecols %s: %v\n", cmd, err)
		return 2
	default:
		fmt.Fprintf(stderr, "imagecols %s: %v\n", cmd, err)
		return 1
	}
}

// options are the flags shared by the subcommands.
type options struct {
	fs *flag.FlagSet

	data, dataset, model string
	download             bool
	epochs, batch        int
	cell                 string
	bidirectional, rows  bool
	layers, hidden       int
	dropout, lr, clip    float64
	lrMin                float64
	augment              string
	reshuffle            bool
	pool                 string
	valid                float64
	patience             int
	limit                int
	seed                 uint64
	threads              int
	blasMode             string
	jsonOut              bool
	logFile, plots       string
	show                 int
	resume               bool
}

func newFlags(name string, stderr io.Writer) (*options, *flag.FlagSet) {
	o := &options{}
	fs := flag.NewFlagSet("imagecols "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	o.fs = fs
	fs.StringVar(&o.data, "data", "", "directory of the four IDX files of -dataset (default: the cache and, for fashion, "+images.DebianFashionDir+")")
	fs.StringVar(&o.dataset, "dataset", "", "digits (embedded 8×8), mnist or fashion (default: digits, or mnist with -data)")
	fs.BoolVar(&o.download, "download", false, "download MNIST/Fashion-MNIST into the cache when not found")
	fs.StringVar(&o.model, "model", "", "checkpoint path (default: in the rnnzoo cache directory)")
	fs.IntVar(&o.threads, "threads", 0, "CPU threads (GOMAXPROCS; 0: all)")
	fs.StringVar(&o.blasMode, "blas", "auto", "BLAS: auto, go, gonum, openblas or openblas:N")
	fs.BoolVar(&o.jsonOut, "json", false, "print the final metrics as one JSON object on the last line")
	fs.BoolVar(&o.rows, "rows", false, "read images row by row instead of column by column")
	return o, fs
}

func (o *options) trainFlags(gen bool) {
	fs := o.fs
	fs.IntVar(&o.epochs, "epochs", 0, "training epochs (default: 30 for digits, 12 for mnist and fashion)")
	fs.IntVar(&o.batch, "batch", 0, "batch size (default: 32 for digits, 64 otherwise)")
	fs.StringVar(&o.cell, "cell", "lstm", "recurrent cell: lstm, gru or rnn")
	if !gen {
		fs.BoolVar(&o.bidirectional, "bidirectional", false, "read the columns in both directions")
		fs.StringVar(&o.pool, "pool", "last", "how the classifier reduces the outputs over the steps: last, max or mean")
		fs.BoolVar(&o.reshuffle, "reshuffle", false, "draw new batches every epoch (default for mnist and fashion; otherwise the batches are fixed and only their order is shuffled)")
		fs.StringVar(&o.augment, "augment", "none", "training augmentation redrawn every epoch: shiftN (random shifts of up to N pixels), flip (left–right mirror), comma-separated, or none")
	}
	fs.IntVar(&o.layers, "layers", 1, "stacked recurrent layers")
	fs.IntVar(&o.hidden, "hidden", 128, "hidden units per layer and direction")
	fs.Float64Var(&o.dropout, "dropout", 0, "dropout between layers and before the output layer (train: default 0.5 for digits)")
	fs.Float64Var(&o.lr, "lr", 0, "peak Adam learning rate (default: 3e-3 for digits, 2e-3 otherwise), warm-up then cosine decay")
	fs.Float64Var(&o.lrMin, "lr-min", 0.05, "floor of the cosine decay, as a fraction of -lr")
	fs.Float64Var(&o.clip, "clip", 5, "clip the global gradient norm to this (0: off)")
	fs.Float64Var(&o.valid, "valid", 0, "training images held out for validation: a fraction (< 1) or a number of images")
	fs.IntVar(&o.patience, "patience", 0, "early stopping after this many epochs without better validation accuracy (needs -valid); the best epoch's weights are kept")
	fs.IntVar(&o.limit, "limit", 0, "train on the first N training images only (0: all)")
	fs.Uint64Var(&o.seed, "seed", 1, "seed of the weights, batches and dropout")
	fs.StringVar(&o.logFile, "log", "", "JSONL training log")
	fs.StringVar(&o.plots, "plots", "", "directory for loss.png and accuracy.png")
	fs.BoolVar(&o.resume, "resume", false, "continue the training saved in -model")
}

// parse parses the flags and checks the shared ones.
func (o *options) parse(args []string) error {
	if err := o.fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	if o.dataset == "" {
		o.dataset = "digits"
		if o.data != "" {
			o.dataset = images.MNIST
		}
	}
	switch o.dataset {
	case "digits", images.MNIST, images.Fashion:
	default:
		return fmt.Errorf("%w: -dataset %q: want digits, mnist or fashion", errUsage, o.dataset)
	}
	if o.dataset == "digits" && o.data != "" {
		return fmt.Errorf("%w: -data is for mnist or fashion; the digits are embedded", errUsage)
	}
	if o.threads < 0 {
		return fmt.Errorf("%w: -threads %d: want ≥ 0", errUsage, o.threads)
	}
	if o.threads > 0 {
		runtime.GOMAXPROCS(o.threads)
	}
	if o.epochs < 0 || o.batch < 0 || o.limit < 0 || o.patience < 0 {
		return fmt.Errorf("%w: -epochs, -batch, -limit and -patience must not be negative", errUsage)
	}
	if o.valid < 0 || (o.valid >= 1 && o.valid != math.Trunc(o.valid)) || math.IsNaN(o.valid) {
		return fmt.Errorf("%w: -valid %g: want a fraction 0 ≤ v < 1 or a whole number of images", errUsage, o.valid)
	}
	if o.lrMin < 0 || o.lrMin > 1 || math.IsNaN(o.lrMin) {
		return fmt.Errorf("%w: -lr-min %g: want a fraction of -lr in [0, 1]", errUsage, o.lrMin)
	}
	if o.lr < 0 || o.clip < 0 || math.IsNaN(o.lr) || math.IsNaN(o.clip) {
		return fmt.Errorf("%w: -lr and -clip must not be negative", errUsage)
	}
	digits := o.dataset == "digits"
	if o.epochs == 0 {
		o.epochs = pick(digits, 30, 12)
	}
	if o.batch == 0 {
		o.batch = pick(digits, 32, 64)
	}
	if o.lr == 0 {
		o.lr = 2e-3
		if digits {
			o.lr = 3e-3
		}
	}
	return nil
}

func pick(digits bool, a, b int) int {
	if digits {
		return a
	}
	return b
}

func (o *options) setupBLAS(stderr io.Writer) (string, error) {
	info, err := blas.Setup(o.blasMode)
	if err != nil {
		return "", fmt.Errorf("%w: -blas %q: %v", errUsage, o.blasMode, err)
	}
	fmt.Fprintf(stderr, "BLAS: %v\n", info)
	return info.String(), nil
}

// load returns the train and test sets of the chosen dataset.
func (o *options) load() (trainSet, test *images.Set, err error) {
	if o.dataset == "digits" {
		return images.DigitsSplit()
	}
	return images.Open(o.dataset, o.data, o.download)
}

func (o *options) cellName() string {
	n := o.cell
	if o.bidirectional {
		n = "bi" + n
	}
	if o.layers > 1 {
		n += strconv.Itoa(o.layers)
	}
	if o.rows {
		n += "-rows"
	}
	return n
}

// modelPath is -model or a default in the cache directory.
func (o *options) modelPath(kind string) (string, error) {
	if o.model != "" {
		return o.model, nil
	}
	name := fmt.Sprintf("%s-%s.ckpt", o.dataset, o.cellName())
	if kind == cols.KindGenerator {
		name = fmt.Sprintf("%s-gen-%s.ckpt", o.dataset, o.cellName())
	}
	path, err := datasets.CacheFile("imagecols", name)
	if err != nil {
		return "", fmt.Errorf("no cache directory for the checkpoint (give -model): %w", err)
	}
	return path, nil
}

func (o *options) config(kind string, set *images.Set) cols.Config {
	return cols.Config{
		Kind: kind, Dataset: o.dataset, H: set.H, W: set.W, Rows: o.rows,
		Cell: o.cell, Bidirectional: o.bidirectional, Layers: o.layers, Hidden: o.hidden,
		Dropout: o.dropout, Classes: max(set.Classes, 2), ClassNames: set.ClassNames, Pool: o.pool,
	}
}

// splits applies -limit and -valid to the training set.
func (o *options) splits(trainSet *images.Set) (tr, valid *images.Set, err error) {
	tr = trainSet
	if o.limit > 0 && o.limit < tr.N {
		tr = tr.Subset(seqN(o.limit))
	}
	if o.valid > 0 {
		frac := o.valid
		if frac >= 1 {
			if int(frac) >= tr.N {
				return nil, nil, fmt.Errorf("%w: -valid %g of %d images leaves no training images", errUsage, o.valid, tr.N)
			}
			frac = frac / float64(tr.N)
		}
		parts, err := datasets.Split(tr.N, int64(o.seed)+17, 1-frac, frac)
		if err != nil {
			return nil, nil, err
		}
		if len(parts[1]) == 0 || len(parts[0]) == 0 {
			return nil, nil, fmt.Errorf("%w: -valid %g of %d images leaves an empty part", errUsage, o.valid, tr.N)
		}
		tr, valid = tr.Subset(parts[0]), tr.Subset(parts[1])
	}
	return tr, valid, nil
}

func seqN(n int) []int {
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	return idx
}

// trainConfig is the trainer configuration shared by the classifier and
// the generator: Adam, a warm-up and a cosine decay to lr·lr-min, clipping.
func (o *options) trainConfig(task train.Task, path string, cfg cols.Config, monitor string, stderr io.Writer) train.Config {
	steps := int64(o.epochs * task.NumTrain())
	warm := min(steps/10, 200)
	return train.Config{
		Epochs: o.epochs, Seed: o.seed,
		Optimizer:   train.NewAdam(task.Params()),
		LR:          train.Warmup{Steps: warm, Then: train.Cosine{Base: o.lr, Min: o.lr * o.lrMin, Steps: steps - warm}},
		ClipNorm:    o.clip,
		Patience:    o.patience,
		Monitor:     monitor,
		Eval:        train.EvalOptions{Classes: cfg.Classes},
		Checkpoint:  path,
		ModelConfig: cfg,
		Log:         o.logFile,
		PlotDir:     o.plots,
		Progress:    stderr,
	}
}

// fit trains, resuming from path when asked, and returns the report with
// the wall time of training.
func (o *options) fit(task train.Task, tc train.Config, path string, stderr io.Writer) (*train.Report, time.Duration, error) {
	tr, err := train.New(task, tc)
	if err != nil {
		return nil, 0, err
	}
	if o.resume {
		if err := tr.Resume(path); err != nil {
			return nil, 0, fmt.Errorf("-resume: %w", err)
		}
		fmt.Fprintf(stderr, "resuming %s at update %d\n", path, tr.Step())
	}
	start := time.Now()
	rep, err := tr.Fit()
	return rep, time.Since(start), err
}

func cmdTrain(name string, args []string, stdout, stderr io.Writer) error {
	o, fs := newFlags(name, stderr)
	o.trainFlags(false)
	fs.IntVar(&o.show, "show", 0, "show this many test images with their predictions (default: 6 in the demo)")
	if err := o.parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%w: unexpected arguments %q", errUsage, fs.Args())
	}
	if name == "demo" && !flagSet(fs, "show") {
		o.show = 6
	}
	if o.dataset == "digits" && !flagSet(fs, "dropout") {
		o.dropout = 0.5 // 1,438 training images: without it the LSTM overfits
	}
	if o.dataset != "digits" && !flagSet(fs, "reshuffle") {
		o.reshuffle = true
	}
	if o.patience > 0 && o.valid == 0 {
		return fmt.Errorf("%w: -patience needs a validation split (-valid 0.1)", errUsage)
	}
	cfg := cols.Config{Cell: o.cell, Layers: o.layers, Hidden: o.hidden, Dropout: o.dropout, Kind: cols.KindClassifier, H: 1, W: 1, Classes: 2, Pool: o.pool}
	if err := cfg.Validate(); err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	blasName, err := o.setupBLAS(stderr)
	if err != nil {
		return err
	}
	trainSet, test, err := o.load()
	if err != nil {
		return err
	}
	tr, valid, err := o.splits(trainSet)
	if err != nil {
		return err
	}
	cfg = o.config(cols.KindClassifier, trainSet)
	clf, err := cols.NewClassifier(cfg, o.seed)
	if err != nil {
		return err
	}
	task, err := clf.NewTask(tr, valid, o.batch, int64(o.seed))
	if err != nil {
		return err
	}
	task.Reshuffle = o.reshuffle
	if task.Augment, err = images.ParseAugment(o.augment); err != nil {
		return fmt.Errorf("%w: -augment: %v", errUsage, err)
	}
	path, err := o.modelPath(cols.KindClassifier)
	if err != nil {
		return err
	}
	steps, feats := cfg.Steps(), cfg.Features()
	fmt.Fprintf(stderr, "%s: %d training, %d validation, %d test images of %d×%d; %s reads %d steps of %d pixels; %d weights; augmentation %s, reshuffle %v\n",
		o.dataset, tr.N, setLen(valid), test.N, cfg.H, cfg.W, o.cellName(), steps, feats, clf.Params.Count(), task.Augment, o.reshuffle)
	tc := o.trainConfig(task, path, cfg, "accuracy", stderr)
	tc.RandSources = map[string]*rand.PCG{"dropout": clf.Dropout}
	rep, wall, err := o.fit(task, tc, path, stderr)
	if err != nil {
		return err
	}
	ev, err := clf.Evaluate(test, o.batch)
	if err != nil {
		return err
	}
	acc := ev.Metrics["accuracy"]
	if rep.BestEpoch > 0 {
		fmt.Fprintf(stdout, "selected epoch %d of %d by validation accuracy %.2f%%\n", rep.BestEpoch, rep.Epochs, 100*rep.Metrics["accuracy"])
	}
	fmt.Fprintf(stdout, "test accuracy %.2f%% (%d images), loss %.4f, macro-F1 %.4f after %d epochs (%d updates) in %.1fs (%.2f ms/update)\n",
		100*acc, test.N, ev.Loss, ev.Metrics["macro_f1"], rep.Epochs, rep.Steps, wall.Seconds(), 1000*wall.Seconds()/math.Max(float64(rep.Steps), 1))
	if o.show > 0 {
		if err := showPredictions(stdout, clf, test, o.show, o.seed); err != nil {
			return err
		}
	}
	fmt.Fprintf(stdout, "checkpoint: %s\n", path)
	summary := ev.Summary()
	summary["epochs"] = float64(rep.Epochs)
	summary["updates"] = float64(rep.Steps)
	if rep.BestEpoch > 0 {
		summary["best_epoch"] = float64(rep.BestEpoch)
		summary["valid_accuracy"] = rep.Metrics["accuracy"]
	}
	summary["train_seconds"] = round(wall.Seconds(), 2)
	summary["ms_per_update"] = round(1000*wall.Seconds()/math.Max(float64(rep.Steps), 1), 3)
	if mb := peakRSSMB(); mb > 0 {
		summary["peak_rss_mb"] = mb
		fmt.Fprintf(stderr, "peak memory %.0f MB; BLAS %s\n", mb, blasName)
	}
	return o.printJSON(stdout, summary)
}

func setLen(s *images.Set) int {
	if s == nil {
		return 0
	}
	return s.N
}

func flagSet(fs *flag.FlagSet, name string) bool {
	found := false
	fs.Visit(func(f *flag.Flag) {
		if f.Name == name {
			found = true
		}
	})
	return found
}

func round(x float64, digits int) float64 {
	p := math.Pow(10, float64(digits))
	return math.Round(x*p) / p
}

// showPredictions draws n test images side by side with their predicted
// and true labels.
func showPredictions(w io.Writer, clf *cols.Classifier, test *images.Set, n int, seed uint64) error {
	n = min(n, test.N)
	idx := datasets.Perm(test.N, int64(seed))[:n]
	imgs := make([][]float32, n)
	for i, k := range idx {
		imgs[i] = test.Image(k)
	}
	preds, err := clf.Predict(imgs, 16)
	if err != nil {
		return err
	}
	const perRow = 6
	for lo := 0; lo < n; lo += perRow {
		hi := min(lo+perRow, n)
		width := max(test.W, 14)
		var head strings.Builder
		for i := lo; i < hi; i++ {
			mark := "ok"
			if preds[i].Class != test.Labels[idx[i]] {
				mark = "WRONG"
			}
			fmt.Fprintf(&head, "%-*s  ", width, fmt.Sprintf("pred %s %s", clf.Config.ClassName(preds[i].Class), mark))
		}
		fmt.Fprintln(w, strings.TrimRight(head.String(), " "))
		pics := make([][]string, hi-lo)
		for i := lo; i < hi; i++ {
			pics[i-lo] = strings.Split(strings.TrimRight(images.ASCII(imgs[i], test.H, test.W), "\n"), "\n")
		}
		for y := 0; y < test.H; y++ {
			var line strings.Builder
			for _, p := range pics {
				fmt.Fprintf(&line, "%-*s  ", width, p[y])
			}
			fmt.Fprintln(w, strings.TrimRight(line.String(), " "))
		}
		var foot strings.Builder
		for i := lo; i < hi; i++ {
			fmt.Fprintf(&foot, "%-*s  ", width, "true "+test.ClassName(test.Labels[idx[i]]))
		}
		fmt.Fprintln(w, strings.TrimRight(foot.String(), " "))
	}
	return nil
}

func (o *options) printJSON(w io.Writer, v any) error {
	if !o.jsonOut {
		return nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(w, "%s\n", b)
	return err
}

// peakRSSMB reads the peak resident memory of this process (Linux), in MB,
// or 0.
func peakRSSMB() float64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 64)
			if err == nil {
				return round(kb/1024, 1)
			}
		}
	}
	return 0
}

// loadModel reads -model (or the default checkpoint of the dataset and
// cell) and checks its kind.
func (o *options) loadModel(kind string) (*cols.Model, string, error) {
	path, err := o.modelPath(kind)
	if err != nil {
		return nil, "", err
	}
	if _, err := os.Stat(path); err != nil {
		return nil, "", fmt.Errorf("no checkpoint at %s (train one first, or give -model): %w", path, err)
	}
	m, err := cols.Load(path)
	if err != nil {
		return nil, "", err
	}
	if m.Config.Kind != kind {
		return nil, "", fmt.Errorf("%s holds a %s, not a %s", path, m.Config.Kind, kind)
	}
	return m, path, nil
}

func cmdEval(args []string, stdout, stderr io.Writer) error {
	o, fs := newFlags("eval", stderr)
	fs.StringVar(&o.cell, "cell", "lstm", "cell of the default checkpoint name (with -bidirectional, -layers)")
	fs.BoolVar(&o.bidirectional, "bidirectional", false, "bidirectional (default checkpoint name)")
	fs.IntVar(&o.layers, "layers", 1, "layers (default checkpoint name)")
	fs.IntVar(&o.batch, "batch", 64, "batch size")
	if err := o.parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%w: unexpected arguments %q", errUsage, fs.Args())
	}
	if _, err := o.setupBLAS(stderr); err != nil {
		return err
	}
	m, path, err := o.loadModel(cols.KindClassifier)
	if err != nil {
		return err
	}
	if m.Config.Dataset != o.dataset && flagSet(fs, "dataset") {
		fmt.Fprintf(stderr, "note: %s was trained on %s\n", path, m.Config.Dataset)
	}
	if !flagSet(fs, "dataset") && !flagSet(fs, "data") {
		o.dataset = m.Config.Dataset
	}
	_, test, err := o.load()
	if err != nil {
		return err
	}
	ev, err := m.Classifier.Evaluate(test, o.batch)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s on %s test (%d images): accuracy %.2f%%, loss %.4f, macro-F1 %.4f\n",
		path, o.dataset, test.N, 100*ev.Metrics["accuracy"], ev.Loss, ev.Metrics["macro_f1"])
	printConfusion(stdout, ev.Confusion, &m.Config)
	s := ev.Summary()
	return o.printJSON(stdout, map[string]any{
		"accuracy": s["accuracy"], "loss": s["loss"], "macro_f1": s["macro_f1"], "examples": s["examples"],
		"confusion": ev.Confusion,
	})
}

func printConfusion(w io.Writer, c train.Confusion, cfg *cols.Config) {
	fmt.Fprintln(w, "confusion matrix (rows: true class, columns: predicted):")
	fmt.Fprintf(w, "%6s", "")
	for j := range c {
		fmt.Fprintf(w, "%6d", j)
	}
	fmt.Fprintln(w)
	for i, row := range c {
		fmt.Fprintf(w, "%6d", i)
		for _, v := range row {
			fmt.Fprintf(w, "%6d", v)
		}
		if len(cfg.ClassNames) > 0 {
			fmt.Fprintf(w, "   %s", cfg.ClassName(i))
		}
		fmt.Fprintln(w)
	}
}

func cmdPredict(args []string, stdout, stderr io.Writer) error {
	o, fs := newFlags("predict", stderr)
	fs.StringVar(&o.cell, "cell", "lstm", "cell of the default checkpoint name (with -bidirectional, -layers)")
	fs.BoolVar(&o.bidirectional, "bidirectional", false, "bidirectional (default checkpoint name)")
	fs.IntVar(&o.layers, "layers", 1, "layers (default checkpoint name)")
	var input, invert string
	var limit int
	fs.StringVar(&input, "input", "", "an IDX images file (N×H×W uint8, gzip or raw) or a PNG; more files may follow the flags")
	fs.StringVar(&invert, "invert", "auto", "PNG: auto (invert when the background is light), yes or no")
	fs.IntVar(&limit, "limit", 0, "classify only the first N images of an IDX file (0: all)")
	fs.IntVar(&o.show, "show", 0, "draw this many images as text")
	if err := o.parse(args); err != nil {
		return err
	}
	files := fs.Args()
	if input != "" {
		files = append([]string{input}, files...)
	}
	if len(files) == 0 {
		return fmt.Errorf("%w: give an IDX or PNG file (-input FILE or arguments)", errUsage)
	}
	if invert != "auto" && invert != "yes" && invert != "no" {
		return fmt.Errorf("%w: -invert %q: want auto, yes or no", errUsage, invert)
	}
	if limit < 0 {
		return fmt.Errorf("%w: -limit %d", errUsage, limit)
	}
	if _, err := o.setupBLAS(stderr); err != nil {
		return err
	}
	if !flagSet(fs, "dataset") && o.model == "" {
		o.dataset = "digits"
	}
	m, _, err := o.loadModel(cols.KindClassifier)
	if err != nil {
		return err
	}
	cfg := &m.Config
	type item struct {
		name string
		img  []float32
	}
	var items []item
	for _, f := range files {
		if strings.EqualFold(filepath.Ext(f), ".png") {
			img, err := readPNG(f, cfg.H, cfg.W, invert)
			if err != nil {
				return err
			}
			items = append(items, item{f, img})
			continue
		}
		x, err := images.ReadIDXFile(f)
		if err != nil {
			return err
		}
		set, err := images.FromIDX(f, x, nil)
		if err != nil {
			return err
		}
		if set.H != cfg.H || set.W != cfg.W {
			return fmt.Errorf("%s: images are %d×%d, the model reads %d×%d", f, set.H, set.W, cfg.H, cfg.W)
		}
		n := set.N
		if limit > 0 {
			n = min(n, limit)
		}
		for i := 0; i < n; i++ {
			items = append(items, item{fmt.Sprintf("%s[%d]", f, i), set.Image(i)})
		}
	}
	imgs := make([][]float32, len(items))
	for i, it := range items {
		imgs[i] = it.img
	}
	preds, err := m.Classifier.Predict(imgs, 64)
	if err != nil {
		return err
	}
	type out struct {
		Input string  `json:"input"`
		Class int     `json:"class"`
		Name  string  `json:"name"`
		Prob  float64 `json:"prob"`
	}
	outs := make([]out, len(preds))
	for i, p := range preds {
		outs[i] = out{items[i].name, p.Class, cfg.ClassName(p.Class), round(p.Prob, 4)}
		fmt.Fprintf(stdout, "%s\t%s\t%.4f\n", items[i].name, cfg.ClassName(p.Class), p.Prob)
		if i < o.show {
			fmt.Fprint(stdout, images.ASCII(imgs[i], cfg.H, cfg.W))
		}
	}
	return o.printJSON(stdout, map[string]any{"examples": len(outs), "predictions": outs})
}

// readPNG reads a PNG scaled to h×w; with invert "auto" a light background
// (mean above one half) is inverted to light ink on black, as the data
// sets are drawn.
func readPNG(path string, h, w int, invert string) ([]float32, error) {
	img, err := images.ReadPNG(path, h, w, invert == "yes")
	if err != nil {
		return nil, err
	}
	if invert == "auto" {
		var s float64
		for _, v := range img {
			s += float64(v)
		}
		if s/float64(len(img)) > 0.5 {
			for i, v := range img {
				img[i] = 1 - v
			}
		}
	}
	return img, nil
}

func cmdGenerate(args []string, stdout, stderr io.Writer) error {
	o, fs := newFlags("generate", stderr)
	o.trainFlags(true)
	var outPath string
	var cols_, scale int
	var retrain bool
	fs.StringVar(&outPath, "out", "imagecols-generated.png", "PNG file for the grid (one row per class)")
	fs.IntVar(&cols_, "cols", 8, "images per class: the mean style, then the styles of random training images")
	fs.IntVar(&scale, "scale", 0, "pixels per image pixel (default: 8 for 8×8 images, 2 otherwise)")
	fs.BoolVar(&retrain, "retrain", false, "train even if the checkpoint exists")
	var judge string
	fs.StringVar(&judge, "classifier", "", "classifier checkpoint that scores the generated images (default: the demo's, when it exists; \"none\": skip)")
	if err := o.parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%w: unexpected arguments %q", errUsage, fs.Args())
	}
	if cols_ < 1 || cols_ > 100 || scale < 0 || scale > 64 {
		return fmt.Errorf("%w: -cols must be in 1..100 and -scale in 0..64", errUsage)
	}
	cfg := cols.Config{Cell: o.cell, Layers: o.layers, Hidden: o.hidden, Dropout: o.dropout, Kind: cols.KindClassifier, H: 1, W: 1, Classes: 2}
	if err := cfg.Validate(); err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	if _, err := o.setupBLAS(stderr); err != nil {
		return err
	}
	trainSet, test, err := o.load()
	if err != nil {
		return err
	}
	path, err := o.modelPath(cols.KindGenerator)
	if err != nil {
		return err
	}
	var gen *cols.Generator
	summary := map[string]float64{}
	if _, statErr := os.Stat(path); statErr == nil && !retrain && !o.resume {
		m, err := cols.Load(path)
		if err != nil {
			return err
		}
		if m.Config.Kind != cols.KindGenerator {
			return fmt.Errorf("%s holds a %s, not a generator", path, m.Config.Kind)
		}
		gen = m.Generator
		fmt.Fprintf(stderr, "loaded %s (-retrain trains a new one)\n", path)
	} else {
		tr, valid, err := o.splits(trainSet)
		if err != nil {
			return err
		}
		cfg = o.config(cols.KindGenerator, trainSet)
		cfg.StyleMean, cfg.StyleStd = cols.StyleStats(tr)
		if gen, err = cols.NewGenerator(cfg, o.seed); err != nil {
			return err
		}
		task, err := gen.NewTask(tr, valid, o.batch, int64(o.seed))
		if err != nil {
			return err
		}
		fmt.Fprintf(stderr, "%s: training the generator on %d images (%d weights)\n", o.dataset, tr.N, gen.Params.Count())
		tc := o.trainConfig(task, path, cfg, "loss", stderr)
		tc.Eval = train.EvalOptions{}
		tc.RandSources = map[string]*rand.PCG{"dropout": gen.Dropout}
		rep, wall, err := o.fit(task, tc, path, stderr)
		if err != nil {
			return err
		}
		summary["epochs"] = float64(rep.Epochs)
		summary["train_seconds"] = round(wall.Seconds(), 2)
		summary["train_loss"] = round(rep.Metrics["loss"], 5)
		fmt.Fprintf(stdout, "trained the generator: %d epochs in %.1fs, checkpoint %s\n", rep.Epochs, wall.Seconds(), path)
	}
	// Teacher-forced loss on the test images: how well it predicts each
	// next column of unseen images.
	ttask, err := gen.NewTask(test, test, o.batch, 1)
	if err != nil {
		return err
	}
	tev, err := train.Evaluate(ttask.NumValid(), ttask.EvalBatch, train.EvalOptions{})
	gen.Params.ZeroGrad()
	if err != nil {
		return err
	}
	summary["test_bce"] = round(tev.Loss, 5)
	grid, err := gen.Grid(trainSet, cols_, int64(o.seed))
	if err != nil {
		return err
	}
	if scale == 0 {
		scale = 2
		if gen.Config.H <= 8 {
			scale = 8
		}
	}
	if err := writePNG(outPath, grid, gen.Config.H, gen.Config.W, cols_, scale); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "test BCE per pixel (teacher forced) %.4f; wrote %s: %d classes × %d images (first column: mean style)\n",
		tev.Loss, outPath, gen.Config.Classes, cols_)
	summary["images"] = float64(len(grid))
	if agree, path, err := judgeGrid(judge, o, gen.Config, grid, cols_); err != nil {
		return err
	} else if path != "" {
		fmt.Fprintf(stdout, "%s classifies %.1f%% of the generated images as the class they were drawn for\n", path, 100*agree)
		summary["classifier_agreement"] = round(agree, 4)
	}
	return o.printJSON(stdout, summary)
}

func writePNG(path string, imgs [][]float32, h, w, cols, scale int) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".imagecols-*.png")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := images.WriteGridPNG(tmp, imgs, h, w, cols, scale); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// judgeGrid classifies the generated images (rows of cols per class) with
// a classifier checkpoint and returns the share given their own class.
// With path empty it uses the default classifier of the dataset if one
// exists; "none" skips.
func judgeGrid(path string, o *options, cfg cols.Config, grid [][]float32, perClass int) (float64, string, error) {
	if path == "none" {
		return 0, "", nil
	}
	if path == "" {
		d := *o
		d.model, d.cell, d.bidirectional, d.layers, d.rows = "", "lstm", false, 1, false
		p, err := d.modelPath(cols.KindClassifier)
		if err != nil {
			return 0, "", nil
		}
		if _, err := os.Stat(p); err != nil {
			return 0, "", nil
		}
		path = p
	}
	m, err := cols.Load(path)
	if err != nil {
		return 0, "", fmt.Errorf("-classifier: %w", err)
	}
	if m.Classifier == nil || m.Config.H != cfg.H || m.Config.W != cfg.W || m.Config.Classes != cfg.Classes {
		return 0, "", fmt.Errorf("-classifier %s is not a %d-class classifier of %d×%d images", path, cfg.Classes, cfg.H, cfg.W)
	}
	preds, err := m.Classifier.Predict(grid, 64)
	if err != nil {
		return 0, "", err
	}
	right := 0
	for i, p := range preds {
		if p.Class == i/perClass {
			right++
		}
	}
	return float64(right) / float64(max(len(preds), 1)), path, nil
}
