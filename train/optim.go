package train

import (
	"fmt"
	"math"
	"sort"

	"github.com/rnnzoo/rnnzoo/blas"
	"github.com/rnnzoo/rnnzoo/graph"
	"github.com/rnnzoo/rnnzoo/internal/parallel"
	"gorgonia.org/tensor"
)

// Optimizer updates the trainable parameters of one graph.Params from the
// gradients accumulated in each Param.Grad. Step does not zero the
// gradients: the caller (the Trainer) does, after the step.
//
// Every optimizer here keeps its state in exported, named tensors of the
// parameters' dtype (see OptimState), so a checkpoint holds it exactly and a
// resumed run continues bit for bit. Frozen parameters are skipped (their
// state stays as it was), so a parameter may be frozen or unfrozen between
// steps. Step allocates nothing.
type Optimizer interface {
	// Step applies one update with learning rate lr.
	Step(lr float64)
	// State returns the optimizer's kind, hyper-parameters, step count and
	// slot tensors. The slot tensors are the live ones, not copies.
	State() *OptimState
	// SetState copies a saved state into the optimizer after checking that
	// the kind, the slot names, dtypes and shapes match.
	SetState(*OptimState) error
}

// OptimState is the exported state of an optimizer.
type OptimState struct {
	Kind  string             `json:"kind"`
	Steps int64              `json:"steps"`
	Hyper map[string]float64 `json:"hyper"`
	// Slots are the per-parameter state tensors, named
	// "<slot>.<parameter name>" (e.g. "m.lstm.W"), in parameter order.
	Slots []Slot `json:"-"`
}

// Slot is one named state tensor of an optimizer.
type Slot struct {
	Name  string
	Value *tensor.Dense
}

// slots holds the parameters an optimizer updates and one state tensor per
// parameter and slot name.
type slots struct {
	ps     *graph.Params
	params []*graph.Param
	names  []string
	t      [][]*tensor.Dense // t[k][i]: slot k of parameter i
	v      []views           // typed views of parameter i, so Step allocates nothing
}

// views caches the typed slices of one parameter, its gradient and its
// slots (converting a tensor's data to an interface allocates).
type views struct {
	w32, g32 []float32
	s32      [][]float32
	w64, g64 []float64
	s64      [][]float64
}

func newSlots(ps *graph.Params, names ...string) slots {
	s := slots{ps: ps, params: ps.All(), names: names, t: make([][]*tensor.Dense, len(names))}
	for k := range names {
		s.t[k] = make([]*tensor.Dense, len(s.params))
		for i, p := range s.params {
			s.t[k][i] = tensor.New(tensor.Of(p.Value.Dtype()), tensor.WithShape(p.Shape()...))
		}
	}
	s.v = make([]views, len(s.params))
	for i, p := range s.params {
		v := &s.v[i]
		switch w := p.Value.Data().(type) {
		case []float32:
			v.w32, v.g32 = w, p.GradF32()
			for k := range names {
				v.s32 = append(v.s32, s.t[k][i].Data().([]float32))
			}
		case []float64:
			v.w64, v.g64 = w, p.GradF64()
			for k := range names {
				v.s64 = append(v.s64, s.t[k][i].Data().([]float64))
			}
		}
	}
	return s
}

func (s *slots) export() []Slot {
	var out []Slot
	for k, name := range s.names {
		for i, p := range s.params {
			out = append(out, Slot{Name: name + "." + p.Name, Value: s.t[k][i]})
		}
	}
	return out
}

