package cols

import (
	"context"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/rnnzoo/rnnzoo/datasets"
	"github.com/rnnzoo/rnnzoo/datasets/images"
	"github.com/rnnzoo/rnnzoo/graph"
	"github.com/rnnzoo/rnnzoo/train"
)

// Options configure TrainClassifier and TrainGenerator: the architecture,
// the data, and train's shared settings (by default Adam with a linear
// warm-up over a tenth of the updates, at most 200, then a cosine decay
// from LR to LR·LRMin, clipping the global gradient norm at 5).
type Options struct {
	Cell          graph.CellKind
	Bidirectional bool // classifier only
	Rows          bool // read rows instead of columns
	Layers        int
	Hidden        int // units per layer and direction
	Dropout       float64
	Pool          graph.Pool // classifier only

	Batch int
	// Flags are train's settings: Epochs, LR, Schedule, LRMin, Warmup,
	// Clip, Patience (on validation accuracy, needs Valid; the best epoch
	// is kept), Seed, Log, Plots …
	train.Flags
	Valid          float64 // training images held out for validation: a fraction (< 1) or a number
	Limit          int     // train on the first Limit images only (0: all)
	Reshuffle      bool    // recompose the batches every epoch (classifier)
	Augment        string  // classifier augmentation: "none", "shiftN", "flip", comma-separated
	TestAugment    string  // the classifier's test-time augmentation (Config.TestAugment), in the same syntax
	Checkpoint     string  // where the training state is saved after every epoch and on cancel
	Resume         bool    // continue the training saved in Checkpoint
	Progress, Info io.Writer
}

// DefaultOptions are the settings the program uses for a data set, its
// best measured recipe (models/imagecols/RESULTS.md): for the 8×8 digits an
// LSTM of 128 units, 30 epochs in batches of 32, peak rate 3e-3, dropout
// 0.5 (1,438 training images: without it the LSTM overfits), fixed
// batches; for mnist a bidirectional LSTM of 128, dropout 0.2, random
// shifts of up to 2 pixels, 20 epochs; for fashion two bidirectional layers
// of 128 with max pooling, dropout 0.2, mirror images and shifts of 1
// pixel, 20 epochs, its test predictions averaged over the 18 views of
// the same changes (TestAugment); both in batches of 64 recomposed every epoch, peak rate
// 2e-3, 5,000 training images held out to select the best epoch. Other
// data sets: the mnist settings without the recipe (one direction, no
// dropout, no augmentation, 12 epochs, no validation).
func DefaultOptions(dataset string) Options {
	f := train.DefaultFlags()
	f.Epochs, f.LR, f.Schedule, f.LRMin, f.Warmup, f.Patience = 12, 2e-3, "cosine", 0.05, train.WarmupAuto, 0
	o := Options{Cell: graph.LSTM, Layers: 1, Hidden: 128, Batch: 64, Flags: f, Reshuffle: true, Augment: "none", TestAugment: "none"}
	switch dataset {
	case Digits:
		o.Epochs, o.Batch, o.LR, o.Dropout, o.Reshuffle = 30, 32, 3e-3, 0.5, false
	case "mnist":
		o.Bidirectional, o.Dropout, o.Augment, o.Epochs, o.Valid, o.Patience = true, 0.2, "shift2", 20, 5000, 20
	case "fashion":
		o.Bidirectional, o.Layers, o.Pool, o.Dropout, o.Augment, o.TestAugment = true, 2, graph.PoolMax, 0.2, "flip,shift1", "flip,shift1"
		o.Epochs, o.Valid, o.Patience = 20, 5000, 20
	}
	return o
}

// Digits names the embedded 8×8 digits (images.DigitsSplit).
const Digits = "digits"

