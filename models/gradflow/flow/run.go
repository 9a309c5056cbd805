package flow

import (
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"time"

	"github.com/rnnzoo/rnnzoo/datasets/tasks"
	"github.com/rnnzoo/rnnzoo/graph"
	"github.com/rnnzoo/rnnzoo/train"
	"gorgonia.org/tensor"
)

// Cell names one recurrent cell of the experiment.
type Cell struct {
	Name string
	Kind graph.CellKind
	Act  graph.Activation
}

// Cells are the four cells compared: the Elman RNN with tanh and with the
// sigmoid, LSTM and GRU.
var Cells = []Cell{
	{"rnn-tanh", graph.RNN, graph.Tanh},
	{"rnn-sigmoid", graph.RNN, graph.Sigmoid},
	{"lstm", graph.LSTM, graph.Tanh},
	{"gru", graph.GRU, graph.Tanh},
}

// CellByName returns the cell called name.
func CellByName(name string) (Cell, error) {
	for _, c := range Cells {
		if c.Name == name {
			return c, nil
		}
	}
	return Cell{}, fmt.Errorf("gradflow: unknown cell %q (want rnn-tanh, rnn-sigmoid, lstm or gru)", name)
}

// Task names.
const (
	Adding   = "adding"
	CopyTask = "copy"
)

// Success thresholds.
const (
	AddingMaxMSE  = 0.01 // adding problem: solved when the test MSE is below this
	CopyMinRecall = 0.90 // copy task: solved when this share of recalled symbols is right
)

// Config is one run.
type Config struct {
	Task   string  `json:"task"`
	Cell   string  `json:"cell"`
	T      int     `json:"T"` // adding: sequence length; copy: delay
	Seed   uint64  `json:"seed"`
	Clip   float64 `json:"clip"`  // global-norm threshold; 0: no clipping
	Steps  int     `json:"steps"` // budget of updates
	Batch  int     `json:"batch"`
	Hidden int     `json:"hidden"`
	LR     float64 `json:"lr"`
	// EvalEvery updates the test set is scored (and the run stops early
	// once solved).
	EvalEvery   int  `json:"eval_every"`
	TestBatches int  `json:"test_batches"` // test set size in batches
	CopyK       int  `json:"copy_k,omitempty"`
	CopyA       int  `json:"copy_a,omitempty"`
	Float64     bool `json:"float64,omitempty"`
}

// Profile is ‖∂L/∂h_t‖ for t = 0…T'−1 (T' the sequence length), the mean
// over the test batches, at one point of training.
type Profile struct {
	Step  int       `json:"step"`
	Norms []float64 `json:"norms"`
}

// Point is one evaluation.
type Point struct {
	Step   int     `json:"step"`
	Loss   float64 `json:"loss"`   // test loss
	Metric float64 `json:"metric"` // adding: test MSE; copy: recall accuracy
}

// Result is the outcome of one run.
type Result struct {
	Config
	Solved   bool      `json:"solved"`
	SolvedAt int       `json:"solved_at"` // first evaluation step at which it was solved; -1 if never
	Updates  int       `json:"updates"`   // updates made
	Metric   float64   `json:"metric"`    // at the last evaluation
	Diverged bool      `json:"diverged"`  // a non-finite loss or gradient stopped the run
	PreClip  []float64 `json:"preclip"`   // the global gradient norm of every update, before clipping
	Clipped  int       `json:"clipped"`   // updates whose gradient was clipped
	Curve    []Point   `json:"curve"`
	Profiles []Profile `json:"profiles"` // at initialisation, one in the first tenth of training, and the last
	Seconds  float64   `json:"seconds"`
}

// Defaults fills unset fields.
func (c *Config) Defaults() {
	if c.Batch == 0 {
		c.Batch = 32
	}
	if c.Hidden == 0 {
		c.Hidden = 32
	}
	if c.LR == 0 {
		c.LR = 1e-3
	}
	if c.EvalEvery == 0 {
		c.EvalEvery = 100
	}
	if c.TestBatches == 0 {
		c.TestBatches = 8
	}
	if c.Task == CopyTask {
		if c.CopyK == 0 {
			c.CopyK = 10
		}
		if c.CopyA == 0 {
			c.CopyA = 8
		}
	}
}

func (c Config) validate() error {
	if c.Task != Adding && c.Task != CopyTask {
		return fmt.Errorf("gradflow: unknown task %q (want adding or copy)", c.Task)
	}
	if _, err := CellByName(c.Cell); err != nil {
		return err
	}
	if c.T < 2 || c.Steps < 0 || c.Batch < 1 || c.Hidden < 1 || c.EvalEvery < 1 || c.TestBatches < 1 {
		return fmt.Errorf("gradflow: bad run config %+v", c)
	}
	return nil
}

