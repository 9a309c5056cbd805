package graph

import (
	"fmt"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// Linear is an affine map y = x·W + b for x [N,In], W [In,Out], b [Out].
type Linear struct {
	In, Out int
	W, B    *Param
}

// NewLinear creates a Linear layer named name with Glorot-uniform weights
// and zero bias.
func NewLinear(ps *Params, name string, in, out int) (*Linear, error) {
	if err := positive("linear layer "+name, in, out); err != nil {
		return nil, err
	}
	if err := ps.free(name+".W", name+".b"); err != nil {
		return nil, err
	}
	return &Linear{In: in, Out: out,
		W: ps.New(name+".W", tensor.Shape{in, out}, GlorotUniform()),
		B: ps.New(name+".b", tensor.Shape{out}, nil)}, nil
}

// Apply computes x·W + b for a matrix x [N,In].
func (l *Linear) Apply(b *Builder, x *G.Node) (*G.Node, error) {
	if x.Dims() != 2 || x.Shape()[1] != l.In {
		return nil, fmt.Errorf("graph: Linear %s wants [N,%d], got %v", l.W.Name, l.In, x.Shape())
	}
	xw, err := G.Mul(x, b.Param(l.W))
	if err != nil {
		return nil, err
	}
	return G.BroadcastAdd(xw, b.Param(l.B), nil, []byte{0})
}

// Embedding maps token ids to rows of a matrix E [V,D]. It can be
// initialised from a given matrix (pretrained word vectors) and frozen
// (E.Frozen = true) or fine-tuned.
type Embedding struct {
	Vocab, Dim int
	E          *Param
}

// NewEmbedding creates a V×D embedding initialised from U(−0.1, 0.1).
func NewEmbedding(ps *Params, name string, vocab, dim int) (*Embedding, error) {
	if err := positive("embedding "+name, vocab, dim); err != nil {
		return nil, err
	}
	if err := ps.free(name + ".E"); err != nil {
		return nil, err
	}
	return &Embedding{Vocab: vocab, Dim: dim, E: ps.New(name+".E", tensor.Shape{vocab, dim}, Uniform(0.1))}, nil
}

// NewEmbeddingFrom creates an embedding holding a copy of the row-major
// matrix m [vocab·dim]; frozen keeps it fixed during training.
func NewEmbeddingFrom(ps *Params, name string, vocab, dim int, m []float64, frozen bool) (*Embedding, error) {
	if err := positive("embedding "+name, vocab, dim); err != nil {
		return nil, err
	}
	if len(m) != vocab*dim {
		return nil, fmt.Errorf("graph: embedding %s: %d values for %d×%d", name, len(m), vocab, dim)
	}
	if err := ps.free(name + ".E"); err != nil {
		return nil, err
	}
	e := &Embedding{Vocab: vocab, Dim: dim, E: ps.FromValues(name+".E", tensor.Shape{vocab, dim}, m)}
	e.E.Frozen = frozen
	return e, nil
}

// Apply looks up the rows of ids (an integer input of any shape) and returns
// them with a trailing axis of size Dim: ids [T,B] give [T,B,D].
func (e *Embedding) Apply(b *Builder, ids *Input) (*G.Node, error) {
	shape := ids.Value.Shape()
	flat := ids.Node
	if shape.Dims() != 1 {
		var err error
		if flat, err = G.Reshape(ids.Node, tensor.Shape{shape.TotalSize()}); err != nil {
			return nil, err
		}
	}
	rows, err := G.ApplyOp(&embedOp{opBase: newOpBase("embed"), V: e.Vocab, D: e.Dim}, b.Param(e.E), flat)
	if err != nil {
		return nil, err
	}
	if shape.Dims() == 1 {
		return rows, nil
	}
	out := append(shape.Clone(), e.Dim)
	return G.Reshape(rows, out)
}

func hadamard(a, b *G.Node) (*G.Node, error) { return G.HadamardProd(a, b) }

// Argmax returns the index of the largest value in each row of a matrix
// value (float32 or float64), e.g. the predicted classes from logits.
func Argmax(m *tensor.Dense) []int {
	s := m.Shape()
	rows, cols := s[0], s[len(s)-1]
	out := make([]int, rows)
	switch d := m.Data().(type) {
	case []float32:
		for r := range out {
			out[r] = ArgmaxRow(d[r*cols : (r+1)*cols])
		}
	case []float64:
		for r := range out {
			out[r] = ArgmaxRow(d[r*cols : (r+1)*cols])
		}
	}
	return out
}

// ArgmaxRow returns the first index of the largest value of row (0 for
// an empty row), e.g. the class of a row of probabilities.
func ArgmaxRow[T floats](row []T) int {
	best := 0
	for j, v := range row {
		if v > row[best] {
			best = j
		}
	}
	return best
}
