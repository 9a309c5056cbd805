package graph

import (
	"math"
	"math/rand/v2"
	"testing"

	"gorgonia.org/tensor"
)

func TestLinearCrossEntropyGradient(t *testing.T) {
	ps := NewParams(tensor.Float64, 1)
	lin := mustMake(NewLinear(ps, "out", 4, 3))
	emb := mustMake(NewEmbedding(ps, "emb", 7, 4))
	b := NewBuilder(ps, true)
	ids := b.IntInput("ids", 5)
	y := b.Input("y", 5)
	w := b.Input("w", 5)
	x := must(emb.Apply(b, ids))
	logits := must(lin.Apply(b, x))
	loss := must(CrossEntropy(logits, y.Node, w.Node))
	net, err := b.Compile(loss, nil)
	if err != nil {
		t.Fatal(err)
	}
	copy(ids.Ints(), []int{0, 3, 3, 6, 2})
	y.Set([]float64{0, 2, 1, 1, 0})
	w.Set([]float64{1, 1, 0, 1, 1})
	if worst := gradCheck(t, ps, net, 1e-6); worst > 1e-6 {
		t.Fatalf("worst relative error %g", worst)
	}
}

func TestCrossEntropyLargeLogits(t *testing.T) {
	for _, dt := range []tensor.Dtype{tensor.Float32, tensor.Float64} {
		ps := NewParams(dt, 1)
		b := NewBuilder(ps, true)
		z := b.Input("z", 3, 2)
		y := b.Input("y", 3)
		w := b.Input("w", 3)
		p := ps.New("scale", tensor.Shape{3, 2}, Constant(1))
		zz := must(hadamard(b.Param(p), z.Node))
		loss := must(CrossEntropy(zz, y.Node, w.Node))
		net, err := b.Compile(loss, nil)
		if err != nil {
			t.Fatal(err)
		}
		z.Set([]float64{1000, -1000, 0, 0, -1000, 1000})
		y.Set([]float64{1, 0, 0})
		w.Set([]float64{1, 1, 1})
		if err := net.Run(); err != nil {
			t.Fatal(err)
		}
		// row 0: 2000, row 1: log 2, row 2: 2000 → mean (4000+log2)/3
		want := (4000 + math.Ln2) / 3
		if got := net.LossValue(); math.Abs(got-want) > 1e-3*want {
			t.Errorf("%v: loss %v, want %v", dt, got, want)
		}
		for _, g := range gradFloats(p) {
			if math.IsNaN(g) || math.IsInf(g, 0) {
				t.Fatalf("%v: non-finite gradient %v", dt, gradFloats(p))
			}
		}
	}
}

func TestSharedWeightsAcrossGraphs(t *testing.T) {
	ps := NewParams(tensor.Float32, 3)
	lin := mustMake(NewLinear(ps, "l", 2, 2))
	build := func(n int) (*Net, *Input, *Input, *Input) {
		b := NewBuilder(ps, true)
		x := b.Input("x", n, 2)
		y := b.Input("y", n)
		w := b.Input("w", n)
		logits := must(lin.Apply(b, x.Node))
		loss := must(CrossEntropy(logits, y.Node, w.Node))
		net, err := b.Compile(loss, nil)
		if err != nil {
			t.Fatal(err)
		}
		return net, x, y, w
	}
	n1, x1, y1, w1 := build(2)
	n2, x2, y2, w2 := build(3)
	rng := rand.New(rand.NewPCG(1, 2))
	for _, in := range []*Input{x1, x2} {
		d := in.F32()
		for i := range d {
			d[i] = float32(rng.NormFloat64())
		}
	}
	y1.Set([]float64{0, 1})
	y2.Set([]float64{1, 0, 1})
	w1.Fill(1)
	w2.Fill(1)
	for step := 0; step < 3; step++ {
		for _, n := range []*Net{n1, n2} {
			ps.ZeroGrad()
			if err := n.Run(); err != nil {
				t.Fatal(err)
			}
			for _, p := range ps.All() {
				w, g := p.F32(), p.GradF32()
				for i := range w {
					w[i] -= 0.5 * g[i]
				}
			}
		}
	}
	// Both graphs read the updated weights: a run of n1 now must equal a
	// fresh computation from the current weights.
	if err := n1.Run(); err != nil {
		t.Fatal(err)
	}
	W, bb := lin.W.F32(), lin.B.F32()
	x := x1.F32()
	var want float64
	for r := 0; r < 2; r++ {
		z := []float64{
			float64(x[r*2])*float64(W[0]) + float64(x[r*2+1])*float64(W[2]) + float64(bb[0]),
			float64(x[r*2])*float64(W[1]) + float64(x[r*2+1])*float64(W[3]) + float64(bb[1]),
		}
		want += logSumExp(z) - z[int(y1.F32()[r])]
	}
	want /= 2
	if got := n1.LossValue(); math.Abs(got-want) > 1e-5 {
		t.Fatalf("loss after shared updates %v, want %v", got, want)
	}
}

