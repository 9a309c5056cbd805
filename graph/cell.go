package graph

import (
	"fmt"
	"math"

	"gorgonia.org/tensor"
)

// CellKind names a recurrent cell.
type CellKind int

const (
	// RNN is the Elman cell h_t = σ(x_t·W_hx + h_{t−1}·W_hh + b_h).
	RNN CellKind = iota
	// LSTM is the long short-term memory cell.
	LSTM
	// GRU is the gated recurrent unit.
	GRU
)

// String returns "rnn", "lstm" or "gru".
func (k CellKind) String() string {
	switch k {
	case RNN:
		return "rnn"
	case LSTM:
		return "lstm"
	case GRU:
		return "gru"
	}
	return fmt.Sprintf("CellKind(%d)", int(k))
}

// ParseCellKind reads "rnn", "lstm" or "gru".
func ParseCellKind(s string) (CellKind, error) {
	switch s {
	case "rnn":
		return RNN, nil
	case "lstm":
		return LSTM, nil
	case "gru":
		return GRU, nil
	}
	return 0, fmt.Errorf("graph: unknown cell %q (want lstm, gru or rnn)", s)
}

// gates is the number of H-wide blocks in the cell's pre-activation.
func (k CellKind) gates() int {
	switch k {
	case LSTM:
		return 4
	case GRU:
		return 3
	}
	return 1
}

// Activation is the nonlinearity σ of an Elman cell.
type Activation int

const (
	// Tanh is σ(x) = tanh x.
	Tanh Activation = iota
	// Sigmoid is σ(x) = 1/(1+e^{−x}), as the seed document states the cell.
	Sigmoid
	// ReLU is σ(x) = max(0, x).
	ReLU
)

// String returns "tanh", "sigmoid" or "relu".
func (a Activation) String() string {
	switch a {
	case Tanh:
		return "tanh"
	case Sigmoid:
		return "sigmoid"
	case ReLU:
		return "relu"
	}
	return fmt.Sprintf("Activation(%d)", int(a))
}

// ParseActivation reads "tanh", "sigmoid" or "relu".
func ParseActivation(s string) (Activation, error) {
	switch s {
	case "tanh":
		return Tanh, nil
	case "sigmoid":
		return Sigmoid, nil
	case "relu":
		return ReLU, nil
	}
	return 0, fmt.Errorf("graph: unknown activation %q (want tanh, sigmoid or relu)", s)
}

// Cell holds the weights of one recurrent cell over a batch: input x_t [B,F],
// state h_{t−1} [B,H] (and c_{t−1} for LSTM). Rows are examples, so the
// products are written x·W. The three kinds compute:
//
// Elman RNN (Kind RNN, σ = Act):
//
//	h_t = σ(x_t·W + h_{t−1}·U + b)                (W = W_hx, U = W_hh, b = b_h)
//
// LSTM (W, U and b hold the four gates side by side in the order i, f, g, o):
//
//	i_t = σ(x_t·W_i + h_{t−1}·U_i + b_i)          input gate
//	f_t = σ(x_t·W_f + h_{t−1}·U_f + b_f)          forget gate (b_f starts at 1)
//	g_t = tanh(x_t·W_g + h_{t−1}·U_g + b_g)       candidate
//	o_t = σ(x_t·W_o + h_{t−1}·U_o + b_o)          output gate
//	c_t = f_t ⊙ c_{t−1} + i_t ⊙ g_t               cell state
//	h_t = o_t ⊙ tanh(c_t)
//
// GRU (gates in the order r, z, n; BN is the bias of the candidate's
// recurrent term, as in cuDNN and PyTorch):
//
//	r_t = σ(x_t·W_r + h_{t−1}·U_r + b_r)          reset gate
//	z_t = σ(x_t·W_z + h_{t−1}·U_z + b_z)          update gate
//	n_t = tanh(x_t·W_n + b_n + r_t ⊙ (h_{t−1}·U_n + bn))
//	h_t = (1 − z_t) ⊙ n_t + z_t ⊙ h_{t−1}
//
// Weights start from U(−1/√H, 1/√H), biases from 0 (the LSTM forget-gate
// bias from 1).
type Cell struct {
	Kind       CellKind
	Act        Activation // Elman cells only
	In, Hidden int
	W          *Param // [In, G·H]
	U          *Param // [H, G·H]
	B          *Param // [G·H]
	BN         *Param // GRU only: [H]

	// caches are the fused ops' working memory, one per application of
	// the cell within a graph, shared by all graphs (see fusedOp.shared).
	caches []*any
	ps     *Params // the weights' owner (for Params.Seal)
}

// NewCell creates the weights of a cell named name.
func NewCell(ps *Params, name string, kind CellKind, in, hidden int, act Activation) (*Cell, error) {
	if kind < RNN || kind > GRU || act < Tanh || act > ReLU {
		return nil, fmt.Errorf("graph: cell %s: no cell kind %d or activation %d", name, int(kind), int(act))
	}
	if err := positive("cell "+name, in, hidden); err != nil {
		return nil, err
	}
	if err := ps.free(name+".W", name+".U", name+".b", name+".bn"); err != nil {
		return nil, err
	}
	g := kind.gates()
	k := 1 / math.Sqrt(float64(hidden))
	c := &Cell{Kind: kind, Act: act, In: in, Hidden: hidden, ps: ps,
		W: ps.New(name+".W", tensor.Shape{in, g * hidden}, Uniform(k)),
		U: ps.New(name+".U", tensor.Shape{hidden, g * hidden}, Uniform(k)),
		B: ps.New(name+".b", tensor.Shape{g * hidden}, nil),
	}
	if kind == LSTM {
		setBlock(c.B, 1, hidden, 1)
	}
	if kind == GRU {
		c.BN = ps.New(name+".bn", tensor.Shape{hidden}, nil)
	}
	return c, nil
}

func setBlock(p *Param, block, width int, v float64) {
	switch d := p.Value.Data().(type) {
	case []float32:
		for i := block * width; i < (block+1)*width; i++ {
			d[i] = float32(v)
		}
	case []float64:
		for i := block * width; i < (block+1)*width; i++ {
			d[i] = v
		}
	}
}

// Params returns the cell's parameters.
func (c *Cell) Params() []*Param {
	ps := []*Param{c.W, c.U, c.B}
	if c.BN != nil {
		ps = append(ps, c.BN)
	}
	return ps
}
