package graph

import (
	"fmt"
	"math"

	"github.com/chewxy/hm"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// MSE is the weighted mean squared error of predictions p [N,D] against
// targets y [N,D], with a weight per row [N]:
//
//	loss = Σ_i w_i·Σ_d (p_id − y_id)² / (D·Σ_i w_i)
func MSE(pred, target, weights *G.Node) (*G.Node, error) {
	return rowLoss(lossMSE, pred, target, weights)
}

// BCEWithLogits is the weighted mean binary cross-entropy of targets
// y ∈ [0,1] [N,D] under probabilities σ(z) for logits z [N,D]:
//
//	ℓ(z, y) = max(z, 0) − z·y + log(1 + e^{−|z|})
//	loss = Σ_i w_i·Σ_d ℓ(z_id, y_id) / (D·Σ_i w_i)
//
// written in the form above so that it is finite for logits of any size.
func BCEWithLogits(logits, target, weights *G.Node) (*G.Node, error) {
	return rowLoss(lossBCE, logits, target, weights)
}

type rowLossKind int

const (
	lossMSE rowLossKind = iota
	lossBCE
)

func rowLoss(kind rowLossKind, x, y, w *G.Node) (*G.Node, error) {
	if x.Dims() != 2 || !x.Shape().Eq(y.Shape()) || w.Dims() != 1 || w.Shape()[0] != x.Shape()[0] {
		return nil, fmt.Errorf("graph: loss wants predictions [N,D], targets [N,D], weights [N]; got %v, %v, %v",
			x.Shape(), y.Shape(), w.Shape())
	}
	return G.ApplyOp(&rowLossOp{opBase: newOpBase(fmt.Sprintf("rowloss%d", kind)), kind: kind}, x, y, w)
}

type rowLossOp struct {
	opBase
	kind rowLossKind
}

func (o *rowLossOp) Arity() int                                     { return 3 }
func (o *rowLossOp) Type() hm.Type                                  { return fnType(2, 2, 1, 0) }
func (o *rowLossOp) InferShape(...G.DimSizer) (tensor.Shape, error) { return tensor.ScalarShape(), nil }
func (o *rowLossOp) DiffWRT(int) []bool                             { return []bool{true, false, false} }
func (o *rowLossOp) Do(vs ...G.Value) (G.Value, error) {
	if isF32(vs[0]) {
		return rowLossDo[float32](o.kind, vs, nil), nil
	}
	return rowLossDo[float64](o.kind, vs, nil), nil
}
func (o *rowLossOp) SymDiff(inputs G.Nodes, _, grad *G.Node) (G.Nodes, error) {
	d, err := G.ApplyOp(&rowLossBwdOp{opBase: newOpBase("rowlossBwd"), kind: o.kind}, inputs[0], inputs[1], inputs[2], grad)
	if err != nil {
		return nil, err
	}
	return G.Nodes{d, nil, nil}, nil
}

// rowLossDo computes the loss, or its gradient into dx when dx is not nil
// (scaled by the incoming gradient g).
func rowLossDo[T floats](kind rowLossKind, vs []G.Value, dx []T) G.Value {
	x, y, w := dataOf[T](vs[0]), dataOf[T](vs[1]), dataOf[T](vs[2])
	n := len(w)
	D := len(x) / max(n, 1)
	var wsum float64
	for _, v := range w {
		wsum += float64(v)
	}
	if wsum == 0 {
		return scalarValue(T(0))
	}
	norm := wsum * float64(D)
	g := 1.0
	if dx != nil {
		g = float64(dataOf[T](vs[3])[0])
	}
	var sum float64
	for i := 0; i < n; i++ {
		if w[i] == 0 {
			continue
		}
		wi := float64(w[i])
		for d := i * D; d < (i+1)*D; d++ {
			z, t := float64(x[d]), float64(y[d])
			if kind == lossMSE {
				if dx != nil {
					dx[d] = T(g * wi * 2 * (z - t) / norm)
				} else {
					sum += wi * (z - t) * (z - t)
				}
				continue
			}
			if dx != nil {
				dx[d] = T(g * wi * (1/(1+math.Exp(-z)) - t) / norm)
			} else {
				sum += wi * (math.Max(z, 0) - z*t + math.Log1p(math.Exp(-math.Abs(z))))
			}
		}
	}
	return scalarValue(T(sum / norm))
}

type rowLossBwdOp struct {
	opBase
	kind rowLossKind
}

func (o *rowLossBwdOp) Arity() int    { return 4 }
func (o *rowLossBwdOp) Type() hm.Type { return fnType(2, 2, 1, 0, 2) }
func (o *rowLossBwdOp) InferShape(ds ...G.DimSizer) (tensor.Shape, error) {
	return ds[0].(tensor.Shape).Clone(), nil
}
func (o *rowLossBwdOp) Do(vs ...G.Value) (G.Value, error) {
	sh := vs[0].Shape().Clone()
	if isF32(vs[0]) {
		dx := make([]float32, sh.TotalSize())
		rowLossDo(o.kind, vs, dx)
		return tensor.New(tensor.WithShape(sh...), tensor.WithBacking(dx)), nil
	}
	dx := make([]float64, sh.TotalSize())
	rowLossDo(o.kind, vs, dx)
	return tensor.New(tensor.WithShape(sh...), tensor.WithBacking(dx)), nil
}
