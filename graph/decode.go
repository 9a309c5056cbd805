package graph

import (
	"fmt"
	"math"
	"sort"

	G "gorgonia.org/gorgonia"
)

// Decoder runs a Seq2Seq model one target step at a time, for greedy and
// beam-search decoding: Start encodes a batch of sources, Step feeds one
// token per row and returns log-probabilities over the target vocabulary,
// Reorder permutes the rows' states (beam search).
type Decoder struct {
	m      *Seq2Seq
	B, Ts  int
	enc    *Net
	encIn  *SeqInput
	step   *Net
	tgt    *SeqInput
	memory *Input   // encoder states [Ts,B,D]
	srcM   *Input   // source mask [Ts,B]
	states []*Input // per decoder layer: h, then c for LSTM
	// Ban lists target tokens that Step gives log-probability −Inf, so
	// that Greedy and BeamSearch never emit them (e.g. <pad>, <unk>,
	// <bos>).
	Ban []int
}

// NewDecoder compiles the encoder and single-step graphs for sources of at
// most Ts tokens and B rows.
func (m *Seq2Seq) NewDecoder(Ts, B int) (*Decoder, error) {
	d := &Decoder{m: m, B: B, Ts: Ts}
	eb := NewBuilder(m.Params, false)
	src, enc, inits, err := m.encode(eb, Ts, B)
	if err != nil {
		return nil, err
	}
	outs := append(G.Nodes{enc}, stateNodes(inits)...)
	d.encIn = src
	if d.enc, err = eb.Compile(nil, nil, outs...); err != nil {
		return nil, err
	}
	sb := NewBuilder(m.Params, false)
	d.memory = sb.Input("memory", Ts, B, m.Enc.RNN.OutDim())
	d.srcM = sb.Input("srcmask", Ts, B)
	var stepInits []State
	d.states, stepInits = m.Dec.RNN.StateInputs(sb, "state", B)
	tgt, y, err := m.Dec.inputs(sb, "tgt.", 1, B)
	if err != nil {
		return nil, err
	}
	d.tgt = tgt
	d.tgt.Mask.Fill(1)
	logits, finals, err := m.decode(sb, tgt, y, d.memory.Node, d.srcM.Node, stepInits)
	if err != nil {
		return nil, err
	}
	souts := append(G.Nodes{logits}, stateNodes(finals)...)
	if d.step, err = sb.Compile(nil, nil, souts...); err != nil {
		return nil, err
	}
	return d, nil
}

// Start encodes up to B sources (longer ones are truncated to Ts tokens)
// and sets every row's decoder state.
func (d *Decoder) Start(src [][]int) error {
	if len(src) > d.B {
		return fmt.Errorf("graph: %d sources for a decoder of %d rows", len(src), d.B)
	}
	d.encIn.SetTokens(src)
	if err := d.enc.Run(); err != nil {
		return err
	}
	copyValue(d.memory, d.enc.Output(0).Data())
	copyValue(d.srcM, d.encIn.Mask.Value.Data())
	for i, s := range d.states {
		copyValue(s, d.enc.Output(1+i).Data())
	}
	return nil
}

func copyValue(dst *Input, src any) {
	switch s := src.(type) {
	case []float32:
		copy(dst.F32(), s)
	case []float64:
		copy(dst.F64(), s)
	}
}

