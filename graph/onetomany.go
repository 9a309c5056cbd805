package graph

import (
	"fmt"
	"math"
	"math/rand/v2"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// OutputLoss says how a one-to-many model scores its emitted vectors.
type OutputLoss int

const (
	// LossBCE treats each output as a probability σ(z) (targets in [0,1],
	// e.g. pixel intensities) under binary cross-entropy.
	LossBCE OutputLoss = iota
	// LossMSE emits z itself under squared error.
	LossMSE
)

// OneToManyConfig describes a generator that emits a sequence from one
// input.
type OneToManyConfig struct {
	// Cond is the one input: a class id (Vocab > 0, embedded in EmbedDim)
	// or a feature vector of size Features.
	Cond InputConfig
	// Out is the size of each emitted vector; it is also each step's input,
	// since every output is fed back as the next input.
	Out  int
	RNN  StackConfig // unidirectional; In is set to Out
	Loss OutputLoss
}

// OneToMany turns one input into a sequence: each recurrent layer starts
// from h_0 = tanh(W_l·e + b_l), where e is the embedded class or the
// feature vector; step t reads the previous output y_{t−1} (zeros at t = 0)
// and emits y_t = σ(h_t·W_y + b_y) (BCE) or h_t·W_y + b_y (MSE). Training
// feeds the true previous vector (teacher forcing); Generate feeds back
// its own outputs.
type OneToMany struct {
	Config OneToManyConfig
	Params *Params
	Embed  *Embedding
	Bridge []*Linear
	RNN    *Stack
	Head   *Linear
}

// NewOneToMany creates the model's parameters in ps under name.
func NewOneToMany(ps *Params, name string, cfg OneToManyConfig) (*OneToMany, error) {
	if err := cfg.Cond.validate(); err != nil {
		return nil, err
	}
	if cfg.Out < 1 || cfg.RNN.Bidirectional {
		return nil, fmt.Errorf("graph: one-to-many needs an output size and a unidirectional stack")
	}
	m := &OneToMany{Config: cfg, Params: ps}
	var err error
	if cfg.Cond.Vocab > 0 {
		if m.Embed, err = NewEmbedding(ps, name+".cond", cfg.Cond.Vocab, cfg.Cond.EmbedDim); err != nil {
			return nil, err
		}
	}
	st := cfg.RNN
	st.In = cfg.Out
	if m.RNN, err = NewStack(ps, name+".rnn", st); err != nil {
		return nil, err
	}
	if m.Bridge, err = bridges(ps, name, st, cfg.Cond.dim()); err != nil {
		return nil, err
	}
	if m.Head, err = NewLinear(ps, name+".out", st.Hidden, cfg.Out); err != nil {
		return nil, err
	}
	return m, nil
}

// bridges makes the linear maps from an input of size in to each layer's
// initial state of a stack: h for every layer, and c for LSTM layers.
func bridges(ps *Params, name string, st StackConfig, in int) ([]*Linear, error) {
	var out []*Linear
	for l := 0; l < st.Layers; l++ {
		parts := []string{"h"}
		if st.Kind == LSTM {
			parts = append(parts, "c")
		}
		for _, part := range parts {
			b, err := NewLinear(ps, fmt.Sprintf("%s.bridge%d.%s", name, l, part), in, st.Hidden)
			if err != nil {
				return nil, err
			}
			out = append(out, b)
		}
	}
	return out, nil
}

// OneToManyGraph is a compiled graph. Net.Output(0) is the outputs
// [T·B,Out] (probabilities for BCE), then each layer's final h (and c).
type OneToManyGraph struct {
	T, B    int
	Cond    *Input // class ids [B] (ints) or features [B,F]
	Prev    *Input // [T,B,Out]: step t's input, the output of step t−1
	Targets *Input // [T·B,Out]
	Mask    *Input // [T,B]
	States  []*Input
	Outputs *G.Node
	Loss    *G.Node
	Net     *Net
}

// SetSequences writes B target sequences (each [T][Out]) with teacher
// forcing: Prev holds each sequence shifted one step right (zeros first).
func (g *OneToManyGraph) SetSequences(seqs [][][]float64) {
	D := g.Prev.Value.Shape()[2]
	prev := make([]float64, g.T*g.B*D)
	tgt := make([]float64, g.T*g.B*D)
	mask := make([]float64, g.T*g.B)
	for b, seq := range seqs {
		for t := 0; t < len(seq) && t < g.T; t++ {
			copy(tgt[(t*g.B+b)*D:], seq[t])
			if t+1 < g.T {
				copy(prev[((t+1)*g.B+b)*D:], seq[t])
			}
			mask[t*g.B+b] = 1
		}
	}
	g.Prev.Set(prev)
	g.Targets.Set(tgt)
	g.Mask.Set(mask)
}

// Compile builds the teacher-forced graph for sequences of T steps and
// batch B; T = 1 with external states is the generation step.
func (m *OneToMany) Compile(T, B int, train bool, rng *rand.Rand) (*OneToManyGraph, error) {
	return m.compile(NewBuilder(m.Params, train), T, B, rng, false)
}

func (m *OneToMany) compile(b *Builder, T, B int, rng *rand.Rand, external bool) (*OneToManyGraph, error) {
	D := m.Config.Out
	g := &OneToManyGraph{T: T, B: B, Prev: b.Input("prev", T, B, D), Targets: b.Input("targets", T*B, D), Mask: b.Input("mask", T, B)}
	inits := make([]State, len(m.RNN.Layers))
	if external {
		g.States, inits = m.RNN.StateInputs(b, "state", B)
	} else {
		var e *G.Node
		var err error
		if m.Embed != nil {
			g.Cond = b.IntInput("cond", B)
			if e, err = m.Embed.Apply(b, g.Cond); err != nil {
				return nil, err
			}
		} else {
			g.Cond = b.Input("cond", B, m.Config.Cond.Features)
			e = g.Cond.Node
		}
		k := 0
		bridge := func() (*G.Node, error) {
			v, err := m.Bridge[k].Apply(b, e)
			k++
			if err != nil {
				return nil, err
			}
			return G.Tanh(v)
		}
		for l := range inits {
			if inits[l].H, err = bridge(); err != nil {
				return nil, err
			}
			if m.Config.RNN.Kind == LSTM {
				if inits[l].C, err = bridge(); err != nil {
					return nil, err
				}
			}
		}
	}
	out, finals, err := m.RNN.ApplyStates(b, g.Prev.Node, g.Mask.Node, inits)
	if err != nil {
		return nil, err
	}
	flat, err := G.Reshape(out.H, tensor.Shape{T * B, m.Config.RNN.Hidden})
	if err != nil {
		return nil, err
	}
	z, err := m.Head.Apply(b, flat)
	if err != nil {
		return nil, err
	}
	w, err := G.Reshape(g.Mask.Node, tensor.Shape{T * B})
	if err != nil {
		return nil, err
	}
	g.Outputs = z
	if m.Config.Loss == LossBCE {
		if g.Loss, err = BCEWithLogits(z, g.Targets.Node, w); err != nil {
			return nil, err
		}
		if g.Outputs, err = G.Sigmoid(z); err != nil {
			return nil, err
		}
	} else if g.Loss, err = MSE(z, g.Targets.Node, w); err != nil {
		return nil, err
	}
	outs := append(G.Nodes{g.Outputs}, stateNodes(finals)...)
	loss := g.Loss
	if external {
		loss = nil
	}
	if g.Net, err = b.Compile(loss, rng, outs...); err != nil {
		return nil, err
	}
	return g, nil
}

// Generator emits sequences step by step, each output fed back as the
// next input.
type Generator struct {
	m     *OneToMany
	B     int
	start *OneToManyGraph // computes the initial states from the condition
	step  *OneToManyGraph
}

// NewGenerator compiles the graphs that generate B sequences at a time.
func (m *OneToMany) NewGenerator(B int) (*Generator, error) {
	start, err := m.compile(NewBuilder(m.Params, false), 1, B, nil, false)
	if err != nil {
		return nil, err
	}
	step, err := m.compile(NewBuilder(m.Params, false), 1, B, nil, true)
	if err != nil {
		return nil, err
	}
	return &Generator{m: m, B: B, start: start, step: step}, nil
}

// Generate emits T steps for each of up to B conditions: class ids (a model
// with a class embedding) or feature vectors. The first step comes from the
// start graph, which reads zeros as its previous output.
func (gen *Generator) Generate(classes []int, features [][]float64, T int) ([][][]float64, error) {
	n := max(len(classes), len(features))
	if n > gen.B {
		return nil, fmt.Errorf("graph: %d conditions for a generator of %d rows", n, gen.B)
	}
	s := gen.start
	if gen.m.Embed != nil {
		ids := s.Cond.Ints()
		clear(ids)
		copy(ids, classes)
	} else {
		x := make([]float64, gen.B*gen.m.Config.Cond.Features)
		for i, f := range features {
			copy(x[i*len(f):], f)
		}
		s.Cond.Set(x)
	}
	s.Prev.Fill(0)
	s.Mask.Fill(1)
	D := gen.m.Config.Out
	out := make([][][]float64, n)
	collect := func(v *tensor.Dense) []float64 {
		flat := make([]float64, gen.B*D)
		switch d := v.Data().(type) {
		case []float32:
			for i := range flat {
				flat[i] = float64(d[i])
			}
		case []float64:
			copy(flat, d)
		}
		for i := 0; i < n; i++ {
			out[i] = append(out[i], append([]float64(nil), flat[i*D:(i+1)*D]...))
		}
		return flat
	}
	if err := s.Net.Run(); err != nil {
		return nil, err
	}
	prev := collect(s.Net.Output(0))
	st := gen.step
	st.Mask.Fill(1)
	for i, in := range st.States {
		copyValue(in, s.Net.Output(1+i).Data())
	}
	for t := 1; t < T; t++ {
		st.Prev.Set(prev)
		if err := st.Net.Run(); err != nil {
			return nil, err
		}
		prev = collect(st.Net.Output(0))
		for i, in := range st.States {
			copyValue(in, st.Net.Output(1+i).Data())
		}
	}
	for _, seq := range out {
		for _, v := range seq {
			for _, x := range v {
				if math.IsNaN(x) {
					return nil, fmt.Errorf("graph: generation produced NaN")
				}
			}
		}
	}
	return out, nil
}