func gradFloats(p *Param) []float64 {
	switch g := p.Grad.Data().(type) {
	case []float32:
		out := make([]float64, len(g))
		for i, v := range g {
			out[i] = float64(v)
		}
		return out
	default:
		return append([]float64(nil), p.GradF64()...)
	}
}

func TestSmoothedCrossEntropyGradient(t *testing.T) {
	ps := NewParams(tensor.Float64, 2)
	lin := mustMake(NewLinear(ps, "out", 4, 5))
	b := NewBuilder(ps, true)
	x := b.Input("x", 4, 4)
	y := b.Input("y", 4)
	w := b.Input("w", 4)
	logits := must(lin.Apply(b, x.Node))
	loss := must(SmoothedCrossEntropy(logits, y.Node, w.Node, 0.2))
	net, err := b.Compile(loss, nil)
	if err != nil {
		t.Fatal(err)
	}
	x.Set([]float64{0.3, -1, 0.5, 2, 1, 0.1, -0.4, 0, -2, 0.7, 0.2, 1.1, 0.9, 0.9, -0.3, 0.05})
	y.Set([]float64{4, 0, 2, 1})
	w.Set([]float64{1, 0, 2, 1})
	if worst := gradCheck(t, ps, net, 1e-6); worst > 1e-6 {
		t.Fatalf("worst relative error %g", worst)
	}
}

// TestSmoothedCrossEntropyValue checks the loss against the cross-entropy
// of the smoothed target distribution computed by hand, and that ε = 0 is
// the plain loss.
func TestSmoothedCrossEntropyValue(t *testing.T) {
	z := []float64{1, 2, 0.5, -1, 0, 3}
	labels := []float64{1, 2}
	const eps = 0.3
	var want float64
	for i := 0; i < 2; i++ {
		row := z[i*3 : i*3+3]
		lse := math.Log(math.Exp(row[0]) + math.Exp(row[1]) + math.Exp(row[2]))
		for j, v := range row {
			q := eps / 3
			if j == int(labels[i]) {
				q += 1 - eps
			}
			want -= q * (v - lse)
		}
	}
	want /= 2
	for _, e := range []float64{eps, 0} {
		ps := NewParams(tensor.Float64, 1)
		b := NewBuilder(ps, true)
		zi := b.Input("z", 2, 3)
		y := b.Input("y", 2)
		w := b.Input("w", 2)
		p := ps.New("scale", tensor.Shape{2, 3}, Constant(1))
		loss := must(SmoothedCrossEntropy(must(hadamard(b.Param(p), zi.Node)), y.Node, w.Node, e))
		net, err := b.Compile(loss, nil)
		if err != nil {
			t.Fatal(err)
		}
		zi.Set(z)
		y.Set(labels)
		w.Set([]float64{1, 1})
		if err := net.Run(); err != nil {
			t.Fatal(err)
		}
		exp := want
		if e == 0 {
			exp = 0
			for i := 0; i < 2; i++ {
				row := z[i*3 : i*3+3]
				exp += math.Log(math.Exp(row[0])+math.Exp(row[1])+math.Exp(row[2])) - row[int(labels[i])]
			}
			exp /= 2
		}
		if got := net.LossValue(); math.Abs(got-exp) > 1e-12 {
			t.Errorf("ε=%v: loss %.15f, want %.15f", e, got, exp)
		}
	}
	if _, err := SmoothedCrossEntropy(nil, nil, nil, 1); err == nil {
		t.Error("ε = 1 accepted")
	}
}

// TestConstructorsRefuseBadSizes: bad sizes and taken names are errors,
// not panics, and nothing is added to the parameters on an error.
func TestConstructorsRefuseBadSizes(t *testing.T) {
	ps := NewParams(tensor.Float32, 1)
	mustMake(NewLinear(ps, "l", 2, 3))
	n := len(ps.All())
	for name, err := range map[string]error{
		"linear 0":         second(NewLinear(ps, "a", 0, 3)),
		"linear taken":     second(NewLinear(ps, "l", 2, 3)),
		"embedding -1":     second(NewEmbedding(ps, "e", -1, 3)),
		"embedding values": second(NewEmbeddingFrom(ps, "e", 2, 2, []float64{1, 2, 3}, false)),
		"cell hidden 0":    second(NewCell(ps, "c", LSTM, 3, 0, Tanh)),
		"cell kind":        second(NewCell(ps, "c", CellKind(7), 3, 4, Tanh)),
		"recurrent in 0":   second(NewRecurrent(ps, "r", GRU, 0, 4, Tanh, false)),
		"bidirectional":    second(NewBidirectional(ps, "b", GRU, 3, 4, Tanh, Merge(9))),
	} {
		if err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	if len(ps.All()) != n {
		t.Fatalf("failed constructors added %d parameters", len(ps.All())-n)
	}
}

func second[T any](_ T, err error) error { return err }
