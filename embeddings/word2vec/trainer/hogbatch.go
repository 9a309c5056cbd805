package trainer

import "github.com/rnnzoo/rnnzoo/embeddings/internal/vecmath"

// skipGramShared trains Skip-gram with negative sampling a window at a time,
// in the manner of Ji et al.'s HogBatch (pWord2Vec, "Parallelizing Word2Vec
// in Shared and Distributed Memory", 2016): the m context words cᵢ of a
// centre word w share one draw of K negatives nₖ, so that one window is a
// pair of small matrix products instead of m separate pair updates. With
// Cᵢ = syn0[cᵢ] (m×d), O = syn1neg[w, n₁…n_K] ((K+1)×d) and labels
// y = (1, 0, …, 0):
//
//	F = C·Oᵀ                      (m×(K+1) scores)
//	G = a·(y − σ(F))               (zero in a column whose negative is w)
//	O += Gᵀ·C,  C += G·O           (both from the values before the window)
//
// The per-pair trainer (skipGram) draws K negatives for every pair and
// updates each output row before the next pair reads it; here the K+1
// output rows are read once per window and stay in the first-level cache,
// and there are m times fewer random rows to fetch.
func (w *worker) skipGramShared(sen []int32, alpha float32) {
	m := w.m
	d := m.dim
	win := m.cfg.Window
	k1 := m.cfg.Negative + 1
	syn0, syn1neg := m.syn0, m.syn1neg
	outs, next := w.outs[:k1], w.nextOuts[:k1]
	for k := 1; k < k1; k++ {
		next[k] = m.alias.draw(&w.r)
	}
	for a, word := range sen {
		b := int(w.r.intn(uint32(win)))
		lo, hi := max(a-win+b, 0), min(a+win-b, len(sen)-1)
		copy(outs[1:], next[1:])
		outs[0] = word
		if a+1 < len(sen) { // the next window's negatives, fetched while this one works
			for k := 1; k < k1; k++ {
				t := m.alias.draw(&w.r)
				next[k] = t
				vecmath.Prefetch(syn1neg[int(t)*d : int(t)*d+d])
			}
			q := int(sen[a+1]) * d
			vecmath.Prefetch(syn1neg[q : q+d])
		}
		if hi == lo {
			continue
		}
		ctx := w.ctx[:0]
		for c := lo; c <= hi; c++ {
			if c != a {
				ctx = append(ctx, sen[c])
			}
		}
		nc := len(ctx)
		m4 := (len(ctx) + 3) &^ 3
		for len(ctx) < m4 { // pad to four rows: the padding's scores are zeroed
			ctx = append(ctx, ctx[0])
		}
		w.ctx = ctx
		// The window's rows, taken once: the inputs (padded like ctx) and
		// the outputs padded to four with the centre word's row (whose
		// padding weights are zero).
		in := gatherRows(w.inRows[:0], syn0, ctx, m4, d)
		out := gatherRows(w.outRows[:0], syn1neg, outs, (k1+3)&^3, d)
		w.inRows, w.outRows = in, out
		g := w.scores[:m4*k1]
		for i, x := range in {
			for j := 0; j < k1; j += 4 {
				var f [4]float32
				f[0], f[1], f[2], f[3] = vecmath.Dot4(x, out[j], out[j+1], out[j+2], out[j+3])
				for q := 0; q < 4 && j+q < k1; q++ {
					o := j + q
					label := float32(0)
					if o == 0 {
						label = 1
					}
					switch {
					case i >= nc || o > 0 && outs[o] == word:
						g[i*k1+o] = 0
					case f[q] > maxExp:
						g[i*k1+o] = (label - 1) * alpha
					case f[q] < -maxExp:
						g[i*k1+o] = label * alpha
					default:
						g[i*k1+o] = (label - sigmoid(f[q])) * alpha
					}
				}
			}
		}
		// dO = Gᵀ·C from the input rows before their update.
		do := w.grads[:k1*d]
		clear(do)
		for j := range outs {
			y := do[j*d : j*d+d]
			for i := 0; i < m4; i += 4 {
				vecmath.Axpy4(y, g[i*k1+j], g[(i+1)*k1+j], g[(i+2)*k1+j], g[(i+3)*k1+j], in[i], in[i+1], in[i+2], in[i+3])
			}
		}
		// C += G·O from the output rows before theirs.
		for i := range nc {
			for j := 0; j < k1; j += 4 {
				var gq [4]float32
				for q := 0; q < 4 && j+q < k1; q++ {
					gq[q] = g[i*k1+j+q]
				}
				vecmath.Axpy4(in[i], gq[0], gq[1], gq[2], gq[3], out[j], out[j+1], out[j+2], out[j+3])
			}
		}
		for j := range outs {
			vecmath.Axpy(1, do[j*d:j*d+d], out[j])
		}
	}
}

// gatherRows appends to dst the rows of mat (dim d) named by ids[0:n],
// the first id standing in past the end of ids.
func gatherRows(dst [][]float32, mat []float32, ids []int32, n, d int) [][]float32 {
	for q := range n {
		id := int(ids[0])
		if q < len(ids) {
			id = int(ids[q])
		}
		dst = append(dst, mat[id*d:id*d+d:id*d+d])
	}
	return dst
}
