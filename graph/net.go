package graph

import (
	"fmt"
	"math/rand/v2"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// Builder builds one static expression graph (one batch size and sequence
// length) over a shared parameter set. Weight nodes are bound to the
// parameters' tensors, so every graph built from the same Params trains the
// same weights.
type Builder struct {
	G      *G.ExprGraph
	Params *Params
	// Train says whether the graph is for training: dropout masks are drawn
	// only then; an evaluation graph applies no dropout.
	Train bool
	// Reference selects the op-by-op recurrent layers instead of the fused
	// ops (for tests and for reading).
	Reference bool

	nodes map[*Param]*G.Node
	uses  map[*Cell]int // fused applications of each cell so far

	compiled bool
	order    []*Param
	inputs   []*Input
	dropout  []dropoutMask
}

type dropoutMask struct {
	in *Input
	p  float64
}

// NewBuilder starts a graph over ps.
func NewBuilder(ps *Params, train bool) *Builder {
	return &Builder{G: G.NewGraph(), Params: ps, Train: train, nodes: map[*Param]*G.Node{}}
}

// fusedCache returns the working memory of the next fused application of
// c in this graph: the k-th application of a cell in any graph shares the
// k-th cache of that cell. Graphs over one set of parameters must not run
// concurrently (their gradients add into the same Param.Grad already).
func (b *Builder) fusedCache(c *Cell) *any {
	if b.uses == nil {
		b.uses = map[*Cell]int{}
	}
	k := b.uses[c]
	b.uses[c]++
	for len(c.caches) <= k {
		c.caches = append(c.caches, new(any))
	}
	return c.caches[k]
}

// Dtype is the graph's float type.
func (b *Builder) Dtype() tensor.Dtype { return b.Params.Dtype }

// Param returns the graph node bound to p, creating it on first use.
func (b *Builder) Param(p *Param) *G.Node {
	if n, ok := b.nodes[p]; ok {
		return n
	}
	n := G.NodeFromAny(b.G, p.Value, G.WithName(p.Name))
	b.nodes[p] = n
	b.order = append(b.order, p)
	return n
}

// Input is a data node whose bound tensor is overwritten in place before
// each run.
type Input struct {
	Node  *G.Node
	Value *tensor.Dense
}

// F32 returns the bound buffer of a float32 input.
func (in *Input) F32() []float32 { return in.Value.Data().([]float32) }

// F64 returns the bound buffer of a float64 input.
func (in *Input) F64() []float64 { return in.Value.Data().([]float64) }

// Ints returns the bound buffer of an integer input.
func (in *Input) Ints() []int { return in.Value.Data().([]int) }

// Set writes float64 values into the input, converting to its dtype.
func (in *Input) Set(v []float64) {
	switch d := in.Value.Data().(type) {
	case []float32:
		if len(v) != len(d) {
			panic(fmt.Sprintf("graph: %d values for input %s of size %d", len(v), in.Node.Name(), len(d)))
		}
		for i := range v {
			d[i] = float32(v[i])
		}
	case []float64:
		if len(v) != len(d) {
			panic(fmt.Sprintf("graph: %d values for input %s of size %d", len(v), in.Node.Name(), len(d)))
		}
		copy(d, v)
	}
}

// Fill sets every element of a float input to c.
func (in *Input) Fill(c float64) {
	switch d := in.Value.Data().(type) {
	case []float32:
		for i := range d {
			d[i] = float32(c)
		}
	case []float64:
		for i := range d {
			d[i] = c
		}
	}
}

// Input creates a float input of the graph's dtype with the given shape.
func (b *Builder) Input(name string, shape ...int) *Input {
	return b.input(name, b.Dtype(), shape)
}

// IntInput creates an integer input (token ids).
func (b *Builder) IntInput(name string, shape ...int) *Input {
	return b.input(name, tensor.Int, shape)
}

func (b *Builder) input(name string, dt tensor.Dtype, shape []int) *Input {
	t := tensor.New(tensor.Of(dt), tensor.WithShape(shape...))
	n := G.NodeFromAny(b.G, t, G.WithName(name))
	in := &Input{Node: n, Value: t}
	b.inputs = append(b.inputs, in)
	return in
}

// Dropout applies inverted dropout with drop probability p to x through a
// mask input (1/(1−p) or 0 per element) drawn from the Net's seeded
// generator on every training run. On an evaluation graph, or with p = 0,
// it returns x unchanged.
func (b *Builder) Dropout(x *G.Node, p float64) *G.Node {
	if !b.Train || p <= 0 {
		return x
	}
	if p >= 1 {
		panic("graph: dropout probability must be below 1")
	}
	m := b.Input(fmt.Sprintf("dropout%d", len(b.dropout)), x.Shape()...)
	b.dropout = append(b.dropout, dropoutMask{in: m, p: p})
	return G.Must(G.HadamardProd(x, m.Node))
}

// Net is a compiled graph: a tape machine over the builder's graph, the
// loss, and read-outs of chosen nodes.
type Net struct {
	b      *Builder
	vm     G.VM
	Loss   *G.Node
	reads  []G.Value
	outs   []*G.Node
	wrt    []*Param
	wrtN   []*G.Node // the trainable parameters' nodes, empty without backward pass
	lossV  G.Value
	rng    *rand.Rand
	hasRun bool
}

// Compile compiles a tape machine for the graph. On a training builder it
// first differentiates loss (if not nil) with respect to every trainable
// parameter used by the graph; an evaluation builder (Train false) only
// runs forward, so its runs leave Param.Grad alone. outputs are
// nodes whose values are copied out after each run (see Output).
// rng draws dropout masks; it may be nil when the graph has no dropout.
func (b *Builder) Compile(loss *G.Node, rng *rand.Rand, outputs ...*G.Node) (*Net, error) {
	if b.compiled {
		// A second differentiation would add every gradient twice.
		return nil, fmt.Errorf("graph: the builder was compiled already; build a new one")
	}
	b.compiled = true
	net := &Net{b: b, Loss: loss, rng: rng}
	if len(b.dropout) > 0 && rng == nil {
		return nil, fmt.Errorf("graph: the graph has dropout but no generator was given")
	}
	for _, p := range b.order {
		if !p.Frozen && b.Train && loss != nil {
			net.wrt = append(net.wrt, p)
			net.wrtN = append(net.wrtN, b.nodes[p])
		}
	}
	if loss != nil {
		net.lossV = nil
		G.Read(loss, &net.lossV)
		if len(net.wrtN) > 0 {
			grads, err := G.Grad(loss, net.wrtN...)
			if err != nil {
				return nil, fmt.Errorf("graph: differentiating the loss: %w", err)
			}
			for i, g := range grads {
				if _, err := G.ApplyOp(newGradSink(net.wrt[i]), g); err != nil {
					return nil, fmt.Errorf("graph: gradient of %s: %w", net.wrt[i].Name, err)
				}
			}
		}
	}
	net.reads = make([]G.Value, len(outputs))
	net.outs = outputs
	for i, o := range outputs {
		G.Read(o, &net.reads[i])
	}
	b.Params.place(b.G)
	net.vm = G.NewTapeMachine(b.G)
	return net, nil
}

// Run executes the graph once (forward, and backward when there is a loss)
// and adds the parameter gradients into each Param.Grad (as the tape
// computes them: see gradSinkOp).
func (n *Net) Run() error {
	for _, d := range n.b.dropout {
		fillDropout(d.in, d.p, n.rng)
	}
	n.vm.Reset()
	if err := n.vm.RunAll(); err != nil {
		return fmt.Errorf("graph: run: %w", err)
	}
	n.hasRun = true
	return nil
}

// LossValue returns the loss of the last run.
func (n *Net) LossValue() float64 { return scalarOf(n.lossV) }

// Output returns the value of the i-th output node after the last run. The
// tensor is reused by the next run; copy it to keep it.
func (n *Net) Output(i int) *tensor.Dense {
	return n.reads[i].(*tensor.Dense)
}

// Builder returns the builder the net was compiled from.
func (n *Net) Builder() *Builder { return n.b }

// Close releases the machine.
func (n *Net) Close() error { return n.vm.Close() }

func scalarOf(v G.Value) float64 {
	switch x := v.(type) {
	case *G.F32:
		return float64(*x)
	case *G.F64:
		return float64(*x)
	case *tensor.Dense:
		switch d := x.Data().(type) {
		case float32:
			return float64(d)
		case float64:
			return d
		case []float32:
			return float64(d[0])
		case []float64:
			return d[0]
		}
	}
	panic(fmt.Sprintf("graph: not a scalar value: %T", v))
}

func fillDropout(in *Input, p float64, rng *rand.Rand) {
	keep := 1 / (1 - p)
	switch d := in.Value.Data().(type) {
	case []float32:
		for i := range d {
			if rng.Float64() < p {
				d[i] = 0
			} else {
				d[i] = float32(keep)
			}
		}
	case []float64:
		for i := range d {
			if rng.Float64() < p {
				d[i] = 0
			} else {
				d[i] = keep
			}
		}
	}
}
