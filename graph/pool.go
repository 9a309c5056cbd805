package graph

import (
	"fmt"

	"github.com/chewxy/hm"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// Pool says how a many-to-one model reduces the hidden states over time.
type Pool int

const (
	// PoolLast takes the final state (after the last real step).
	PoolLast Pool = iota
	// PoolMax takes the maximum over the real steps, per feature.
	PoolMax
	// PoolMean takes the mean over the real steps.
	PoolMean
)

// ParsePool reads "last", "max" or "mean".
func ParsePool(s string) (Pool, error) {
	switch s {
	case "last":
		return PoolLast, nil
	case "max":
		return PoolMax, nil
	case "mean":
		return PoolMean, nil
	}
	return 0, fmt.Errorf("graph: unknown pooling %q (want last, max or mean)", s)
}

// String returns "last", "max" or "mean".
func (p Pool) String() string { return [...]string{"last", "max", "mean"}[p] }

// MaskedPool reduces H [T,B,D] over time to [B,D] using only the steps
// where mask [T,B] is 1: the mean Σ_t m_t·h_t / Σ_t m_t, or the per-feature
// maximum (gradient to the arg max). A sequence with no real step gives 0.
func MaskedPool(h, mask *G.Node, mode Pool) (*G.Node, error) {
	if mode == PoolLast {
		return nil, fmt.Errorf("graph: MaskedPool takes max or mean; use the final state for last")
	}
	if h.Dims() != 3 || mask.Dims() != 2 || h.Shape()[0] != mask.Shape()[0] || h.Shape()[1] != mask.Shape()[1] {
		return nil, fmt.Errorf("graph: MaskedPool wants H [T,B,D] and mask [T,B], got %v and %v", h.Shape(), mask.Shape())
	}
	return G.ApplyOp(&poolOp{opBase: newOpBase("pool" + mode.String()), mode: mode}, h, mask)
}

type poolOp struct {
	opBase
	mode Pool
	arg  []int // arg max per [B,D] of the last forward run (when diffed)
	// diffed: SymDiff was called, so a backward pass will want arg.
	diffed bool
}

func (o *poolOp) Arity() int    { return 2 }
func (o *poolOp) Type() hm.Type { return fnType(3, 2, 2) }
func (o *poolOp) InferShape(ds ...G.DimSizer) (tensor.Shape, error) {
	s := ds[0].(tensor.Shape)
	return tensor.Shape{s[1], s[2]}, nil
}
func (o *poolOp) DiffWRT(int) []bool { return []bool{true, false} }
func (o *poolOp) Do(vs ...G.Value) (G.Value, error) {
	if isF32(vs[0]) {
		return poolForward[float32](o, vs[0], vs[1]), nil
	}
	return poolForward[float64](o, vs[0], vs[1]), nil
}
func (o *poolOp) SymDiff(inputs G.Nodes, _, grad *G.Node) (G.Nodes, error) {
	o.diffed = true
	d, err := G.ApplyOp(&poolBwdOp{opBase: newOpBase("poolBwd"), fwd: o}, inputs[0], inputs[1], grad)
	if err != nil {
		return nil, err
	}
	return G.Nodes{d, nil}, nil
}

func poolForward[T floats](o *poolOp, hv, mv G.Value) G.Value {
	h, m := dataOf[T](hv), dataOf[T](mv)
	s := hv.Shape()
	nT, B, D := s[0], s[1], s[2]
	out := buffer[T](o.holder(0), B*D)
	clear(out)
	// The arg max is kept only for a backward pass: a graph without one
	// (inference) never called SymDiff.
	track := o.mode == PoolMax && o.diffed
	if track {
		if len(o.arg) != B*D {
			o.arg = make([]int, B*D)
		}
		for i := range o.arg {
			o.arg[i] = -1
		}
	}
	for b := 0; b < B; b++ {
		acc := out[b*D : (b+1)*D]
		var arg []int
		if track {
			arg = o.arg[b*D : (b+1)*D]
		}
		var n T
		for t := 0; t < nT; t++ {
			if m[t*B+b] == 0 {
				continue
			}
			row := h[(t*B+b)*D : (t*B+b+1)*D]
			row = row[:len(acc)]
			switch {
			case o.mode == PoolMean:
				for d, v := range row {
					acc[d] += v
				}
			case n == 0:
				copy(acc, row)
				for d := range arg {
					arg[d] = t
				}
			case track:
				for d, v := range row {
					if v > acc[d] {
						acc[d], arg[d] = v, t
					}
				}
			default:
				for d, v := range row {
					if v > acc[d] {
						acc[d] = v
					}
				}
			}
			n++
		}
		if o.mode == PoolMean && n > 0 {
			for d := range acc {
				acc[d] /= n
			}
		}
	}
	return tensor.New(tensor.WithShape(B, D), tensor.WithBacking(out))
}

type poolBwdOp struct {
	opBase
	fwd *poolOp
}

func (o *poolBwdOp) Arity() int    { return 3 }
func (o *poolBwdOp) Type() hm.Type { return fnType(3, 2, 2, 3) }
func (o *poolBwdOp) InferShape(ds ...G.DimSizer) (tensor.Shape, error) {
	return ds[0].(tensor.Shape).Clone(), nil
}
func (o *poolBwdOp) Do(vs ...G.Value) (G.Value, error) {
	if isF32(vs[0]) {
		return poolBackward[float32](o, vs), nil
	}
	return poolBackward[float64](o, vs), nil
}

func poolBackward[T floats](bwd *poolBwdOp, vs []G.Value) G.Value {
	o := bwd.fwd
	m, g := dataOf[T](vs[1]), dataOf[T](vs[2])
	s := vs[0].Shape()
	nT, B, D := s[0], s[1], s[2]
	out := buffer[T](bwd.holder(0), nT*B*D)
	clear(out)
	for b := 0; b < B; b++ {
		if o.mode == PoolMax {
			for d := 0; d < D; d++ {
				if t := o.arg[b*D+d]; t >= 0 {
					out[(t*B+b)*D+d] = g[b*D+d]
				}
			}
			continue
		}
		var n T
		for t := 0; t < nT; t++ {
			n += m[t*B+b]
		}
		if n == 0 {
			continue
		}
		for t := 0; t < nT; t++ {
			if m[t*B+b] == 0 {
				continue
			}
			row := out[(t*B+b)*D : (t*B+b+1)*D]
			for d := range row {
				row[d] = g[b*D+d] / n
			}
		}
	}
	return tensor.New(tensor.WithShape(nT, B, D), tensor.WithBacking(out))
}