// Register adds the training flags to fs, defaulting to o; gen leaves out
// the classifier's -bidirectional, -pool, -reshuffle and -augment.
func (o *Options) Register(fs *flag.FlagSet, gen bool) {
	fs.TextVar(&o.Cell, "cell", o.Cell, "recurrent cell: lstm, gru or rnn")
	fs.BoolVar(&o.Rows, "rows", o.Rows, "read images row by row instead of column by column")
	if !gen {
		fs.BoolVar(&o.Bidirectional, "bidirectional", o.Bidirectional, "read the columns in both directions")
		fs.TextVar(&o.Pool, "pool", o.Pool, "how the classifier reduces the outputs over the steps: last, max or mean")
		fs.BoolVar(&o.Reshuffle, "reshuffle", o.Reshuffle, "draw new batches every epoch (otherwise the batches are fixed and only their order is shuffled)")
		fs.StringVar(&o.Augment, "augment", o.Augment, "training augmentation redrawn every epoch: shiftN (random shifts of up to N pixels), flip (left–right mirror), comma-separated, or none")
		fs.StringVar(&o.TestAugment, "test-augment", o.TestAugment, "test-time augmentation stored in the model: predictions averaged over every view of shiftN and flip (the per-epoch validation reads one view), or none")
	}
	fs.IntVar(&o.Layers, "layers", o.Layers, "stacked recurrent layers")
	fs.IntVar(&o.Hidden, "hidden", o.Hidden, "hidden units per layer and direction")
	fs.Float64Var(&o.Dropout, "dropout", o.Dropout, "dropout between layers and before the output layer")
	fs.IntVar(&o.Batch, "batch", o.Batch, "batch size")
	fs.Float64Var(&o.Valid, "valid", o.Valid, train.ValidHelp("images"))
	fs.IntVar(&o.Limit, "limit", o.Limit, "train on the first N training images only (0: all)")
	fs.BoolVar(&o.Resume, "resume", o.Resume, "continue the training saved in -model")
	o.Flags.Register(fs)
}

// Check reports the first option that cannot train, named as its flag.
func (o *Options) Check() error {
	if err := o.Flags.Check(); err != nil {
		return err
	}
	switch {
	case o.Batch < 1 || o.Limit < 0:
		return fmt.Errorf("-batch %d must be at least 1, -limit %d not negative", o.Batch, o.Limit)
	case train.CheckValid(o.Valid) != nil:
		return train.CheckValid(o.Valid)
	case o.Patience > 0 && o.Valid == 0:
		return fmt.Errorf("-patience needs a validation split (-valid 0.1)")
	}
	if _, err := images.ParseAugment(o.Augment); err != nil {
		return fmt.Errorf("-augment: %w", err)
	}
	if _, err := images.ParseAugment(o.TestAugment); err != nil {
		return fmt.Errorf("-test-augment: %w", err)
	}
	cfg := o.config(KindClassifier, Digits, &images.Set{H: 1, W: 1, Classes: 2})
	return cfg.Validate()
}

// config is the model configuration of these options for a data set.
func (o *Options) config(kind, dataset string, set *images.Set) Config {
	return Config{Kind: kind, Dataset: dataset, H: set.H, W: set.W, Rows: o.Rows,
		Cell: o.Cell, Bidirectional: o.Bidirectional && kind == KindClassifier, Layers: o.Layers, Hidden: o.Hidden,
		Dropout: o.Dropout, Classes: max(set.Classes, 2), ClassNames: set.ClassNames, Pool: o.Pool,
		TestAugment: map[bool]string{true: o.TestAugment}[kind == KindClassifier && o.TestAugment != "none"]}
}

// Split applies Limit and Valid to a training set: the first Limit images,
// then a seeded random validation part.
func (o *Options) Split(trainSet *images.Set) (tr, valid *images.Set, err error) {
	tr = trainSet
	if o.Limit > 0 && o.Limit < tr.N {
		tr = tr.Subset(seq(0, o.Limit))
	}
	if o.Valid > 0 {
		frac, err := train.HoldOut(o.Valid, tr.N, "images")
		if err != nil {
			return nil, nil, err
		}
		parts, err := datasets.Split(tr.N, int64(o.Seed)+17, 1-frac, frac)
		if err != nil {
			return nil, nil, err
		}
		if len(parts[1]) == 0 || len(parts[0]) == 0 {
			return nil, nil, fmt.Errorf("-valid %g of %d images leaves an empty part", o.Valid, tr.N)
		}
		tr, valid = tr.Subset(parts[0]), tr.Subset(parts[1])
	}
	return tr, valid, nil
}

// Result is what training reports besides the model.
type Result struct {
	Report       *train.Report
	Seconds      float64 // wall time of the training loop
	Train, Valid int     // images in each part
	// ValidViews is the selected classifier's validation averaged over the
	// views of its TestAugment (nil without validation or views).
	ValidViews *train.Eval
}

// Summary is the final line of a classifier's training: the test
// evaluation ev (Eval.Summary) with the epochs, updates and training
// seconds, and the selected epoch and its validation accuracy when one was
// selected.
func (r *Result) Summary(ev *train.Eval) map[string]float64 {
	s, rep := ev.Summary(), r.Report
	s["epochs"], s["updates"], s["train_seconds"] = float64(rep.Epochs), float64(rep.Steps), r.Seconds
	if rep.BestEpoch > 0 {
		s["best_epoch"], s["valid_accuracy"] = float64(rep.BestEpoch), rep.Metrics["accuracy"]
	}
	if r.ValidViews != nil {
		s["valid_accuracy_views"] = r.ValidViews.Metrics["accuracy"]
	}
	return s
}

