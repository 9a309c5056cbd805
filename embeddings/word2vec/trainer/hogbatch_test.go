package trainer

import (
	"math"
	"testing"
)

// TestSharedNegativesWindowEquations holds skipGramShared (four-row kernels,
// padding, in-place updates) to the window equations of its doc computed
// plainly in float64, with the same random draws.
func TestSharedNegativesWindowEquations(t *testing.T) {
	const V, d, win, neg = 12, 19, 3, 5
	const alpha = 0.4
	cfg := Config{Dim: d, Window: win, Negative: neg, MinCount: 1, Seed: 5}
	if err := cfg.fill(); err != nil {
		t.Fatal(err)
	}
	m := &model{cfg: cfg, dim: d, alpha0: alpha}
	counts := make([]int64, V)
	for i := range counts {
		counts[i] = int64(2 * (V - i))
	}
	m.alias = newAliasTable(counts, 0.75)
	init := newRNG(9)
	m.syn0, m.syn1neg = make([]float32, V*d), make([]float32, V*d)
	for i := range m.syn0 {
		m.syn0[i] = float32(init.next()>>40)/(1<<24) - 0.5
		m.syn1neg[i] = float32(init.next()>>40)/(1<<24) - 0.5
	}
	in := make([]float64, V*d)
	out := make([]float64, V*d)
	for i := range in {
		in[i], out[i] = float64(m.syn0[i]), float64(m.syn1neg[i])
	}
	sen := []int32{3, 5, 3, 7, 1, 1, 9, 0, 4}

	r := newRNG(1) // the reference replays the worker's draws
	next := make([]int32, neg+1)
	for k := 1; k <= neg; k++ {
		next[k] = m.alias.draw(&r)
	}
	windows := 0
	for a, word := range sen {
		b := int(r.intn(win))
		lo, hi := max(a-win+b, 0), min(a+win-b, len(sen)-1)
		outs := append([]int32{word}, next[1:]...)
		if a+1 < len(sen) {
			for k := 1; k <= neg; k++ {
				next[k] = m.alias.draw(&r)
			}
		}
		var ctx []int32
		for c := lo; c <= hi; c++ {
			if c != a {
				ctx = append(ctx, sen[c])
			}
		}
		g := make([][]float64, len(ctx))
		for i, c := range ctx {
			g[i] = make([]float64, len(outs))
			for j, o := range outs {
				if j > 0 && o == word {
					continue
				}
				var f float64
				for x := 0; x < d; x++ {
					f += in[int(c)*d+x] * out[int(o)*d+x]
				}
				label := 0.0
				if j == 0 {
					label = 1
				}
				switch {
				case f > maxExp:
					g[i][j] = (label - 1) * alpha
				case f < -maxExp:
					g[i][j] = label * alpha
				default:
					g[i][j] = (label - float64(sigmoid(float32(f)))) * alpha
				}
			}
		}
		dIn := make([]float64, len(ctx)*d)
		dOut := make([]float64, len(outs)*d)
		for i, c := range ctx {
			for j, o := range outs {
				for x := 0; x < d; x++ {
					dIn[i*d+x] += g[i][j] * out[int(o)*d+x]
					dOut[j*d+x] += g[i][j] * in[int(c)*d+x]
				}
			}
		}
		for i, c := range ctx {
			for x := 0; x < d; x++ {
				in[int(c)*d+x] += dIn[i*d+x]
			}
		}
		for j, o := range outs {
			for x := 0; x < d; x++ {
				out[int(o)*d+x] += dOut[j*d+x]
			}
		}
		windows++
	}

	w := newWorker(m)
	w.r = newRNG(1)
	w.skipGramShared(sen, alpha)
	worst := 0.0
	for i := range in {
		worst = max(worst, math.Abs(float64(m.syn0[i])-in[i]), math.Abs(float64(m.syn1neg[i])-out[i]))
	}
	if worst > 1e-5 || math.IsNaN(worst) {
		t.Fatalf("after %d windows the vectors differ from the equations by up to %g", windows, worst)
	}
	if w.r != r {
		t.Fatal("the trainer drew a different number of random numbers than the equations' replay")
	}
}
