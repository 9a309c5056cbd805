package graph

import (
	"fmt"
	"hash"
	"hash/fnv"
	"sync"
	"sync/atomic"
	"unsafe"

	"github.com/chewxy/hm"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// opSeq numbers custom op instances so that their hashes differ: Gorgonia
// merges nodes with equal hashes, which would fuse two layers over the same
// inputs into one.
var opSeq atomic.Uint64

// opBase holds what every custom op of this package shares.
type opBase struct {
	name string
	id   uint64
	// holders are the op's working buffers (see holder); arena and slot
	// say where they come from once Builder.Compile has placed the op.
	holders []*any
	arena   *arena
	slot    int
}

func newOpBase(name string) opBase { return opBase{name: name, id: opSeq.Add(1)} }

func (o *opBase) base() *opBase { return o }

// holder returns the op's i-th buffer holder (for buffer). An op placed by
// Builder.Compile gets it from the arena of its Params: the op in the same
// position of every graph over those Params shares it.
func (o *opBase) holder(i int) *any {
	for len(o.holders) <= i {
		if o.arena != nil {
			o.holders = append(o.holders, o.arena.holder(o.slot, len(o.holders)))
		} else {
			o.holders = append(o.holders, new(any))
		}
	}
	return o.holders[i]
}

// arena holds the working buffers of the custom ops of every graph over one
// Params: the k-th op (in creation order) of each graph uses slot k, which
// grows to the largest size any graph asks of it. Graphs over one Params run
// one at a time (as the fused ops' caches already require), and a graph's
// outputs are copied out by Gorgonia's read instructions, so a buffer is
// never read by one graph after another graph wrote it. Without the arena
// each compiled graph (per length bucket, batch size, training or not) held
// its own activations and gradients. When a slot grows, a graph that does
// not run again keeps the smaller buffer it last used (through its nodes'
// values) until the graph itself is dropped.
type arena struct {
	mu    sync.Mutex
	slots [][]*any
}

func (a *arena) holder(slot, i int) *any {
	a.mu.Lock()
	defer a.mu.Unlock()
	for len(a.slots) <= slot {
		a.slots = append(a.slots, nil)
	}
	for len(a.slots[slot]) <= i {
		a.slots[slot] = append(a.slots[slot], new(any))
	}
	return a.slots[slot][i]
}

// placed is an op that takes its buffers from an arena.
type placed interface{ base() *opBase }

func (o *opBase) ReturnsPtr() bool      { return false }
func (o *opBase) CallsExtern() bool     { return false }
func (o *opBase) OverwritesInput() int  { return -1 }
func (o *opBase) String() string        { return fmt.Sprintf("%s#%d", o.name, o.id) }
func (o *opBase) WriteHash(h hash.Hash) { fmt.Fprintf(h, "rnnzoo.%s#%d", o.name, o.id) }
func (o *opBase) Hashcode() uint32 {
	h := fnv.New32a()
	o.WriteHash(h)
	return h.Sum32()
}

// fnType builds an op type from the dimensions of its inputs and output;
// 0 stands for a scalar of the float type.
func fnType(dims ...int) hm.Type {
	a := hm.TypeVariable('a')
	ts := make([]hm.Type, len(dims))
	for i, d := range dims {
		if d == 0 {
			ts[i] = a
		} else {
			ts[i] = G.TensorType{Dims: d, Of: a}
		}
	}
	return hm.NewFnType(ts...)
}

// floats is the constraint of the generic kernels.
type floats interface{ ~float32 | ~float64 }

// dataOf returns the backing slice of a float tensor value.
func dataOf[T floats](v G.Value) []T {
	switch x := v.(type) {
	case *tensor.Dense:
		// The backing slice without Dense.Data's reflection and allocation
		// (it is called for every input of every op of every run).
		var z T
		switch {
		case x.IsScalar():
		case unsafe.Sizeof(z) == 4 && x.Dtype() == tensor.Float32:
			f := x.Float32s()
			return *(*[]T)(unsafe.Pointer(&f))
		case unsafe.Sizeof(z) == 8 && x.Dtype() == tensor.Float64:
			f := x.Float64s()
			return *(*[]T)(unsafe.Pointer(&f))
		}
		return x.Data().([]T)
	case *G.F32:
		return any([]float32{float32(*x)}).([]T)
	case *G.F64:
		return any([]float64{float64(*x)}).([]T)
	}
	panic(fmt.Sprintf("graph: unexpected value type %T", v))
}

// scalarValue wraps a float as a Gorgonia scalar value of type T.
func scalarValue[T floats](v T) G.Value {
	switch any(v).(type) {
	case float32:
		return G.NewF32(float32(v))
	default:
		return G.NewF64(float64(v))
	}
}

// newDense allocates a zeroed tensor of element type T.
func newDense[T floats](shape ...int) *tensor.Dense {
	n := 1
	for _, s := range shape {
		n *= s
	}
	return tensor.New(tensor.WithShape(shape...), tensor.WithBacking(make([]T, n)))
}

// buffer returns *p as a []T of n elements, allocating it when it holds
// none of that length: an op's buffer reused across runs.
func buffer[T floats](p *any, n int) []T {
	if b, ok := (*p).([]T); ok && cap(b) >= n {
		return b[:n]
	}
	b := make([]T, n)
	*p = b
	return b
}

// isF32 reports whether a value holds float32 data.
func isF32(v G.Value) bool { return v.Dtype() == tensor.Float32 }

// extractOp copies a contiguous part of a flat gradient vector out as a
// tensor of the given shape: it turns the single flat output of a fused
// backward op into one gradient per input.
type extractOp struct {
	opBase
	off   int
	shape tensor.Shape
	dims  int
}

func newExtract(off int, shape tensor.Shape) *extractOp {
	return &extractOp{opBase: newOpBase("extract"), off: off, shape: shape.Clone(), dims: shape.Dims()}
}

func (o *extractOp) Arity() int { return 1 }
func (o *extractOp) Type() hm.Type {
	if o.dims == 0 {
		return fnType(1, 0)
	}
	return fnType(1, o.dims)
}
func (o *extractOp) InferShape(...G.DimSizer) (tensor.Shape, error) { return o.shape.Clone(), nil }
func (o *extractOp) Do(vs ...G.Value) (G.Value, error) {
	if isF32(vs[0]) {
		return extractDo[float32](o, vs[0]), nil
	}
	return extractDo[float64](o, vs[0]), nil
}

func extractDo[T floats](o *extractOp, v G.Value) G.Value {
	src := dataOf[T](v)
	n := o.shape.TotalSize()
	if o.dims == 0 {
		return scalarValue(src[o.off])
	}
	out := buffer[T](o.holder(0), n)
	copy(out, src[o.off:o.off+n])
	return tensor.New(tensor.WithShape(o.shape...), tensor.WithBacking(out))
}

// splitFlat turns the flat output of a fused backward op, which holds the
// gradients of every input but the one at index skip (a mask) one after
// the other, into one gradient node per input (nil at skip).
func splitFlat(flat *G.Node, inputs G.Nodes, skip int) (G.Nodes, error) {
	out := make(G.Nodes, len(inputs))
	off := 0
	for i, in := range inputs {
		if i == skip {
			continue
		}
		s := in.Shape()
		n, err := G.ApplyOp(newExtract(off, s), flat)
		if err != nil {
			return nil, err
		}
		out[i] = n
		off += s.TotalSize()
	}
	return out, nil
}
