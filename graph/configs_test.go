package graph

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"gorgonia.org/tensor"
)

type clsCase struct {
	kind  CellKind
	bidir bool
	pool  Pool
	depth int
}

func (c clsCase) String() string {
	return fmt.Sprintf("%v-bi%v-%v-%dlayer", c.kind, c.bidir, c.pool, c.depth)
}

func clsCases() []clsCase {
	var cs []clsCase
	for _, k := range []CellKind{RNN, LSTM, GRU} {
		cs = append(cs, clsCase{k, false, PoolLast, 1}, clsCase{k, true, PoolLast, 1})
	}
	cs = append(cs, clsCase{LSTM, true, PoolMax, 2}, clsCase{GRU, false, PoolMean, 2}, clsCase{RNN, true, PoolMean, 1})
	return cs
}

func newTestClassifier(t *testing.T, c clsCase, dt tensor.Dtype) *ManyToOne {
	t.Helper()
	ps := NewParams(dt, 11)
	m, err := NewManyToOne(ps, "m", ManyToOneConfig{
		Input: InputConfig{Vocab: 6, EmbedDim: 3},
		RNN:   StackConfig{Kind: c.kind, Act: Tanh, Hidden: 3, Layers: c.depth, Bidirectional: c.bidir, Merge: Concat},
		Pool:  c.pool, Classes: 3,
	})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

var testSeqs = [][]int{{1, 2, 3, 4, 5}, {5, 4, 3}, {2, 2}}
var testLabels = []int{0, 2, 1}

func TestManyToOneGradientCheck(t *testing.T) {
	for _, c := range clsCases() {
		t.Run(c.String(), func(t *testing.T) {
			m := newTestClassifier(t, c, tensor.Float64)
			g, err := m.Compile(5, 3, true, nil)
			if err != nil {
				t.Fatal(err)
			}
			g.SetTokens(testSeqs)
			g.SetLabels(testLabels)
			if worst := gradCheck(t, m.Params, g.Net, 1e-6); worst > 1e-6 {
				t.Fatalf("worst relative error %g", worst)
			}
		})
	}
}

// A padded, masked batch gives the same loss and gradients as the
// sequences run alone (batch loss = mean of the single losses).
func TestPaddingInvariance(t *testing.T) {
	for _, c := range clsCases() {
		t.Run(c.String(), func(t *testing.T) {
			m := newTestClassifier(t, c, tensor.Float64)
			g, err := m.Compile(7, 4, true, nil) // longer than any sequence, one empty row
			if err != nil {
				t.Fatal(err)
			}
			g.SetTokens(testSeqs)
			g.SetLabels(testLabels)
			m.Params.ZeroGrad()
			if err := g.Net.Run(); err != nil {
				t.Fatal(err)
			}
			batchLoss := g.Net.LossValue()
			batchGrad := map[string][]float64{}
			for _, p := range m.Params.All() {
				batchGrad[p.Name] = gradFloats(p)
			}
			m.Params.ZeroGrad()
			var sum float64
			for i, s := range testSeqs {
				gi, err := m.Compile(len(s), 1, true, nil)
				if err != nil {
					t.Fatal(err)
				}
				gi.SetTokens([][]int{s})
				gi.SetLabels([]int{testLabels[i]})
				if err := gi.Net.Run(); err != nil {
					t.Fatal(err)
				}
				sum += gi.Net.LossValue()
			}
			n := float64(len(testSeqs))
			if d := math.Abs(batchLoss - sum/n); d > 1e-12 {
				t.Fatalf("padded loss %v, alone %v", batchLoss, sum/n)
			}
			for _, p := range m.Params.All() {
				alone := gradFloats(p)
				for i, v := range batchGrad[p.Name] {
					if d := math.Abs(v - alone[i]/n); d > 1e-12 {
						t.Fatalf("%s[%d]: padded %v, alone %v", p.Name, i, v, alone[i]/n)
					}
				}
			}
		})
	}
}

func TestSyncedGradientCheckAndCarry(t *testing.T) {
	for _, k := range []CellKind{RNN, LSTM, GRU} {
		t.Run(k.String(), func(t *testing.T) {
			ps := NewParams(tensor.Float64, 5)
			m, err := NewSynced(ps, "lm", SyncedConfig{
				Input: InputConfig{Vocab: 5, EmbedDim: 3},
				RNN:   StackConfig{Kind: k, Hidden: 3, Layers: 2}, Classes: 5,
			})
			if err != nil {
				t.Fatal(err)
			}
			g, err := m.Compile(4, 2, true, nil)
			if err != nil {
				t.Fatal(err)
			}
			g.SetTokens([][]int{{1, 2, 3, 4}, {4, 3}})
			g.SetTargets([][]int{{2, 3, 4, 0}, {3, 2}})
			if worst := gradCheck(t, ps, g.Net, 1e-6); worst > 1e-6 {
				t.Fatalf("worst relative error %g", worst)
			}
			// Carrying the state: two runs of 2 steps each from a carried
			// state give the same hidden state as one run of 4 steps.
			g2, err := m.Compile(2, 1, false, nil)
			if err != nil {
				t.Fatal(err)
			}
			g4, err := m.Compile(4, 1, false, nil)
			if err != nil {
				t.Fatal(err)
			}
			seq := []int{1, 2, 3, 4}
			g4.SetTokens([][]int{seq})
			g4.SetTargets([][]int{seq})
			if err := g4.Net.Run(); err != nil {
				t.Fatal(err)
			}
			g2.ResetState()
			for half := 0; half < 2; half++ {
				g2.SetTokens([][]int{seq[2*half : 2*half+2]})
				g2.SetTargets([][]int{seq[2*half : 2*half+2]})
				if err := g2.Net.Run(); err != nil {
					t.Fatal(err)
				}
				g2.CarryState()
			}
			for i := range g2.Init {
				a := g2.Init[i].F64()
				b := g4.Net.Output(1 + i).Data().([]float64)
				for j := range a {
					if math.Abs(a[j]-b[j]) > 1e-12 {
						t.Fatalf("carried state %d differs: %v vs %v", i, a, b)
					}
				}
			}
		})
	}
}

func TestManyToOneRegressionGradient(t *testing.T) {
	ps := NewParams(tensor.Float64, 3)
	m, err := NewManyToOne(ps, "add", ManyToOneConfig{
		Input:      InputConfig{Features: 2},
		RNN:        StackConfig{Kind: RNN, Act: Sigmoid, Hidden: 3, Layers: 1},
		Regression: 1,
	})
	if err != nil {
		t.Fatal(err)
	}
	g, err := m.Compile(4, 3, true, nil)
	if err != nil {
		t.Fatal(err)
	}
	g.SetFeatures([][][]float64{{{0.1, 1}, {0.5, 0}, {0.7, 1}, {0.2, 0}}, {{0.3, 0}, {0.9, 1}}})
	g.SetTargets([][]float64{{0.8}, {0.9}})
	if worst := gradCheck(t, ps, g.Net, 1e-6); worst > 1e-6 {
		t.Fatalf("worst relative error %g", worst)
	}
}

// TestClassifierPredictNeedsNoLabels: Predict gives the softmax of the
// logits the labelled run gives, makes no gradient, and ignores labels
// written before it.
func TestClassifierPredictNeedsNoLabels(t *testing.T) {
	ps := NewParams(tensor.Float32, 3)
	m, err := NewManyToOne(ps, "m", ManyToOneConfig{Input: InputConfig{Vocab: 9, EmbedDim: 4},
		RNN: StackConfig{Kind: GRU, Hidden: 5, Layers: 1}, Pool: PoolMean, Classes: 3})
	if err != nil {
		t.Fatal(err)
	}
	g, err := m.Compile(4, 3, false, nil)
	if err != nil {
		t.Fatal(err)
	}
	g.SetTokens([][]int{{1, 2, 3}, {4, 5}})
	g.SetLabels([]int{2, 1})
	if err := g.Net.Run(); err != nil {
		t.Fatal(err)
	}
	want, wantClass := Softmax(g.Net.Output(0), 2)
	ps.ZeroGrad()
	probs, classes, err := g.Predict(2)
	if err != nil {
		t.Fatal(err)
	}
	for i := range want {
		var sum float64
		for j := range want[i] {
			sum += probs[i][j]
			if probs[i][j] != want[i][j] {
				t.Fatalf("row %d: %v, want %v", i, probs[i], want[i])
			}
		}
		if math.Abs(sum-1) > 1e-12 || classes[i] != wantClass[i] {
			t.Fatalf("row %d: probabilities sum to %v, class %d (want %d)", i, sum, classes[i], wantClass[i])
		}
	}
	for _, p := range ps.All() {
		for _, v := range p.Grad.Data().([]float32) {
			if v != 0 {
				t.Fatalf("Predict left a gradient in %s", p.Name)
			}
		}
	}
	if _, _, err := g.Predict(4); err == nil {
		t.Fatal("4 rows of a batch of 3 accepted")
	}
}

// Input dropout: a training graph drops embedded elements (its loss moves
// with the mask, a new mask each run, and the gradient check holds for a
// fixed mask); an inference graph ignores it; a probability outside [0,1)
// is refused.
func TestInputDropout(t *testing.T) {
	build := func(p float64) *ManyToOne {
		ps := NewParams(tensor.Float64, 11)
		m, err := NewManyToOne(ps, "m", ManyToOneConfig{
			Input: InputConfig{Vocab: 6, EmbedDim: 3, Dropout: p},
			RNN:   StackConfig{Kind: LSTM, Act: Tanh, Hidden: 3, Layers: 1},
			Pool:  PoolMax, Classes: 3,
		})
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	loss := func(m *ManyToOne, train bool, rng *rand.Rand) (float64, *ClassifierGraph) {
		g := runTestBatch(t, m, train, rng)
		return g.Net.LossValue(), g
	}
	plain, _ := loss(build(0), true, nil)
	md := build(0.5)
	dropped, g := loss(md, true, rand.New(rand.NewPCG(1, 2)))
	if plain == dropped {
		t.Fatalf("input dropout 0.5 left the training loss at %v", plain)
	}
	if err := g.Net.Run(); err != nil { // a second run draws another mask
		t.Fatal(err)
	}
	if again := g.Net.LossValue(); again == dropped {
		t.Fatalf("two training runs drew the same input dropout mask (loss %v)", again)
	}
	// With the same mask every run (cycleSource: 45 draws for [5,3,3]),
	// finite differences check the gradient through it.
	src := &cycleSource{}
	r := rand.New(rand.NewPCG(3, 4))
	for i := 0; i < 45; i++ {
		src.vals = append(src.vals, r.Uint64())
	}
	_, fixed := loss(md, true, rand.New(src))
	if worst := gradCheck(t, md.Params, fixed.Net, 1e-6); worst > 1e-6 {
		t.Fatalf("gradient through input dropout: worst relative error %g", worst)
	}
	evalPlain, _ := loss(build(0), false, nil)
	evalDropped, _ := loss(build(0.5), false, nil)
	if evalPlain != evalDropped {
		t.Fatalf("inference loss %v with input dropout, %v without", evalDropped, evalPlain)
	}
	for _, p := range []float64{-0.1, 1, math.NaN()} {
		if _, err := NewManyToOne(NewParams(tensor.Float64, 1), "m", ManyToOneConfig{
			Input: InputConfig{Vocab: 6, EmbedDim: 3, Dropout: p},
			RNN:   StackConfig{Kind: LSTM, Act: Tanh, Hidden: 3, Layers: 1}, Classes: 3,
		}); err == nil || !strings.Contains(err.Error(), "input dropout") {
			t.Errorf("input dropout %v: error %v", p, err)
		}
	}
}

// runTestBatch compiles m for testSeqs and testLabels (5 steps, batch 3)
// and runs it once.
func runTestBatch(t *testing.T, m *ManyToOne, train bool, rng *rand.Rand) *ClassifierGraph {
	t.Helper()
	g, err := m.Compile(5, 3, train, rng)
	if err != nil {
		t.Fatal(err)
	}
	g.SetTokens(testSeqs)
	g.SetLabels(testLabels)
	if err := g.Net.Run(); err != nil {
		t.Fatal(err)
	}
	return g
}
