package graph

import (
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"math"
	"math/rand/v2"
	"testing"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// cycleSource repeats a fixed list of draws, so that every run of a net
// draws the same dropout masks (finite differences need a fixed function).
type cycleSource struct {
	vals []uint64
	i    int
}

func (c *cycleSource) Uint64() uint64 {
	v := c.vals[c.i%len(c.vals)]
	c.i++
	return v
}

func TestDropoutStackGradientAndSeeding(t *testing.T) {
	ps := NewParams(tensor.Float64, 17)
	m, err := NewManyToOne(ps, "m", ManyToOneConfig{
		Input: InputConfig{Vocab: 6, EmbedDim: 3},
		RNN:   StackConfig{Kind: GRU, Hidden: 3, Layers: 2, Dropout: 0.5},
		Pool:  PoolMean, Dropout: 0.3, Classes: 3,
	})
	if err != nil {
		t.Fatal(err)
	}
	// Masks: layer input [5,3,3] = 45 draws, pooled [3,3] = 9 draws.
	src := &cycleSource{}
	r := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 54; i++ {
		src.vals = append(src.vals, r.Uint64())
	}
	g, err := m.Compile(5, 3, true, rand.New(src))
	if err != nil {
		t.Fatal(err)
	}
	g.SetTokens(testSeqs)
	g.SetLabels(testLabels)
	if worst := gradCheck(t, ps, g.Net, 1e-6); worst > 1e-6 {
		t.Fatalf("worst relative error %g", worst)
	}
	// The same seed gives the same losses; the masks change between runs.
	losses := func(seed uint64) []float64 {
		g, err := m.Compile(5, 3, true, rand.New(rand.NewPCG(seed, seed)))
		if err != nil {
			t.Fatal(err)
		}
		g.SetTokens(testSeqs)
		g.SetLabels(testLabels)
		var out []float64
		for i := 0; i < 3; i++ {
			if err := g.Net.Run(); err != nil {
				t.Fatal(err)
			}
			out = append(out, g.Net.LossValue())
		}
		ps.ZeroGrad()
		return out
	}
	a, b := losses(7), losses(7)
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("same seed, different losses: %v vs %v", a, b)
		}
	}
	if a[0] == a[1] && a[1] == a[2] {
		t.Fatalf("dropout masks did not change between runs: %v", a)
	}
	// An evaluation graph applies no dropout: its loss is deterministic
	// and needs no generator.
	runTestBatch(t, m, false, nil)
}

func TestFrozenEmbeddingIsNotTrained(t *testing.T) {
	ps := NewParams(tensor.Float64, 1)
	pre := make([]float64, 6*3)
	for i := range pre {
		pre[i] = float64(i) / 10
	}
	m, err := NewManyToOne(ps, "m", ManyToOneConfig{
		Input: InputConfig{Vocab: 6, EmbedDim: 3, FreezeEmbedding: true},
		RNN:   StackConfig{Kind: LSTM, Hidden: 3, Layers: 1}, Classes: 3,
	}, WithEmbedding(pre))
	if err != nil {
		t.Fatal(err)
	}
	if got := m.Embed.E.F64(); got[7] != pre[7] {
		t.Fatalf("pretrained row not loaded: %v", got)
	}
	for _, p := range ps.Trainable() {
		if p == m.Embed.E {
			t.Fatal("a frozen embedding is listed as trainable")
		}
	}
	g := runTestBatch(t, m, true, nil)
	for _, v := range m.Embed.E.GradF64() {
		if v != 0 {
			t.Fatal("a frozen embedding received a gradient")
		}
	}
	if worst := gradCheck(t, ps, g.Net, 1e-6); worst > 1e-6 {
		t.Fatalf("worst relative error %g", worst)
	}
}

func TestLogSoftmaxStableAndGradient(t *testing.T) {
	ps := NewParams(tensor.Float64, 2)
	x := ps.New("x", tensor.Shape{3, 4}, Uniform(3))
	b := NewBuilder(ps, true)
	ls := must(LogSoftmax(b.Param(x)))
	w := b.Input("w", 3, 4)
	w.Set([]float64{1, -2, 0.5, 3, 0, 1, 1, -1, 2, 2, -0.5, 0.1})
	loss := must(G.Sum(must(G.HadamardProd(ls, w.Node))))
	net, err := b.Compile(loss, nil, ls)
	if err != nil {
		t.Fatal(err)
	}
	if worst := gradCheck(t, ps, net, 1e-6); worst > 1e-6 {
		t.Fatalf("worst relative error %g", worst)
	}
	// Rows of very different scale (Gorgonia's last-axis kernel fails here).
	copy(x.F64(), []float64{1000, 0, -1000, 5, 0, 0, 0, 0, -800, -801, -802, -803})
	if err := net.Run(); err != nil {
		t.Fatal(err)
	}
	out := net.Output(0).Data().([]float64)
	for r := 0; r < 3; r++ {
		var s float64
		for j := 0; j < 4; j++ {
			v := out[r*4+j]
			if math.IsNaN(v) || v > 0 {
				t.Fatalf("row %d: %v", r, out[r*4:(r+1)*4])
			}
			s += math.Exp(v)
		}
		if math.Abs(s-1) > 1e-12 {
			t.Fatalf("row %d does not normalise: %v", r, s)
		}
	}
}

func TestEmbeddingRejectsOutOfRangeIDs(t *testing.T) {
	ps := NewParams(tensor.Float32, 1)
	e := mustMake(NewEmbedding(ps, "e", 4, 2))
	b := NewBuilder(ps, false)
	ids := b.IntInput("ids", 3)
	out := must(e.Apply(b, ids))
	net, err := b.Compile(nil, nil, out)
	require.NoError(t, err)
	copy(ids.Ints(), []int{0, 3, 1})
	require.NoError(t, net.Run())
	got := net.Output(0).Data().([]float32)
	assert.Equal(t, e.E.F32()[6:8], got[2:4], "row 1 of the output is row 3 of E")
	copy(ids.Ints(), []int{0, 4, 1})
	assert.ErrorContains(t, net.Run(), "outside the vocabulary", "id 4 in a vocabulary of 4")
}
