package train

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/rnnzoo/rnnzoo/train/checkpoint"
	"io"
	"maps"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/rnnzoo/rnnzoo/graph"
	"gorgonia.org/tensor"
)

// Task is what a model program implements to be trained: its parameters,
// and training and validation batches addressed by index. Batches may have
// different shapes (sequence-length buckets): the task runs each batch
// through the compiled graph.Net of its bucket; all nets share the Params.
type Task interface {
	// Params returns the model's parameters (shared by every net).
	Params() *graph.Params
	// NumTrain returns the number of training batches in one epoch.
	NumTrain() int
	// TrainBatch loads training batch i into the net of its bucket and runs
	// it forward and backward (graph.Net.Run), which adds the gradients
	// into Params. It returns the batch's mean loss and optionally its
	// predictions (for the training accuracy).
	TrainBatch(i int) (Result, error)
	// NumValid returns the number of validation batches (0: no validation).
	NumValid() int
	// EvalBatch runs validation batch i forward on an evaluation net (no
	// dropout) and returns its loss and predictions. Gradients it may
	// accumulate are discarded by the Trainer.
	EvalBatch(i int) (Result, error)
}

// EpochStarter is an optional interface of a Task: a task that implements
// it is told, before the first batch of every epoch, which epoch (0-based)
// begins, so that it can recompose its batches or redraw its data
// augmentation. Fit calls it also when it continues an epoch after Resume,
// with the same epoch number, so the task must derive everything from the
// epoch number (and its own seed), not from the number of calls.
type EpochStarter interface {
	StartEpoch(epoch int) error
}

// Config configures a Trainer. The zero value of every field is usable.
type Config struct {
	Epochs int // number of epochs (default 1)
	// MaxSteps stops Fit after this many updates in total (0: no limit),
	// wherever it is in an epoch, without restoring best weights; the state
	// is saved to Checkpoint (when set), and Resume (with a larger MaxSteps
	// or none) continues exactly.
	MaxSteps int64
	Seed     uint64 // seeds the shuffling of the batch order
	// NoShuffle keeps the batches in index order.
	NoShuffle bool

	Optimizer Optimizer // default: Adam over the task's Params
	LR        Schedule  // default: Constant(1e-3)
	ClipNorm  float64   // clip the global gradient norm to this (0: off)
	ClipValue float64   // clamp each gradient element to ±ClipValue (0: off)

	// Patience > 0 turns on early stopping: training stops after Patience
	// epochs without improvement of Monitor, and the best weights are
	// restored at the end of training.
	Patience int
	// Monitor names the validated quantity for early stopping and best
	// weights: "loss" (the default), "perplexity" and "bpc" are minimised,
	// any other metric (e.g. "accuracy", "macro_f1") is maximised. Without
	// validation batches the training loss is monitored.
	Monitor string

	// Eval configures the metrics of each validation.
	Eval EvalOptions

	// Checkpoint is a file path: the training state is saved there after
	// every epoch, every SaveEvery updates, and at the end.
	Checkpoint string
	SaveEvery  int64
	// KeepEpochs also writes each epoch's checkpoint to
	// EpochPath(Checkpoint, epoch), where later epochs do not overwrite it.
	KeepEpochs bool
	// AverageEpochs > 0 ends training, once its epochs are done, with the
	// mean weights of its last AverageEpochs epochs (checkpoint.Average of
	// their weights, written to EpochPath after each epoch — the whole
	// state with KeepEpochs, else the weights alone, the older ones
	// removed; needs Checkpoint), validated once more: the Report's
	// Metrics are the average's, logged as an "average" record. A stop
	// within an epoch (MaxSteps, TimeBudget, Hook) does not average; a
	// resumed run that trains further starts from its last epoch's own
	// weights. It takes the place of the best epoch, so Patience must be 0.
	AverageEpochs int
	// ModelConfig and Vocabs are stored in every checkpoint as JSON; the
	// program reads them back to rebuild the model (see checkpoint.Read).
	ModelConfig any
	Vocabs      map[string]any
	// ModelKind names the model in every checkpoint (Checkpoint.Kind).
	ModelKind string
	// RandSources are random sources the model draws from during training
	// (e.g. the dropout generator given to graph.Builder.Compile, built as
	// rand.New(src)). Their states are saved in checkpoints and restored by
	// Resume, so that dropout masks continue exactly. The sources a model
	// made with graph.Params.Source are added by New: a model that takes
	// its sources from its Params need not list them here.
	RandSources map[string]*rand.PCG

	// Log, if set, is a JSONL file: one line per epoch and per evaluation
	// (see Record). It is appended to, so a resumed run continues it.
	Log string
	// PlotDir, if set, receives the PNG curves after every epoch; it needs
	// package train/plots in the program (import it, a blank import will
	// do), which registers the plotter.
	PlotDir string
	// Progress receives the progress display: a progress bar with the
	// running loss, rate and ETA when it is a terminal; otherwise one line
	// per epoch, plus a progress line every 30 s during long epochs.
	// nil means os.Stderr; use io.Discard for silence.
	Progress io.Writer
	// ParamGradNorms adds each parameter's mean gradient norm per epoch to
	// the log.
	ParamGradNorms bool
	// LogEvery > 0 also logs every LogEvery-th update as an event "step"
	// line (the batch's loss, the learning rate, the gradient norm before
	// clipping in grad_norm_mean and grad_norm_max, clipped_share 0 or 1).
	// These lines go to the file only, not into History.
	LogEvery int64
	// Every > 0 calls Hook after every Every-th update with an "interval"
	// record of the updates since the previous call: their mean training
	// loss, mean and largest gradient norm, clipped share, and in Seconds
	// the time spent in updates so far. A model evaluates there on a
	// schedule of updates rather than epochs (e.g. held-out bits per
	// character every 200 updates); Hook returning stop ends training with
	// Stopped "hook" (a stop predicate, e.g. once a task is solved).
	Every int64
	Hook  func(r Record) (stop bool, err error)
	// TimeBudget > 0 ends training, with Stopped "time", once the updates
	// (not the validations or hooks) have taken this long; the run then
	// depends on the machine's speed.
	TimeBudget time.Duration
	// A model trained by truncated backpropagation through time carries its
	// recurrent state from batch to batch inside its TrainBatch (with
	// NoShuffle, batch i follows batch i−1), and resets it when an epoch
	// starts (EpochStarter, or batch 0).

	// StepNorms, if set, is where the model's recurrent layers report their
	// per-time-step gradient norms (see StepNormLog); their per-epoch means
	// go into the log.
	StepNorms *StepNormLog
}

