package graph

import (
	"fmt"
	"math"
	"math/rand/v2"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// InputConfig says what a sequence model reads at each step: token ids
// looked up in an embedding (Vocab > 0), or feature vectors of size
// Features.
type InputConfig struct {
	Vocab    int
	EmbedDim int
	// FreezeEmbedding keeps the embedding as initialised (see
	// WithEmbedding).
	FreezeEmbedding bool
	Features        int
	// Dropout drops step inputs (embedded tokens or features) with this
	// probability while training (inverted dropout; 0: off).
	Dropout float64
}

func (c InputConfig) dim() int {
	if c.Vocab > 0 {
		return c.EmbedDim
	}
	return c.Features
}

func (c InputConfig) validate() error {
	switch {
	case c.Vocab > 0 && c.EmbedDim < 1:
		return fmt.Errorf("graph: vocabulary %d needs an embedding size", c.Vocab)
	case c.Vocab <= 0 && c.Features < 1:
		return fmt.Errorf("graph: a model needs a vocabulary or a feature size")
	case c.Dropout < 0 || c.Dropout >= 1 || math.IsNaN(c.Dropout):
		return fmt.Errorf("graph: input dropout %v outside [0,1)", c.Dropout)
	}
	return nil
}

// SeqInput is the input side of a compiled sequence graph: token ids [T,B]
// or features [T,B,F], and the mask [T,B].
type SeqInput struct {
	T, B   int
	Tokens *Input
	X      *Input
	Mask   *Input
}

// SetTokens writes up to B token sequences (truncated to T steps, padded
// with id 0) and their mask; rows past len(seqs) are all padding.
func (s *SeqInput) SetTokens(seqs [][]int) {
	ids, m := s.Tokens.Ints(), s.Mask
	clear(ids)
	mask := make([]float64, s.T*s.B)
	for b, seq := range seqs {
		for t := 0; t < len(seq) && t < s.T; t++ {
			ids[t*s.B+b] = seq[t]
			mask[t*s.B+b] = 1
		}
	}
	m.Set(mask)
}

// SetFeatures writes up to B sequences of feature vectors ([]step of []F)
// and their mask.
func (s *SeqInput) SetFeatures(seqs [][][]float64) {
	F := s.X.Value.Shape()[2]
	x := make([]float64, s.T*s.B*F)
	mask := make([]float64, s.T*s.B)
	for b, seq := range seqs {
		for t := 0; t < len(seq) && t < s.T; t++ {
			copy(x[(t*s.B+b)*F:(t*s.B+b+1)*F], seq[t])
			mask[t*s.B+b] = 1
		}
	}
	s.X.Set(x)
	s.Mask.Set(mask)
}

// Encoder is the shared front of the configurations: an embedding (Embed,
// nil for feature inputs) and a recurrent stack (RNN) over the steps. The
// many-to-one and synchronised models embed it, so their Embed and RNN are
// its fields; a Seq2Seq has one for each side (Enc, Dec).
type Encoder struct {
	In    InputConfig
	Embed *Embedding
	RNN   *Stack
}

// Option is an argument of a model constructor that is not part of the
// model's serialisable configuration.
type Option func(*buildOptions)

type buildOptions struct {
	embedding []float64
}

// WithEmbedding starts the model's input embedding from m (row-major
// Vocab×EmbedDim) instead of a random draw: pretrained word vectors, or a
// matrix the caller drew. It is an argument and not a config field: it is
// a starting point, and the trained weights are in the checkpoint.
func WithEmbedding(m []float64) Option { return func(o *buildOptions) { o.embedding = m } }

func collect(opts []Option) buildOptions {
	var o buildOptions
	for _, f := range opts {
		f(&o)
	}
	return o
}

func newEncoder(ps *Params, name string, in InputConfig, st StackConfig, embedding []float64) (*Encoder, error) {
	if err := in.validate(); err != nil {
		return nil, err
	}
	e := &Encoder{In: in}
	var err error
	if in.Vocab > 0 {
		if embedding != nil {
			e.Embed, err = NewEmbeddingFrom(ps, name+".embed", in.Vocab, in.EmbedDim, embedding, in.FreezeEmbedding)
		} else if e.Embed, err = NewEmbedding(ps, name+".embed", in.Vocab, in.EmbedDim); err == nil {
			e.Embed.E.Frozen = in.FreezeEmbedding
		}
		if err != nil {
			return nil, err
		}
	}
	st.In = in.dim()
	if e.RNN, err = NewStack(ps, name+".rnn", st); err != nil {
		return nil, err
	}
	return e, nil
}

// inputs creates the input nodes for a [T,B] batch and returns the step
// inputs [T,B,D].
func (e *Encoder) inputs(b *Builder, prefix string, T, B int) (*SeqInput, *G.Node, error) {
	s := &SeqInput{T: T, B: B, Mask: b.Input(prefix+"mask", T, B)}
	if e.Embed != nil {
		s.Tokens = b.IntInput(prefix+"tokens", T, B)
		x, err := e.Embed.Apply(b, s.Tokens)
		if err != nil {
			return nil, nil, err
		}
		return s, b.Dropout(x, e.In.Dropout), nil
	}
	s.X = b.Input(prefix+"x", T, B, e.In.Features)
	return s, b.Dropout(s.X.Node, e.In.Dropout), nil
}

// ManyToOneConfig describes a sequence classifier.
type ManyToOneConfig struct {
	Input   InputConfig
	RNN     StackConfig // In is set from Input
	Pool    Pool
	Dropout float64 // on the pooled vector, before the output layer
	Classes int
	// Regression, when > 0, replaces the softmax classifier by a linear
	// output of this size under squared error (targets through
	// ClassifierGraph.SetTargets).
	Regression int
}

// ManyToOne reads a whole sequence and emits one output: embedding (or
// features) → recurrent stack → pooling over time (last state, max or mean)
// → linear → softmax, trained with cross-entropy.
type ManyToOne struct {
	Config ManyToOneConfig
	Params *Params
	*Encoder
	Head *Linear
}

// NewManyToOne creates the model's parameters in ps under name.
// Options: WithEmbedding.
func NewManyToOne(ps *Params, name string, cfg ManyToOneConfig, opts ...Option) (*ManyToOne, error) {
	outs := cfg.Classes
	if cfg.Regression > 0 {
		outs = cfg.Regression
	} else if cfg.Classes < 2 {
		return nil, fmt.Errorf("graph: a classifier needs at least 2 classes, got %d", cfg.Classes)
	}
	enc, err := newEncoder(ps, name, cfg.Input, cfg.RNN, collect(opts).embedding)
	if err != nil {
		return nil, err
	}
	head, err := NewLinear(ps, name+".out", enc.RNN.OutDim(), outs)
	if err != nil {
		return nil, err
	}
	return &ManyToOne{Config: cfg, Params: ps, Encoder: enc, Head: head}, nil
}

// ClassifierGraph is a compiled many-to-one graph for one batch shape.
// Net.Output(0) is the logits [B,C] after a run (the predictions [B,R] of a
// regression model).
type ClassifierGraph struct {
	*SeqInput
	Labels  *Input // [B] class ids as floats (classification)
	Targets *Input // [B,R] (regression)
	Weights *Input // [B] 1 for real rows, 0 for padding rows
	Logits  *G.Node
	Loss    *G.Node
	Net     *Net
}

// SetTargets writes regression targets for the first len(targets) rows
// and weights 1 for them, 0 for the remaining rows.
func (g *ClassifierGraph) SetTargets(targets [][]float64) {
	R := g.Targets.Value.Shape()[1]
	y := make([]float64, g.B*R)
	w := make([]float64, g.B)
	for i, t := range targets {
		copy(y[i*R:(i+1)*R], t)
		w[i] = 1
	}
	g.Targets.Set(y)
	g.Weights.Set(w)
}

// SetLabels writes the labels of the first len(labels) rows and weights 1
// for them, 0 for the remaining rows.
func (g *ClassifierGraph) SetLabels(labels []int) {
	y := make([]float64, g.B)
	w := make([]float64, g.B)
	for i, l := range labels {
		y[i], w[i] = float64(l), 1
	}
	g.Labels.Set(y)
	g.Weights.Set(w)
}

// Predict runs the graph forward and backward on the rows written by
// SetTokens or SetFeatures (the first n of them) without labels — every
// row weighs 0 in the loss, so no label is needed and no gradient is made
// — and returns each row's class probabilities, softmax(logits) computed
// stably in float64, and its most probable class.
func (g *ClassifierGraph) Predict(n int) ([][]float64, []int, error) {
	if n < 0 || n > g.B {
		return nil, nil, fmt.Errorf("graph: %d rows of a batch of %d", n, g.B)
	}
	g.SetLabels(nil)
	if err := g.Net.Run(); err != nil {
		return nil, nil, err
	}
	probs, classes := Softmax(g.Net.Output(0), n)
	return probs, classes, nil
}

// Softmax returns softmax over each of the first n rows of a [rows, C]
// matrix of logits (float32 or float64), computed in float64 after
// subtracting the row's largest value, and each row's argmax.
func Softmax(logits *tensor.Dense, n int) ([][]float64, []int) {
	C := logits.Shape()[len(logits.Shape())-1]
	probs, classes := make([][]float64, n), make([]int, n)
	row := make([]float64, C)
	for i := range n {
		switch d := logits.Data().(type) {
		case []float32:
			for j := range row {
				row[j] = float64(d[i*C+j])
			}
		case []float64:
			copy(row, d[i*C:(i+1)*C])
		}
		best := 0
		for j, v := range row {
			if v > row[best] {
				best = j
			}
		}
		p := make([]float64, C)
		var z float64
		for j, v := range row {
			p[j] = math.Exp(v - row[best])
			z += p[j]
		}
		for j := range p {
			p[j] /= z
		}
		probs[i], classes[i] = p, best
	}
	return probs, classes
}

// Compile builds and compiles the graph for sequences of T steps and batch
// B; a training graph draws dropout masks from rng.
func (m *ManyToOne) Compile(T, B int, train bool, rng *rand.Rand) (*ClassifierGraph, error) {
	return m.CompileWith(NewBuilder(m.Params, train), T, B, rng)
}

// CompileWith is Compile on a given builder (e.g. one with Reference set).
func (m *ManyToOne) CompileWith(b *Builder, T, B int, rng *rand.Rand) (*ClassifierGraph, error) {
	in, x, err := m.inputs(b, "", T, B)
	if err != nil {
		return nil, err
	}
	g := &ClassifierGraph{SeqInput: in, Weights: b.Input("weights", B)}
	if m.Config.Regression > 0 {
		g.Targets = b.Input("targets", B, m.Config.Regression)
	} else {
		g.Labels = b.Input("labels", B)
	}
	out, err := m.RNN.Apply(b, x, in.Mask.Node, State{})
	if err != nil {
		return nil, err
	}
	var pooled *G.Node
	if m.Config.Pool == PoolLast {
		pooled = out.Final.H
	} else if pooled, err = MaskedPool(out.H, in.Mask.Node, m.Config.Pool); err != nil {
		return nil, err
	}
	pooled = b.Dropout(pooled, m.Config.Dropout)
	if g.Logits, err = m.Head.Apply(b, pooled); err != nil {
		return nil, err
	}
	if m.Config.Regression > 0 {
		g.Loss, err = MSE(g.Logits, g.Targets.Node, g.Weights.Node)
	} else {
		g.Loss, err = CrossEntropy(g.Logits, g.Labels.Node, g.Weights.Node)
	}
	if err != nil {
		return nil, err
	}
	if g.Net, err = b.Compile(g.Loss, rng, g.Logits); err != nil {
		return nil, err
	}
	return g, nil
}

// SyncedConfig describes a synchronized many-to-many model: one output for
// every input step (tagging, character language models).
type SyncedConfig struct {
	Input   InputConfig
	RNN     StackConfig
	Dropout float64 // on the hidden states, before the output layer
	Classes int
}

// Synced emits one output per input step: embedding (or features) →
// recurrent stack → linear at every step → softmax; the loss is the mean
// cross-entropy over the real (unmasked) steps. Its initial states can be
// given and its final states read, so that truncated backpropagation
// through time can carry the state across batches.
type Synced struct {
	Config SyncedConfig
	Params *Params
	*Encoder
	Head *Linear
}

// NewSynced creates the model's parameters in ps under name.
// Options: WithEmbedding.
func NewSynced(ps *Params, name string, cfg SyncedConfig, opts ...Option) (*Synced, error) {
	if cfg.Classes < 2 {
		return nil, fmt.Errorf("graph: a synced model needs at least 2 classes, got %d", cfg.Classes)
	}
	enc, err := newEncoder(ps, name, cfg.Input, cfg.RNN, collect(opts).embedding)
	if err != nil {
		return nil, err
	}
	head, err := NewLinear(ps, name+".out", enc.RNN.OutDim(), cfg.Classes)
	if err != nil {
		return nil, err
	}
	return &Synced{Config: cfg, Params: ps, Encoder: enc, Head: head}, nil
}

// SyncedGraph is a compiled synced graph. Net.Output(0) is the logits
// [T·B,C] (row t·B+b), and Net.Output(1+2l), Net.Output(2+2l) layer l's
// final h and c (c only for LSTM) — feed them back through Init to carry
// the state into the next batch.
type SyncedGraph struct {
	*SeqInput
	Targets *Input   // [T·B] class ids as floats
	Init    []*Input // per layer: h0 [B,H], then c0 for LSTM
	Logits  *G.Node
	Loss    *G.Node
	Net     *Net
}

// SetTargets writes per-step targets for up to B sequences; the loss
// weights are the mask, so call it after SetTokens/SetFeatures.
func (g *SyncedGraph) SetTargets(seqs [][]int) {
	y := make([]float64, g.T*g.B)
	for b, seq := range seqs {
		for t := 0; t < len(seq) && t < g.T; t++ {
			y[t*g.B+b] = float64(seq[t])
		}
	}
	g.Targets.Set(y)
}

// Compile builds the synced graph for T steps and batch B.
func (m *Synced) Compile(T, B int, train bool, rng *rand.Rand) (*SyncedGraph, error) {
	return m.CompileWith(NewBuilder(m.Params, train), T, B, rng)
}

// CompileWith is Compile on a given builder.
func (m *Synced) CompileWith(b *Builder, T, B int, rng *rand.Rand) (*SyncedGraph, error) {
	if len(m.RNN.Layers) > 0 {
		if _, bi := m.RNN.Layers[0].(*Bidirectional); bi {
			return nil, fmt.Errorf("graph: a synced model with carried state cannot be bidirectional")
		}
	}
	in, x, err := m.inputs(b, "", T, B)
	if err != nil {
		return nil, err
	}
	g := &SyncedGraph{SeqInput: in, Targets: b.Input("targets", T*B)}
	var inits []State
	g.Init, inits = m.RNN.StateInputs(b, "init", B)
	out, finals, err := m.RNN.ApplyStates(b, x, in.Mask.Node, inits)
	if err != nil {
		return nil, err
	}
	h := b.Dropout(out.H, m.Config.Dropout)
	flat, err := G.Reshape(h, tensor.Shape{T * B, m.RNN.OutDim()})
	if err != nil {
		return nil, err
	}
	if g.Logits, err = m.Head.Apply(b, flat); err != nil {
		return nil, err
	}
	w, err := G.Reshape(in.Mask.Node, tensor.Shape{T * B})
	if err != nil {
		return nil, err
	}
	if g.Loss, err = CrossEntropy(g.Logits, g.Targets.Node, w); err != nil {
		return nil, err
	}
	outs := append(G.Nodes{g.Logits}, stateNodes(finals)...)
	if g.Net, err = b.Compile(g.Loss, rng, outs...); err != nil {
		return nil, err
	}
	return g, nil
}

// CarryState copies the final states of the last run into the initial
// state inputs, for truncated backpropagation through time.
func (g *SyncedGraph) CarryState() {
	for i, in := range g.Init {
		src := g.Net.Output(1 + i)
		switch d := in.Value.Data().(type) {
		case []float32:
			copy(d, src.Data().([]float32))
		case []float64:
			copy(d, src.Data().([]float64))
		}
	}
}

// State returns a copy of the carried state: per Init input (layer by
// layer, h then c for LSTM) its values.
func (g *SyncedGraph) State() [][]float64 {
	out := make([][]float64, len(g.Init))
	for i, in := range g.Init {
		switch d := in.Value.Data().(type) {
		case []float32:
			out[i] = make([]float64, len(d))
			for j, v := range d {
				out[i][j] = float64(v)
			}
		case []float64:
			out[i] = append([]float64(nil), d...)
		}
	}
	return out
}

// SetState sets the carried state to values that State returned.
func (g *SyncedGraph) SetState(state [][]float64) error {
	if len(state) != len(g.Init) {
		return fmt.Errorf("graph: %d state tensors for %d", len(state), len(g.Init))
	}
	for i, in := range g.Init {
		if n := in.Value.Shape().TotalSize(); len(state[i]) != n {
			return fmt.Errorf("graph: state %d has %d values, want %d", i, len(state[i]), n)
		}
	}
	for i, in := range g.Init {
		in.Set(state[i])
	}
	return nil
}

// ResetState zeroes the carried state.
func (g *SyncedGraph) ResetState() {
	for _, in := range g.Init {
		in.Fill(0)
	}
}
