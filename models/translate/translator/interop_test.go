package translator

import (
	"path/filepath"
	"testing"

	"github.com/rnnzoo/rnnzoo/graph"
	"github.com/rnnzoo/rnnzoo/interop/onnx"
)

var interopSentences = []string{"In the beginning God created the heaven and the earth.", "And God saw the light"}

// interopModels are the shipped model and small untrained ones over its
// vocabularies with every attention kind, both cells and two layers.
func interopModels(t *testing.T) map[string]*Model {
	t.Helper()
	out := map[string]*Model{}
	var err error
	if out["pretrained"], err = Pretrained(); err != nil {
		t.Fatal(err)
	}
	src, tgt := out["pretrained"].Vocabs()
	for name, cfg := range map[string]Config{
		"gru-additive-2layers": {Cell: graph.GRU, Attention: graph.Additive, Layers: 2},
		"lstm-dot":             {Cell: graph.LSTM, Attention: graph.Dot, Layers: 1},
		"lstm-general-2layers": {Cell: graph.LSTM, Attention: graph.General, Layers: 2},
		"gru-none":             {Cell: graph.GRU, Attention: graph.NoAttention, Layers: 1},
	} {
		cfg.EmbedDim, cfg.Hidden, cfg.EncHidden, cfg.MaxLen = 5, 6, 3, 20
		cfg.SrcVocab, cfg.TgtVocab = src.Size(), tgt.Size()
		if out[name], err = New(cfg, src, tgt, nil, 9, 2); err != nil {
			t.Fatal(err)
		}
	}
	return out
}

// TestONNXMatchesDecoder runs each exported encoder and three steps of
// the exported decoder in ONNX Runtime, feeding back its own state and
// the tokens rnnzoo's greedy decoder picks, and compares the
// log-probabilities with rnnzoo's decoder (graph.Decoder) step by step.
func TestONNXMatchesDecoder(t *testing.T) {
	var missing error // ONNX Runtime's absence
	for name, m := range interopModels(t) {
		srcs := make([][]int, len(interopSentences))
		Ts := 1
		for i, s := range interopSentences {
			srcs[i] = m.EncodeSource(s)
			Ts = max(Ts, len(srcs[i]))
		}
		B := len(srcs)
		d, err := m.decoder(bucketOf(Ts, m.srcMax()), B)
		if err != nil {
			t.Fatal(err)
		}
		if err := d.Start(srcs); err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(t.TempDir(), name+".onnx")
		files, err := m.ExportONNX(path)
		if err != nil {
			t.Fatal(err)
		}
		if missing, err = onnx.CheckExport(files...); err != nil {
			t.Fatalf("%s: %v", name, err)
		} else if missing != nil {
			continue
		}
		ids, lens := onnx.PadIDs(srcs)
		enc, err := onnx.RunAll([]onnx.Run{{Model: files[0], Feeds: map[string]onnx.Tensor{"src_ids": ids, "src_lengths": lens}}})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		state := map[string]onnx.Tensor{"h0": enc[0]["h0"], "memory": enc[0]["memory"], "src_lengths": lens}
		if c, ok := enc[0]["c0"]; ok {
			state["c0"] = c
		}
		prev := []int{m.tgt.BOSID(), m.tgt.BOSID()}
		var dp, dl float64
		for step := 0; step < 3; step++ {
			want, err := d.Step(prev)
			if err != nil {
				t.Fatal(err)
			}
			state["prev_ids"] = onnx.IntTensor([]int64{int64(B)}, prev)
			res, err := onnx.RunAll([]onnx.Run{{Model: files[1], Feeds: state}})
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			p, l := stepDiffs([][][]float64{want}, onnx.LogSoftmax(res[0]["logits"].Data, len(want[0])))
			dp, dl = max(dp, p), max(dl, l)
			for b, row := range want {
				prev[b] = best(row)
			}
			state["h0"] = res[0]["hn"]
			if c, ok := res[0]["cn"]; ok {
				state["c0"] = c
			}
		}
		t.Logf("%s: ONNX Runtime vs rnnzoo over 3 decoder steps: largest difference %.2g in probability, %.2g in log-probability", name, dp, dl)
		if dp > 1e-4 || dl > 1e-4 {
			t.Errorf("%s: ONNX Runtime differs from rnnzoo's decoder by %.3g in probability, %.3g in log-probability", name, dp, dl)
		}
	}
	if missing != nil {
		t.Skip("ONNX Runtime: ", missing)
	}
}

// best is the index of a row's largest value.
func best(row []float64) int {
	k := 0
	for j, v := range row {
		if v > row[k] {
			k = j
		}
	}
	return k
}