// Record is one line of the JSONL log. Event "epoch" lines describe the
// training of one epoch; event "eval" lines one validation; event "step"
// lines (see Config.LogEvery) one update; the event "average" line the
// validation of the mean weights of the last epochs (Config.AverageEpochs).
type Record struct {
	Event   string             `json:"event"`
	Split   string             `json:"split"`
	Epoch   int                `json:"epoch"` // 1-based
	Step    int64              `json:"step"`  // updates made so far
	Loss    float64            `json:"loss"`
	Metrics map[string]float64 `json:"metrics,omitempty"`
	Weight  float64            `json:"examples"`
	// Training lines only.
	LR           *float64 `json:"lr,omitempty"` // at the last update of the epoch
	GradNormMean *float64 `json:"grad_norm_mean,omitempty"`
	GradNormMax  *float64 `json:"grad_norm_max,omitempty"`
	// Clipped is the share of updates whose gradients were clipped.
	Clipped        *float64             `json:"clipped_share,omitempty"`
	ParamGradNorms map[string]float64   `json:"param_grad_norms,omitempty"`
	StepNorms      map[string][]float64 `json:"step_norms,omitempty"`
	// Evaluation lines only.
	Confusion Confusion `json:"confusion,omitempty"`
	Best      bool      `json:"best,omitempty"` // the best monitored value so far
	// Averaged is, on the "average" line (Config.AverageEpochs), the
	// number of epochs whose mean weights were validated.
	Averaged int     `json:"averaged,omitempty"`
	Seconds  float64 `json:"seconds"`
	// NonFinite lists the values that were NaN or infinite, which JSON
	// cannot hold, as "name=value" (e.g. "metrics.perplexity=+Inf"); they
	// are left out of (or zeroed in) the fields above.
	NonFinite []string `json:"non_finite,omitempty"`
}

// sanitize moves non-finite values out of r into r.NonFinite.
func (r *Record) sanitize() {
	note := func(name string, v float64) { r.NonFinite = append(r.NonFinite, fmt.Sprintf("%s=%v", name, v)) }
	if !isFinite(r.Loss) {
		note("loss", r.Loss)
		r.Loss = 0
	}
	for _, p := range []struct {
		name string
		v    **float64
	}{{"lr", &r.LR}, {"grad_norm_mean", &r.GradNormMean}, {"grad_norm_max", &r.GradNormMax}, {"clipped_share", &r.Clipped}} {
		if *p.v != nil && !isFinite(**p.v) {
			note(p.name, **p.v)
			*p.v = nil
		}
	}
	r.Metrics = finiteMap(r.Metrics, "metrics.", note)
	r.ParamGradNorms = finiteMap(r.ParamGradNorms, "param_grad_norms.", note)
	for name, v := range r.StepNorms {
		for t, x := range v {
			if !isFinite(x) {
				note(fmt.Sprintf("step_norms.%s[%d]", name, t), x)
				v[t] = -1
			}
		}
	}
}

// finiteMap returns m without its non-finite values, noting each.
func finiteMap(m map[string]float64, prefix string, note func(string, float64)) map[string]float64 {
	clean := true
	for _, v := range m {
		clean = clean && isFinite(v)
	}
	if clean {
		return m
	}
	out := map[string]float64{}
	for _, k := range keys(m) {
		if v := m[k]; isFinite(v) {
			out[k] = v
		} else {
			note(prefix+k, v)
		}
	}
	return out
}

// Report is what Fit returns.
type Report struct {
	Epochs    int   // epochs completed
	Steps     int64 // updates made
	Stopped   string
	BestEpoch int // 1-based; 0 without early stopping
	// Metrics are the validation loss and metrics of the returned weights
	// (the best epoch's when early stopping restored them, else the last).
	Metrics map[string]float64
	History []Record
}

// epochAcc accumulates the statistics of the current epoch; it is part of
// the checkpointed state so that a resumed epoch logs the same numbers.
type epochAcc struct {
	LossSum   float64   `json:"loss_sum"`
	Weight    float64   `json:"weight"`
	Steps     int       `json:"steps"`
	NormSum   float64   `json:"norm_sum"`
	NormMax   float64   `json:"norm_max"`
	Clipped   int       `json:"clipped"`
	LR        float64   `json:"lr"`
	ParamNorm []float64 `json:"param_norm,omitempty"`
	Correct   int       `json:"correct"`
	Counted   int       `json:"counted"`
	Seconds   float64   `json:"seconds"`
}