// model is what a run needs of either task's graph.
type model struct {
	ps    *graph.Params
	layer *graph.Recurrent
	head  *graph.Linear
	// lastX and lastY are the adding-problem batch last written (for
	// tests).
	lastX [][][]float64
	lastY [][]float64
	// batch writes batch i of the test set (i ≥ 0) or a fresh training
	// batch (i < 0) into the graph.
	batch func(i int) error
	net   *graph.Net
	// score returns the summed squared error (adding) or the number of
	// recalled symbols right (copy) of the last run for test batch i, and
	// the number of scored items.
	score func(i int) (float64, float64)
	// solved says whether a metric solves the task; metric turns a score
	// sum into the metric.
	solved func(m float64) bool
	close  func()
}

// Run trains one configuration.
func Run(cfg Config) (*Result, error) {
	cfg.Defaults()
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	start := time.Now()
	var rec func([]float64)
	m, err := build(cfg, func(n []float64) {
		if rec != nil {
			rec(n)
		}
	})
	if err != nil {
		return nil, err
	}
	defer m.close()
	res := &Result{Config: cfg, SolvedAt: -1}

	// evaluate scores the test set and returns the per-step norms.
	evaluate := func(step int) (Point, []float64, error) {
		var sum []float64
		rec = func(n []float64) {
			if sum == nil {
				sum = make([]float64, len(n))
			}
			for t, v := range n {
				sum[t] += v
			}
		}
		defer func() { rec = nil }()
		var loss, s, n float64
		for i := 0; i < cfg.TestBatches; i++ {
			if err := m.batch(i); err != nil {
				return Point{}, nil, err
			}
			if err := m.net.Run(); err != nil {
				return Point{}, nil, err
			}
			loss += m.net.LossValue()
			a, b := m.score(i)
			s += a
			n += b
		}
		m.ps.ZeroGrad()
		for t := range sum {
			sum[t] /= float64(cfg.TestBatches)
		}
		return Point{Step: step, Loss: loss / float64(cfg.TestBatches), Metric: s / n}, sum, nil
	}

	tenth := cfg.Steps / 10
	var lastProfile Profile
	haveEarly := false
	// point evaluates after step updates and says whether the run is over
	// (solved, or a non-finite test loss).
	point := func(step int) (bool, error) {
		p, norms, err := evaluate(step)
		if err != nil {
			return false, err
		}
		res.Curve = append(res.Curve, p)
		res.Metric = p.Metric
		prof := Profile{Step: step, Norms: norms}
		switch {
		case step == 0:
			res.Profiles = append(res.Profiles, prof)
		case !haveEarly && step >= tenth:
			res.Profiles = append(res.Profiles, prof)
			haveEarly = true
		default:
			lastProfile = prof
		}
		if !finite(p.Loss) {
			res.Diverged = true
			return true, nil
		}
		if m.solved(p.Metric) {
			res.Solved, res.SolvedAt = true, step
			return true, nil
		}
		return false, nil
	}
	if over, err := point(0); err != nil || over || cfg.Steps == 0 {
		if err != nil {
			return nil, err
		}
		res.Seconds = time.Since(start).Seconds()
		return res, nil
	}
	// Training is train's loop, one update a Hook call: the hook records
	// the pre-clip norm and evaluates every EvalEvery updates and at the
	// end, stopping the run once it is solved.
	tr, err := train.New(&runTask{m: m, steps: cfg.Steps}, train.Config{
		Epochs: 1, NoShuffle: true, Seed: cfg.Seed, Optimizer: train.NewAdam(m.ps), LR: train.Constant(cfg.LR),
		ClipNorm: cfg.Clip, Every: 1, Progress: io.Discard,
		Hook: func(r train.Record) (bool, error) {
			res.PreClip = append(res.PreClip, *r.GradNormMean)
			if *r.Clipped > 0 {
				res.Clipped++
			}
			res.Updates++
			if step := int(r.Step); step%cfg.EvalEvery == 0 || step == cfg.Steps {
				return point(step)
			}
			return false, nil
		},
	})
	if err != nil {
		return nil, err
	}
	if _, err := tr.Fit(); err != nil {
		var nf *train.NonFiniteError
		if !errors.As(err, &nf) {
			return nil, err
		}
		// The update that went non-finite: its norm is recorded, the
		// weights are not changed, and the run has diverged.
		res.PreClip = append(res.PreClip, train.GradNorm(m.ps.Trainable()))
		res.Updates++
		res.Diverged = true
		m.ps.ZeroGrad()
	}
	if lastProfile.Norms != nil && (len(res.Profiles) == 0 || res.Profiles[len(res.Profiles)-1].Step != lastProfile.Step) {
		res.Profiles = append(res.Profiles, lastProfile)
	}
	res.Seconds = time.Since(start).Seconds()
	return res, nil
}

// runTask is a run's training batches as train.Task: fresh batches of
// the task, drawn in order from the run's generator.
type runTask struct {
	m     *model
	steps int
}

