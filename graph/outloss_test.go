package graph

import (
	"fmt"
	"math"
	"runtime"
	"strings"
	"testing"

	"gorgonia.org/tensor"
)

// outLossNet builds features x = Embedding(ids) [n,3] and either the fused
// LinearCrossEntropy or its reference, Linear.Apply then
// SmoothedCrossEntropy, over 5 classes.
func outLossNet(t *testing.T, dt tensor.Dtype, n int, eps float64, fused bool) (*Params, *Net) {
	t.Helper()
	ps := NewParams(dt, 7)
	emb := mustMake(NewEmbedding(ps, "emb", 9, 3))
	lin := mustMake(NewLinear(ps, "out", 3, 5))
	b := NewBuilder(ps, true)
	ids := b.IntInput("ids", n)
	y := b.Input("y", n)
	w := b.Input("w", n)
	x := must(emb.Apply(b, ids))
	var loss = must(SmoothedCrossEntropy(must(lin.Apply(b, x)), y.Node, w.Node, eps))
	if fused {
		loss = must(LinearCrossEntropy(b, x, lin, y.Node, w.Node, eps))
	}
	net, err := b.Compile(loss, nil)
	if err != nil {
		t.Fatal(err)
	}
	labels, weights := make([]float64, n), make([]float64, n)
	for i := range labels {
		ids.Ints()[i] = (i * 7) % 9
		labels[i] = float64((i * 3) % 5)
		weights[i] = float64(i % 3) // every third row is padding
	}
	y.Set(labels)
	w.Set(weights)
	return ps, net
}

// Both ways of the backward pass: logits kept from the forward pass, and
// recomputed (as for logits over outLossKeep).
func forBothOutLossPaths(t *testing.T, f func(t *testing.T)) {
	defer func(k int) { outLossKeep = k }(outLossKeep)
	for _, keep := range []int{outLossKeep, 0} {
		outLossKeep = keep
		t.Run(fmt.Sprintf("keep=%d", keep), f)
	}
}

func TestLinearCrossEntropyGradientCheck(t *testing.T) {
	forBothOutLossPaths(t, testLinearCrossEntropyGradientCheck)
}

func testLinearCrossEntropyGradientCheck(t *testing.T) {
	for _, eps := range []float64{0, 0.2} {
		// 70 rows: a full chunk of 64 and a partial one.
		ps, net := outLossNet(t, tensor.Float64, 70, eps, true)
		// Biases start at zero; move them so their gradient is exercised.
		for i := range ps.Get("out.b").F64() {
			ps.Get("out.b").F64()[i] = 0.1 * float64(i-2)
		}
		if worst := gradCheck(t, ps, net, 1e-6); worst > 1e-6 {
			t.Fatalf("ε=%v: worst relative error %g", eps, worst)
		}
	}
}

// The fused op gives the loss and gradients of Linear.Apply followed by
// SmoothedCrossEntropy.
func TestLinearCrossEntropyMatchesReference(t *testing.T) {
	forBothOutLossPaths(t, testLinearCrossEntropyMatchesReference)
}

func testLinearCrossEntropyMatchesReference(t *testing.T) {
	for _, dt := range []tensor.Dtype{tensor.Float64, tensor.Float32} {
		tol := 1e-12
		if dt == tensor.Float32 {
			tol = 2e-6
		}
		for _, eps := range []float64{0, 0.1} {
			for _, n := range []int{1, 64, 130} {
				var losses [2]float64
				var grads [2]map[string][]float64
				for k, fused := range []bool{false, true} {
					ps, net := outLossNet(t, dt, n, eps, fused)
					if err := net.Run(); err != nil {
						t.Fatal(err)
					}
					losses[k] = net.LossValue()
					grads[k] = map[string][]float64{}
					for _, p := range ps.Trainable() {
						grads[k][p.Name] = gradFloats(p)
					}
				}
				if math.Abs(losses[0]-losses[1]) > tol*math.Max(1, math.Abs(losses[0])) {
					t.Fatalf("%v ε=%v n=%d: loss %v, reference %v", dt, eps, n, losses[1], losses[0])
				}
				for name, ref := range grads[0] {
					for i, r := range ref {
						if d := math.Abs(grads[1][name][i] - r); d > tol*math.Max(1, math.Abs(r)) {
							t.Fatalf("%v ε=%v n=%d: ∂%s[%d] = %v, reference %v", dt, eps, n, name, i, grads[1][name][i], r)
						}
					}
				}
			}
		}
	}
}