// state is the resumable training state.
type state struct {
	Epoch     int                 `json:"epoch"` // epochs completed
	Pos       int                 `json:"pos"`   // batches done in the current epoch
	Step      int64               `json:"step"`
	Perm      []int               `json:"perm,omitempty"`
	Shuffle   []byte              `json:"shuffle"`
	Sources   map[string][]byte   `json:"sources,omitempty"`
	Optim     *OptimState         `json:"optim"`
	Acc       epochAcc            `json:"acc"`
	Win       epochAcc            `json:"window"` // the updates since the last Hook call
	TaskState json.RawMessage     `json:"task_state,omitempty"`
	TrainSecs float64             `json:"train_seconds"`
	HaveBest  bool                `json:"have_best"`
	Best      float64             `json:"best"`
	BestEpoch int                 `json:"best_epoch"`
	Bad       int                 `json:"bad_epochs"`
	Metrics   map[string]float64  `json:"metrics,omitempty"`
	StepNorms map[string]*normAcc `json:"step_norms,omitempty"`
	BestMet   map[string]float64  `json:"best_metrics,omitempty"`
	// Averaged is the epoch after which the weights were replaced by the
	// mean of the last epochs (Config.AverageEpochs); 0 otherwise.
	Averaged int      `json:"averaged,omitempty"`
	Stopped  string   `json:"stopped,omitempty"`
	History  []Record `json:"history,omitempty"`
}

// CarriedState is implemented by a task that carries state from batch to
// batch (truncated backpropagation through time): Save stores the state,
// as JSON, in checkpoints and Resume gives it back, so that a resumed epoch
// continues from the state the interrupted one had.
type CarriedState interface {
	CarriedState() (json.RawMessage, error)
	SetCarriedState(json.RawMessage) error
}

// Trainer runs the training loop of one Task.
type Trainer struct {
	cfg     Config
	task    Task
	ps      *graph.Params
	params  []*graph.Param
	opt     Optimizer
	sched   Schedule
	shuffle *rand.PCG
	rng     *rand.Rand
	st      state
	best    []*tensor.Dense
	sq      []float64
	out     progress

	norms *StepNormLog
}

type normAcc struct {
	Sum []float64 `json:"sum"`
	N   []int     `json:"n"`
}

// New returns a Trainer for task. It draws nothing yet.
func New(task Task, cfg Config) (*Trainer, error) {
	if task == nil || task.Params() == nil {
		return nil, errors.New("train: the task has no parameters")
	}
	if cfg.Epochs <= 0 {
		cfg.Epochs = 1
	}
	if cfg.Monitor == "" {
		cfg.Monitor = "loss"
	}
	switch {
	case cfg.AverageEpochs < 0:
		return nil, fmt.Errorf("train: AverageEpochs %d: want ≥ 0", cfg.AverageEpochs)
	case cfg.AverageEpochs > 0 && cfg.Checkpoint == "":
		return nil, errors.New("train: AverageEpochs needs a Checkpoint path to keep the epochs' weights")
	case cfg.AverageEpochs > 0 && cfg.Patience > 0:
		return nil, errors.New("train: AverageEpochs and Patience exclude each other (the average replaces the best epoch)")
	}
	if cfg.PlotDir != "" && plotter == nil {
		return nil, errors.New(`train: Config.PlotDir (-plots) needs the plotter of package train/plots: import _ "github.com/rnnzoo/rnnzoo/train/plots"`)
	}
	if srcs := task.Params().Sources(); len(srcs) > 0 {
		all := maps.Clone(cfg.RandSources)
		if all == nil {
			all = map[string]*rand.PCG{}
		}
		for name, src := range srcs {
			if other, ok := all[name]; ok && other != src {
				return nil, fmt.Errorf("train: two random sources named %q (Config.RandSources and the model's Params)", name)
			}
			all[name] = src
		}
		cfg.RandSources = all
	}
	t := &Trainer{cfg: cfg, task: task, ps: task.Params(), opt: cfg.Optimizer, sched: cfg.LR}
	t.params = t.ps.All()
	if t.opt == nil {
		t.opt = NewAdam(t.ps)
	}
	if t.sched == nil {
		t.sched = Constant(1e-3)
	}
	t.shuffle = rand.NewPCG(cfg.Seed, 0x7261696e /* "rain" */)
	t.rng = rand.New(t.shuffle)
	t.sq = make([]float64, len(t.params))
	t.norms = cfg.StepNorms
	if t.norms == nil {
		t.norms = &StepNormLog{}
	}
	if cfg.Patience > 0 {
		for _, p := range t.params {
			t.best = append(t.best, p.Value.Clone().(*tensor.Dense))
		}
	}
	w := cfg.Progress
	if w == nil {
		w = os.Stderr
	}
	t.out = newProgress(w)
	return t, nil
}

// Optimizer returns the trainer's optimizer.
func (t *Trainer) Optimizer() Optimizer { return t.opt }

// Step returns the number of updates made so far.
func (t *Trainer) Step() int64 { return t.st.Step }

// History returns the log records so far.
func (t *Trainer) History() []Record { return t.st.History }

// StepNorms receives, from a recurrent layer named name, the norms
// ‖∂L/∂h_t‖ of the loss gradient with respect to its hidden state at every
// time step t of one backward pass (see StepNormLog); the means per time
// step over each epoch's training batches go into the epoch's log line
// ("step_norms"). It is safe for concurrent use.
func (t *Trainer) StepNorms(name string, norms []float64) { t.norms.Add(name, norms) }

// StepNormLog collects per-time-step gradient norms reported by recurrent
// layers. Create one before building the model, wire Recorder(name) into
// each layer's callback (graph.Recurrent.StepGradNorms), and pass the log
// as Config.StepNorms. The zero value is ready to use.
type StepNormLog struct {
	mu sync.Mutex
	m  map[string]*normAcc
}

// Recorder returns a callback that adds a layer's norms under name.
func (l *StepNormLog) Recorder(name string) func(norms []float64) {
	return func(norms []float64) { l.Add(name, norms) }
}

