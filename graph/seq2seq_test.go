package graph

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"sort"
	"testing"

	"gorgonia.org/tensor"
)

func newTestSeq2Seq(t *testing.T, dt tensor.Dtype, kind CellKind, att AttentionKind) *Seq2Seq {
	t.Helper()
	ps := NewParams(dt, 21)
	m, err := NewSeq2Seq(ps, "s2s", Seq2SeqConfig{
		Src:       InputConfig{Vocab: 6, EmbedDim: 3},
		Tgt:       InputConfig{Vocab: 5, EmbedDim: 3},
		Encoder:   StackConfig{Kind: kind, Hidden: 3, Layers: 1, Bidirectional: true},
		Decoder:   StackConfig{Kind: kind, Hidden: 3, Layers: 2},
		Attention: att, AttnUnits: 4,
	})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

var (
	s2sSrc   = [][]int{{1, 2, 3, 4}, {5, 1}}
	s2sTgtIn = [][]int{{1, 3, 4}, {1, 2}} // bos = 1
	s2sTgt   = [][]int{{3, 4, 0}, {2, 0}} // eos = 0
)

func TestSeq2SeqGradientCheck(t *testing.T) {
	for _, kind := range []CellKind{GRU, LSTM} {
		for _, att := range []AttentionKind{NoAttention, Additive, Dot, General} {
			t.Run(fmt.Sprintf("%v-%v", kind, att), func(t *testing.T) {
				if att == Dot {
					t.Skip("dot attention needs equal sizes; covered with Hidden matching below")
				}
				m := newTestSeq2Seq(t, tensor.Float64, kind, att)
				g, err := m.Compile(4, 3, 2, true, nil)
				if err != nil {
					t.Fatal(err)
				}
				g.Src.SetTokens(s2sSrc)
				g.TgtIn.SetTokens(s2sTgtIn)
				g.SetTargets(s2sTgt)
				if worst := gradCheck(t, m.Params, g.Net, 1e-6); worst > 1e-6 {
					t.Fatalf("worst relative error %g", worst)
				}
			})
		}
	}
}

// The single-step decoder fed the gold prefix gives the same
// log-probabilities as the teacher-forced training graph.
func TestDecoderMatchesTeacherForcing(t *testing.T) {
	m := newTestSeq2Seq(t, tensor.Float64, LSTM, Additive)
	g, err := m.Compile(4, 3, 2, false, nil)
	if err != nil {
		t.Fatal(err)
	}
	g.Src.SetTokens(s2sSrc)
	g.TgtIn.SetTokens(s2sTgtIn)
	g.SetTargets(s2sTgt)
	if err := g.Net.Run(); err != nil {
		t.Fatal(err)
	}
	logits := g.Net.Output(0).Data().([]float64)
	d, err := m.NewDecoder(4, 2)
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Start(s2sSrc); err != nil {
		t.Fatal(err)
	}
	const V = 5
	for step := 0; step < 2; step++ {
		lp, err := d.Step([]int{s2sTgtIn[0][step], s2sTgtIn[1][step]})
		if err != nil {
			t.Fatal(err)
		}
		for b := 0; b < 2; b++ {
			row := logits[(step*2+b)*V : (step*2+b+1)*V]
			lse := logSumExp(row)
			for j := 0; j < V; j++ {
				if math.Abs(row[j]-lse-lp[b][j]) > 1e-10 {
					t.Fatalf("step %d row %d: teacher-forced %v, step decoder %v", step, b, row[j]-lse, lp[b][j])
				}
			}
		}
	}
}

func TestBeamOneEqualsGreedy(t *testing.T) {
	for _, kind := range []CellKind{GRU, LSTM} {
		m := newTestSeq2Seq(t, tensor.Float32, kind, General)
		d1, err := m.NewDecoder(4, 1)
		if err != nil {
			t.Fatal(err)
		}
		for _, src := range s2sSrc {
			greedy, err := Greedy(d1, [][]int{src}, 1, 0, 8)
			if err != nil {
				t.Fatal(err)
			}
			beam, err := BeamSearch(d1, src, 1, 0, 8, 0)
			if err != nil {
				t.Fatal(err)
			}
			if fmt.Sprint(greedy[0]) != fmt.Sprint(beam) {
				t.Fatalf("%v: greedy %v, beam 1 %v", kind, greedy[0], beam)
			}
		}
		// A wider beam runs and returns tokens of the vocabulary.
		d4, err := m.NewDecoder(4, 4)
		if err != nil {
			t.Fatal(err)
		}
		out, err := BeamSearch(d4, s2sSrc[0], 1, 0, 8, 1)
		if err != nil {
			t.Fatal(err)
		}
		for _, tok := range out {
			if tok < 0 || tok >= 5 {
				t.Fatalf("beam output %v", out)
			}
		}
	}
}

func TestDotAttentionSeq2Seq(t *testing.T) {
	ps := NewParams(tensor.Float64, 4)
	m, err := NewSeq2Seq(ps, "s2s", Seq2SeqConfig{
		Src:       InputConfig{Vocab: 6, EmbedDim: 3},
		Tgt:       InputConfig{Vocab: 5, EmbedDim: 3},
		Encoder:   StackConfig{Kind: GRU, Hidden: 2, Layers: 1, Bidirectional: true},
		Decoder:   StackConfig{Kind: GRU, Hidden: 4, Layers: 1},
		Attention: Dot,
	})
	if err != nil {
		t.Fatal(err)
	}
	g, err := m.Compile(4, 3, 2, true, nil)
	if err != nil {
		t.Fatal(err)
	}
	g.Src.SetTokens(s2sSrc)
	g.TgtIn.SetTokens(s2sTgtIn)
	g.SetTargets(s2sTgt)
	if worst := gradCheck(t, ps, g.Net, 1e-6); worst > 1e-6 {
		t.Fatalf("worst relative error %g", worst)
	}
}

// beamSearchFullSort is BeamSearch as first written: every candidate of
// every hypothesis sorted (stable) by score. BeamSearch keeps only the 2K
// best and must choose the same hypotheses.
func beamSearchFullSort(d *Decoder, src []int, bos, eos, maxLen int, alpha float64) ([]int, error) {
	K := d.B
	srcs := make([][]int, K)
	for i := range srcs {
		srcs[i] = src
	}
	if err := d.Start(srcs); err != nil {
		return nil, err
	}
	type hyp struct {
		toks  []int
		score float64
	}
	beams := []hyp{{score: 0}}
	var finished []hyp
	norm := func(h hyp) float64 { return h.score / math.Pow(float64(len(h.toks)+1), alpha) }
	prev := make([]int, K)
	for i := range prev {
		prev[i] = bos
	}
	for t := 0; t < maxLen && len(beams) > 0; t++ {
		lp, err := d.Step(prev)
		if err != nil {
			return nil, err
		}
		type cand struct {
			from, tok int
			score     float64
		}
		var cands []cand
		for i, h := range beams {
			for tok, v := range lp[i] {
				cands = append(cands, cand{i, tok, h.score + v})
			}
		}
		sort.SliceStable(cands, func(a, b int) bool { return cands[a].score > cands[b].score })
		var next []hyp
		var from []int
		for _, c := range cands {
			if len(next) == K {
				break
			}
			h := hyp{toks: append(append([]int(nil), beams[c.from].toks...), c.tok), score: c.score}
			if c.tok == eos {
				h.toks = h.toks[:len(h.toks)-1]
				finished = append(finished, h)
				if len(finished) >= K {
					break
				}
				continue
			}
			next = append(next, h)
			from = append(from, c.from)
		}
		if len(finished) >= K {
			break
		}
		beams = next
		for len(from) < K {
			from = append(from, 0)
		}
		d.Reorder(from)
		for i := range prev {
			prev[i] = eos
			if i < len(beams) {
				prev[i] = beams[i].toks[len(beams[i].toks)-1]
			}
		}
	}
	if len(finished) == 0 {
		finished = beams
	}
	best := finished[0]
	for _, h := range finished[1:] {
		if norm(h) > norm(best) {
			best = h
		}
	}
	return best.toks, nil
}

// Keeping the 2K best candidates gives the same hypotheses as sorting
// them all; banned tokens never come out of Greedy or BeamSearch.
func TestBeamTopKAndBan(t *testing.T) {
	ps := NewParams(tensor.Float64, 8)
	m, err := NewSeq2Seq(ps, "s2s", Seq2SeqConfig{
		Src:       InputConfig{Vocab: 6, EmbedDim: 4},
		Tgt:       InputConfig{Vocab: 12, EmbedDim: 4},
		Encoder:   StackConfig{Kind: GRU, Hidden: 4, Layers: 1, Bidirectional: true},
		Decoder:   StackConfig{Kind: GRU, Hidden: 5, Layers: 1},
		Attention: Additive,
	})
	if err != nil {
		t.Fatal(err)
	}
	// Sharper distributions than the initial weights give.
	out := m.Out.W.F64()
	for i := range out {
		out[i] *= 8
	}
	srcs := [][]int{{1, 2, 3, 4}, {5, 1}, {2, 2, 2}, {4}}
	for _, K := range []int{2, 3, 5} {
		d, err := m.NewDecoder(4, K)
		if err != nil {
			t.Fatal(err)
		}
		for _, alpha := range []float64{0, 1} {
			for _, src := range srcs {
				want, err := beamSearchFullSort(d, src, 1, 0, 9, alpha)
				if err != nil {
					t.Fatal(err)
				}
				got, err := BeamSearch(d, src, 1, 0, 9, alpha)
				if err != nil {
					t.Fatal(err)
				}
				if fmt.Sprint(got) != fmt.Sprint(want) {
					t.Fatalf("K=%d alpha %g src %v: top-2K beam %v, full sort %v", K, alpha, src, got, want)
				}
			}
		}
	}
	// Ban the tokens greedy decoding emits: they must not come back.
	d, err := m.NewDecoder(4, len(srcs))
	if err != nil {
		t.Fatal(err)
	}
	plain, err := Greedy(d, srcs, 1, 0, 9)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[int]bool{}
	for _, s := range plain {
		for _, tok := range s {
			seen[tok] = true
		}
	}
	for tok := range seen {
		d.Ban = append(d.Ban, tok)
	}
	if len(d.Ban) == 0 {
		t.Fatalf("greedy gave only empty outputs: %v", plain)
	}
	banned, err := Greedy(d, srcs, 1, 0, 9)
	if err != nil {
		t.Fatal(err)
	}
	d3, err := m.NewDecoder(4, 3)
	if err != nil {
		t.Fatal(err)
	}
	d3.Ban = d.Ban
	for i, src := range srcs {
		b, err := BeamSearch(d3, src, 1, 0, 9, 1)
		if err != nil {
			t.Fatal(err)
		}
		for _, tok := range append(b, banned[i]...) {
			if seen[tok] {
				t.Fatalf("banned token %d in %v / %v (ban %v)", tok, banned[i], b, d.Ban)
			}
		}
	}
}

// CompileLoss (fused output loss, no logits) scores what Compile's
// evaluation graph scores, without label smoothing in either; the training
// graph, fused too, matches the Reference builder's op-by-op graph in loss
// and gradients.
func TestSeq2SeqFusedLossMatchesLogitsGraph(t *testing.T) {
	m := newTestSeq2Seq(t, tensor.Float64, GRU, Additive)
	m.Config.LabelSmoothing = 0.1
	run := func(g *Seq2SeqGraph) float64 {
		g.Src.SetTokens(s2sSrc)
		g.TgtIn.SetTokens(s2sTgtIn)
		g.SetTargets(s2sTgt)
		m.Params.ZeroGrad()
		if err := g.Net.Run(); err != nil {
			t.Fatal(err)
		}
		return g.Net.LossValue()
	}
	full, err := m.Compile(4, 3, 2, false, nil)
	if err != nil {
		t.Fatal(err)
	}
	lossOnly, err := m.CompileLoss(4, 3, 2)
	if err != nil {
		t.Fatal(err)
	}
	if lossOnly.Logits != nil || full.Logits == nil {
		t.Fatal("CompileLoss should have no logits, Compile's evaluation graph should")
	}
	if a, b := run(full), run(lossOnly); math.Abs(a-b) > 1e-12 {
		t.Fatalf("evaluation loss %v, loss-only graph %v", a, b)
	}
	fused, err := m.Compile(4, 3, 2, true, nil)
	if err != nil {
		t.Fatal(err)
	}
	rb := NewBuilder(m.Params, true)
	rb.Reference = true
	ref, err := m.CompileWith(rb, 4, 3, 2, nil)
	if err != nil {
		t.Fatal(err)
	}
	grads := func() map[string][]float64 {
		out := map[string][]float64{}
		for _, p := range m.Params.Trainable() {
			out[p.Name] = gradFloats(p)
		}
		return out
	}
	lf := run(fused)
	gf := grads()
	lr := run(ref)
	gr := grads()
	if math.Abs(lf-lr) > 1e-12 || lf <= run(full) {
		t.Fatalf("training loss %v, reference %v (smoothed, so above the evaluation loss)", lf, lr)
	}
	for name, want := range gr {
		for i, w := range want {
			if math.Abs(gf[name][i]-w) > 1e-10 {
				t.Fatalf("∂%s[%d]: fused %v, reference %v", name, i, gf[name][i], w)
			}
		}
	}
}

// A training step of an attention translator at a size whose output
// layer, attention and products split over the threads gives the same loss
// and gradients, bit for bit, at one thread and at four.
func TestSeq2SeqSameBitsAcrossThreads(t *testing.T) {
	const B, T, V = 32, 6, 2100
	rng := rand.New(rand.NewPCG(3, 4))
	tokens := func() [][]int {
		s := make([][]int, B)
		for i := range s {
			s[i] = make([]int, T)
			for j := range s[i] {
				s[i][j] = 3 + rng.IntN(V-3)
			}
		}
		return s
	}
	src, tgt := tokens(), tokens()
	tgtIn := make([][]int, B)
	for i := range tgt {
		tgtIn[i] = append([]int{1}, tgt[i][:T-1]...)
	}
	run := func(threads int) (float64, map[string][]float64) {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(threads))
		ps := NewParams(tensor.Float32, 9)
		m, err := NewSeq2Seq(ps, "s2s", Seq2SeqConfig{
			Src:       InputConfig{Vocab: V, EmbedDim: 16},
			Tgt:       InputConfig{Vocab: V, EmbedDim: 16},
			Encoder:   StackConfig{Kind: GRU, Hidden: 64, Layers: 1, Bidirectional: true},
			Decoder:   StackConfig{Kind: GRU, Hidden: 64, Layers: 1},
			Attention: Additive, AttnUnits: 64,
		})
		if err != nil {
			t.Fatal(err)
		}
		g, err := m.Compile(T, T, B, true, nil)
		if err != nil {
			t.Fatal(err)
		}
		g.Src.SetTokens(src)
		g.TgtIn.SetTokens(tgtIn)
		g.SetTargets(tgt)
		if err := g.Net.Run(); err != nil {
			t.Fatal(err)
		}
		grads := map[string][]float64{}
		for _, p := range ps.Trainable() {
			grads[p.Name] = gradFloats(p)
		}
		return g.Net.LossValue(), grads
	}
	loss1, g1 := run(1)
	loss4, g4 := run(4)
	sameRunBits(t, loss1, g1, loss4, g4)
}
