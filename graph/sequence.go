package graph

import (
	"fmt"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// SeqOutput is what a sequence layer returns: the hidden state of every
// step [T,B,H] in time order (padded steps repeat the carried state), and
// the final state (for a reversed layer, the state after reading the
// sequence from its end back to step 0).
type SeqOutput struct {
	H     *G.Node
	Final State
}

// Layer is a recurrent sequence layer over x [T,B,F] with a mask [T,B]
// (1 for real steps, 0 for padding) and an optional initial state.
type Layer interface {
	// Apply runs the layer; init may have nil fields (zeros).
	Apply(b *Builder, x, mask *G.Node, init State) (*SeqOutput, error)
	// OutDim is the size of the last axis of H.
	OutDim() int
	// Kind is the cell kind (it says whether the state has C).
	Kind() CellKind
}

// Recurrent runs one cell over a sequence, forwards or reversed. On a
// Builder with Reference set it unrolls Cell.Step op by op; otherwise it is
// a single fused op (forward pass and backpropagation through time written
// by hand over BLAS), which is the default.
type Recurrent struct {
	Cell    *Cell
	Reverse bool
	// StepGradNorms, when set, receives ‖∂L/∂h_t‖ for every step t (time
	// order) after each backward pass of the fused op: the diagnostics of
	// vanishing and exploding gradients.
	StepGradNorms func(norms []float64)
}

// NewRecurrent creates a cell of the given kind and wraps it as a layer.
func NewRecurrent(ps *Params, name string, kind CellKind, in, hidden int, act Activation, reverse bool) (*Recurrent, error) {
	c, err := NewCell(ps, name, kind, in, hidden, act)
	if err != nil {
		return nil, err
	}
	return &Recurrent{Cell: c, Reverse: reverse}, nil
}

// OutDim is the hidden size.
func (r *Recurrent) OutDim() int { return r.Cell.Hidden }

// Kind is the cell kind.
func (r *Recurrent) Kind() CellKind { return r.Cell.Kind }

// Apply runs the layer over x [T,B,F].
func (r *Recurrent) Apply(b *Builder, x, mask *G.Node, init State) (*SeqOutput, error) {
	c := r.Cell
	if x.Dims() != 3 || x.Shape()[2] != c.In {
		return nil, fmt.Errorf("graph: recurrent layer %s wants input [T,B,%d], got %v", c.W.Name, c.In, x.Shape())
	}
	T, B := x.Shape()[0], x.Shape()[1]
	if mask == nil {
		m := b.Input(fmt.Sprintf("%s.ones", c.W.Name), T, B)
		m.Fill(1)
		mask = m.Node
	}
	if !mask.Shape().Eq(tensor.Shape{T, B}) {
		return nil, fmt.Errorf("graph: mask shape %v, want [%d,%d]", mask.Shape(), T, B)
	}
	if init.H == nil {
		init.H = b.Input(c.W.Name+".h0", B, c.Hidden).Node
	}
	if c.Kind == LSTM && init.C == nil {
		init.C = b.Input(c.W.Name+".c0", B, c.Hidden).Node
	}
	if b.Reference {
		return c.referenceSequence(b, x, mask, init, r.Reverse)
	}
	op := newFusedOp(c, T, B, r.Reverse, b.fusedCache(c))
	op.stepNorms = r.StepGradNorms
	args := G.Nodes{x, b.Param(c.W), b.Param(c.U), b.Param(c.B)}
	if c.Kind == GRU {
		args = append(args, b.Param(c.BN))
	}
	args = append(args, init.H)
	if c.Kind == LSTM {
		args = append(args, init.C)
	}
	args = append(args, mask)
	y, err := G.ApplyOp(op, args...)
	if err != nil {
		return nil, fmt.Errorf("graph: fused %v: %w", c.Kind, err)
	}
	out := &SeqOutput{H: y}
	if c.Kind == LSTM {
		if T == 1 {
			out.H, err = leadRows(y, 0, 1)
			if err == nil { // a slice of length 1 drops the axis
				out.H, err = G.Reshape(out.H, tensor.Shape{1, B, c.Hidden})
			}
		} else {
			out.H, err = leadRows(y, 0, T)
		}
		if err != nil {
			return nil, err
		}
		if out.Final.C, err = leadRows(y, T, T+1); err != nil {
			return nil, err
		}
	}
	last := T - 1
	if r.Reverse {
		last = 0
	}
	if out.Final.H, err = leadRows(y, last, last+1); err != nil {
		return nil, err
	}
	return out, nil
}