// Add accumulates one backward pass's norms of the layer called name.
func (l *StepNormLog) Add(name string, norms []float64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.m == nil {
		l.m = map[string]*normAcc{}
	}
	a := l.m[name]
	if a == nil {
		a = &normAcc{}
		l.m[name] = a
	}
	for len(a.Sum) < len(norms) {
		a.Sum = append(a.Sum, 0)
		a.N = append(a.N, 0)
	}
	for i, v := range norms {
		a.Sum[i] += v
		a.N[i]++
	}
}

// take returns the mean norm per time step of every layer and starts
// afresh (nil when nothing was reported).
func (l *StepNormLog) take() map[string][]float64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.m) == 0 {
		return nil
	}
	out := map[string][]float64{}
	for name, a := range l.m {
		m := make([]float64, len(a.Sum))
		for i := range m {
			m[i] = a.Sum[i] / float64(a.N[i])
		}
		out[name] = m
	}
	l.m = nil
	return out
}

// snapshot returns a deep copy of the running sums (for checkpoints).
func (l *StepNormLog) snapshot() map[string]*normAcc {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.m) == 0 {
		return nil
	}
	out := map[string]*normAcc{}
	for k, a := range l.m {
		out[k] = &normAcc{Sum: append([]float64(nil), a.Sum...), N: append([]int(nil), a.N...)}
	}
	return out
}

func (l *StepNormLog) restore(m map[string]*normAcc) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.m = m
}

// Fit trains until Config.Epochs epochs are done, early stopping triggers or
// Config.MaxSteps updates are made, and returns a report. After a Resume it
// continues where the checkpoint left off. It stops with a
// *NonFiniteError when a loss, gradient or weight becomes NaN or infinite;
// the last checkpoint written is then left as it was.
func (t *Trainer) Fit() (*Report, error) { return t.FitContext(context.Background()) }

// FitContext is Fit, cancellable through ctx: when ctx is done, the update
// under way finishes, the training state is saved to Config.Checkpoint (so
// that Resume continues exactly there) and FitContext returns the report so
// far, with Stopped "canceled", and ctx's error.
func (t *Trainer) FitContext(ctx context.Context) (*Report, error) {
	n := t.task.NumTrain()
	if n <= 0 {
		return nil, errors.New("train: the task has no training batches")
	}
	if t.st.Stopped == "early-stopping" {
		return t.report(), nil
	}
	if err := t.checkEpochFiles(); err != nil {
		return nil, err
	}
	t.st.Stopped = ""
	t.ps.ZeroGrad()
	for t.st.Epoch < t.cfg.Epochs {
		if t.st.Perm == nil { // a new epoch (a resumed one keeps its order)
			t.st.Perm = t.newPerm(n)
			t.st.Acc = epochAcc{}
		}
		if err := t.checkPosition(n); err != nil {
			return nil, err
		}
		if es, ok := t.task.(EpochStarter); ok {
			if err := es.StartEpoch(t.st.Epoch); err != nil {
				return nil, fmt.Errorf("train: starting epoch %d: %w", t.st.Epoch+1, err)
			}
		}
		t.out.startEpoch(t.st.Epoch+1, t.cfg.Epochs, n, t.st.Pos)
		for t.st.Pos < n {
			if t.cfg.MaxSteps > 0 && t.st.Step >= t.cfg.MaxSteps {
				return t.stopEarly("max-steps")
			}
			if err := ctx.Err(); err != nil {
				t.out.pause()
				t.st.Stopped = "canceled"
				if t.cfg.Checkpoint != "" {
					if serr := t.Save(t.cfg.Checkpoint); serr != nil {
						return nil, errors.Join(err, serr)
					}
				}
				return t.report(), err
			}
			start := time.Now()
			if err := t.update(t.st.Perm[t.st.Pos]); err != nil {
				t.out.pause()
				return nil, err
			}
			t.st.Pos++
			secs := time.Since(start).Seconds()
			t.st.Acc.Seconds += secs
			t.st.TrainSecs += secs
			t.out.step(t.st.Acc.LossSum / t.st.Acc.Weight)
			if t.cfg.Every > 0 && t.cfg.Hook != nil && t.st.Step%t.cfg.Every == 0 {
				stop, err := t.cfg.Hook(t.interval())
				if err != nil {
					t.out.pause()
					return nil, err
				}
				if stop {
					return t.stopEarly("hook")
				}
			}
			if t.cfg.TimeBudget > 0 && t.st.TrainSecs >= t.cfg.TimeBudget.Seconds() {
				return t.stopEarly("time")
			}
			if t.cfg.SaveEvery > 0 && t.st.Step%t.cfg.SaveEvery == 0 && t.cfg.Checkpoint != "" {
				if err := t.Save(t.cfg.Checkpoint); err != nil {
					return nil, err
				}
			}
		}
		stop, err := t.endEpoch()
		if err != nil {
			return nil, err
		}
		if stop {
			t.st.Stopped = "early-stopping"
		}
		if t.cfg.Checkpoint != "" {
			// The epoch's own file first: a crash before the main
			// checkpoint is written repeats the epoch and rewrites it.
			if err := t.saveEpoch(); err != nil {
				return nil, err
			}
			if err := t.Save(t.cfg.Checkpoint); err != nil {
				return nil, err
			}
		}
		if stop {
			break
		}
	}
	if t.st.Stopped == "" {
		t.st.Stopped = "epochs"
	}
	if t.cfg.Patience > 0 && t.st.HaveBest {
		for i, p := range t.params {
			copyDense(p.Value, t.best[i])
		}
		t.st.Metrics = t.st.BestMet
	}
	if t.cfg.AverageEpochs > 0 && t.st.Epoch > 0 && t.st.Averaged != t.st.Epoch {
		if err := t.averageEpochs(); err != nil {
			return nil, err
		}
	}
	if t.cfg.Checkpoint != "" {
		if err := t.Save(t.cfg.Checkpoint); err != nil {
			return nil, err
		}
	}
	return t.report(), nil
}