// Step feeds one token per row (len(prev) ≤ B) and returns each row's
// log-probabilities over the target vocabulary; the states advance.
func (d *Decoder) Step(prev []int) ([][]float64, error) {
	seqs := make([][]int, len(prev))
	for i, t := range prev {
		seqs[i] = []int{t}
	}
	d.tgt.SetTokens(seqs)
	d.tgt.Mask.Fill(1)
	if err := d.step.Run(); err != nil {
		return nil, err
	}
	logits := d.step.Output(0)
	V := logits.Shape()[1]
	out := make([][]float64, len(prev))
	for r := range out {
		row := make([]float64, V)
		switch x := logits.Data().(type) {
		case []float32:
			for j := range row {
				row[j] = float64(x[r*V+j])
			}
		case []float64:
			copy(row, x[r*V:(r+1)*V])
		}
		lse := logSumExp(row)
		for j := range row {
			row[j] -= lse
		}
		for _, j := range d.Ban {
			if j >= 0 && j < V {
				row[j] = math.Inf(-1)
			}
		}
		out[r] = row
	}
	for i, s := range d.states {
		copyValue(s, d.step.Output(1+i).Data())
	}
	return out, nil
}

// Reorder makes row i continue from the state of row from[i], for every
// row (beam search keeps the best hypotheses).
func (d *Decoder) Reorder(from []int) {
	for _, in := range append(append([]*Input{}, d.states...), d.memory, d.srcM) {
		permuteRows(in, from)
	}
}

// permuteRows permutes the batch axis (the second-to-last for 2-D [B,H],
// axis 1 for 3-D [T,B,D] and 2-D masks [T,B] alike).
func permuteRows(in *Input, from []int) {
	s := in.Value.Shape()
	outer, B, inner := 1, s[0], 1
	if len(s) == 3 || in.Node.Name() == "srcmask" {
		outer, B = s[0], s[1]
		if len(s) == 3 {
			inner = s[2]
		}
	} else {
		inner = s[1]
	}
	switch x := in.Value.Data().(type) {
	case []float32:
		permute(x, outer, B, inner, from)
	case []float64:
		permute(x, outer, B, inner, from)
	}
}

func permute[T floats](x []T, outer, B, inner int, from []int) {
	old := append([]T(nil), x...)
	for o := 0; o < outer; o++ {
		for b := 0; b < B && b < len(from); b++ {
			copy(x[(o*B+b)*inner:(o*B+b+1)*inner], old[(o*B+from[b])*inner:(o*B+from[b]+1)*inner])
		}
	}
}

// Greedy decodes each source by taking the most probable token at every
// step, until eos or maxLen tokens; the outputs exclude bos and eos.
func Greedy(d *Decoder, src [][]int, bos, eos, maxLen int) ([][]int, error) {
	if err := d.Start(src); err != nil {
		return nil, err
	}
	out := make([][]int, len(src))
	done := make([]bool, len(src))
	prev := make([]int, len(src))
	for i := range prev {
		prev[i] = bos
	}
	for t := 0; t < maxLen; t++ {
		lp, err := d.Step(prev)
		if err != nil {
			return nil, err
		}
		all := true
		for i, row := range lp {
			k := ArgmaxRow(row)
			prev[i] = k
			if done[i] {
				continue
			}
			if k == eos {
				done[i] = true
			} else {
				out[i] = append(out[i], k)
				all = false
			}
		}
		if all {
			break
		}
	}
	return out, nil
}

// BeamSearch decodes one source with a beam of d.B hypotheses, scoring
// finished hypotheses by log-probability divided by length^alpha (alpha 0:
// no length normalisation). The output excludes bos and eos.
func BeamSearch(d *Decoder, src []int, bos, eos, maxLen int, alpha float64) ([]int, error) {
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
		// The loop below takes at most 2K−1 candidates (K to go on, or
		// K that end), so keep only the 2K best, in the order a stable
		// sort by descending score would give them.
		cands := make([]cand, 0, 2*K)
		for i, h := range beams {
			for tok, v := range lp[i] {
				sc := h.score + v
				if len(cands) == 2*K && !(sc > cands[len(cands)-1].score) {
					continue
				}
				at := sort.Search(len(cands), func(j int) bool { return cands[j].score < sc })
				if len(cands) < 2*K {
					cands = append(cands, cand{})
				}
				copy(cands[at+1:], cands[at:len(cands)-1])
				cands[at] = cand{i, tok, sc}
			}
		}
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
