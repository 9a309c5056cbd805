package translator

import (
	"math"
	"testing"

	"gorgonia.org/tensor"

	"github.com/rnnzoo/rnnzoo/interop/onnx"
	"github.com/rnnzoo/rnnzoo/interop/torch"
)

// decoderSteps encodes srcs with rnnzoo's decoder (graph.Decoder) and
// runs it over the given previous tokens (one list per step), returning
// each step's log-probabilities ([step][b][V]; banned tokens −Inf). With
// greedy, each step's tokens are the arg max of the step before (the
// first list is taken as given) and prev is filled in.
func decoderSteps(t *testing.T, m *Model, srcs [][]int, prev [][]int, greedy bool) [][][]float64 {
	t.Helper()
	Ts := 1
	for _, s := range srcs {
		Ts = max(Ts, len(s))
	}
	d, err := m.decoder(bucketOf(Ts, m.srcMax()), len(srcs))
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Start(srcs); err != nil {
		t.Fatal(err)
	}
	var out [][][]float64
	for s := range prev {
		lp, err := d.Step(prev[s])
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, lp)
		if greedy && s+1 < len(prev) {
			for b, row := range lp {
				prev[s+1][b] = best(row)
			}
		}
	}
	return out
}

// TestTorchBothWays exports each translator to PyTorch and compares the
// log-probabilities of three decoder steps in PyTorch (float64) with
// rnnzoo's decoder; and has PyTorch draw weights of the same architecture
// (seeded), imports them (.npz) and compares again.
func TestTorchBothWays(t *testing.T) {
	var cases []torch.Case
	for name, m := range interopModels(t) {
		src, tgt := m.Vocabs()
		imp, err := New(m.Config(), src, tgt, nil, 1, 2)
		if err != nil {
			t.Fatal(err)
		}
		srcs := [][]int{m.EncodeSource(interopSentences[0]), m.EncodeSource(interopSentences[1])}
		bos := m.tgt.BOSID()
		prev := [][]int{{bos, bos}, {0, 0}, {0, 0}}
		decoderSteps(t, m, srcs, prev, true) // the tokens rnnzoo's greedy decoder picks
		ids, lens := onnx.PadIDs(srcs)
		cases = append(cases, torch.Case{Name: name, Config: m.Config(), Export: m.ExportTorch, Import: imp.ImportTorch,
			Inputs: map[string]any{"src_ids": onnx.Rows(ids), "src_lengths": lens.Data, "prev": prev},
			Diff: func(imported bool, out map[string][]float64) (float64, error) {
				// PyTorch computes in float64 (the same weights): so does
				// rnnzoo here, on a float64 copy of the model, since in
				// float32 the log-probabilities of the shipped model's least
				// likely words carry rounding of about 2e-5.
				m64 := float64Copy(t, map[bool]*Model{false: m, true: imp}[imported])
				steps := decoderSteps(t, m64, srcs, prev, false)
				dp, dl := stepDiffs(steps, onnx.LogSoftmax(out["logits"], len(steps[0][0])))
				t.Logf("%s (imported %v): largest difference in log-probability %.2g", name, imported, dl)
				return max(dp, dl), nil
			}})
	}
	torch.Test(t, Kind, 14, 1e-5, "(probabilities and log-probabilities over 3 decoder steps, rnnzoo in float64)", cases)
}

// float64Copy returns m with its weights in float64 (the same values).
func float64Copy(t *testing.T, m *Model) *Model {
	t.Helper()
	c, err := newModel(m.cfg, m.src, m.tgt, m.truecase, 1, m.batch, tensor.Float64)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range c.ps.All() {
		q := m.ps.Get(p.Name)
		if q == nil {
			t.Fatalf("float64 copy: %s has no weights %s", Kind, p.Name)
		}
		w := p.F64()
		for i, v := range q.F32() {
			w[i] = float64(v)
		}
	}
	return c
}

// stepDiffs compares rnnzoo's decoder log-probabilities ([step][b][V],
// banned tokens −Inf) with log-probabilities computed elsewhere (flat,
// step by step, row by row): the largest difference in probability and
// in log-probability over the tokens that are not banned.
func stepDiffs(steps [][][]float64, got []float64) (dp, dl float64) {
	i := 0
	for _, rows := range steps {
		for _, row := range rows {
			for _, v := range row {
				if !math.IsInf(v, -1) {
					dl = max(dl, math.Abs(got[i]-v))
					dp = max(dp, math.Abs(math.Exp(got[i])-math.Exp(v)))
				}
				i++
			}
		}
	}
	return dp, dl
}
