package graph

import (
	"fmt"
	"math"

	"github.com/chewxy/hm"
	"github.com/rnnzoo/rnnzoo/blas"
	"github.com/rnnzoo/rnnzoo/internal/parallel"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// AttentionKind names a score function.
type AttentionKind int

const (
	// NoAttention means a decoder without attention.
	NoAttention AttentionKind = iota
	// Additive is Bahdanau's score vᵀ·tanh(q·W_q + k·W_k).
	Additive
	// Dot is Luong's q·k (query and key sizes must be equal).
	Dot
	// General is Luong's q·W_a·k.
	General
)

// ParseAttention reads "none", "additive", "dot" or "general".
func ParseAttention(s string) (AttentionKind, error) {
	switch s {
	case "none":
		return NoAttention, nil
	case "additive":
		return Additive, nil
	case "dot":
		return Dot, nil
	case "general":
		return General, nil
	}
	return 0, fmt.Errorf("graph: unknown attention %q (want none, additive, dot or general)", s)
}

// String returns the name ParseAttention reads.
func (k AttentionKind) String() string {
	return [...]string{"none", "additive", "dot", "general"}[k]
}

// Attention scores every decoder state q_t [Dq] against every encoder state
// k_s [Dk] of its own example, normalises the scores over the real source
// steps (mask 1) and returns the context c_t = Σ_s α_ts·k_s:
//
//	score(q, k) = vᵀ·tanh(q·W_q + k·W_k)   (Additive)
//	score(q, k) = q·k                      (Dot)
//	score(q, k) = q·W_a·k                  (General)
//	α_ts = exp(score(q_t, k_s)) / Σ_{s' real} exp(score(q_t, k_s'))
//
// It is one fused op (scores, masked softmax, context) with a hand-written
// gradient. Queries and keys are time-major, [Tq,B,Dq] and [Ts,B,Dk], like
// the recurrent layers' outputs; the source mask is [Ts,B].
type Attention struct {
	Kind   AttentionKind
	Dq, Dk int
	Wq     *Param // Additive: [Dq,A]
	Wk     *Param // Additive: [Dk,A]
	V      *Param // Additive: [A]
	Wa     *Param // General: [Dq,Dk]
	// Weights, when set, receives the attention weights α [Tq,B,Ts] after
	// each forward run (for heatmaps).
	Weights func(alpha []float64, tq, b, ts int)
}

// NewAttention creates the score parameters; units is the size A of the
// additive score's hidden layer.
func NewAttention(ps *Params, name string, kind AttentionKind, dq, dk, units int) (*Attention, error) {
	a := &Attention{Kind: kind, Dq: dq, Dk: dk}
	switch kind {
	case Additive:
		a.Wq = ps.New(name+".Wq", tensor.Shape{dq, units}, GlorotUniform())
		a.Wk = ps.New(name+".Wk", tensor.Shape{dk, units}, GlorotUniform())
		a.V = ps.New(name+".v", tensor.Shape{units}, Uniform(1/math.Sqrt(float64(units))))
	case Dot:
		if dq != dk {
			return nil, fmt.Errorf("graph: dot attention needs equal query and key sizes, got %d and %d", dq, dk)
		}
	case General:
		a.Wa = ps.New(name+".Wa", tensor.Shape{dq, dk}, GlorotUniform())
	default:
		return nil, fmt.Errorf("graph: attention kind %v has no parameters", kind)
	}
	return a, nil
}

// Apply returns the contexts [Tq,B,Dk] for queries q [Tq,B,Dq], keys k
// [Ts,B,Dk] and the source mask [Ts,B].
func (a *Attention) Apply(b *Builder, q, k, srcMask *G.Node) (*G.Node, error) {
	if q.Dims() != 3 || k.Dims() != 3 || srcMask.Dims() != 2 || q.Shape()[1] != k.Shape()[1] ||
		q.Shape()[2] != a.Dq || k.Shape()[2] != a.Dk || !srcMask.Shape().Eq(tensor.Shape{k.Shape()[0], k.Shape()[1]}) {
		return nil, fmt.Errorf("graph: attention wants q [Tq,B,%d], k [Ts,B,%d], mask [Ts,B]; got %v, %v, %v",
			a.Dq, a.Dk, q.Shape(), k.Shape(), srcMask.Shape())
	}
	op := &attnOp{opBase: newOpBase("attn" + a.Kind.String()), a: a}
	args := G.Nodes{q, k, srcMask}
	for _, p := range a.params() {
		args = append(args, b.Param(p))
	}
	return G.ApplyOp(op, args...)
}

func (a *Attention) params() []*Param {
	switch a.Kind {
	case Additive:
		return []*Param{a.Wq, a.Wk, a.V}
	case General:
		return []*Param{a.Wa}
	}
	return nil
}

type attnOp struct {
	opBase
	a     *Attention
	alpha any // []T [Tq,B,Ts] of the last forward run
	// For a backward pass (diffed: SymDiff was called), the last forward
	// run also keeps its projections pq, pk ([]T) and, for additive
	// attention, tanh(pq+pk) [Tq,B,Ts,A] in holder(0): the backward pass
	// reads them instead of computing them again (the same values).
	// Holders 1–7: pq, pk, α, the output, the backward output, ∂pq, ∂pk.
	diffed bool
	keptTh bool // the last forward run kept tanh (at most attnKeep values)
	pq, pk any
}

func (o *attnOp) Arity() int { return 3 + len(o.a.params()) }
func (o *attnOp) dims() []int {
	d := []int{3, 3, 2}
	for _, p := range o.a.params() {
		d = append(d, p.Value.Dims())
	}
	return d
}
func (o *attnOp) Type() hm.Type { return fnType(append(o.dims(), 3)...) }
func (o *attnOp) InferShape(ds ...G.DimSizer) (tensor.Shape, error) {
	q, k := ds[0].(tensor.Shape), ds[1].(tensor.Shape)
	return tensor.Shape{q[0], q[1], k[2]}, nil
}
func (o *attnOp) DiffWRT(n int) []bool {
	d := make([]bool, n)
	for i := range d {
		d[i] = i != 2
	}
	return d
}
func (o *attnOp) Do(vs ...G.Value) (G.Value, error) {
	if isF32(vs[0]) {
		return attnForward[float32](o, vs), nil
	}
	return attnForward[float64](o, vs), nil
}
func (o *attnOp) SymDiff(inputs G.Nodes, output, grad *G.Node) (G.Nodes, error) {
	o.diffed = true
	args := append(append(G.Nodes{}, inputs...), grad)
	flat, err := G.ApplyOp(&attnBwdOp{opBase: newOpBase("attnBwd"), fwd: o}, args...)
	if err != nil {
		return nil, err
	}
	return splitFlat(flat, inputs, 2)
}

// attnKeep is the most tanh values (Tq·B·Ts·A) a training graph's additive
// attention keeps for its backward pass (64 MB of float32) rather than
// compute again; a variable for the tests of both paths.
var attnKeep = 1 << 24

// attnDims unpacks the shapes of an attention call.
type attnDims struct{ Tq, Ts, B, Dq, Dk, A int }

func dimsOf(vs []G.Value, a *Attention) attnDims {
	q, k := vs[0].Shape(), vs[1].Shape()
	d := attnDims{Tq: q[0], B: q[1], Dq: q[2], Ts: k[0], Dk: k[2]}
	if a.Kind == Additive {
		d.A = a.V.Size()
	}
	return d
}

// projections computes the per-step query/key projections the score needs:
// Additive: PQ = q·W_q [Tq·B,A], PK = k·W_k [Ts·B,A]; General: PQ = q·W_a
// [Tq·B,Dk]; Dot: PQ = q. They are written into the op's holders 1 and 2.
func attnProject[T floats](o *attnOp, vs []G.Value, d attnDims) (pq, pk []T) {
	a := o.a
	q, k := dataOf[T](vs[0]), dataOf[T](vs[1])
	switch a.Kind {
	case Additive:
		pq, pk = buffer[T](o.holder(1), d.Tq*d.B*d.A), buffer[T](o.holder(2), d.Ts*d.B*d.A)
		gemm(false, false, d.Tq*d.B, d.A, d.Dq, 1, q, d.Dq, dataOf[T](vs[3]), d.A, 0, pq, d.A)
		gemm(false, false, d.Ts*d.B, d.A, d.Dk, 1, k, d.Dk, dataOf[T](vs[4]), d.A, 0, pk, d.A)
	case General:
		pq = buffer[T](o.holder(1), d.Tq*d.B*d.Dk)
		gemm(false, false, d.Tq*d.B, d.Dk, d.Dq, 1, q, d.Dq, dataOf[T](vs[3]), d.Dk, 0, pq, d.Dk)
	default:
		pq = q
	}
	return pq, pk
}

// attnScore is the score of query step tq against source step ts in
// sequence b; th, when not nil, receives the A values tanh(pq+pk) of an
// additive score.
func attnScore[T floats](a *Attention, vs []G.Value, d attnDims, pq, pk []T, tq, b, ts int, th []T) T {
	k := dataOf[T](vs[1])
	switch a.Kind {
	case Additive:
		v := dataOf[T](vs[5])[:d.A]
		qa, ka := pq[(tq*d.B+b)*d.A:][:d.A], pk[(ts*d.B+b)*d.A:][:d.A]
		var s T
		if th != nil { // kept for the backward pass
			addTanh(th[:d.A], qa, ka)
			for j, e := range th[:d.A] {
				s += v[j] * e
			}
			return s
		}
		var buf [256]T
		for lo := 0; lo < d.A; lo += len(buf) {
			e := buf[:min(len(buf), d.A-lo)]
			addTanh(e, qa[lo:], ka[lo:])
			for j, x := range e {
				s += v[lo+j] * x
			}
		}
		return s
	default:
		qr, kr := pq[(tq*d.B+b)*d.Dk:(tq*d.B+b+1)*d.Dk], k[(ts*d.B+b)*d.Dk:]
		var s T
		for j := range qr {
			s += qr[j] * kr[j]
		}
		return s
	}
}

// addTanh sets e[j] = tanh(a[j] + b[j]) with tanhf's bits (float32 by
// blas.TanhExact32, four values a step).
func addTanh[T floats](e, a, b []T) {
	for j := range e {
		e[j] = a[j] + b[j]
	}
	if f, ok := any(e).([]float32); ok {
		blas.TanhExact32(f, f)
		return
	}
	for j, x := range e {
		e[j] = tanhf(x)
	}
}

func attnForward[T floats](o *attnOp, vs []G.Value) G.Value {
	a := o.a
	d := dimsOf(vs, a)
	k, m := dataOf[T](vs[1]), dataOf[T](vs[2])
	pq, pk := attnProject[T](o, vs, d)
	var th []T // tanh(pq+pk) for the backward pass
	o.keptTh = false
	if o.diffed {
		o.pq, o.pk = pq, pk
		if n := d.Tq * d.B * d.Ts * d.A; a.Kind == Additive && n <= attnKeep {
			th, o.keptTh = buffer[T](o.holder(0), n), true
		}
	}
	alpha := buffer[T](o.holder(3), d.Tq*d.B*d.Ts)
	out := buffer[T](o.holder(4), d.Tq*d.B*d.Dk)
	clear(alpha)
	clear(out)
	// Each (query step, batch row) pair writes only its own weights,
	// context and tanh values: the pairs split over the threads.
	cost := d.Ts * max(d.A, d.Dk) * 4
	parallel.For(d.Tq*d.B, cost, func(p0, p1 int) {
		for p := p0; p < p1; p++ {
			tq, b := p/d.B, p%d.B
			al := alpha[(tq*d.B+b)*d.Ts : (tq*d.B+b+1)*d.Ts]
			mx := math.Inf(-1)
			for ts := 0; ts < d.Ts; ts++ {
				if m[ts*d.B+b] == 0 {
					continue
				}
				var ths []T
				if th != nil {
					ths = th[((tq*d.B+b)*d.Ts+ts)*d.A:][:d.A]
				}
				s := attnScore(a, vs, d, pq, pk, tq, b, ts, ths)
				al[ts] = s
				mx = math.Max(mx, float64(s))
			}
			if math.IsInf(mx, -1) {
				continue // no real source step: zero context
			}
			var z float64
			for ts := 0; ts < d.Ts; ts++ {
				if m[ts*d.B+b] == 0 {
					al[ts] = 0
					continue
				}
				e := math.Exp(float64(al[ts]) - mx)
				al[ts] = T(e)
				z += e
			}
			o2 := out[(tq*d.B+b)*d.Dk : (tq*d.B+b+1)*d.Dk]
			for ts := 0; ts < d.Ts; ts++ {
				al[ts] = T(float64(al[ts]) / z)
				if al[ts] == 0 {
					continue
				}
				kr := k[(ts*d.B+b)*d.Dk : (ts*d.B+b+1)*d.Dk]
				for j := range o2 {
					o2[j] += al[ts] * kr[j]
				}
			}
		}
	})
	o.alpha = alpha
	if a.Weights != nil {
		w := make([]float64, len(alpha))
		for i, v := range alpha {
			w[i] = float64(v)
		}
		a.Weights(w, d.Tq, d.B, d.Ts)
	}
	return tensor.New(tensor.WithShape(d.Tq, d.B, d.Dk), tensor.WithBacking(out))
}

type attnBwdOp struct {
	opBase
	fwd *attnOp
}

func (o *attnBwdOp) Arity() int    { return o.fwd.Arity() + 1 }
func (o *attnBwdOp) Type() hm.Type { return fnType(append(o.fwd.dims(), 3, 1)...) }
func (o *attnBwdOp) InferShape(ds ...G.DimSizer) (tensor.Shape, error) {
	n := 0
	for i := 0; i < o.fwd.Arity(); i++ {
		if i != 2 {
			n += ds[i].(tensor.Shape).TotalSize()
		}
	}
	return tensor.Shape{n}, nil
}
func (o *attnBwdOp) Do(vs ...G.Value) (G.Value, error) {
	if isF32(vs[0]) {
		return attnBackward[float32](o.fwd, vs), nil
	}
	return attnBackward[float64](o.fwd, vs), nil
}

func attnBackward[T floats](o *attnOp, vs []G.Value) G.Value {
	a := o.a
	d := dimsOf(vs, a)
	q, k, m := dataOf[T](vs[0]), dataOf[T](vs[1]), dataOf[T](vs[2])
	g := dataOf[T](vs[len(vs)-1])
	alpha := o.alpha.([]T)
	pq, _ := o.pq.([]T)
	pk, _ := o.pk.([]T)
	if pq == nil { // not kept (a forward run before SymDiff): compute again
		pq, pk = attnProject[T](o, vs, d)
	}
	var th []T // tanh(pq+pk) of the forward pass, when kept
	if o.keptTh && o.pq != nil {
		th = buffer[T](o.holder(0), d.Tq*d.B*d.Ts*d.A)
	}
	size := 0
	for i := 0; i < o.Arity(); i++ {
		if i != 2 {
			size += vs[i].Shape().TotalSize()
		}
	}
	flat := buffer[T](o.holder(5), size)
	clear(flat)
	off := 0
	take := func(n int) []T { s := flat[off : off+n]; off += n; return s }
	dq, dk := take(len(q)), take(len(k))
	// Gradients of the projections.
	var dpq, dpk []T
	switch a.Kind {
	case Additive:
		dpq, dpk = buffer[T](o.holder(6), len(pq)), buffer[T](o.holder(7), len(pk))
		clear(dpq)
		clear(dpk)
	case General:
		dpq = buffer[T](o.holder(6), len(pq))
		clear(dpq)
	default:
		dpq = dq
	}
	ds := make([]T, d.Ts)
	for tq := 0; tq < d.Tq; tq++ {
		for b := 0; b < d.B; b++ {
			al := alpha[(tq*d.B+b)*d.Ts : (tq*d.B+b+1)*d.Ts]
			gr := g[(tq*d.B+b)*d.Dk : (tq*d.B+b+1)*d.Dk]
			// dα_s = g·k_s; ds_s = α_s(dα_s − Σ α dα); dk_s += α_s g.
			var dot float64
			for ts := 0; ts < d.Ts; ts++ {
				ds[ts] = 0
				if m[ts*d.B+b] == 0 {
					continue
				}
				kr := k[(ts*d.B+b)*d.Dk : (ts*d.B+b+1)*d.Dk]
				dkr := dk[(ts*d.B+b)*d.Dk : (ts*d.B+b+1)*d.Dk]
				var da T
				for j := range gr {
					da += gr[j] * kr[j]
					dkr[j] += al[ts] * gr[j]
				}
				ds[ts] = da
				dot += float64(al[ts]) * float64(da)
			}
			for ts := 0; ts < d.Ts; ts++ {
				if m[ts*d.B+b] == 0 {
					continue
				}
				s := al[ts] * (ds[ts] - T(dot))
				if s == 0 {
					continue
				}
				switch a.Kind {
				case Additive:
					v := dataOf[T](vs[5])
					dv := flat[len(q)+len(k)+d.Dq*d.A+d.Dk*d.A:]
					qa, ka := pq[(tq*d.B+b)*d.A:], pk[(ts*d.B+b)*d.A:]
					dqa, dka := dpq[(tq*d.B+b)*d.A:], dpk[(ts*d.B+b)*d.A:]
					var ths []T
					if th != nil {
						ths = th[((tq*d.B+b)*d.Ts+ts)*d.A:][:d.A]
					}
					for j := 0; j < d.A; j++ {
						var e T
						if ths != nil {
							e = ths[j] // of the forward pass
						} else {
							e = tanhf(qa[j] + ka[j])
						}
						dv[j] += s * e
						de := s * v[j] * (1 - e*e)
						dqa[j] += de
						dka[j] += de
					}
				default:
					qr := pq[(tq*d.B+b)*d.Dk : (tq*d.B+b+1)*d.Dk]
					dqr := dpq[(tq*d.B+b)*d.Dk : (tq*d.B+b+1)*d.Dk]
					kr := k[(ts*d.B+b)*d.Dk : (ts*d.B+b+1)*d.Dk]
					dkr := dk[(ts*d.B+b)*d.Dk : (ts*d.B+b+1)*d.Dk]
					for j := range qr {
						dqr[j] += s * kr[j]
						dkr[j] += s * qr[j]
					}
				}
			}
		}
	}
	switch a.Kind {
	case Additive:
		wq, wk := dataOf[T](vs[3]), dataOf[T](vs[4])
		dWq, dWk := take(d.Dq*d.A), take(d.Dk*d.A)
		gemm(true, false, d.Dq, d.A, d.Tq*d.B, 1, q, d.Dq, dpq, d.A, 0, dWq, d.A)
		gemm(true, false, d.Dk, d.A, d.Ts*d.B, 1, k, d.Dk, dpk, d.A, 0, dWk, d.A)
		gemm(false, true, d.Tq*d.B, d.Dq, d.A, 1, dpq, d.A, wq, d.A, 0, dq, d.Dq)
		gemm(false, true, d.Ts*d.B, d.Dk, d.A, 1, dpk, d.A, wk, d.A, 1, dk, d.Dk)
	case General:
		wa := dataOf[T](vs[3])
		dWa := take(d.Dq * d.Dk)
		gemm(true, false, d.Dq, d.Dk, d.Tq*d.B, 1, q, d.Dq, dpq, d.Dk, 0, dWa, d.Dk)
		gemm(false, true, d.Tq*d.B, d.Dq, d.Dk, 1, dpq, d.Dk, wa, d.Dk, 0, dq, d.Dq)
	}
	return tensor.New(tensor.WithShape(size), tensor.WithBacking(flat))
}