func (s *slots) load(kind string, st *OptimState) error {
	if st == nil {
		return fmt.Errorf("train: no optimizer state")
	}
	if st.Kind != kind {
		return fmt.Errorf("train: optimizer state is for %q, not %q", st.Kind, kind)
	}
	have := map[string]*tensor.Dense{}
	for _, sl := range st.Slots {
		have[sl.Name] = sl.Value
	}
	var missing []string
	type pair struct{ dst, src *tensor.Dense }
	var pairs []pair
	for k, name := range s.names {
		for i, p := range s.params {
			n := name + "." + p.Name
			v, ok := have[n]
			if !ok {
				missing = append(missing, n)
				continue
			}
			dst := s.t[k][i]
			if !v.Shape().Eq(dst.Shape()) || v.Dtype() != dst.Dtype() {
				return fmt.Errorf("train: optimizer slot %s is %v %v, want %v %v", n, v.Dtype(), v.Shape(), dst.Dtype(), dst.Shape())
			}
			pairs = append(pairs, pair{dst, v})
			delete(have, n)
		}
	}
	if len(missing) > 0 || len(have) > 0 {
		var extra []string
		for n := range have {
			extra = append(extra, n)
		}
		sort.Strings(extra)
		return fmt.Errorf("train: optimizer state does not fit the parameters: missing %v, unexpected %v", missing, extra)
	}
	for _, pr := range pairs {
		copyDense(pr.dst, pr.src)
	}
	return nil
}

func copyDense(dst, src *tensor.Dense) {
	switch d := dst.Data().(type) {
	case []float32:
		copy(d, src.Data().([]float32))
	case []float64:
		copy(d, src.Data().([]float64))
	}
}

type float interface{ ~float32 | ~float64 }

// Adam is the Adam optimizer (Kingma & Ba), with PyTorch's conventions:
// bias-corrected moments, eps added to the corrected √v. With Decoupled set
// it is AdamW (Loshchilov & Hutter): the weights decay by lr·WeightDecay
// directly instead of through the gradient.
type Adam struct {
	Beta1, Beta2, Eps float64
	WeightDecay       float64
	Decoupled         bool
	// Steps counts the updates made so far (t in the paper).
	Steps int64
	s     slots
}

// NewAdam returns Adam over every parameter of ps with β1 0.9, β2 0.999 and
// eps 1e-8.
func NewAdam(ps *graph.Params) *Adam {
	return &Adam{Beta1: 0.9, Beta2: 0.999, Eps: 1e-8, s: newSlots(ps, "m", "v")}
}

// NewAdamW returns AdamW (decoupled weight decay wd, e.g. 0.01).
func NewAdamW(ps *graph.Params, wd float64) *Adam {
	a := NewAdam(ps)
	a.WeightDecay, a.Decoupled = wd, true
	return a
}

func (a *Adam) kind() string {
	if a.Decoupled {
		return "adamw"
	}
	return "adam"
}

// Step implements Optimizer.
func (a *Adam) Step(lr float64) {
	a.s.ps.Unseal() // the weights change: no packed copies may outlive this
	a.Steps++
	t := float64(a.Steps)
	c := adamCoef{
		lr: lr, b1: a.Beta1, b2: a.Beta2, eps: a.Eps,
		stepSize: lr / (1 - math.Pow(a.Beta1, t)),
		sqrtBC2:  math.Sqrt(1 - math.Pow(a.Beta2, t)),
	}
	if a.Decoupled {
		c.decay = 1 - lr*a.WeightDecay
	} else {
		c.decay, c.l2 = 1, a.WeightDecay
	}
	for i, p := range a.s.params {
		if p.Frozen {
			continue
		}
		if v := &a.s.v[i]; v.w32 != nil {
			adamKernel(v.w32, v.g32, v.s32[0], v.s32[1], &c)
		} else {
			adamKernel(v.w64, v.g64, v.s64[0], v.s64[1], &c)
		}
	}
}

type adamCoef struct {
	lr, b1, b2, eps, stepSize, sqrtBC2, decay, l2 float64
}

// adamKernel updates w in place; parameters of many elements are split
// over the threads (elementwise, so the same bits at any thread count).
func adamKernel[T float](w, g, m, v []T, c *adamCoef) {
	if parallel.Workers(len(w), adamCost) == 1 {
		adamRange(w, g, m, v, c) // no closure: a step allocates nothing
		return
	}
	adamParallel(w, g, m, v, *c)
}

