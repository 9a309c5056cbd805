package graph

import (
	"math"
	"testing"

	G "gorgonia.org/gorgonia"
)

// gradCheck compares the gradients a Net computes for every trainable
// parameter with central finite differences of its loss (float64 only).
// It returns the largest relative error max|a−n|/max(1e-6,|a|+|n|).
func gradCheck(t *testing.T, ps *Params, net *Net, tol float64) float64 {
	t.Helper()
	ps.ZeroGrad()
	if err := net.Run(); err != nil {
		t.Fatal(err)
	}
	analytic := map[*Param][]float64{}
	for _, p := range ps.Trainable() {
		analytic[p] = append([]float64(nil), p.GradF64()...)
	}
	const eps = 1e-6
	worst := 0.0
	for _, p := range ps.Trainable() {
		w := p.F64()
		a := analytic[p]
		for i := range w {
			old := w[i]
			w[i] = old + eps
			lp := runLoss(t, ps, net)
			w[i] = old - eps
			lm := runLoss(t, ps, net)
			w[i] = old
			num := (lp - lm) / (2 * eps)
			rel := math.Abs(a[i]-num) / math.Max(1e-6, math.Abs(a[i])+math.Abs(num))
			if math.Abs(a[i]-num) < 1e-9 {
				rel = 0
			}
			if rel > worst {
				worst = rel
			}
			if rel > tol {
				t.Errorf("%s[%d]: analytic %.9g, numeric %.9g (rel %.3g)", p.Name, i, a[i], num, rel)
				return rel
			}
		}
	}
	ps.ZeroGrad()
	return worst
}

func runLoss(t *testing.T, ps *Params, net *Net) float64 {
	t.Helper()
	if err := net.Run(); err != nil {
		t.Fatal(err)
	}
	ps.ZeroGrad()
	return net.LossValue()
}

// must unwraps a graph-building result in tests.
// mustMake returns v, or panics with err (for constructors in tests).
func mustMake[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

func must(n *G.Node, err error) *G.Node {
	if err != nil {
		panic(err)
	}
	return n
}
