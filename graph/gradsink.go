package graph

import (
	"fmt"

	"github.com/chewxy/hm"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// gradSinkOp adds its input, the gradient of one parameter over a run,
// into the parameter's Grad as soon as the tape machine has computed it,
// and returns a scalar zero that nothing reads.
//
// It replaces Gorgonia's dual values (gorgonia.BindDualValues), which kept
// a zeroed copy of every trainable parameter per compiled graph, added each
// run's gradient into it and were then added into Param.Grad and cleared:
// a full copy of the weights per graph (per length bucket and batch size)
// and three passes over each gradient per run where one does. The gradient
// must be taken when it is computed: a later instruction of the tape may
// reuse its register and overwrite the tensor in place, which is why
// reading the gradient node's value after the run is not safe.
type gradSinkOp struct {
	opBase
	p    *Param
	dims int
	zero G.Value
}

func newGradSink(p *Param) *gradSinkOp {
	o := &gradSinkOp{opBase: newOpBase("gradSink " + p.Name), p: p, dims: p.Value.Dims()}
	if p.Value.Dtype() == tensor.Float32 {
		o.zero = G.NewF32(0)
	} else {
		o.zero = G.NewF64(0)
	}
	return o
}

func (o *gradSinkOp) Arity() int    { return 1 }
func (o *gradSinkOp) Type() hm.Type { return fnType(o.dims, 0) }
func (o *gradSinkOp) InferShape(...G.DimSizer) (tensor.Shape, error) {
	return tensor.ScalarShape(), nil
}
func (o *gradSinkOp) Do(vs ...G.Value) (G.Value, error) {
	switch src := vs[0].Data().(type) {
	case []float32:
		addInto(o.p.Grad.Data().([]float32), src)
	case []float64:
		addInto(o.p.Grad.Data().([]float64), src)
	default:
		return nil, fmt.Errorf("graph: gradient of %s is a %T, not a float tensor", o.p.Name, vs[0])
	}
	return o.zero, nil
}

// addInto sets dst[j] += src[j].
func addInto[T floats](dst, src []T) {
	dst = dst[:len(src)]
	for j, v := range src {
		dst[j] += v
	}
}
