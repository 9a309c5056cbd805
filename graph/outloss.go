package graph

import (
	"fmt"
	"math"

	"github.com/chewxy/hm"
	"github.com/rnnzoo/rnnzoo/internal/parallel"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// outLossChunk is how many rows of logits the fused output loss holds at
// a time.
const outLossChunk = 64

// outLossKeep is the most logits (N·V) a training graph keeps from the
// forward to the backward pass (64 MB of float32) rather than recompute.
var outLossKeep = 1 << 24 // a variable for the tests of both paths

// LinearCrossEntropy is a softmax output layer and its loss in one op: for
// features x [N,In] and the layer lin (W [In,V], b [V]),
//
//	z_i = x_i·W + b,   loss = SmoothedCrossEntropy(z, labels, weights, ε)
//
// computed over chunks of rows, so that the logits [N,V] are never held
// whole: the forward pass keeps each row's log-sum-exp; the backward pass
// recomputes a chunk's logits, forms ∂loss/∂z_i = w_i/Σw·(softmax(z_i) − q_i)
// in place and accumulates ∂x_i = ∂z_i·Wᵀ, ∂W = Σ_i x_iᵀ·∂z_i and
// ∂b = Σ_i ∂z_i. With a vocabulary of tens of thousands of words this
// replaces the half-dozen [N,V] buffers of Linear.Apply followed by
// SmoothedCrossEntropy (the logits, their gradient and Gorgonia's
// intermediates, in every compiled graph) by one [64,V] chunk, at the price
// of computing the logits twice. A training graph whose logits fit in
// outLossKeep values keeps them from the forward pass for the backward one
// instead (one buffer for all the graphs of a Params, see arena): the same
// values, one matrix product fewer per step. It gives no logits; graphs that need them
// (decoding, predictions) use Linear.Apply and SmoothedCrossEntropy, which
// compute the same loss (tested against each other).
func LinearCrossEntropy(b *Builder, x *G.Node, lin *Linear, labels, weights *G.Node, eps float64) (*G.Node, error) {
	if eps < 0 || eps >= 1 || math.IsNaN(eps) {
		return nil, fmt.Errorf("graph: label smoothing %v outside [0, 1)", eps)
	}
	if x.Dims() != 2 || x.Shape()[1] != lin.In {
		return nil, fmt.Errorf("graph: LinearCrossEntropy %s wants features [N,%d], got %v", lin.W.Name, lin.In, x.Shape())
	}
	n := x.Shape()[0]
	if labels.Dims() != 1 || weights.Dims() != 1 || labels.Shape()[0] != n || weights.Shape()[0] != n {
		return nil, fmt.Errorf("graph: LinearCrossEntropy wants labels and weights [%d], got %v and %v", n, labels.Shape(), weights.Shape())
	}
	return G.ApplyOp(&outLossOp{opBase: newOpBase("outloss"), eps: eps}, x, b.Param(lin.W), b.Param(lin.B), labels, weights)
}

// outLossOp keeps each row's log-sum-exp from the forward run for its
// gradient op, a chunk of logits, and the backward op's flat output.
type outLossOp struct {
	opBase
	eps     float64
	lse     []float64 // per row: log Σ exp(z)
	rowLoss []float64 // per row: its unweighted loss
	// holder(0): []T of outLossChunk·V; holder(1): the backward output;
	// holder(2): the logits [N,V] when kept.
	diffed bool   // SymDiff was called: a backward pass will run
	kept   bool   // the last forward run kept the logits in holder(2)
	live   []bool // per chunk of the last forward run: computed
}

func (o *outLossOp) Arity() int                                     { return 5 }
func (o *outLossOp) Type() hm.Type                                  { return fnType(2, 2, 1, 1, 1, 0) }
func (o *outLossOp) InferShape(...G.DimSizer) (tensor.Shape, error) { return tensor.ScalarShape(), nil }
func (o *outLossOp) DiffWRT(int) []bool                             { return []bool{true, true, true, false, false} }
func (o *outLossOp) Do(vs ...G.Value) (G.Value, error) {
	if isF32(vs[0]) {
		return outLossForward[float32](o, vs)
	}
	return outLossForward[float64](o, vs)
}

func (o *outLossOp) SymDiff(inputs G.Nodes, _, grad *G.Node) (G.Nodes, error) {
	o.diffed = true
	flat, err := G.ApplyOp(&outLossBwdOp{opBase: newOpBase("outlossBwd"), fwd: o}, inputs[0], inputs[1], inputs[2], inputs[3], inputs[4], grad)
	if err != nil {
		return nil, err
	}
	out := make(G.Nodes, 5)
	off := 0
	for i := 0; i < 3; i++ {
		s := inputs[i].Shape()
		if out[i], err = G.ApplyOp(newExtract(off, s), flat); err != nil {
			return nil, err
		}
		off += s.TotalSize()
	}
	return out, nil
}

// chunkLogits writes into z [r,V] the logits of the chunk of rows that
// starts at lo, and returns r and whether any of its rows has a weight
// (an all-padding chunk is skipped, its logits not computed).
func chunkLogits[T floats](z, x, w, bias, wt []T, lo, in int) (int, bool) {
	r := min(outLossChunk, len(wt)-lo)
	if allZero(wt[lo : lo+r]) {
		return r, false
	}
	v := len(bias)
	for i := 0; i < r; i++ {
		copy(z[i*v:(i+1)*v], bias)
	}
	gemm(false, false, r, v, in, 1, x[lo*in:], in, w, v, 1, z, v)
	return r, true
}

func outLossForward[T floats](o *outLossOp, vs []G.Value) (G.Value, error) {
	x, w, bias := dataOf[T](vs[0]), dataOf[T](vs[1]), dataOf[T](vs[2])
	y, wt := dataOf[T](vs[3]), dataOf[T](vs[4])
	n, v := len(y), len(bias)
	in := len(x) / max(n, 1)
	if len(o.lse) != n {
		o.lse, o.rowLoss = make([]float64, n), make([]float64, n)
	}
	o.kept = o.diffed && n*v <= outLossKeep
	var zall []T
	if o.kept {
		zall = buffer[T](o.holder(2), n*v)
		o.live = o.live[:0]
	}
	zbuf := buffer[T](o.holder(0), outLossChunk*v)
	var sum, wsum float64
	for lo := 0; lo < n; lo += outLossChunk {
		if o.kept {
			zbuf = zall[lo*v:]
		}
		r, live := chunkLogits(zbuf, x, w, bias, wt, lo, in)
		if o.kept {
			o.live = append(o.live, live)
		}
		if !live {
			continue
		}
		for i := lo; i < lo+r; i++ {
			if k := int(y[i]); wt[i] != 0 && (k < 0 || k >= v || float64(k) != float64(y[i])) {
				return nil, fmt.Errorf("graph: LinearCrossEntropy label %v of row %d is not a class in [0,%d)", y[i], i, v)
			}
		}
		// The rows' exponentials split over the threads; the sum below
		// adds their losses in row order, the same at any thread count.
		z := zbuf
		parallel.For(r, v, func(i0, i1 int) {
			for i := i0; i < i1; i++ {
				if wt[lo+i] == 0 {
					continue
				}
				row := z[i*v : (i+1)*v]
				lse := logSumExp(row)
				o.lse[lo+i] = lse
				o.rowLoss[lo+i] = smoothedRowLoss(row, int(y[lo+i]), lse, o.eps)
			}
		})
		for i := lo; i < lo+r; i++ {
			if wi := float64(wt[i]); wi != 0 {
				sum += wi * o.rowLoss[i]
				wsum += wi
			}
		}
	}
	if wsum == 0 {
		return scalarValue(T(0)), nil
	}
	return scalarValue(T(sum / wsum)), nil
}

func allZero[T floats](w []T) bool {
	for _, e := range w {
		if e != 0 {
			return false
		}
	}
	return true
}

type outLossBwdOp struct {
	opBase
	fwd *outLossOp
}

func (o *outLossBwdOp) Arity() int    { return 6 }
func (o *outLossBwdOp) Type() hm.Type { return fnType(2, 2, 1, 1, 1, 0, 1) }
func (o *outLossBwdOp) InferShape(ds ...G.DimSizer) (tensor.Shape, error) {
	n := 0
	for _, d := range ds[:3] {
		n += d.(tensor.Shape).TotalSize()
	}
	return tensor.Shape{n}, nil
}
func (o *outLossBwdOp) Do(vs ...G.Value) (G.Value, error) {
	if isF32(vs[0]) {
		return outLossBackward[float32](o.fwd, vs), nil
	}
	return outLossBackward[float64](o.fwd, vs), nil
}

// outLossBackward returns [∂x | ∂W | ∂b] flattened.
func outLossBackward[T floats](o *outLossOp, vs []G.Value) G.Value {
	x, w, bias := dataOf[T](vs[0]), dataOf[T](vs[1]), dataOf[T](vs[2])
	y, wt := dataOf[T](vs[3]), dataOf[T](vs[4])
	g := float64(dataOf[T](vs[5])[0])
	n, v := len(y), len(bias)
	in := len(x) / max(n, 1)
	out := buffer[T](o.holder(1), len(x)+len(w)+v)
	clear(out)
	dx, dw, db := out[:len(x)], out[len(x):len(x)+len(w)], out[len(x)+len(w):]
	var wsum float64
	for _, e := range wt {
		wsum += float64(e)
	}
	if wsum == 0 {
		return tensor.New(tensor.WithShape(len(out)), tensor.WithBacking(out))
	}
	var zbuf []T
	if !o.kept {
		zbuf = buffer[T](o.holder(0), outLossChunk*v)
	}
	u := o.eps / float64(v)
	for lo := 0; lo < n; lo += outLossChunk {
		var r int
		var live bool
		if o.kept {
			// the forward pass's logits (its gradient is formed in place)
			r, live = min(outLossChunk, n-lo), o.live[lo/outLossChunk]
			zbuf = buffer[T](o.holder(2), n*v)[lo*v:]
		} else {
			r, live = chunkLogits(zbuf, x, w, bias, wt, lo, in)
		}
		if !live {
			continue
		}
		z := zbuf[:r*v]
		// ∂z row by row over the threads, then ∂b column range by column
		// range, each adding the rows in order: the same bits at any
		// thread count.
		parallel.For(r, v, func(i0, i1 int) {
			for i := i0; i < i1; i++ {
				row := z[i*v : (i+1)*v]
				wi := float64(wt[lo+i])
				if wi == 0 {
					clear(row)
					continue
				}
				lse := o.lse[lo+i]
				scale := g * wi / wsum
				softmaxGrad(row, row, lse, scale, u)
				row[int(y[lo+i])] -= T(scale * (1 - o.eps))
			}
		})
		parallel.For(v, r, func(j0, j1 int) {
			for i := 0; i < r; i++ {
				for j, e := range z[i*v+j0 : i*v+j1] {
					db[j0+j] += e
				}
			}
		})
		gemm(false, true, r, in, v, 1, z, v, w, v, 0, dx[lo*in:], in)
		gemm(true, false, in, v, r, 1, x[lo*in:], in, z, v, 1, dw, v)
	}
	return tensor.New(tensor.WithShape(len(out)), tensor.WithBacking(out))
}
