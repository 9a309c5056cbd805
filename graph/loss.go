package graph

import (
	"fmt"
	"math"

	"github.com/chewxy/hm"
	"github.com/rnnzoo/rnnzoo/blas"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// CrossEntropy is the weighted mean softmax cross-entropy of logits [N,C]
// against class labels [N] (class indices stored as floats), with a weight
// per row [N] (1 for real rows, 0 for padding):
//
//	loss = Σ_i w_i·(log Σ_j exp(z_ij) − z_i,y_i) / Σ_i w_i
//
// The log-sum-exp is taken after subtracting each row's own maximum, so the
// loss stays finite and exact for logits of any scale (Gorgonia's last-axis
// SoftMax is not). It is one fused op with a hand-written gradient
// ∂loss/∂z_ij = w_i/Σw·(softmax(z_i)_j − [j = y_i]).
// A batch whose weights are all zero has loss 0.
func CrossEntropy(logits, labels, weights *G.Node) (*G.Node, error) {
	return SmoothedCrossEntropy(logits, labels, weights, 0)
}

// SmoothedCrossEntropy is CrossEntropy against label-smoothed targets
// (Szegedy et al. 2016): each row's target distribution is
// q_j = (1−ε)·[j = y_i] + ε/C instead of the one-hot [j = y_i], so
//
//	loss = Σ_i w_i·(log Σ_j exp(z_ij) − (1−ε)·z_i,y_i − ε/C·Σ_j z_ij) / Σ_i w_i
//
// with the gradient ∂loss/∂z_ij = w_i/Σw·(softmax(z_i)_j − q_j). It keeps
// the model from pushing its probabilities to 0 and 1; ε = 0 is
// CrossEntropy. ε must lie in [0, 1).
func SmoothedCrossEntropy(logits, labels, weights *G.Node, eps float64) (*G.Node, error) {
	if eps < 0 || eps >= 1 || math.IsNaN(eps) {
		return nil, fmt.Errorf("graph: label smoothing %v outside [0, 1)", eps)
	}
	if logits.Dims() != 2 || labels.Dims() != 1 || weights.Dims() != 1 {
		return nil, fmt.Errorf("graph: CrossEntropy wants logits [N,C], labels [N], weights [N]; got %v, %v, %v",
			logits.Shape(), labels.Shape(), weights.Shape())
	}
	if logits.Shape()[0] != labels.Shape()[0] || labels.Shape()[0] != weights.Shape()[0] {
		return nil, fmt.Errorf("graph: CrossEntropy row counts differ: %v, %v, %v", logits.Shape(), labels.Shape(), weights.Shape())
	}
	return G.ApplyOp(&xentOp{opBase: newOpBase("xent"), eps: eps}, logits, labels, weights)
}

// xentOp caches each row's log-sum-exp from the forward run for its
// gradient op (the tape always runs the forward op first).
type xentOp struct {
	opBase
	eps float64 // label smoothing
	lse []float64
}

func (o *xentOp) Arity() int                                     { return 3 }
func (o *xentOp) Type() hm.Type                                  { return fnType(2, 1, 1, 0) }
func (o *xentOp) InferShape(...G.DimSizer) (tensor.Shape, error) { return tensor.ScalarShape(), nil }
func (o *xentOp) DiffWRT(int) []bool                             { return []bool{true, false, false} }
func (o *xentOp) Do(vs ...G.Value) (G.Value, error) {
	if isF32(vs[0]) {
		return xentForward[float32](o, vs)
	}
	return xentForward[float64](o, vs)
}

func (o *xentOp) SymDiff(inputs G.Nodes, _, grad *G.Node) (G.Nodes, error) {
	d, err := G.ApplyOp(&xentBwdOp{opBase: newOpBase("xentBwd"), fwd: o}, inputs[0], inputs[1], inputs[2], grad)
	if err != nil {
		return nil, err
	}
	return G.Nodes{d, nil, nil}, nil
}

func xentForward[T floats](o *xentOp, vs []G.Value) (G.Value, error) {
	z := dataOf[T](vs[0])
	y := dataOf[T](vs[1])
	w := dataOf[T](vs[2])
	n := len(y)
	c := len(z) / max(n, 1)
	if len(o.lse) != n {
		o.lse = make([]float64, n)
	}
	var sum, wsum float64
	for i := 0; i < n; i++ {
		if w[i] == 0 {
			continue
		}
		k := int(y[i])
		if k < 0 || k >= c || float64(k) != float64(y[i]) {
			return nil, fmt.Errorf("graph: CrossEntropy label %v of row %d is not a class in [0,%d)", y[i], i, c)
		}
		row := z[i*c : (i+1)*c]
		lse := logSumExp(row)
		o.lse[i] = lse
		sum += float64(w[i]) * smoothedRowLoss(row, k, lse, o.eps)
		wsum += float64(w[i])
	}
	if wsum == 0 {
		return scalarValue(T(0)), nil
	}
	return scalarValue(T(sum / wsum)), nil
}

// smoothedRowLoss is one row's cross-entropy against the label k smoothed
// by eps, given the row's log-sum-exp: lse − (1−ε)·z_k − ε·mean_j z_j.
func smoothedRowLoss[T floats](row []T, k int, lse, eps float64) float64 {
	if eps == 0 {
		return lse - float64(row[k])
	}
	var zs float64
	for _, v := range row {
		zs += float64(v)
	}
	return lse - (1-eps)*float64(row[k]) - eps*zs/float64(len(row))
}

// logSumExp computes log Σ exp(x) stably in float64.
func logSumExp[T floats](x []T) float64 {
	m := math.Inf(-1)
	for _, v := range x {
		if float64(v) > m {
			m = float64(v)
		}
	}
	if math.IsInf(m, 0) {
		return m
	}
	var s float64
	var buf [expChunk]float64
	for lo := 0; lo < len(x); lo += expChunk {
		e := buf[:min(expChunk, len(x)-lo)]
		expShifted(e, x[lo:], m)
		for _, v := range e {
			s += v
		}
	}
	return m + math.Log(s)
}

// expChunk is how many exponentials the softmax loops compute at a time
// (into a buffer on the stack) before using them.
const expChunk = 256

// expShifted sets dst[j] = exp(float64(x[j]) − shift) for j < len(dst):
// for float32 by blas.ExpShifted64, vectorised with math.Exp's bits, so
// that every loss and gradient is what the scalar loop gave.
func expShifted[T floats](dst []float64, x []T, shift float64) {
	if x32, ok := any(x).([]float32); ok {
		blas.ExpShifted64(dst, x32, shift)
		return
	}
	for j := range dst {
		dst[j] = math.Exp(float64(x[j]) - shift)
	}
}

// softmaxGrad sets dst[j] = scale·(exp(z[j] − lse) − u), a row's part of
// the gradient of the smoothed cross-entropy without its label term; dst
// may be z.
func softmaxGrad[T floats](dst, z []T, lse, scale, u float64) {
	var buf [expChunk]float64
	for lo := 0; lo < len(z); lo += expChunk {
		e := buf[:min(expChunk, len(z)-lo)]
		expShifted(e, z[lo:], lse)
		for j, v := range e {
			dst[lo+j] = T(scale * (v - u))
		}
	}
}

type xentBwdOp struct {
	opBase
	fwd *xentOp
}

func (o *xentBwdOp) Arity() int    { return 4 }
func (o *xentBwdOp) Type() hm.Type { return fnType(2, 1, 1, 0, 2) }
func (o *xentBwdOp) InferShape(ds ...G.DimSizer) (tensor.Shape, error) {
	return ds[0].(tensor.Shape).Clone(), nil
}
func (o *xentBwdOp) Do(vs ...G.Value) (G.Value, error) {
	if isF32(vs[0]) {
		return xentBackward[float32](o.fwd.lse, o.fwd.eps, vs), nil
	}
	return xentBackward[float64](o.fwd.lse, o.fwd.eps, vs), nil
}

func xentBackward[T floats](lses []float64, eps float64, vs []G.Value) G.Value {
	z := dataOf[T](vs[0])
	y := dataOf[T](vs[1])
	w := dataOf[T](vs[2])
	g := float64(dataOf[T](vs[3])[0])
	n := len(y)
	c := len(z) / max(n, 1)
	out := make([]T, len(z))
	var wsum float64
	for i := 0; i < n; i++ {
		wsum += float64(w[i])
	}
	if wsum != 0 {
		for i := 0; i < n; i++ {
			if w[i] == 0 {
				continue
			}
			row := z[i*c : (i+1)*c]
			lse := lses[i]
			scale := g * float64(w[i]) / wsum
			o := out[i*c : (i+1)*c]
			u := eps / float64(c)
			softmaxGrad(o, row, lse, scale, u)
			o[int(y[i])] -= T(scale * (1 - eps))
		}
	}
	return tensor.New(tensor.WithShape(vs[0].Shape().Clone()...), tensor.WithBacking(out))
}

// LogSoftmax returns log(softmax(x)) over the last axis of a matrix [N,C],
// computed stably (each row's maximum subtracted first), with its gradient
// ∂/∂x_ij = g_ij − softmax(x_i)_j·Σ_k g_ik.
func LogSoftmax(x *G.Node) (*G.Node, error) {
	if x.Dims() != 2 {
		return nil, fmt.Errorf("graph: LogSoftmax wants a matrix, got shape %v", x.Shape())
	}
	return G.ApplyOp(&logSoftmaxOp{opBase: newOpBase("logsoftmax")}, x)
}

type logSoftmaxOp struct{ opBase }

func (o *logSoftmaxOp) Arity() int    { return 1 }
func (o *logSoftmaxOp) Type() hm.Type { return fnType(2, 2) }
func (o *logSoftmaxOp) InferShape(ds ...G.DimSizer) (tensor.Shape, error) {
	return ds[0].(tensor.Shape).Clone(), nil
}
func (o *logSoftmaxOp) DiffWRT(int) []bool { return []bool{true} }
func (o *logSoftmaxOp) Do(vs ...G.Value) (G.Value, error) {
	if isF32(vs[0]) {
		return logSoftmaxDo[float32](vs[0]), nil
	}
	return logSoftmaxDo[float64](vs[0]), nil
}
func (o *logSoftmaxOp) SymDiff(inputs G.Nodes, output, grad *G.Node) (G.Nodes, error) {
	d, err := G.ApplyOp(&logSoftmaxBwdOp{opBase: newOpBase("logsoftmaxBwd")}, output, grad)
	if err != nil {
		return nil, err
	}
	return G.Nodes{d}, nil
}

func logSoftmaxDo[T floats](v G.Value) G.Value {
	x := dataOf[T](v)
	sh := v.Shape()
	c := sh[1]
	out := make([]T, len(x))
	for i := 0; i < sh[0]; i++ {
		row := x[i*c : (i+1)*c]
		lse := logSumExp(row)
		for j, e := range row {
			out[i*c+j] = T(float64(e) - lse)
		}
	}
	return tensor.New(tensor.WithShape(sh.Clone()...), tensor.WithBacking(out))
}

type logSoftmaxBwdOp struct{ opBase }

func (o *logSoftmaxBwdOp) Arity() int    { return 2 }
func (o *logSoftmaxBwdOp) Type() hm.Type { return fnType(2, 2, 2) }
func (o *logSoftmaxBwdOp) InferShape(ds ...G.DimSizer) (tensor.Shape, error) {
	return ds[0].(tensor.Shape).Clone(), nil
}
func (o *logSoftmaxBwdOp) Do(vs ...G.Value) (G.Value, error) {
	if isF32(vs[0]) {
		return logSoftmaxBwd[float32](vs[0], vs[1]), nil
	}
	return logSoftmaxBwd[float64](vs[0], vs[1]), nil
}

func logSoftmaxBwd[T floats](yv, gv G.Value) G.Value {
	y := dataOf[T](yv)
	g := dataOf[T](gv)
	sh := yv.Shape()
	c := sh[1]
	out := make([]T, len(y))
	for i := 0; i < sh[0]; i++ {
		var s float64
		for j := 0; j < c; j++ {
			s += float64(g[i*c+j])
		}
		for j := 0; j < c; j++ {
			out[i*c+j] = T(float64(g[i*c+j]) - math.Exp(float64(y[i*c+j]))*s)
		}
	}
	return tensor.New(tensor.WithShape(sh.Clone()...), tensor.WithBacking(out))
}