// adamParallel takes the coefficients by value so that only this path's
// copy escapes to the workers.
//
//go:noinline
func adamParallel[T float](w, g, m, v []T, c adamCoef) {
	parallel.For(len(w), adamCost, func(lo, hi int) {
		adamRange(w[lo:hi], g[lo:hi], m[lo:hi], v[lo:hi], &c)
	})
}

// adamCost is the work of one element's update in parallel.For's unit
// (a square root and a division among a dozen operations).
const adamCost = 8

func adamRange[T float](w, g, m, v []T, c *adamCoef) {
	if w32, ok := any(w).([]float32); ok {
		// AVX2 where the CPU has it; the loop below's operations either way.
		blas.Adam32(w32, any(g).([]float32), any(m).([]float32), any(v).([]float32), &blas.AdamCoef32{
			B1: float32(c.b1), B2: float32(c.b2), OB1: float32(1 - c.b1), OB2: float32(1 - c.b2),
			Step: float32(c.stepSize), BC2: float32(c.sqrtBC2), Eps: float32(c.eps), Decay: float32(c.decay), L2: float32(c.l2)})
		return
	}
	b1, b2 := T(c.b1), T(c.b2)
	ob1, ob2 := T(1-c.b1), T(1-c.b2)
	step, bc2, eps := T(c.stepSize), T(c.sqrtBC2), T(c.eps)
	decay, l2 := T(c.decay), T(c.l2)
	g = g[:len(w)]
	m = m[:len(w)]
	v = v[:len(w)]
	for j := range w {
		gj := g[j]
		if l2 != 0 {
			gj += T(l2 * w[j])
		}
		// Every product rounded on its own (no fused multiply-add), as
		// blas.Adam32 computes float32.
		m[j] = T(b1*m[j]) + T(ob1*gj)
		v[j] = T(b2*v[j]) + T(T(ob2*gj)*gj)
		denom := T(math.Sqrt(float64(v[j])))/bc2 + eps
		w[j] = T(w[j]*decay) - T(step*m[j])/denom
	}
}

// State implements Optimizer.
func (a *Adam) State() *OptimState {
	return &OptimState{Kind: a.kind(), Steps: a.Steps, Slots: a.s.export(), Hyper: map[string]float64{
		"beta1": a.Beta1, "beta2": a.Beta2, "eps": a.Eps, "weight_decay": a.WeightDecay}}
}

// SetState implements Optimizer. The hyper-parameters are taken from the
// state too.
func (a *Adam) SetState(st *OptimState) error {
	if err := a.s.load(a.kind(), st); err != nil {
		return err
	}
	a.Steps = st.Steps
	a.Beta1, a.Beta2, a.Eps, a.WeightDecay = st.Hyper["beta1"], st.Hyper["beta2"], st.Hyper["eps"], st.Hyper["weight_decay"]
	return nil
}

// SGD is stochastic gradient descent with optional momentum (PyTorch's form:
// buf = μ·buf + g; w −= lr·buf, or with Nesterov w −= lr·(g + μ·buf)) and
// L2 weight decay added to the gradient.
type SGD struct {
	Momentum    float64
	Nesterov    bool
	WeightDecay float64
	Steps       int64
	s           slots
}

// NewSGD returns SGD with the given momentum (0 for plain SGD).
func NewSGD(ps *graph.Params, momentum float64) *SGD {
	return &SGD{Momentum: momentum, s: newSlots(ps, "momentum")}
}

// Step implements Optimizer.
func (o *SGD) Step(lr float64) {
	o.s.ps.Unseal()
	o.Steps++
	for i, p := range o.s.params {
		if p.Frozen {
			continue
		}
		if v := &o.s.v[i]; v.w32 != nil {
			sgdKernel(v.w32, v.g32, v.s32[0], lr, o)
		} else {
			sgdKernel(v.w64, v.g64, v.s64[0], lr, o)
		}
	}
}