// stopEarly ends Fit within an epoch (MaxSteps, Hook, TimeBudget): the
// state is saved to Config.Checkpoint, so that Resume continues exactly
// there; the best weights are not restored.
func (t *Trainer) stopEarly(why string) (*Report, error) {
	t.out.pause()
	t.st.Stopped = why
	if t.cfg.Checkpoint != "" {
		if err := t.Save(t.cfg.Checkpoint); err != nil {
			return nil, err
		}
	}
	return t.report(), nil
}

// checkPosition validates the position in the epoch (it may come from a
// checkpoint) against a task of n batches.
func (t *Trainer) checkPosition(n int) error {
	if len(t.st.Perm) != n {
		return fmt.Errorf("train: the checkpoint's epoch has %d batches but the task has %d", len(t.st.Perm), n)
	}
	if t.st.Pos < 0 || t.st.Pos > n {
		return fmt.Errorf("train: position %d in an epoch of %d batches", t.st.Pos, n)
	}
	for _, i := range t.st.Perm {
		if i < 0 || i >= n {
			return fmt.Errorf("train: batch %d in the epoch's order is out of range [0,%d)", i, n)
		}
	}
	if p := t.st.Acc.ParamNorm; p != nil && len(p) != len(t.params) {
		return fmt.Errorf("train: %d per-parameter norms for %d parameters", len(p), len(t.params))
	}
	return nil
}

func (t *Trainer) report() *Report {
	r := &Report{Epochs: t.st.Epoch, Steps: t.st.Step, Stopped: t.st.Stopped, Metrics: t.st.Metrics, History: t.st.History}
	if t.cfg.Patience > 0 {
		r.BestEpoch = t.st.BestEpoch
	}
	return r
}

func (t *Trainer) newPerm(n int) []int {
	if t.cfg.NoShuffle {
		p := make([]int, n)
		for i := range p {
			p[i] = i
		}
		return p
	}
	return t.rng.Perm(n)
}

// update makes one optimizer step on batch i.
func (t *Trainer) update(i int) error {
	res, err := t.task.TrainBatch(i)
	if err != nil {
		return fmt.Errorf("train: step %d (epoch %d, batch %d): %w", t.st.Step, t.st.Epoch+1, i, err)
	}
	if !isFinite(res.Loss) {
		return &NonFiniteError{Step: t.st.Step, What: "loss", Value: res.Loss}
	}
	var ss float64
	for k, p := range t.params {
		t.sq[k] = 0
		if !p.Frozen {
			t.sq[k] = sumSquares(p)
			ss += t.sq[k]
		}
	}
	norm := math.Sqrt(ss)
	if !isFinite(norm) {
		if err := CheckFinite(t.params, true); err != nil {
			err.(*NonFiniteError).Step = t.st.Step
			return err
		}
		return &NonFiniteError{Step: t.st.Step, What: "gradient norm", Value: norm}
	}
	clipped := false
	if t.cfg.ClipNorm > 0 {
		clipped = scaleTo(t.params, norm, t.cfg.ClipNorm)
	}
	if t.cfg.ClipValue > 0 {
		clipped = ClipGradValue(t.params, t.cfg.ClipValue) || clipped
	}
	lr := t.sched.LR(t.st.Step)
	t.opt.Step(lr)
	t.ps.ZeroGrad()
	if err := CheckFinite(t.params, false); err != nil {
		err.(*NonFiniteError).Step = t.st.Step
		return err
	}
	t.st.Step++
	a := &t.st.Acc
	w := res.Weight
	if w == 0 {
		w = 1
	}
	a.LossSum += res.Loss * w
	a.Weight += w
	a.Steps++
	a.NormSum += norm
	a.NormMax = math.Max(a.NormMax, norm)
	if clipped {
		a.Clipped++
	}
	a.LR = lr
	win := &t.st.Win
	win.LossSum += res.Loss * w
	win.Weight += w
	win.Steps++
	win.NormSum += norm
	win.NormMax = math.Max(win.NormMax, norm)
	if clipped {
		win.Clipped++
	}
	if t.cfg.LogEvery > 0 && t.st.Step%t.cfg.LogEvery == 0 {
		c := 0.0
		if clipped {
			c = 1
		}
		r := Record{Event: "step", Split: "train", Epoch: t.st.Epoch + 1, Step: t.st.Step, Loss: res.Loss, Weight: w,
			LR: ptr(lr), GradNormMean: ptr(norm), GradNormMax: ptr(norm), Clipped: ptr(c)}
		r.sanitize()
		if err := t.writeLog(r); err != nil {
			return err
		}
	}
	if t.cfg.ParamGradNorms {
		if a.ParamNorm == nil {
			a.ParamNorm = make([]float64, len(t.params))
		}
		for k, s := range t.sq {
			a.ParamNorm[k] += math.Sqrt(s)
		}
	}
	for k, g := range res.Gold {
		if g >= 0 && k < len(res.Pred) {
			a.Counted++
			if res.Pred[k] == g {
				a.Correct++
			}
		}
	}
	return nil
}

// plotter draws the curves of Config.PlotDir; package train/plots sets it.
var plotter func(dir string, history []Record) error

// RegisterPlotter sets the function that draws the curves of a history
// into Config.PlotDir after every epoch. Package train/plots calls it when
// it is imported.
func RegisterPlotter(f func(dir string, history []Record) error) { plotter = f }

func isFinite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }

