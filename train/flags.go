package train

import (
	"flag"
	"fmt"
	"math"

	"github.com/rnnzoo/rnnzoo/graph"
)

// Flags are the training flags every model program shares, so that they are
// spelled and defaulted alike everywhere:
//
//	-epochs -steps -seed -optimizer -lr -weight-decay -momentum
//	-schedule -lr-min -warmup -clip -clip-value -patience -log -plots
//	-save-every -keep-epochs -average-epochs -grad-norms
//
// Each means the same in every program; the defaults are each program's
// measured recipe (for example the cosine floor -lr-min: 0.01 for the
// sentiment classifier, 0.05 for the image classifier and the
// translator). A program whose training honours only some of them (the
// character model has no epochs to count, the gradient-flow grid fixes
// its optimizer) registers those with RegisterOnly. The one other flag
// every program spells alike, -valid, belongs to the data (see
// ValidHelp and HoldOut).
//
// Register them on a flag.FlagSet (after setting program-specific defaults
// in the struct), parse, then call Config.
type Flags struct {
	Epochs      int
	MaxSteps    int64
	Seed        uint64
	Optimizer   string // adam, adamw, sgd, rmsprop
	LR          float64
	WeightDecay float64
	Momentum    float64
	Schedule    string  // constant, cosine, step
	LRMin       float64 // the cosine schedule's floor, as a fraction of LR
	// Warmup is the number of updates of linear warm-up before the
	// schedule; WarmupAuto means a tenth of the run, at most 200 updates.
	Warmup    int64
	Clip      float64
	ClipValue float64
	Patience  int
	Log       string
	Plots     string
	SaveEvery int64
	// KeepEpochs keeps a copy of every epoch's checkpoint (EpochPath), to
	// average the weights of the last epochs afterwards.
	KeepEpochs bool
	// AverageEpochs > 0 ends with the mean weights of the last epochs
	// (Config.AverageEpochs).
	AverageEpochs int
	GradNorms     bool
}

// WarmupAuto is the Warmup (and -warmup -1) of a warm-up over a tenth of
// the run's updates, at most 200.
const WarmupAuto = -1

// DefaultFlags returns the shared defaults: 10 epochs, Adam with lr 1e-3,
// a constant rate (a cosine schedule ends at lr/100), no warm-up, clipping
// at global norm 5, patience 3.
func DefaultFlags() Flags {
	return Flags{Epochs: 10, Seed: 1, Optimizer: "adam", LR: 1e-3, Schedule: "constant", LRMin: 0.01, Clip: 5, Patience: 3}
}

// Register defines the flags on fs with the values in f as defaults.
func (f *Flags) Register(fs *flag.FlagSet) {
	for _, d := range f.defs() {
		d.add(fs)
	}
}

// RegisterOnly defines only the named flags (spelled without the dash) on
// fs, for a program whose training honours only those; it panics on a
// name that is not one of the Flags, a programming error.
func (f *Flags) RegisterOnly(fs *flag.FlagSet, names ...string) {
	defs := f.defs()
	for _, name := range names {
		found := false
		for _, d := range defs {
			if d.name == name {
				d.add(fs)
				found = true
			}
		}
		if !found {
			panic(fmt.Sprintf("train: RegisterOnly(%q): no such training flag", name))
		}
	}
}

type flagDef struct {
	name string
	add  func(fs *flag.FlagSet)
}