func sgdKernel[T float](w, g, buf []T, lr float64, o *SGD) {
	mu, wd, eta := T(o.Momentum), T(o.WeightDecay), T(lr)
	g = g[:len(w)]
	buf = buf[:len(w)]
	for j := range w {
		gj := g[j] + wd*w[j]
		if mu != 0 {
			buf[j] = mu*buf[j] + gj
			if o.Nesterov {
				gj += mu * buf[j]
			} else {
				gj = buf[j]
			}
		}
		w[j] -= eta * gj
	}
}

// State implements Optimizer.
func (o *SGD) State() *OptimState {
	nest := 0.0
	if o.Nesterov {
		nest = 1
	}
	return &OptimState{Kind: "sgd", Steps: o.Steps, Slots: o.s.export(), Hyper: map[string]float64{
		"momentum": o.Momentum, "nesterov": nest, "weight_decay": o.WeightDecay}}
}

// SetState implements Optimizer.
func (o *SGD) SetState(st *OptimState) error {
	if err := o.s.load("sgd", st); err != nil {
		return err
	}
	o.Steps = st.Steps
	o.Momentum, o.Nesterov, o.WeightDecay = st.Hyper["momentum"], st.Hyper["nesterov"] != 0, st.Hyper["weight_decay"]
	return nil
}

// RMSProp divides the gradient by a running root mean square (PyTorch's
// form: v = α·v + (1−α)·g²; w −= lr·g/(√v + eps)), with optional momentum
// on the scaled step.
type RMSProp struct {
	Alpha, Eps, Momentum, WeightDecay float64
	Steps                             int64
	s                                 slots
}

// NewRMSProp returns RMSProp with α 0.99 and eps 1e-8.
func NewRMSProp(ps *graph.Params) *RMSProp {
	return &RMSProp{Alpha: 0.99, Eps: 1e-8, s: newSlots(ps, "square_avg", "momentum")}
}

// Step implements Optimizer.
func (o *RMSProp) Step(lr float64) {
	o.s.ps.Unseal()
	o.Steps++
	for i, p := range o.s.params {
		if p.Frozen {
			continue
		}
		if v := &o.s.v[i]; v.w32 != nil {
			rmsKernel(v.w32, v.g32, v.s32[0], v.s32[1], lr, o)
		} else {
			rmsKernel(v.w64, v.g64, v.s64[0], v.s64[1], lr, o)
		}
	}
}

func rmsKernel[T float](w, g, v, buf []T, lr float64, o *RMSProp) {
	a, oa, eps, mu, wd, eta := T(o.Alpha), T(1-o.Alpha), T(o.Eps), T(o.Momentum), T(o.WeightDecay), T(lr)
	g = g[:len(w)]
	v = v[:len(w)]
	buf = buf[:len(w)]
	for j := range w {
		gj := g[j] + wd*w[j]
		v[j] = a*v[j] + oa*gj*gj
		d := gj / (T(math.Sqrt(float64(v[j]))) + eps)
		if mu != 0 {
			buf[j] = mu*buf[j] + d
			d = buf[j]
		}
		w[j] -= eta * d
	}
}

// State implements Optimizer.
func (o *RMSProp) State() *OptimState {
	return &OptimState{Kind: "rmsprop", Steps: o.Steps, Slots: o.s.export(), Hyper: map[string]float64{
		"alpha": o.Alpha, "eps": o.Eps, "momentum": o.Momentum, "weight_decay": o.WeightDecay}}
}

// SetState implements Optimizer.
func (o *RMSProp) SetState(st *OptimState) error {
	if err := o.s.load("rmsprop", st); err != nil {
		return err
	}
	o.Steps = st.Steps
	o.Alpha, o.Eps, o.Momentum, o.WeightDecay = st.Hyper["alpha"], st.Hyper["eps"], st.Hyper["momentum"], st.Hyper["weight_decay"]
	return nil
}