// endEpoch logs the epoch, validates, updates early stopping and says
// whether to stop.
// Interval returns the "interval" record of the updates since the last
// Hook call (see Config.Every) and starts a new window: after Fit, the
// updates after the last call.
func (t *Trainer) Interval() Record { return t.interval() }

func (t *Trainer) interval() Record {
	w := t.st.Win
	t.st.Win = epochAcc{}
	steps := float64(max(w.Steps, 1))
	r := Record{Event: "interval", Split: "train", Epoch: t.st.Epoch + 1, Step: t.st.Step, Loss: w.LossSum / math.Max(w.Weight, 1e-300),
		Weight: w.Weight, GradNormMean: ptr(w.NormSum / steps), GradNormMax: ptr(w.NormMax),
		Clipped: ptr(float64(w.Clipped) / steps), Seconds: t.st.TrainSecs}
	r.sanitize()
	return r
}

func (t *Trainer) endEpoch() (stop bool, err error) {
	a := t.st.Acc
	epoch := t.st.Epoch + 1
	steps := float64(max(a.Steps, 1))
	rec := Record{Event: "epoch", Split: "train", Epoch: epoch, Step: t.st.Step, Loss: a.LossSum / math.Max(a.Weight, 1e-300),
		Weight: a.Weight, LR: ptr(a.LR), GradNormMean: ptr(a.NormSum / steps), GradNormMax: ptr(a.NormMax),
		Clipped: ptr(float64(a.Clipped) / steps), Seconds: a.Seconds, StepNorms: t.norms.take()}
	if a.Counted > 0 {
		rec.Metrics = map[string]float64{"accuracy": float64(a.Correct) / float64(a.Counted)}
	}
	if a.ParamNorm != nil {
		rec.ParamGradNorms = map[string]float64{}
		for k, p := range t.params {
			rec.ParamGradNorms[p.Name] = a.ParamNorm[k] / steps
		}
	}
	if err := t.record(rec); err != nil {
		return false, err
	}
	monitored, lower := rec.Loss, true
	metrics := map[string]float64{"loss": rec.Loss}
	line := fmt.Sprintf("epoch %d/%d  step %d  loss %.4f", epoch, t.cfg.Epochs, t.st.Step, rec.Loss)
	if nv := t.task.NumValid(); nv > 0 {
		ev, erec, err := t.validate(nv, "eval", epoch)
		if err != nil {
			return false, err
		}
		metrics = ev.Summary()
		switch m := t.cfg.Monitor; m {
		case "loss":
			monitored = ev.Loss
		case "perplexity", "bpc":
			v, ok := ev.Metrics[m]
			if !ok {
				return false, fmt.Errorf("train: monitoring %s needs Eval.LanguageModel", m)
			}
			monitored = v
		default:
			v, ok := ev.Metrics[m]
			if !ok {
				return false, fmt.Errorf("train: monitored metric %q is not among the validation metrics %v", m, keys(ev.Metrics))
			}
			monitored, lower = v, false
		}
		improved := t.improve(monitored, lower, epoch, metrics)
		erec.Best = improved
		if err := t.record(erec); err != nil {
			return false, err
		}
		line += fmt.Sprintf("  val_loss %.4f  %s", ev.Loss, formatMetrics(ev.Metrics))
	} else {
		t.improve(monitored, lower, epoch, metrics)
	}
	line += fmt.Sprintf("  lr %.3g  |g| %.3g (max %.3g)  clipped %.0f%%  %.1fs",
		a.LR, *rec.GradNormMean, a.NormMax, 100**rec.Clipped, a.Seconds)
	t.out.endEpoch(line)
	t.st.Metrics = finiteMap(metrics, "", func(string, float64) {})
	t.st.Epoch++
	t.st.Pos = 0
	t.st.Perm = nil
	if t.cfg.PlotDir != "" {
		if err := plotter(t.cfg.PlotDir, t.st.History); err != nil {
			return false, err
		}
	}
	return t.cfg.Patience > 0 && t.st.Bad >= t.cfg.Patience, nil
}

// improve updates the early-stopping state with this epoch's monitored
// value and says whether it is the best so far.
func (t *Trainer) improve(v float64, lower bool, epoch int, metrics map[string]float64) bool {
	better := isFinite(v) && (!t.st.HaveBest || (lower && v < t.st.Best) || (!lower && v > t.st.Best))
	if better {
		metrics = finiteMap(metrics, "", func(string, float64) {})
		t.st.HaveBest, t.st.Best, t.st.BestEpoch, t.st.Bad, t.st.BestMet = true, v, epoch, 0, metrics
		for i, p := range t.params {
			if t.best != nil {
				copyDense(t.best[i], p.Value)
			}
		}
	} else {
		t.st.Bad++
	}
	return better
}

func ptr(x float64) *float64 { return &x }

func keys(m map[string]float64) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// record appends a log record to the history and the JSONL log.
func (t *Trainer) record(r Record) error {
	r.sanitize()
	t.st.History = append(t.st.History, r)
	return t.writeLog(r)
}

// writeLog appends r to the JSONL log, if there is one.
func (t *Trainer) writeLog(r Record) error {
	if t.cfg.Log == "" {
		return nil
	}
	b, err := json.Marshal(r)
	if err != nil {
		return fmt.Errorf("train: log record: %w", err)
	}
	f, err := os.OpenFile(t.cfg.Log, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return fmt.Errorf("train: log: %w", err)
	}
	if _, err := f.Write(append(b, '\n')); err != nil {
		f.Close()
		return fmt.Errorf("train: log: %w", err)
	}
	return f.Close()
}

