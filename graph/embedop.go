package graph

import (
	"fmt"

	"github.com/chewxy/hm"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// embedOp gathers rows of E [V,D] by integer ids [N] into [N,D]. Its
// gradient scatters-adds the incoming rows into a [V,D] buffer that is
// reused from run to run (Gorgonia's ByIndices allocates a new one every
// run) and, through the arena, shared by the graphs of one Params.
type embedOp struct {
	opBase
	V, D int
}

func (o *embedOp) Arity() int { return 2 }
func (o *embedOp) Type() hm.Type {
	a := hm.TypeVariable('a')
	return hm.NewFnType(G.TensorType{Dims: 2, Of: a}, G.TensorType{Dims: 1, Of: tensor.Int}, G.TensorType{Dims: 2, Of: a})
}
func (o *embedOp) InferShape(ds ...G.DimSizer) (tensor.Shape, error) {
	return tensor.Shape{ds[1].(tensor.Shape).TotalSize(), o.D}, nil
}
func (o *embedOp) DiffWRT(int) []bool { return []bool{true, false} }
func (o *embedOp) Do(vs ...G.Value) (G.Value, error) {
	ids := vs[1].Data().([]int)
	for i, id := range ids {
		if id < 0 || id >= o.V {
			return nil, fmt.Errorf("graph: token id %d at position %d outside the vocabulary [0,%d)", id, i, o.V)
		}
	}
	if isF32(vs[0]) {
		return gather(o.holder(0), dataOf[float32](vs[0]), ids, o.D), nil
	}
	return gather(o.holder(0), dataOf[float64](vs[0]), ids, o.D), nil
}

// gather copies the rows ids of e into the op's buffer *buf (reused across
// runs: the tape machine reads an op's output only within the run).
func gather[T floats](buf *any, e []T, ids []int, D int) G.Value {
	out := buffer[T](buf, len(ids)*D)
	for i, id := range ids {
		copy(out[i*D:(i+1)*D], e[id*D:(id+1)*D])
	}
	return tensor.New(tensor.WithShape(len(ids), D), tensor.WithBacking(out))
}

func (o *embedOp) SymDiff(inputs G.Nodes, _, grad *G.Node) (G.Nodes, error) {
	d, err := G.ApplyOp(&embedBwdOp{opBase: newOpBase("embedBwd"), fwd: o}, inputs[0], inputs[1], grad)
	if err != nil {
		return nil, err
	}
	return G.Nodes{d, nil}, nil
}

type embedBwdOp struct {
	opBase
	fwd *embedOp
}

func (o *embedBwdOp) Arity() int { return 3 }
func (o *embedBwdOp) Type() hm.Type {
	a := hm.TypeVariable('a')
	return hm.NewFnType(G.TensorType{Dims: 2, Of: a}, G.TensorType{Dims: 1, Of: tensor.Int}, G.TensorType{Dims: 2, Of: a}, G.TensorType{Dims: 2, Of: a})
}
func (o *embedBwdOp) InferShape(ds ...G.DimSizer) (tensor.Shape, error) {
	return ds[0].(tensor.Shape).Clone(), nil
}
func (o *embedBwdOp) Do(vs ...G.Value) (G.Value, error) {
	if isF32(vs[0]) {
		return scatter[float32](o, vs), nil
	}
	return scatter[float64](o, vs), nil
}

func scatter[T floats](o *embedBwdOp, vs []G.Value) G.Value {
	V, D := o.fwd.V, o.fwd.D
	buf := buffer[T](o.holder(0), V*D)
	clear(buf)
	ids := vs[1].Data().([]int)
	g := dataOf[T](vs[2])
	for i, id := range ids {
		row := buf[id*D : (id+1)*D]
		for j, v := range g[i*D : (i+1)*D] {
			row[j] += v
		}
	}
	return tensor.New(tensor.WithShape(V, D), tensor.WithBacking(buf))
}