func TestLinearCrossEntropyBadLabel(t *testing.T) {
	ps := NewParams(tensor.Float64, 1)
	lin := mustMake(NewLinear(ps, "out", 2, 3))
	b := NewBuilder(ps, true)
	x := b.Input("x", 2, 2)
	y := b.Input("y", 2)
	w := b.Input("w", 2)
	loss := must(LinearCrossEntropy(b, x.Node, lin, y.Node, w.Node, 0))
	net, err := b.Compile(loss, nil)
	if err != nil {
		t.Fatal(err)
	}
	y.Set([]float64{1, 3})
	w.Set([]float64{1, 1})
	if err := net.Run(); err == nil || !strings.Contains(err.Error(), "label 3 of row 1") {
		t.Fatalf("error %v", err)
	}
	if _, err := LinearCrossEntropy(b, x.Node, lin, y.Node, w.Node, 1); err == nil {
		t.Fatal("ε = 1 accepted")
	}
}

// The fused output layer splits its rows' exponentials and the bias
// gradient over the threads: its loss and gradients have the same bits at
// one thread and at four, on both paths.
func TestLinearCrossEntropySameBitsAcrossThreads(t *testing.T) {
	forBothOutLossPaths(t, func(t *testing.T) {
		const n, in, classes = 150, 8, 3000 // a chunk of 64 rows × 3000 is split
		run := func(threads int) (float64, map[string][]float64) {
			defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(threads))
			ps := NewParams(tensor.Float32, 3)
			emb := mustMake(NewEmbedding(ps, "emb", 50, in))
			lin := mustMake(NewLinear(ps, "out", in, classes))
			b := NewBuilder(ps, true)
			ids := b.IntInput("ids", n)
			y := b.Input("y", n)
			w := b.Input("w", n)
			loss := must(LinearCrossEntropy(b, must(emb.Apply(b, ids)), lin, y.Node, w.Node, 0.1))
			net, err := b.Compile(loss, nil)
			if err != nil {
				t.Fatal(err)
			}
			labels, weights := make([]float64, n), make([]float64, n)
			for i := range labels {
				ids.Ints()[i] = (i * 7) % 50
				labels[i] = float64((i * 131) % classes)
				weights[i] = float64(i % 4)
			}
			y.Set(labels)
			w.Set(weights)
			if err := net.Run(); err != nil {
				t.Fatal(err)
			}
			grads := map[string][]float64{}
			for _, p := range ps.Trainable() {
				grads[p.Name] = gradFloats(p)
			}
			return net.LossValue(), grads
		}
		loss1, g1 := run(1)
		loss4, g4 := run(4)
		sameRunBits(t, loss1, g1, loss4, g4)
	})
}

// sameRunBits fails unless two runs, at one thread and at four, gave the
// same loss and gradients bit for bit.
func sameRunBits(t *testing.T, loss1 float64, g1 map[string][]float64, loss4 float64, g4 map[string][]float64) {
	t.Helper()
	if math.Float64bits(loss1) != math.Float64bits(loss4) {
		t.Fatalf("loss %v at 1 thread, %v at 4", loss1, loss4)
	}
	for name, ref := range g1 {
		for i, r := range ref {
			if math.Float64bits(g4[name][i]) != math.Float64bits(r) {
				t.Fatalf("∂%s[%d] = %v at 1 thread, %v at 4", name, i, r, g4[name][i])
			}
		}
	}
}
