package graph

import (
	"fmt"

	"github.com/chewxy/hm"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// leadRows takes x[lo:hi] along the leading axis (hi = lo+1 drops the
// axis, as G.Slice with one index does). It computes what G.Slice does,
// into a buffer reused across runs: Gorgonia's slice of a fused op's
// output allocated and copied element by element on every run. Its
// gradient puts the output's gradient back at rows lo:hi of zeros.
func leadRows(x *G.Node, lo, hi int) (*G.Node, error) {
	s := x.Shape()
	if s.Dims() < 2 || lo < 0 || hi > s[0] || lo >= hi {
		return nil, fmt.Errorf("graph: rows %d:%d of shape %v", lo, hi, s)
	}
	out := s.Clone()
	if hi-lo == 1 {
		out = out[1:]
	} else {
		out[0] = hi - lo
	}
	return G.ApplyOp(&rowsOp{opBase: newOpBase("rows"), lo: lo, hi: hi, in: s.Clone(), out: out}, x)
}

type rowsOp struct {
	opBase
	lo, hi  int
	in, out tensor.Shape
}

func (o *rowsOp) Arity() int    { return 1 }
func (o *rowsOp) Type() hm.Type { return fnType(o.in.Dims(), o.out.Dims()) }
func (o *rowsOp) InferShape(...G.DimSizer) (tensor.Shape, error) {
	return o.out.Clone(), nil
}
func (o *rowsOp) DiffWRT(int) []bool { return []bool{true} }
func (o *rowsOp) Do(vs ...G.Value) (G.Value, error) {
	if isF32(vs[0]) {
		return rowsDo[float32](o, vs[0]), nil
	}
	return rowsDo[float64](o, vs[0]), nil
}
func (o *rowsOp) SymDiff(_ G.Nodes, _, grad *G.Node) (G.Nodes, error) {
	d, err := G.ApplyOp(&rowsBwdOp{opBase: newOpBase("rowsBwd"), fwd: o}, grad)
	if err != nil {
		return nil, err
	}
	return G.Nodes{d}, nil
}

func rowsDo[T floats](o *rowsOp, v G.Value) G.Value {
	x := dataOf[T](v)
	row := o.in[1:].TotalSize()
	out := buffer[T](o.holder(0), (o.hi-o.lo)*row)
	copy(out, x[o.lo*row:o.hi*row])
	return tensor.New(tensor.WithShape(o.out...), tensor.WithBacking(out))
}

// rowsBwdOp is the gradient of rowsOp: the rows lo:hi of zeros of the
// input's shape hold the output's gradient.
type rowsBwdOp struct {
	opBase
	fwd *rowsOp
}

func (o *rowsBwdOp) Arity() int    { return 1 }
func (o *rowsBwdOp) Type() hm.Type { return fnType(o.fwd.out.Dims(), o.fwd.in.Dims()) }
func (o *rowsBwdOp) InferShape(...G.DimSizer) (tensor.Shape, error) {
	return o.fwd.in.Clone(), nil
}
func (o *rowsBwdOp) Do(vs ...G.Value) (G.Value, error) {
	if isF32(vs[0]) {
		return rowsBwdDo[float32](o, vs[0]), nil
	}
	return rowsBwdDo[float64](o, vs[0]), nil
}

func rowsBwdDo[T floats](bwd *rowsBwdOp, v G.Value) G.Value {
	o := bwd.fwd
	g := dataOf[T](v)
	row := o.in[1:].TotalSize()
	out := buffer[T](bwd.holder(0), o.in.TotalSize())
	clear(out)
	copy(out[o.lo*row:o.hi*row], g)
	return tensor.New(tensor.WithShape(o.in...), tensor.WithBacking(out))
}
