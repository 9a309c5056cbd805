package graph

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

type seqCase struct {
	kind    CellKind
	act     Activation
	reverse bool
}

func (c seqCase) String() string {
	d := "fwd"
	if c.reverse {
		d = "rev"
	}
	if c.kind == RNN {
		return fmt.Sprintf("rnn-%v-%s", c.act, d)
	}
	return fmt.Sprintf("%v-%s", c.kind, d)
}

func allSeqCases() []seqCase {
	var cs []seqCase
	for _, rev := range []bool{false, true} {
		for _, act := range []Activation{Tanh, Sigmoid, ReLU} {
			cs = append(cs, seqCase{RNN, act, rev})
		}
		cs = append(cs, seqCase{LSTM, Tanh, rev}, seqCase{GRU, Tanh, rev})
	}
	return cs
}

// seqProbe builds a loss over every output of a recurrent layer: a fixed
// random weighting of all hidden states plus the final state, so that every
// output carries gradient. X, h0 and c0 are parameters, so their gradients
// are checked too. lengths gives each sequence's length (padding after).
type seqProbe struct {
	ps   *Params
	net  *Net
	loss *G.Node
}

func buildSeqProbe(t *testing.T, c seqCase, reference bool, dt tensor.Dtype, T, B, F, H int, lengths []int) *seqProbe {
	t.Helper()
	ps := NewParams(dt, 7)
	layer := mustMake(NewRecurrent(ps, "rnn", c.kind, F, H, c.act, c.reverse))
	x := ps.New("x", tensor.Shape{T, B, F}, Uniform(1))
	h0 := ps.New("h0", tensor.Shape{B, H}, Uniform(0.5))
	var c0 *Param
	if c.kind == LSTM {
		c0 = ps.New("c0", tensor.Shape{B, H}, Uniform(0.5))
	}
	b := NewBuilder(ps, true)
	b.Reference = reference
	mask := b.Input("mask", T, B)
	m := make([]float64, T*B)
	for bi, l := range lengths {
		for s := 0; s < l; s++ {
			m[s*B+bi] = 1
		}
	}
	mask.Set(m)
	init := State{H: b.Param(h0)}
	if c0 != nil {
		init.C = b.Param(c0)
	}
	out, err := layer.Apply(b, b.Param(x), mask.Node, init)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(3, 4))
	weigh := func(n *G.Node, name string) *G.Node {
		w := b.Input(name, n.Shape()...)
		v := make([]float64, n.Shape().TotalSize())
		for i := range v {
			v[i] = rng.NormFloat64()
		}
		w.Set(v)
		return must(G.Sum(must(G.HadamardProd(n, w.Node))))
	}
	loss := must(G.Add(weigh(out.H, "wH"), weigh(out.Final.H, "wh")))
	if out.Final.C != nil {
		loss = must(G.Add(loss, weigh(out.Final.C, "wc")))
	}
	net, err := b.Compile(loss, nil)
	if err != nil {
		t.Fatal(err)
	}
	return &seqProbe{ps: ps, net: net, loss: loss}
}

var probeLengths = []int{5, 3, 1}

func TestFusedMatchesReference(t *testing.T) {
	const T, B, F, H = 5, 3, 4, 3
	for _, c := range allSeqCases() {
		t.Run(c.String(), func(t *testing.T) {
			for _, dt := range []tensor.Dtype{tensor.Float64, tensor.Float32} {
				ref := buildSeqProbe(t, c, true, dt, T, B, F, H, probeLengths)
				fus := buildSeqProbe(t, c, false, dt, T, B, F, H, probeLengths)
				for _, p := range []*seqProbe{ref, fus} {
					p.ps.ZeroGrad()
					if err := p.net.Run(); err != nil {
						t.Fatal(err)
					}
				}
				// float64: agreement to rounding; float32: 1e-5 relative.
				tol := 1e-10
				if dt == tensor.Float32 {
					tol = 1e-5
				}
				if d := relDiff(ref.net.LossValue(), fus.net.LossValue()); d > tol {
					t.Errorf("%v loss: reference %v, fused %v", dt, ref.net.LossValue(), fus.net.LossValue())
				}
				for _, rp := range ref.ps.All() {
					fp := fus.ps.Get(rp.Name)
					a, f := gradFloats(rp), gradFloats(fp)
					for i := range a {
						if d := math.Abs(a[i] - f[i]); d > tol*math.Max(1, math.Abs(a[i])) {
							t.Fatalf("%v grad %s[%d]: reference %v, fused %v", dt, rp.Name, i, a[i], f[i])
						}
					}
				}
			}
		})
	}
}

