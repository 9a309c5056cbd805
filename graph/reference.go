package graph

import (
	"fmt"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// State is a recurrent state over a batch: H [B,H], and C [B,H] for LSTM.
type State struct {
	H, C *G.Node
}

// Step builds one step of the cell from Gorgonia primitives, following the
// equations of Cell literally: x [B,F], prev.H (and prev.C) [B,H]. It is the
// readable reference that the fused ops are tested against, and the step
// that single-step decoders run.
func (c *Cell) Step(b *Builder, x *G.Node, prev State) (State, error) {
	var err error
	must := func(n *G.Node, e error) *G.Node {
		if e != nil && err == nil {
			err = e
		}
		return n
	}
	H := c.Hidden
	bat := x.Shape()[0]
	xw := must(G.Mul(x, b.Param(c.W)))
	xw = must(G.BroadcastAdd(xw, b.Param(c.B), nil, []byte{0}))
	hu := must(G.Mul(prev.H, b.Param(c.U)))
	if err != nil {
		return State{}, err
	}
	block := func(n *G.Node, i int) *G.Node {
		if c.Kind == RNN {
			return n
		}
		return must(G.Slice(n, nil, G.S(i*H, (i+1)*H)))
	}
	var next State
	switch c.Kind {
	case RNN:
		pre := must(G.Add(xw, hu))
		switch c.Act {
		case Tanh:
			next.H = must(G.Tanh(pre))
		case Sigmoid:
			next.H = must(G.Sigmoid(pre))
		case ReLU:
			next.H = must(G.Rectify(pre))
		}
	case LSTM:
		pre := must(G.Add(xw, hu))
		i := must(G.Sigmoid(block(pre, 0)))
		f := must(G.Sigmoid(block(pre, 1)))
		g := must(G.Tanh(block(pre, 2)))
		o := must(G.Sigmoid(block(pre, 3)))
		next.C = must(G.Add(must(G.HadamardProd(f, prev.C)), must(G.HadamardProd(i, g))))
		next.H = must(G.HadamardProd(o, must(G.Tanh(next.C))))
	case GRU:
		r := must(G.Sigmoid(must(G.Add(block(xw, 0), block(hu, 0)))))
		z := must(G.Sigmoid(must(G.Add(block(xw, 1), block(hu, 1)))))
		hn := must(G.BroadcastAdd(block(hu, 2), b.Param(c.BN), nil, []byte{0}))
		n := must(G.Tanh(must(G.Add(block(xw, 2), must(G.HadamardProd(r, hn))))))
		// h = n + z ⊙ (h_prev − n)
		next.H = must(G.Add(n, must(G.HadamardProd(z, must(G.Sub(prev.H, n))))))
	}
	if err != nil {
		return State{}, fmt.Errorf("graph: %v step: %w", c.Kind, err)
	}
	_ = bat
	return next, nil
}

// maskCarry returns old + m ⊙ (new − old) for a row mask m [B]: rows with
// m = 0 keep the old state (padding), rows with m = 1 take the new one.
func maskCarry(newS, oldS, m *G.Node) (*G.Node, error) {
	d, err := G.Sub(newS, oldS)
	if err != nil {
		return nil, err
	}
	d, err = G.BroadcastHadamardProd(d, m, nil, []byte{1})
	if err != nil {
		return nil, err
	}
	return G.Add(oldS, d)
}

// referenceSequence unrolls Step over x [T,B,F] with mask [T,B] (rows with
// 0 carry the state through), in time order or reversed. It returns the
// states [T,B,H] in time order and the final state.
func (c *Cell) referenceSequence(b *Builder, x, mask *G.Node, init State, reverse bool) (*SeqOutput, error) {
	T := x.Shape()[0]
	hs := make(G.Nodes, T)
	st := init
	for s := 0; s < T; s++ {
		t := s
		if reverse {
			t = T - 1 - s
		}
		xt, err := G.Slice(x, G.S(t))
		if err != nil {
			return nil, err
		}
		mt, err := G.Slice(mask, G.S(t))
		if err != nil {
			return nil, err
		}
		next, err := c.Step(b, xt, st)
		if err != nil {
			return nil, err
		}
		if next.H, err = maskCarry(next.H, st.H, mt); err != nil {
			return nil, err
		}
		if c.Kind == LSTM {
			if next.C, err = maskCarry(next.C, st.C, mt); err != nil {
				return nil, err
			}
		}
		st = next
		r, err := G.Reshape(st.H, tensor.Shape{1, st.H.Shape()[0], c.Hidden})
		if err != nil {
			return nil, err
		}
		hs[t] = r
	}
	all, err := G.Concat(0, hs...)
	if err != nil {
		return nil, err
	}
	return &SeqOutput{H: all, Final: st}, nil
}