func (f *Flags) defs() []flagDef {
	return []flagDef{
		{"epochs", func(fs *flag.FlagSet) { fs.IntVar(&f.Epochs, "epochs", f.Epochs, "training epochs") }},
		{"steps", func(fs *flag.FlagSet) {
			fs.Int64Var(&f.MaxSteps, "steps", f.MaxSteps, "updates in total (0: as many as -epochs, or the program's default run, make)")
		}},
		{"seed", func(fs *flag.FlagSet) { fs.Uint64Var(&f.Seed, "seed", f.Seed, "random seed") }},
		{"optimizer", func(fs *flag.FlagSet) {
			fs.StringVar(&f.Optimizer, "optimizer", f.Optimizer, "adam, adamw, sgd or rmsprop")
		}},
		{"lr", func(fs *flag.FlagSet) {
			fs.Float64Var(&f.LR, "lr", f.LR, "learning rate (the peak rate of a schedule)")
		}},
		{"weight-decay", func(fs *flag.FlagSet) {
			fs.Float64Var(&f.WeightDecay, "weight-decay", f.WeightDecay, "weight decay (decoupled for adamw, L2 otherwise)")
		}},
		{"momentum", func(fs *flag.FlagSet) {
			fs.Float64Var(&f.Momentum, "momentum", f.Momentum, "momentum of sgd and rmsprop")
		}},
		{"schedule", func(fs *flag.FlagSet) {
			fs.StringVar(&f.Schedule, "schedule", f.Schedule, "learning-rate schedule: constant, cosine (to lr·lr-min at the end) or step (halve every epoch)")
		}},
		{"lr-min", func(fs *flag.FlagSet) {
			fs.Float64Var(&f.LRMin, "lr-min", f.LRMin, "floor of the cosine schedule, as a fraction of -lr")
		}},
		{"warmup", func(fs *flag.FlagSet) {
			fs.Int64Var(&f.Warmup, "warmup", f.Warmup, "linear warm-up updates before the schedule (-1: a tenth of the updates, at most 200)")
		}},
		{"clip", func(fs *flag.FlagSet) {
			fs.Float64Var(&f.Clip, "clip", f.Clip, "clip the global gradient norm to this (0: off)")
		}},
		{"clip-value", func(fs *flag.FlagSet) {
			fs.Float64Var(&f.ClipValue, "clip-value", f.ClipValue, "clamp each gradient element to ± this (0: off)")
		}},
		{"patience", func(fs *flag.FlagSet) {
			fs.IntVar(&f.Patience, "patience", f.Patience, "early stopping after this many epochs without improvement (0: off)")
		}},
		{"log", func(fs *flag.FlagSet) { fs.StringVar(&f.Log, "log", f.Log, "append a JSONL training log to this file") }},
		{"plots", func(fs *flag.FlagSet) {
			fs.StringVar(&f.Plots, "plots", f.Plots, "write PNG training curves into this directory")
		}},
		{"save-every", func(fs *flag.FlagSet) {
			fs.Int64Var(&f.SaveEvery, "save-every", f.SaveEvery, "also checkpoint every this many updates (0: every epoch only)")
		}},
		{"keep-epochs", func(fs *flag.FlagSet) {
			fs.BoolVar(&f.KeepEpochs, "keep-epochs", f.KeepEpochs, "also keep each epoch's checkpoint as M-epochNN.ckpt beside -model M.ckpt")
		}},
		{"average-epochs", func(fs *flag.FlagSet) {
			fs.IntVar(&f.AverageEpochs, "average-epochs", f.AverageEpochs, "end with the mean weights of the last N epochs, validated (their checkpoints are kept as with -keep-epochs; needs -patience 0)")
		}},
		{"grad-norms", func(fs *flag.FlagSet) {
			fs.BoolVar(&f.GradNorms, "grad-norms", f.GradNorms, "log per-parameter gradient norms")
		}},
	}
}

// ValidHelp is the help of -valid, the same in every program that holds
// out training examples for validation; what names them ("images",
// "pairs", "characters").
func ValidHelp(what string) string {
	return "training " + what + " held out for validation: a fraction (< 1) or a number of " + what + " (0: none)"
}

// CheckValid reports a -valid that is neither a fraction 0 ≤ v < 1 nor a
// whole number.
func CheckValid(v float64) error {
	if math.IsNaN(v) || v < 0 || (v >= 1 && (v != math.Trunc(v) || math.IsInf(v, 0))) {
		return fmt.Errorf("-valid %g: want a fraction 0 ≤ v < 1 or a whole number", v)
	}
	return nil
}

// HoldOut is the fraction of n training examples that -valid v holds
// out: v itself when it is a fraction, v/n when it is a number, an error
// when that leaves nothing to train on.
func HoldOut(v float64, n int, what string) (float64, error) {
	if err := CheckValid(v); err != nil {
		return 0, err
	}
	if v < 1 {
		return v, nil
	}
	if v >= float64(n) {
		return 0, fmt.Errorf("-valid %g of %d %s leaves no training %s", v, n, what, what)
	}
	return v / float64(n), nil
}