// fit runs train's loop over task with the options' schedule.
func (o *Options) fit(ctx context.Context, task train.Task, cfg Config, monitor string, eval train.EvalOptions) (*train.Report, float64, error) {
	tc, err := o.Flags.Config(task.Params(), task.NumTrain())
	if err != nil {
		return nil, 0, err
	}
	tc.Monitor, tc.Eval, tc.Progress = monitor, eval, o.Progress
	tc.Checkpoint, tc.ModelKind, tc.ModelConfig = o.Checkpoint, Kind, cfg
	tr, err := train.New(task, tc)
	if err != nil {
		return nil, 0, err
	}
	if o.Resume {
		if err := tr.Resume(o.Checkpoint); err != nil {
			return nil, 0, fmt.Errorf("resume: %w", err)
		}
		if o.Info != nil {
			fmt.Fprintf(o.Info, "resuming %s at update %d\n", o.Checkpoint, tr.Step())
		}
	}
	start := time.Now()
	rep, err := tr.FitContext(ctx)
	return rep, time.Since(start).Seconds(), err
}

// TrainClassifier trains a classifier of the images of trainSet (dataset
// names it in the checkpoint). Cancelling ctx stops after the update under
// way, saves a resumable checkpoint to o.Checkpoint (when set) and returns
// ctx's error.
func TrainClassifier(ctx context.Context, dataset string, trainSet *images.Set, o Options) (*Classifier, *Result, error) {
	if err := o.Check(); err != nil {
		return nil, nil, err
	}
	tr, valid, err := o.Split(trainSet)
	if err != nil {
		return nil, nil, err
	}
	cfg := o.config(KindClassifier, dataset, trainSet)
	clf, err := NewClassifier(cfg, o.Seed)
	if err != nil {
		return nil, nil, err
	}
	task, err := clf.NewTask(tr, valid, o.Batch, int64(o.Seed))
	if err != nil {
		return nil, nil, err
	}
	task.Reshuffle = o.Reshuffle
	if task.Augment, err = images.ParseAugment(o.Augment); err != nil {
		return nil, nil, err
	}
	res := &Result{Train: tr.N, Valid: setLen(valid)}
	if o.Info != nil {
		fmt.Fprintf(o.Info, "%s: %d training, %d validation images of %d×%d; %s reads %d steps of %d pixels; %d weights; augmentation %s, reshuffle %v\n",
			dataset, tr.N, res.Valid, cfg.H, cfg.W, cfg.Name(), cfg.Steps(), cfg.Features(), clf.Params.Count(), task.Augment, o.Reshuffle)
	}
	res.Report, res.Seconds, err = o.fit(ctx, task, cfg, "accuracy", train.EvalOptions{Classes: cfg.Classes})
	if err != nil {
		return nil, res, err
	}
	clf.Metrics = res.Report.Metrics
	if valid != nil && len(clf.views()) > 1 {
		if res.ValidViews, err = clf.Evaluate(valid, o.Batch); err != nil {
			return nil, res, err
		}
	}
	return clf, res, nil
}

// TrainGenerator trains a conditional generator of the images of trainSet
// (see TrainClassifier for ctx).
func TrainGenerator(ctx context.Context, dataset string, trainSet *images.Set, o Options) (*Generator, *Result, error) {
	if err := o.Check(); err != nil {
		return nil, nil, err
	}
	tr, valid, err := o.Split(trainSet)
	if err != nil {
		return nil, nil, err
	}
	cfg := o.config(KindGenerator, dataset, trainSet)
	cfg.StyleMean, cfg.StyleStd = StyleStats(tr)
	gen, err := NewGenerator(cfg, o.Seed)
	if err != nil {
		return nil, nil, err
	}
	task, err := gen.NewTask(tr, valid, o.Batch, int64(o.Seed))
	if err != nil {
		return nil, nil, err
	}
	if o.Info != nil {
		fmt.Fprintf(o.Info, "%s: training the generator on %d images (%d weights)\n", dataset, tr.N, gen.Params.Count())
	}
	res := &Result{Train: tr.N, Valid: setLen(valid)}
	res.Report, res.Seconds, err = o.fit(ctx, task, cfg, "loss", train.EvalOptions{})
	if err != nil {
		return nil, res, err
	}
	return gen, res, nil
}

func setLen(s *images.Set) int {
	if s == nil {
		return 0
	}
	return s.N
}