func (k *runTask) Params() *graph.Params { return k.m.ps }
func (k *runTask) NumTrain() int         { return k.steps }
func (k *runTask) NumValid() int         { return 0 }
func (k *runTask) EvalBatch(int) (train.Result, error) {
	return train.Result{}, errors.New("gradflow: no validation batches")
}
func (k *runTask) TrainBatch(int) (train.Result, error) {
	if err := k.m.batch(-1); err != nil {
		return train.Result{}, err
	}
	if err := k.m.net.Run(); err != nil {
		return train.Result{}, err
	}
	return train.Result{Loss: k.m.net.LossValue(), Weight: 1}, nil
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// build creates and compiles the model of a run; hook receives the
// per-step gradient norms of every backward pass.
func build(cfg Config, hook func([]float64)) (*model, error) {
	cell, _ := CellByName(cfg.Cell)
	dt := tensor.Float32
	if cfg.Float64 {
		dt = tensor.Float64
	}
	ps := graph.NewParams(dt, cfg.Seed)
	stack := graph.StackConfig{Kind: cell.Kind, Act: cell.Act, Hidden: cfg.Hidden, Layers: 1}
	trainRNG := rand.New(rand.NewPCG(cfg.Seed, 0x7a11))
	// The test set depends on the length only, so that every cell and seed
	// is scored on the same examples.
	testRNG := func(i int) *rand.Rand { return rand.New(rand.NewPCG(0x7e57+uint64(cfg.T), uint64(i))) }
	m := &model{ps: ps}
	switch cfg.Task {
	case Adding:
		net, err := graph.NewManyToOne(ps, "adding", graph.ManyToOneConfig{
			Input: graph.InputConfig{Features: 2}, RNN: stack, Regression: 1,
		})
		if err != nil {
			return nil, err
		}
		m.layer = net.RNN.Layers[0].(*graph.Recurrent)
		m.layer.StepGradNorms = hook
		m.head = net.Head
		g, err := net.Compile(cfg.T, cfg.Batch, true, nil)
		if err != nil {
			return nil, err
		}
		m.net, m.close = g.Net, func() { g.Net.Close() }
		var targets [][]float64
		m.batch = func(i int) error {
			rng := trainRNG
			if i >= 0 {
				rng = testRNG(i)
			}
			x, y, err := tasks.AddingBatch(rng, cfg.Batch, cfg.T)
			if err != nil {
				return err
			}
			g.SetFeatures(x)
			g.SetTargets(y)
			targets = y
			m.lastX, m.lastY = x, y
			return nil
		}
		m.score = func(int) (float64, float64) {
			out := g.Net.Output(0)
			var se float64
			for b, y := range targets {
				d := at(out, b) - y[0]
				se += d * d
			}
			return se, float64(len(targets))
		}
		m.solved = func(mse float64) bool { return mse < AddingMaxMSE }
	case CopyTask:
		task := tasks.Copy{T: cfg.T, K: cfg.CopyK, A: cfg.CopyA}
		if err := task.Validate(); err != nil {
			return nil, err
		}
		net, err := graph.NewSynced(ps, "copy", graph.SyncedConfig{
			Input: graph.InputConfig{Features: task.Vocab()}, RNN: stack, Classes: task.Vocab(),
		})
		if err != nil {
			return nil, err
		}
		m.layer = net.RNN.Layers[0].(*graph.Recurrent)
		m.layer.StepGradNorms = hook
		L := task.Len()
		g, err := net.Compile(L, cfg.Batch, true, nil)
		if err != nil {
			return nil, err
		}
		m.net, m.close = g.Net, func() { g.Net.Close() }
		var targets [][]int
		m.batch = func(i int) error {
			rng := trainRNG
			if i >= 0 {
				rng = testRNG(i)
			}
			in, out, err := task.Batch(rng, cfg.Batch)
			if err != nil {
				return err
			}
			g.SetFeatures(task.OneHot(in))
			g.SetTargets(out)
			targets = out
			return nil
		}
		from, to := task.RecallSteps()
		C := task.Vocab()
		m.score = func(int) (float64, float64) {
			logits := g.Net.Output(0)
			var right float64
			for b, y := range targets {
				for t := from; t < to; t++ {
					row := t*cfg.Batch + b
					best, bv := 0, math.Inf(-1)
					for c := 0; c < C; c++ {
						if v := at(logits, row*C+c); v > bv {
							best, bv = c, v
						}
					}
					if best == y[t] {
						right++
					}
				}
			}
			return right, float64(len(targets) * (to - from))
		}
		m.solved = func(acc float64) bool { return acc >= CopyMinRecall }
	}
	return m, nil
}

// at reads element i of a float32 or float64 tensor's data.
func at(d *tensor.Dense, i int) float64 {
	switch v := d.Data().(type) {
	case []float32:
		return float64(v[i])
	case []float64:
		return v[i]
	}
	panic(fmt.Sprintf("gradflow: unexpected tensor type %T", d.Data()))
}
