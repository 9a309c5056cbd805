package cols

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sync"

	"github.com/rnnzoo/rnnzoo/datasets"
	"github.com/rnnzoo/rnnzoo/datasets/images"
	"github.com/rnnzoo/rnnzoo/graph"
	"github.com/rnnzoo/rnnzoo/train"
)

// NumStyles is the number of style features after the one-hot class in a
// generator's condition: slant, ink and width.
const NumStyles = 3

// Styles measures an h×w image: its slant (the shear x–y covariance over
// the y variance of the ink), its ink (mean intensity) and its width (the
// standard deviation of the ink's x over w).
func Styles(img []float32, h, w int) []float64 {
	var m, mx, my float64
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			p := float64(img[y*w+x])
			m += p
			mx += p * float64(x)
			my += p * float64(y)
		}
	}
	if m == 0 {
		return make([]float64, NumStyles)
	}
	mx, my = mx/m, my/m
	var sxy, syy, sxx float64
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			p := float64(img[y*w+x])
			dx, dy := float64(x)-mx, float64(y)-my
			sxy += p * dx * dy
			syy += p * dy * dy
			sxx += p * dx * dx
		}
	}
	slant := 0.0
	if syy > 0 {
		slant = sxy / syy
	}
	return []float64{slant, m / float64(h*w), math.Sqrt(sxx/m) / float64(w)}
}

// StyleStats returns the mean and standard deviation of each style feature
// over a set.
func StyleStats(s *images.Set) (mean, std []float64) {
	mean, std = make([]float64, NumStyles), make([]float64, NumStyles)
	all := make([][]float64, s.N)
	for i := range all {
		all[i] = Styles(s.Image(i), s.H, s.W)
		for k, v := range all[i] {
			mean[k] += v
		}
	}
	for k := range mean {
		mean[k] /= float64(max(s.N, 1))
	}
	for _, st := range all {
		for k, v := range st {
			std[k] += (v - mean[k]) * (v - mean[k])
		}
	}
	for k := range std {
		std[k] = math.Sqrt(std[k] / float64(max(s.N, 1)))
		if std[k] == 0 {
			std[k] = 1
		}
	}
	return mean, std
}

// Generator is a conditional one-to-many network that writes an image
// column by column (row by row with Config.Rows).
type Generator struct {
	Config  Config
	Params  *graph.Params
	Model   *graph.OneToMany
	graphs  *graph.Cache[graphKey, *graph.OneToManyGraph]
	gen     *graph.Generator
	Dropout *rand.PCG
	mu      sync.Mutex // serialises Generate, GenerateFrom and Grid
}

// NewGenerator creates a generator with weights drawn from seed. The
// configuration must carry the style statistics (see StyleStats).
func NewGenerator(cfg Config, seed uint64) (*Generator, error) {
	cfg.Kind = KindGenerator
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	ps := newParams(seed)
	m, err := graph.NewOneToMany(ps, "gen", graph.OneToManyConfig{
		Cond: graph.InputConfig{Features: cfg.Classes + NumStyles},
		Out:  cfg.Features(),
		RNN:  cfg.stack(),
		Loss: graph.LossBCE,
	})
	if err != nil {
		return nil, err
	}
	g := &Generator{Config: cfg, Params: ps, Model: m,
		Dropout: ps.Source("dropout", seed, 0x6e4)}
	g.graphs = graph.NewCache(0, func(k graphKey) (*graph.OneToManyGraph, error) {
		var rng *rand.Rand
		if k.training {
			rng = rand.New(g.Dropout)
		}
		gr, err := g.Model.Compile(g.Config.Steps(), k.batch, k.training, rng)
		if err != nil {
			return nil, fmt.Errorf("compile the %d-row generator graph: %w", k.batch, err)
		}
		return gr, nil
	})
	return g, nil
}

// Condition is the generator's input for class k with raw style features
// (nil: the mean style).
func (g *Generator) Condition(k int, style []float64) []float64 {
	c := make([]float64, g.Config.Classes+NumStyles)
	c[k] = 1
	for i, v := range style {
		c[g.Config.Classes+i] = (v - g.Config.StyleMean[i]) / g.Config.StyleStd[i]
	}
	return c
}

func (g *Generator) sequence(img []float32) [][]float64 {
	T, F := g.Config.Steps(), g.Config.Features()
	x := make([]float32, T*F)
	g.Config.writeSeq(x, 1, 0, img)
	seq := make([][]float64, T)
	for t := range seq {
		seq[t] = make([]float64, F)
		for f := range seq[t] {
			seq[t][f] = float64(x[t*F+f])
		}
	}
	return seq
}

func (g *Generator) batch(s *images.Set, idx []int, B int, training bool) (train.Result, error) {
	gr, err := g.graphs.Get(graphKey{B, training})
	if err != nil {
		return train.Result{}, err
	}
	cond := make([]float64, B*(g.Config.Classes+NumStyles))
	seqs := make([][][]float64, len(idx))
	for i, k := range idx {
		img := s.Image(k)
		copy(cond[i*(g.Config.Classes+NumStyles):], g.Condition(s.Labels[k], Styles(img, s.H, s.W)))
		seqs[i] = g.sequence(img)
	}
	gr.Cond.Set(cond)
	gr.SetSequences(seqs)
	if err := gr.Net.Run(); err != nil {
		return train.Result{}, err
	}
	return train.Result{Loss: gr.Net.LossValue(), Weight: float64(len(idx))}, nil
}