// Check reports the first flag that cannot train, named as it is spelled
// on the command line, so that a program can refuse it as a usage error
// before loading any data.
func (f *Flags) Check() error {
	bad := func(x float64) bool { return math.IsNaN(x) || math.IsInf(x, 0) }
	switch {
	case f.Epochs < 1:
		return fmt.Errorf("-epochs %d: want at least 1", f.Epochs)
	case f.MaxSteps < 0:
		return fmt.Errorf("-steps %d: want ≥ 0 (0: as many as -epochs take)", f.MaxSteps)
	case f.Optimizer != "adam" && f.Optimizer != "adamw" && f.Optimizer != "sgd" && f.Optimizer != "rmsprop":
		return fmt.Errorf("-optimizer %q: want adam, adamw, sgd or rmsprop", f.Optimizer)
	case !(f.LR > 0) || bad(f.LR):
		return fmt.Errorf("-lr %g: want a positive rate", f.LR)
	case f.WeightDecay < 0 || bad(f.WeightDecay):
		return fmt.Errorf("-weight-decay %g: want ≥ 0", f.WeightDecay)
	case f.Momentum < 0 || f.Momentum >= 1 || bad(f.Momentum):
		return fmt.Errorf("-momentum %g: want 0 ≤ momentum < 1", f.Momentum)
	case f.Schedule != "constant" && f.Schedule != "cosine" && f.Schedule != "step" && f.Schedule != "":
		return fmt.Errorf("-schedule %q: want constant, cosine or step", f.Schedule)
	case f.LRMin < 0 || f.LRMin > 1 || math.IsNaN(f.LRMin):
		return fmt.Errorf("-lr-min %g: want a fraction of -lr in [0, 1]", f.LRMin)
	case f.Warmup < WarmupAuto:
		return fmt.Errorf("-warmup %d: want ≥ 0 updates, or -1 for a tenth of the run", f.Warmup)
	case f.Clip < 0 || bad(f.Clip):
		return fmt.Errorf("-clip %g: want ≥ 0 (0: off)", f.Clip)
	case f.ClipValue < 0 || bad(f.ClipValue):
		return fmt.Errorf("-clip-value %g: want ≥ 0 (0: off)", f.ClipValue)
	case f.Patience < 0:
		return fmt.Errorf("-patience %d: want ≥ 0 (0: off)", f.Patience)
	case f.SaveEvery < 0:
		return fmt.Errorf("-save-every %d: want ≥ 0 (0: every epoch only)", f.SaveEvery)
	case f.AverageEpochs < 0:
		return fmt.Errorf("-average-epochs %d: want ≥ 0 (0: off)", f.AverageEpochs)
	case f.AverageEpochs > 0 && f.Patience > 0:
		return fmt.Errorf("-average-epochs %d with -patience %d: the average replaces the best epoch, give -patience 0", f.AverageEpochs, f.Patience)
	}
	return nil
}

// NewOptimizer returns the optimizer the flags name, over ps.
func (f *Flags) NewOptimizer(ps *graph.Params) (Optimizer, error) {
	switch f.Optimizer {
	case "adam":
		a := NewAdam(ps)
		a.WeightDecay = f.WeightDecay
		return a, nil
	case "adamw":
		return NewAdamW(ps, f.WeightDecay), nil
	case "sgd":
		o := NewSGD(ps, f.Momentum)
		o.WeightDecay = f.WeightDecay
		return o, nil
	case "rmsprop":
		o := NewRMSProp(ps)
		o.Momentum, o.WeightDecay = f.Momentum, f.WeightDecay
		return o, nil
	}
	return nil, fmt.Errorf("train: unknown optimizer %q (want adam, adamw, sgd or rmsprop)", f.Optimizer)
}

// NewSchedule returns the learning-rate schedule the flags name, for a run
// of stepsPerEpoch updates per epoch.
func (f *Flags) NewSchedule(stepsPerEpoch int) (Schedule, error) {
	total := int64(f.Epochs) * int64(stepsPerEpoch)
	if f.MaxSteps > 0 {
		total = f.MaxSteps
	}
	warm := f.Warmup
	if warm == WarmupAuto {
		warm = min(total/10, 200)
	}
	if warm < 0 || f.LRMin < 0 || f.LRMin > 1 {
		return nil, fmt.Errorf("train: warm-up %d and cosine floor %v: want warm-up ≥ 0 (or -1) and a floor in [0, 1]", f.Warmup, f.LRMin)
	}
	total -= warm
	var s Schedule
	switch f.Schedule {
	case "constant", "":
		s = Constant(f.LR)
	case "cosine":
		s = Cosine{Base: f.LR, Min: f.LR * f.LRMin, Steps: max(total, 1)}
	case "step":
		s = StepDecay{Base: f.LR, Every: int64(max(stepsPerEpoch, 1)), Gamma: 0.5}
	default:
		return nil, fmt.Errorf("train: unknown schedule %q (want constant, cosine or step)", f.Schedule)
	}
	if warm > 0 {
		s = Warmup{Steps: warm, Then: s}
	}
	return s, nil
}

// Config returns a Config with the flags' settings and a new optimizer over
// ps; the program adds what is its own (Monitor, Eval, Checkpoint,
// ModelConfig, Vocabs, RandSources, StepNorms, Progress).
func (f *Flags) Config(ps *graph.Params, stepsPerEpoch int) (Config, error) {
	if err := f.Check(); err != nil {
		return Config{}, fmt.Errorf("train: %w", err)
	}
	opt, err := f.NewOptimizer(ps)
	if err != nil {
		return Config{}, err
	}
	sched, err := f.NewSchedule(stepsPerEpoch)
	if err != nil {
		return Config{}, err
	}
	return Config{
		Epochs: f.Epochs, MaxSteps: f.MaxSteps, Seed: f.Seed,
		Optimizer: opt, LR: sched, ClipNorm: f.Clip, ClipValue: f.ClipValue,
		Patience: f.Patience, Log: f.Log, PlotDir: f.Plots, SaveEvery: f.SaveEvery, KeepEpochs: f.KeepEpochs,
		AverageEpochs:  f.AverageEpochs,
		ParamGradNorms: f.GradNorms,
	}, nil
}
