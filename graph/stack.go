package graph

import (
	"fmt"

	G "gorgonia.org/gorgonia"
)

// Merge says how a bidirectional layer combines its two directions.
type Merge int

const (
	// Concat joins the two directions along the feature axis (size 2H).
	Concat Merge = iota
	// Sum adds them (size H).
	Sum
	// Mean averages them (size H).
	Mean
)

// ParseMerge reads "concat", "sum" or "mean".
func ParseMerge(s string) (Merge, error) {
	switch s {
	case "concat":
		return Concat, nil
	case "sum":
		return Sum, nil
	case "mean":
		return Mean, nil
	}
	return 0, fmt.Errorf("graph: unknown merge %q (want concat, sum or mean)", s)
}

// Bidirectional runs one layer forwards and one reversed over the same input
// (each respecting the sequence lengths) and merges them step by step:
// H_t = merge(→h_t, ←h_t). The final state merges the forward layer's state
// after the last step with the backward layer's state after step 0.
type Bidirectional struct {
	Fwd, Bwd *Recurrent
	Merge    Merge
}

// NewBidirectional creates the two directions of a bidirectional layer.
func NewBidirectional(ps *Params, name string, kind CellKind, in, hidden int, act Activation, merge Merge) (*Bidirectional, error) {
	if merge < Concat || merge > Mean {
		return nil, fmt.Errorf("graph: bidirectional layer %s: no merge %d", name, int(merge))
	}
	fwd, err := NewRecurrent(ps, name+".fwd", kind, in, hidden, act, false)
	if err != nil {
		return nil, err
	}
	bwd, err := NewRecurrent(ps, name+".bwd", kind, in, hidden, act, true)
	if err != nil {
		return nil, err
	}
	return &Bidirectional{Fwd: fwd, Bwd: bwd, Merge: merge}, nil
}

// OutDim is 2H for Concat, else H.
func (l *Bidirectional) OutDim() int {
	if l.Merge == Concat {
		return 2 * l.Fwd.Cell.Hidden
	}
	return l.Fwd.Cell.Hidden
}

// Kind is the cell kind.
func (l *Bidirectional) Kind() CellKind { return l.Fwd.Cell.Kind }