func TestFusedGradientCheck(t *testing.T) {
	const T, B, F, H = 4, 2, 3, 3
	for _, c := range allSeqCases() {
		t.Run(c.String(), func(t *testing.T) {
			p := buildSeqProbe(t, c, false, tensor.Float64, T, B, F, H, []int{4, 2})
			if worst := gradCheck(t, p.ps, p.net, 1e-6); worst > 1e-6 {
				t.Fatalf("worst relative error %g", worst)
			}
		})
	}
}

func relDiff(a, b float64) float64 {
	return math.Abs(a-b) / math.Max(1, math.Abs(a))
}

// The graphs of one cell share its fused ops' working memory (one cache
// per application of the cell within a graph): graphs of other lengths
// run in between, and a graph that applies the cell twice, still give the
// reference's loss and gradients.
func TestFusedCacheSharedAcrossGraphs(t *testing.T) {
	const B, F, H = 3, 4, 3
	for _, kind := range []CellKind{LSTM, GRU, RNN} {
		ps := NewParams(tensor.Float64, 11)
		layer := mustMake(NewRecurrent(ps, "rnn", kind, F, H, Tanh, false))
		xs := map[string]*Param{}
		for _, n := range []string{"x5", "x3", "x4a", "x4b"} {
			T := int(n[1] - '0')
			xs[n] = ps.New(n, tensor.Shape{T, B, F}, Uniform(1))
		}
		build := func(reference bool, inputs ...string) *Net {
			b := NewBuilder(ps, true)
			b.Reference = reference
			rng := rand.New(rand.NewPCG(5, 6))
			var loss *G.Node
			for _, n := range inputs {
				out, err := layer.Apply(b, b.Param(xs[n]), nil, State{})
				if err != nil {
					t.Fatal(err)
				}
				w := b.Input("w"+n, out.H.Shape()...)
				v := make([]float64, out.H.Shape().TotalSize())
				for i := range v {
					v[i] = rng.NormFloat64()
				}
				w.Set(v)
				term := must(G.Sum(must(G.HadamardProd(out.H, w.Node))))
				if loss == nil {
					loss = term
				} else {
					loss = must(G.Add(loss, term))
				}
			}
			net, err := b.Compile(loss, nil)
			if err != nil {
				t.Fatal(err)
			}
			return net
		}
		grads := func(net *Net) (float64, map[string][]float64) {
			ps.ZeroGrad()
			if err := net.Run(); err != nil {
				t.Fatal(err)
			}
			g := map[string][]float64{}
			for _, p := range ps.Trainable() {
				g[p.Name] = gradFloats(p)
			}
			return net.LossValue(), g
		}
		graphs := [][]string{{"x5"}, {"x3"}, {"x4a", "x4b"}}
		var fused, refs []*Net
		for _, in := range graphs {
			fused = append(fused, build(false, in...))
			refs = append(refs, build(true, in...))
		}
		for _, i := range []int{0, 1, 2, 0, 2, 1, 0} {
			lf, gf := grads(fused[i])
			lr, gr := grads(refs[i])
			if relDiff(lr, lf) > 1e-10 {
				t.Fatalf("%v graph %v: loss %v, reference %v", kind, graphs[i], lf, lr)
			}
			for name, want := range gr {
				for j, w := range want {
					if math.Abs(gf[name][j]-w) > 1e-10*math.Max(1, math.Abs(w)) {
						t.Fatalf("%v graph %v: ∂%s[%d] = %v, reference %v", kind, graphs[i], name, j, gf[name][j], w)
					}
				}
			}
		}
		if got := len(layer.Cell.caches); got != 2 {
			t.Errorf("%v: %d caches, want 2 (the most applications in one graph)", kind, got)
		}
	}
}