// Save writes a checkpoint with the weights, the optimizer state, the
// training state and the random sources' states to path (atomically).
func (t *Trainer) Save(path string) error {
	// Views, not copies: the checkpoint is written below, before any
	// weight changes.
	c, err := checkpoint.NewView(t.ps, t.cfg.ModelConfig, t.cfg.Vocabs, t.st.Metrics)
	if err != nil {
		return err
	}
	c.Kind = t.cfg.ModelKind
	os := t.opt.State()
	for _, s := range os.Slots {
		tt, err := checkpoint.DenseTensorView("optim."+s.Name, s.Value)
		if err != nil {
			return err
		}
		if err := c.Add(tt); err != nil {
			return err
		}
	}
	if t.st.HaveBest && t.best != nil {
		for i, p := range t.params {
			tt, err := checkpoint.DenseTensorView("best."+p.Name, t.best[i])
			if err != nil {
				return err
			}
			if err := c.Add(tt); err != nil {
				return err
			}
		}
	}
	st := t.st
	if cs, ok := t.task.(CarriedState); ok {
		if st.TaskState, err = cs.CarriedState(); err != nil {
			return fmt.Errorf("train: the task's carried state: %w", err)
		}
	}
	st.StepNorms = t.norms.snapshot()
	st.Optim = &OptimState{Kind: os.Kind, Steps: os.Steps, Hyper: os.Hyper}
	if st.Shuffle, err = t.shuffle.MarshalBinary(); err != nil {
		return err
	}
	st.Sources = map[string][]byte{}
	for name, src := range t.cfg.RandSources {
		if st.Sources[name], err = src.MarshalBinary(); err != nil {
			return err
		}
	}
	if c.Trainer, err = json.Marshal(st); err != nil {
		return fmt.Errorf("train: encoding the training state: %w", err)
	}
	return c.Write(path)
}

// Resume loads a checkpoint written by Save into the task's parameters, the
// optimizer, the random sources and the trainer, so that Fit continues
// exactly where the saved run was: the same weights, optimizer moments,
// step (hence learning rate), batch order and dropout masks. The Config
// must be the one of the saved run (epochs and MaxSteps may grow).
func (t *Trainer) Resume(path string) error {
	c, err := checkpoint.Read(path)
	if err != nil {
		return err
	}
	if c.Trainer == nil {
		return fmt.Errorf("train: %s holds weights only, no training state to resume", path)
	}
	var st state
	if err := json.Unmarshal(c.Trainer, &st); err != nil {
		return fmt.Errorf("train: %s: training state: %w", path, err)
	}
	if st.Optim == nil {
		return fmt.Errorf("train: %s: the training state has no optimizer", path)
	}
	ost := *st.Optim
	for _, name := range sortedTensorNames(c) {
		if s, ok := strings.CutPrefix(name, "optim."); ok {
			d, err := c.Tensors[name].Dense()
			if err != nil {
				return err
			}
			ost.Slots = append(ost.Slots, Slot{Name: s, Value: d})
		}
	}
	for name := range t.cfg.RandSources {
		if _, ok := st.Sources[name]; !ok {
			return fmt.Errorf("train: %s has no state for random source %q", path, name)
		}
	}
	for name, a := range st.StepNorms {
		if a == nil || len(a.Sum) != len(a.N) {
			return fmt.Errorf("train: %s: malformed step norms of %q", path, name)
		}
	}
	if st.HaveBest && t.best != nil {
		for i, p := range t.params {
			bt, ok := c.Tensors["best."+p.Name]
			if !ok {
				return fmt.Errorf("train: %s lacks the best weights of %s", path, p.Name)
			}
			if err := bt.DecodeInto(t.best[i]); err != nil {
				return fmt.Errorf("train: %s: best weights: %w", path, err)
			}
		}
	}
	if err := c.LoadParams(t.ps); err != nil {
		return err
	}
	if err := t.opt.SetState(&ost); err != nil {
		return err
	}
	if err := t.shuffle.UnmarshalBinary(st.Shuffle); err != nil {
		return fmt.Errorf("train: %s: shuffling state: %w", path, err)
	}
	for name, src := range t.cfg.RandSources {
		if err := src.UnmarshalBinary(st.Sources[name]); err != nil {
			return fmt.Errorf("train: %s: random source %q: %w", path, name, err)
		}
	}
	if cs, ok := t.task.(CarriedState); ok && st.TaskState != nil {
		if err := cs.SetCarriedState(st.TaskState); err != nil {
			return fmt.Errorf("train: %s: the task's carried state: %w", path, err)
		}
	}
	st.TaskState = nil
	t.norms.restore(st.StepNorms)
	st.Optim, st.Shuffle, st.Sources, st.StepNorms = nil, nil, nil, nil
	t.st = st
	return nil
}