// Apply runs both directions from the same initial state.
func (l *Bidirectional) Apply(b *Builder, x, mask *G.Node, init State) (*SeqOutput, error) {
	f, err := l.Fwd.Apply(b, x, mask, init)
	if err != nil {
		return nil, err
	}
	r, err := l.Bwd.Apply(b, x, mask, init)
	if err != nil {
		return nil, err
	}
	out := &SeqOutput{}
	if out.H, err = l.merge(f.H, r.H); err != nil {
		return nil, err
	}
	if out.Final.H, err = l.merge(f.Final.H, r.Final.H); err != nil {
		return nil, err
	}
	if f.Final.C != nil {
		if out.Final.C, err = l.merge(f.Final.C, r.Final.C); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// merge joins the two directions' values along their last axis.
func (l *Bidirectional) merge(a, c *G.Node) (*G.Node, error) {
	switch l.Merge {
	case Concat:
		return ConcatLast(a, c)
	case Sum:
		return G.Add(a, c)
	default:
		s, err := G.Add(a, c)
		if err != nil {
			return nil, err
		}
		return scale(s, 0.5)
	}
}

// scale multiplies a node by a constant of its own dtype.
func scale(n *G.Node, k float64) (*G.Node, error) {
	var c *G.Node
	if n.Dtype() == G.Float32 {
		c = G.NewConstant(float32(k))
	} else {
		c = G.NewConstant(k)
	}
	return G.HadamardProd(n, c)
}

// Stack is a stack of recurrent layers, each reading the hidden states of
// the one below, with inverted dropout between layers (a seeded mask of our
// own, drawn on training graphs only).
type Stack struct {
	Layers  []Layer
	Dropout float64
}

// StackConfig describes a stack of identical recurrent layers.
type StackConfig struct {
	Kind          CellKind
	Act           Activation // Elman cells
	In, Hidden    int
	Layers        int // at least 1
	Bidirectional bool
	Merge         Merge   // for bidirectional layers
	Dropout       float64 // between layers
}

// NewStack creates the layers of a stack named name (layers name.0, name.1…).
func NewStack(ps *Params, name string, cfg StackConfig) (*Stack, error) {
	if cfg.Layers < 1 || cfg.Hidden < 1 || cfg.In < 1 {
		return nil, fmt.Errorf("graph: stack %s needs layers ≥ 1, hidden ≥ 1 and input ≥ 1 (got %d, %d, %d)", name, cfg.Layers, cfg.Hidden, cfg.In)
	}
	if !(cfg.Dropout >= 0 && cfg.Dropout < 1) { // NaN too
		return nil, fmt.Errorf("graph: stack %s dropout %v outside [0,1)", name, cfg.Dropout)
	}
	s := &Stack{Dropout: cfg.Dropout}
	in := cfg.In
	for i := 0; i < cfg.Layers; i++ {
		n := fmt.Sprintf("%s.%d", name, i)
		var l Layer
		var err error
		if cfg.Bidirectional {
			l, err = NewBidirectional(ps, n, cfg.Kind, in, cfg.Hidden, cfg.Act, cfg.Merge)
		} else {
			l, err = NewRecurrent(ps, n, cfg.Kind, in, cfg.Hidden, cfg.Act, false)
		}
		if err != nil {
			return nil, err
		}
		s.Layers = append(s.Layers, l)
		in = l.OutDim()
	}
	return s, nil
}

// OutDim is the output size of the top layer.
func (s *Stack) OutDim() int { return s.Layers[len(s.Layers)-1].OutDim() }

// Kind is the cell kind of the bottom layer.
func (s *Stack) Kind() CellKind { return s.Layers[0].Kind() }

// Apply runs the stack from zero initial states (init is used for the
// bottom layer only; use ApplyStates to set each layer's).
func (s *Stack) Apply(b *Builder, x, mask *G.Node, init State) (*SeqOutput, error) {
	inits := make([]State, len(s.Layers))
	inits[0] = init
	out, _, err := s.ApplyStates(b, x, mask, inits)
	return out, err
}

// ApplyStates runs the stack with one initial state per layer (nil slice or
// zero States mean zeros) and returns the top layer's output and every
// layer's final state.
func (s *Stack) ApplyStates(b *Builder, x, mask *G.Node, inits []State) (*SeqOutput, []State, error) {
	finals := make([]State, len(s.Layers))
	var out *SeqOutput
	in := x
	for i, l := range s.Layers {
		if i > 0 {
			in = b.Dropout(in, s.Dropout)
		}
		var init State
		if i < len(inits) {
			init = inits[i]
		}
		var err error
		if out, err = l.Apply(b, in, mask, init); err != nil {
			return nil, nil, err
		}
		finals[i] = out.Final
		in = out.H
	}
	return out, finals, nil
}

// StateInputs creates one input per state of the stack's layers — h
// [B,H], then c for LSTM layers — so that a graph can start from states
// computed elsewhere (carried across batches, or a decoder's previous
// step). It returns the inputs in that order and the States they form.
func (s *Stack) StateInputs(b *Builder, prefix string, B int) ([]*Input, []State) {
	var ins []*Input
	states := make([]State, len(s.Layers))
	for l, layer := range s.Layers {
		h := b.Input(fmt.Sprintf("%s%d.h", prefix, l), B, layer.OutDim())
		ins = append(ins, h)
		states[l].H = h.Node
		if layer.Kind() == LSTM {
			c := b.Input(fmt.Sprintf("%s%d.c", prefix, l), B, layer.OutDim())
			ins = append(ins, c)
			states[l].C = c.Node
		}
	}
	return ins, states
}

// stateNodes lists the nodes of states in layer order: h, then c if any —
// the order of StateInputs.
func stateNodes(states []State) G.Nodes {
	var out G.Nodes
	for _, s := range states {
		out = append(out, s.H)
		if s.C != nil {
			out = append(out, s.C)
		}
	}
	return out
}