// Generate draws one image (H×W, values in [0, 1]) of class k with the
// raw style features style (see Styles; nil: the mean style), each column
// written from the previous ones. It is safe for concurrent use.
func (g *Generator) Generate(k int, style []float64) ([]float32, error) {
	if k < 0 || k >= g.Config.Classes {
		return nil, fmt.Errorf("class %d outside [0,%d)", k, g.Config.Classes)
	}
	if style != nil && len(style) != NumStyles {
		return nil, fmt.Errorf("%d style numbers, want %d", len(style), NumStyles)
	}
	imgs, err := g.GenerateFrom([][]float64{g.Condition(k, style)})
	if err != nil {
		return nil, err
	}
	return imgs[0], nil
}

// GenerateFrom draws one image per condition (see Condition), each column
// generated from the previous ones by graph.Generator.
func (g *Generator) GenerateFrom(conds [][]float64) ([][]float32, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.generate(conds)
}

func (g *Generator) generate(conds [][]float64) ([][]float32, error) {
	const B = 16
	if g.gen == nil {
		var err error
		if g.gen, err = g.Model.NewGenerator(B); err != nil {
			return nil, err
		}
	}
	var imgs [][]float32
	for lo := 0; lo < len(conds); lo += B {
		seqs, err := g.gen.Generate(nil, conds[lo:min(lo+B, len(conds))], g.Config.Steps())
		if err != nil {
			return nil, err
		}
		for _, s := range seqs {
			imgs = append(imgs, g.Config.imageFromSeq(s))
		}
	}
	return imgs, nil
}

// Grid draws a grid of cols images per class (one row per class): the
// first with the mean style, the others with the styles of training
// images of that class picked by seed. ref may be nil (all mean style).
func (g *Generator) Grid(ref *images.Set, cols int, seed int64) ([][]float32, error) {
	byClass := make([][]int, g.Config.Classes)
	if ref != nil {
		for _, i := range datasets.Perm(ref.N, seed) {
			if l := ref.Labels[i]; l >= 0 && l < len(byClass) {
				byClass[l] = append(byClass[l], i)
			}
		}
	}
	var conds [][]float64
	for k := 0; k < g.Config.Classes; k++ {
		for j := 0; j < cols; j++ {
			var style []float64
			if j > 0 && j-1 < len(byClass[k]) {
				style = Styles(ref.Image(byClass[k][j-1]), ref.H, ref.W)
			}
			conds = append(conds, g.Condition(k, style))
		}
	}
	return g.GenerateFrom(conds)
}

// GenTask is a generator with its training and validation images, ready
// for train.New (teacher forcing: each step reads the true previous
// column). While it trains, the generator must not be used elsewhere: the
// trainer changes its weights in place.
type GenTask struct {
	G            *Generator
	Train, Valid *images.Set
	B            int
	batches      [][]int
}

// NewTask cuts the training set into batches of B after a seeded shuffle.
func (g *Generator) NewTask(trainSet, valid *images.Set, B int, seed int64) (*GenTask, error) {
	if err := g.Config.CheckSet(trainSet); err != nil {
		return nil, fmt.Errorf("training set: %w", err)
	}
	if valid != nil {
		if err := g.Config.CheckSet(valid); err != nil {
			return nil, fmt.Errorf("validation set: %w", err)
		}
	}
	if B < 1 {
		return nil, fmt.Errorf("-batch %d: need at least 1", B)
	}
	t := &GenTask{G: g, Train: trainSet, Valid: valid, B: B}
	perm := datasets.Perm(trainSet.N, seed)
	for lo := 0; lo < len(perm); lo += B {
		t.batches = append(t.batches, perm[lo:min(lo+B, len(perm))])
	}
	return t, nil
}

// Params implements train.Task.
func (t *GenTask) Params() *graph.Params { return t.G.Params }

// NumTrain implements train.Task.
func (t *GenTask) NumTrain() int { return len(t.batches) }

// TrainBatch implements train.Task.
func (t *GenTask) TrainBatch(i int) (train.Result, error) {
	return t.G.batch(t.Train, t.batches[i], t.B, true)
}

// NumValid implements train.Task.
func (t *GenTask) NumValid() int {
	if t.Valid == nil {
		return 0
	}
	return (t.Valid.N + t.B - 1) / t.B
}

// EvalBatch implements train.Task.
func (t *GenTask) EvalBatch(i int) (train.Result, error) {
	return t.G.batch(t.Valid, seq(i*t.B, min((i+1)*t.B, t.Valid.N)), t.B, false)
}

// Loss is the generator's mean binary cross-entropy per pixel on a
// labelled set, teacher forced (each step reads the true previous column):
// how well it predicts each next column of unseen images.
func (g *Generator) Loss(s *images.Set, B int) (float64, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	task, err := g.NewTask(s, s, B, 1)
	if err != nil {
		return 0, err
	}
	ev, err := train.Evaluate(task.NumValid(), task.EvalBatch, train.EvalOptions{})
	g.Params.ZeroGrad()
	if err != nil {
		return 0, err
	}
	return ev.Loss, nil
}
