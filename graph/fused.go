package graph

import (
	"fmt"
	"math"

	"github.com/chewxy/hm"
	"github.com/rnnzoo/rnnzoo/blas"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// fusedOp runs a whole recurrent layer over a sequence as one Gorgonia op:
// the input projections of all steps as one GEMM, one GEMM per step for the
// recurrence, the gates in one loop; its gradient is a second op that runs
// backpropagation through time by hand (see fusedBackward). Inputs, in
// order: X [T,B,F], W [F,G·H], U [H,G·H], b [G·H], bn [H] (GRU only),
// h0 [B,H], c0 [B,H] (LSTM only), mask [T,B]. The output holds h_t for every
// step in time order, [T,B,H]; for LSTM it has one more slab, [T+1,B,H],
// whose last slab is the final cell state. Padded steps (mask 0) carry the
// state through unchanged, in either direction.
type fusedOp struct {
	opBase
	kind    CellKind
	act     Activation
	reverse bool
	T, B    int
	F, H    int
	nIn     int
	iH0     int
	iC0     int
	iM      int
	// shared holds the *fusedCache[T] of the forward pass and the backward
	// scratch, shared by every graph that applies this cell (in the same
	// position): graphs over one set of parameters run one at a time, so
	// the length buckets' graphs need one cache per cell, not one each.
	shared *any
	cell   *Cell
	// holder(0) is the forward output, holder(1) the backward pass's
	// (both []T, reused across runs, see arena).

	// stepNorms, when set, receives ‖∂L/∂h_t‖ (Frobenius over the batch)
	// for every step t in time order after each backward pass.
	stepNorms func([]float64)
}

func newFusedOp(c *Cell, T, B int, reverse bool, shared *any) *fusedOp {
	o := &fusedOp{opBase: newOpBase("fused" + c.Kind.String()), kind: c.Kind, act: c.Act, reverse: reverse,
		T: T, B: B, F: c.In, H: c.Hidden, shared: shared, cell: c}
	o.nIn = 4
	if c.Kind == GRU {
		o.nIn++
	}
	o.iH0 = o.nIn
	o.nIn++
	o.iC0 = -1
	if c.Kind == LSTM {
		o.iC0 = o.nIn
		o.nIn++
	}
	o.iM = o.nIn
	o.nIn++
	return o
}

func (o *fusedOp) outSlabs() int {
	if o.kind == LSTM {
		return o.T + 1
	}
	return o.T
}

func (o *fusedOp) inDims() []int {
	d := []int{3, 2, 2, 1}
	if o.kind == GRU {
		d = append(d, 1)
	}
	d = append(d, 2)
	if o.kind == LSTM {
		d = append(d, 2)
	}
	return append(d, 2)
}

func (o *fusedOp) Arity() int    { return o.nIn }
func (o *fusedOp) Type() hm.Type { return fnType(append(o.inDims(), 3)...) }
func (o *fusedOp) InferShape(...G.DimSizer) (tensor.Shape, error) {
	return tensor.Shape{o.outSlabs(), o.B, o.H}, nil
}
func (o *fusedOp) DiffWRT(n int) []bool {
	d := make([]bool, n)
	for i := range d {
		d[i] = i != o.iM
	}
	return d
}

func (o *fusedOp) Do(vs ...G.Value) (G.Value, error) {
	if err := o.checkShapes(vs); err != nil {
		return nil, err
	}
	if isF32(vs[0]) {
		return fusedForward[float32](o, vs), nil
	}
	return fusedForward[float64](o, vs), nil
}

func (o *fusedOp) checkShapes(vs []G.Value) error {
	want := []tensor.Shape{{o.T, o.B, o.F}, {o.F, o.kind.gates() * o.H}, {o.H, o.kind.gates() * o.H}, {o.kind.gates() * o.H}}
	if o.kind == GRU {
		want = append(want, tensor.Shape{o.H})
	}
	want = append(want, tensor.Shape{o.B, o.H})
	if o.kind == LSTM {
		want = append(want, tensor.Shape{o.B, o.H})
	}
	want = append(want, tensor.Shape{o.T, o.B})
	for i, w := range want {
		if !vs[i].Shape().Eq(w) {
			return fmt.Errorf("graph: %s input %d has shape %v, want %v", o, i, vs[i].Shape(), w)
		}
	}
	return nil
}

func (o *fusedOp) SymDiff(inputs G.Nodes, output, grad *G.Node) (G.Nodes, error) {
	args := append(append(G.Nodes{}, inputs...), output, grad)
	flat, err := G.ApplyOp(&fusedBwdOp{opBase: newOpBase("fusedBwd" + o.kind.String()), fwd: o}, args...)
	if err != nil {
		return nil, err
	}
	return splitFlat(flat, inputs, o.iM)
}

// fusedCache keeps what the backward pass needs from the forward pass of
// the last run, and the backward pass's scratch buffers. Its slices are
// cut to the sizes of the op that runs and grow for a longer one.
type fusedCache[T floats] struct {
	A     []T // activated gates [T,B,G·H]
	C     []T // LSTM cell states [T,B,H]
	TC    []T // LSTM tanh(c_t) [T,B,H]
	HN    []T // GRU h_{t−1}·U_n + bn [T,B,H]
	Hprev []T // h_{t−1} of each step [T,B,H]
	Cprev []T // LSTM c_{t−1} of each step [T,B,H]
	PH    []T // GRU h·U of one step [B,G·H]; in backward, dPH [T,B,G·H]
	dP    []T // ∂L/∂pre-activation [T,B,G·H]
	dh    []T
	dhN   []T
	dc    []T
}

// fit returns s cut to n elements, or a new slice if s holds fewer.
func fit[T floats](s []T, n int) []T {
	if cap(s) >= n {
		return s[:n]
	}
	return make([]T, n)
}

// cacheOf returns the op's shared cache with its forward buffers cut to
// the op's sizes. The backward pass's buffers (dP, dh, dhN, dc) are made
// by its first run, so that cells only run forward never hold them.
func cacheOf[T floats](o *fusedOp) *fusedCache[T] {
	c, ok := (*o.shared).(*fusedCache[T])
	if !ok {
		c = &fusedCache[T]{}
		*o.shared = c
	}
	nT, B, H, GH := o.T, o.B, o.H, o.kind.gates()*o.H
	c.A, c.Hprev = fit(c.A, nT*B*GH), fit(c.Hprev, nT*B*H)
	switch o.kind {
	case LSTM:
		c.C, c.TC, c.Cprev = fit(c.C, nT*B*H), fit(c.TC, nT*B*H), fit(c.Cprev, nT*B*H)
	case GRU:
		c.HN, c.PH = fit(c.HN, nT*B*H), fit(c.PH, nT*B*GH)
	}
	return c
}

// stepOrder returns the time index processed at position s.
func (o *fusedOp) stepOrder(s int) int {
	if o.reverse {
		return o.T - 1 - s
	}
	return s
}

func fusedForward[T floats](o *fusedOp, vs []G.Value) G.Value {
	X, W, U, bias := dataOf[T](vs[0]), dataOf[T](vs[1]), dataOf[T](vs[2]), dataOf[T](vs[3])
	var bn, c0 []T
	if o.kind == GRU {
		bn = dataOf[T](vs[4])
	}
	h0 := dataOf[T](vs[o.iH0])
	if o.kind == LSTM {
		c0 = dataOf[T](vs[o.iC0])
	}
	M := dataOf[T](vs[o.iM])
	nT, B, F, H := o.T, o.B, o.F, o.H
	GH := o.kind.gates() * H
	BH := B * H
	cc := cacheOf[T](o)
	P := cc.A
	if impl, pw := o.sealedPack(W, o.cell.W, F, GH); pw != nil {
		impl.SgemmPacked(false, nT*B, 1, any(X).([]float32), F, pw, 0, any(P).([]float32), GH)
	} else {
		gemm(false, false, nT*B, GH, F, 1, X, F, W, GH, 0, P, GH)
	}
	out := buffer[T](o.holder(0), o.outSlabs()*BH)
	var rec stepProduct[T]
	if impl, pu := o.sealedPack(U, o.cell.U, H, GH); pu != nil {
		rec = stepProduct[T]{k: H, n: GH, impl: impl, packed: pu}
	} else {
		rec = newStepProduct(H, GH, U)
		defer rec.release()
	}
	for s := 0; s < nT; s++ {
		t := o.stepOrder(s)
		var hp, cp []T
		if s == 0 {
			hp, cp = h0, c0
		} else {
			tp := o.stepOrder(s - 1)
			hp = out[tp*BH : (tp+1)*BH]
			if o.kind == LSTM {
				cp = cc.C[tp*BH : (tp+1)*BH]
			}
		}
		copy(cc.Hprev[t*BH:], hp)
		if o.kind == LSTM {
			copy(cc.Cprev[t*BH:], cp)
		}
		Pt := P[t*B*GH : (t+1)*B*GH]
		var PH []T
		if o.kind == GRU {
			PH = cc.PH[t*B*GH : (t+1)*B*GH]
			rec.mul(B, hp, 0, PH)
		} else {
			rec.mul(B, hp, 1, Pt)
		}
		ht := out[t*BH : (t+1)*BH]
		for bi := 0; bi < B; bi++ {
			keep := M[t*B+bi] != 0
			row := Pt[bi*GH : (bi+1)*GH]
			hpr := hp[bi*H : (bi+1)*H]
			hr := ht[bi*H : (bi+1)*H]
			switch o.kind {
			case RNN:
				vadd(row, bias)
				activateVec(o.act, row)
				if keep {
					copy(hr, row)
				} else {
					copy(hr, hpr)
				}
			case LSTM:
				vadd(row, bias)
				vsigmoid(row[:2*H])
				vtanh(row[2*H : 3*H])
				vsigmoid(row[3*H:])
				cpr := cp[bi*H : (bi+1)*H]
				off := t*BH + bi*H
				cr, tcr := cc.C[off:off+H], cc.TC[off:off+H]
				i, f, g, og := row[:H], row[H:2*H], row[2*H:3*H], row[3*H:]
				vlstmCell(cr, f, cpr, i, g)
				vtanhTo(tcr, cr)
				if keep {
					vmul(hr, og, tcr)
				} else {
					copy(cr, cpr)
					copy(hr, hpr)
				}
			case GRU:
				ph := PH[bi*GH : (bi+1)*GH]
				hnr := cc.HN[t*BH+bi*H : t*BH+(bi+1)*H]
				for j := 0; j < 2*H; j++ {
					row[j] += bias[j] + ph[j]
				}
				vsigmoid(row[:2*H])
				r, z, n := row[:H], row[H:2*H], row[2*H:]
				for j := 0; j < H; j++ {
					hn := ph[2*H+j] + bn[j]
					hnr[j] = hn
					n[j] += bias[2*H+j] + r[j]*hn
				}
				vtanh(n)
				if keep {
					for j := 0; j < H; j++ {
						hr[j] = n[j] + z[j]*(hpr[j]-n[j])
					}
				} else {
					copy(hr, hpr)
				}
			}
		}
	}
	if o.kind == LSTM {
		last := o.stepOrder(nT - 1)
		copy(out[nT*BH:], cc.C[last*BH:(last+1)*BH])
	}
	return tensor.New(tensor.WithShape(o.outSlabs(), B, H), tensor.WithBacking(out))
}

// activateVec applies σ in place.
func activateVec[T floats](a Activation, x []T) {
	switch a {
	case Sigmoid:
		vsigmoid(x)
	case ReLU:
		for j, v := range x {
			if v < 0 {
				x[j] = 0
			}
		}
	default:
		vtanh(x)
	}
}

// activateGrad is σ'(x) written in terms of the output y = σ(x).
func activateGrad[T floats](a Activation, y T) T {
	switch a {
	case Sigmoid:
		return y * (1 - y)
	case ReLU:
		if y > 0 {
			return 1
		}
		return 0
	}
	return 1 - y*y
}

// fusedBwdOp is the gradient of a fusedOp: inputs are the forward inputs,
// the forward output and its gradient; the output is one flat vector of the
// gradients of every differentiable input, in input order.
type fusedBwdOp struct {
	opBase
	fwd *fusedOp
}

func (o *fusedBwdOp) Arity() int { return o.fwd.nIn + 2 }
func (o *fusedBwdOp) Type() hm.Type {
	return fnType(append(o.fwd.inDims(), 3, 3, 1)...)
}
func (o *fusedBwdOp) InferShape(ds ...G.DimSizer) (tensor.Shape, error) {
	n := 0
	for i := 0; i < o.fwd.nIn; i++ {
		if i == o.fwd.iM {
			continue
		}
		n += ds[i].(tensor.Shape).TotalSize()
	}
	return tensor.Shape{n}, nil
}
func (o *fusedBwdOp) Do(vs ...G.Value) (G.Value, error) {
	if isF32(vs[0]) {
		return fusedBackward[float32](o.fwd, vs), nil
	}
	return fusedBackward[float64](o.fwd, vs), nil
}

func fusedBackward[T floats](o *fusedOp, vs []G.Value) G.Value {
	X, W, U := dataOf[T](vs[0]), dataOf[T](vs[1]), dataOf[T](vs[2])
	M := dataOf[T](vs[o.iM])
	dY := dataOf[T](vs[o.nIn+1])
	nT, B, F, H := o.T, o.B, o.F, o.H
	GH := o.kind.gates() * H
	BH := B * H
	cc := cacheOf[T](o)
	cc.dP, cc.dh, cc.dhN = fit(cc.dP, nT*B*GH), fit(cc.dh, BH), fit(cc.dhN, BH)
	if o.kind == LSTM {
		cc.dc = fit(cc.dc, BH)
	}
	size := 0
	for i := 0; i < o.nIn; i++ {
		if i != o.iM {
			size += vs[i].Shape().TotalSize()
		}
	}
	flat := buffer[T](o.holder(1), size)
	clear(flat[nT*B*F+F*GH+H*GH:]) // db, dbn accumulate; the rest is overwritten
	off := 0
	take := func(n int) []T { s := flat[off : off+n]; off += n; return s }
	dX, dW, dU, db := take(nT*B*F), take(F*GH), take(H*GH), take(GH)
	var dbn, dc0 []T
	if o.kind == GRU {
		dbn = take(H)
	}
	dh0 := take(BH)
	if o.kind == LSTM {
		dc0 = take(BH)
	}
	dP := cc.dP
	dPH := dP
	if o.kind == GRU {
		dPH = cc.PH // reused: forward's h·U is no longer needed
	}
	dh, dhN := cc.dh, cc.dhN
	clear(dh)
	var dc []T
	if o.kind == LSTM {
		dc = cc.dc
		copy(dc, dY[nT*BH:(nT+1)*BH])
	}
	var norms []float64
	if o.stepNorms != nil {
		norms = make([]float64, nT)
	}
	for s := nT - 1; s >= 0; s-- {
		t := o.stepOrder(s)
		vadd(dh, dY[t*BH:(t+1)*BH])
		if norms != nil {
			var ss float64
			for _, v := range dh {
				ss += float64(v) * float64(v)
			}
			norms[t] = math.Sqrt(ss)
		}
		A := cc.A[t*B*GH : (t+1)*B*GH]
		dPt := dP[t*B*GH : (t+1)*B*GH]
		dPHt := dPH[t*B*GH : (t+1)*B*GH]
		for bi := 0; bi < B; bi++ {
			dpr := dPt[bi*GH : (bi+1)*GH]
			dphr := dPHt[bi*GH : (bi+1)*GH]
			if M[t*B+bi] == 0 {
				clear(dpr)
				clear(dphr)
				continue
			}
			a := A[bi*GH : (bi+1)*GH]
			dhr := dh[bi*H : (bi+1)*H]
			switch o.kind {
			case RNN:
				if o.act == Tanh {
					vtanhBackward(dpr[:H], dhr, a[:H])
					break
				}
				for j := 0; j < H; j++ {
					dpr[j] = dhr[j] * activateGrad(o.act, a[j])
				}
			case LSTM:
				base := t*BH + bi*H
				tc, cp := cc.TC[base:base+H], cc.Cprev[base:base+H]
				vlstmBackward(dpr, a, tc, cp, dc[bi*H:(bi+1)*H], dhr, H)
			case GRU:
				base := t*BH + bi*H
				hp, hn := cc.Hprev[base:base+H], cc.HN[base:base+H]
				for j := 0; j < H; j++ {
					r, z, n := a[j], a[H+j], a[2*H+j]
					dan := dhr[j] * (1 - z) * (1 - n*n)
					dz := dhr[j] * (hp[j] - n)
					dr := dan * hn[j]
					dpr[j] = dr * r * (1 - r)
					dpr[H+j] = dz * z * (1 - z)
					dpr[2*H+j] = dan
					dphr[j], dphr[H+j], dphr[2*H+j] = dpr[j], dpr[H+j], dan*r
				}
			}
		}
		// ∂L/∂h_{t−1} = dPH_t·Uᵀ, plus the direct paths.
		gemm(false, true, B, H, GH, 1, dPHt, GH, U, GH, 0, dhN, H)
		for bi := 0; bi < B; bi++ {
			dhr, dnr := dh[bi*H:(bi+1)*H], dhN[bi*H:(bi+1)*H]
			if M[t*B+bi] == 0 {
				for j := range dnr {
					dnr[j] += dhr[j]
				}
				continue
			}
			if o.kind == GRU {
				z := cc.A[t*B*GH+bi*GH+H : t*B*GH+bi*GH+2*H]
				for j := range dnr {
					dnr[j] += dhr[j] * z[j]
				}
			}
		}
		dh, dhN = dhN, dh
	}
	copy(dh0, dh)
	if o.kind == LSTM {
		copy(dc0, dc)
	}
	gemm(true, false, F, GH, nT*B, 1, X, F, dP, GH, 0, dW, GH)
	gemm(true, false, H, GH, nT*B, 1, cc.Hprev, H, dPH, GH, 0, dU, GH)
	for r := 0; r < nT*B; r++ {
		row := dP[r*GH : (r+1)*GH]
		for j, v := range row {
			db[j] += v
		}
		if o.kind == GRU {
			hrow := dPH[r*GH+2*H : (r+1)*GH]
			for j, v := range hrow {
				dbn[j] += v
			}
		}
	}
	gemm(false, true, nT*B, F, GH, 1, dP, GH, W, GH, 0, dX, F)
	if norms != nil {
		o.stepNorms(norms)
	}
	return tensor.New(tensor.WithShape(size), tensor.WithBacking(flat))
}

// sealedPack is the packed copy of the weights w of p (k×n) that the
// cell's Params keep while sealed (Params.Seal), with the BLAS to multiply
// by it; or nil.
func (o *fusedOp) sealedPack(w any, p *Param, k, n int) (blas.Implementation, *blas.PackedB) {
	w32, ok := w.([]float32)
	if !ok || o.cell == nil {
		return blas.Implementation{}, nil
	}
	return o.cell.ps.packed(p, w32, k, n)
}