func sortedTensorNames(c *checkpoint.Checkpoint) []string {
	out := make([]string, 0, len(c.Tensors))
	for k := range c.Tensors {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// TaskFuncs adapts functions to a Task, for programs that prefer closures
// over a type of their own.
type TaskFuncs struct {
	ParamSet *graph.Params
	Train    int                         // training batches per epoch
	TrainFn  func(i int) (Result, error) // see Task.TrainBatch
	Valid    int                         // validation batches
	EvalFn   func(i int) (Result, error) // see Task.EvalBatch
}

// Params implements Task.
func (f TaskFuncs) Params() *graph.Params { return f.ParamSet }

// NumTrain implements Task.
func (f TaskFuncs) NumTrain() int { return f.Train }

// TrainBatch implements Task.
func (f TaskFuncs) TrainBatch(i int) (Result, error) { return f.TrainFn(i) }

// NumValid implements Task.
func (f TaskFuncs) NumValid() int { return f.Valid }

// EvalBatch implements Task.
func (f TaskFuncs) EvalBatch(i int) (Result, error) { return f.EvalFn(i) }

// formatMetrics gives "accuracy 0.8667  loss 0.3504 …" in key order,
// without the count of examples.
func formatMetrics(m map[string]float64) string {
	var parts []string
	for _, k := range keys(m) {
		if k == "examples" {
			continue
		}
		parts = append(parts, fmt.Sprintf("%s %.4f", k, m[k]))
	}
	return strings.Join(parts, "  ")
}

// validate evaluates the nv validation batches and returns the evaluation
// with its log record (event, epoch).
func (t *Trainer) validate(nv int, event string, epoch int) (*Eval, Record, error) {
	start := time.Now()
	ev, err := Evaluate(nv, t.task.EvalBatch, t.cfg.Eval)
	t.ps.ZeroGrad() // an evaluation net with a loss adds gradients
	t.norms.take()  // and may report step norms: not training's
	if err != nil {
		return nil, Record{}, err
	}
	return ev, Record{Event: event, Split: "valid", Epoch: epoch, Step: t.st.Step, Loss: ev.Loss, Metrics: ev.Metrics,
		Weight: ev.Weight, Confusion: ev.Confusion, Seconds: time.Since(start).Seconds()}, nil
}

// saveEpoch writes the epoch just ended to EpochPath: the whole training
// state with KeepEpochs, else (AverageEpochs alone) its weights, removing
// the weights of the epoch that left the averaging window.
func (t *Trainer) saveEpoch() error {
	path := EpochPath(t.cfg.Checkpoint, t.st.Epoch)
	switch {
	case t.cfg.KeepEpochs:
		return t.Save(path)
	case t.cfg.AverageEpochs > 0:
		if old := t.st.Epoch - t.cfg.AverageEpochs; old >= 1 {
			if err := os.Remove(EpochPath(t.cfg.Checkpoint, old)); err != nil && !errors.Is(err, os.ErrNotExist) {
				return fmt.Errorf("train: %w", err)
			}
		}
		c, err := checkpoint.NewView(t.ps, t.cfg.ModelConfig, t.cfg.Vocabs, t.st.Metrics)
		if err != nil {
			return err
		}
		c.Kind = t.cfg.ModelKind
		return c.Write(path)
	}
	return nil
}

// checkEpochFiles prepares a run with AverageEpochs before it trains: a
// state whose weights are already the average goes on from its last
// epoch's own weights (EpochPath) when more epochs are to come, and every
// completed epoch of the final averaging window must have its file, so
// that a resumed run cannot train for hours and then miss one.
func (t *Trainer) checkEpochFiles() error {
	if t.cfg.AverageEpochs <= 0 || t.st.Epoch == 0 {
		return nil
	}
	for e := max(t.cfg.Epochs-t.cfg.AverageEpochs+1, 1); e <= min(t.st.Epoch, t.cfg.Epochs); e++ {
		if _, err := os.Stat(EpochPath(t.cfg.Checkpoint, e)); err != nil {
			return fmt.Errorf("train: averaging the last %d epochs needs epoch %d's weights: %w", t.cfg.AverageEpochs, e, err)
		}
	}
	if t.st.Averaged > 0 && t.st.Epoch < t.cfg.Epochs {
		ck, err := checkpoint.Read(EpochPath(t.cfg.Checkpoint, t.st.Epoch))
		if err != nil {
			return fmt.Errorf("train: the weights of epoch %d, before averaging: %w", t.st.Epoch, err)
		}
		if err := ck.LoadParams(t.ps); err != nil {
			return fmt.Errorf("train: the weights of epoch %d, before averaging: %w", t.st.Epoch, err)
		}
		t.st.Averaged = 0
	}
	return nil
}

// averageEpochs loads the mean weights of the last AverageEpochs kept
// epochs and validates them.
func (t *Trainer) averageEpochs() error {
	var paths []string
	for e := max(t.st.Epoch-t.cfg.AverageEpochs+1, 1); e <= t.st.Epoch; e++ {
		paths = append(paths, EpochPath(t.cfg.Checkpoint, e))
	}
	ck, err := checkpoint.Average(paths...)
	if err != nil {
		return fmt.Errorf("train: averaging the last epochs: %w", err)
	}
	if err := ck.LoadParams(t.ps); err != nil {
		return fmt.Errorf("train: averaging the last epochs: %w", err)
	}
	t.st.Averaged = t.st.Epoch
	rec := Record{Event: "average", Epoch: t.st.Epoch, Step: t.st.Step}
	line := fmt.Sprintf("mean weights of epochs %d to %d", t.st.Epoch-len(paths)+1, t.st.Epoch)
	if nv := t.task.NumValid(); nv > 0 {
		ev, r, err := t.validate(nv, "average", t.st.Epoch)
		if err != nil {
			return err
		}
		rec = r
		t.st.Metrics = finiteMap(ev.Summary(), "", func(string, float64) {})
		line += ": validation " + formatMetrics(t.st.Metrics)
	}
	rec.Averaged = len(paths)
	t.out.endEpoch(line)
	return t.record(rec)
}

// EpochPath is where Config.KeepEpochs keeps the checkpoint of an epoch:
// "run.ckpt" gives "run-epoch07.ckpt" for epoch 7 and "run.ckpt.gz"
// "run-epoch07.ckpt.gz" (the extension kept, the number in at least two
// digits).
func EpochPath(checkpoint string, epoch int) string {
	base, gz := strings.CutSuffix(checkpoint, ".gz")
	ext := filepath.Ext(base)
	path := fmt.Sprintf("%s-epoch%02d%s", strings.TrimSuffix(base, ext), epoch, ext)
	if gz {
		path += ".gz"
	}
	return path
}
