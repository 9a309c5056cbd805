package lm

import (
	"path/filepath"
	"testing"

	"github.com/rnnzoo/rnnzoo/graph"
	"github.com/rnnzoo/rnnzoo/interop/onnx"
)

// interopModels are the shipped model and small untrained ones of every
// cell kind over its vocabulary.
func interopModels(t *testing.T) map[string]*Model {
	t.Helper()
	configs := map[string]Config{
		"gru-2layers":  {Cell: graph.GRU, Layers: 2, Hidden: 6, Embed: 5, Seed: 2},
		"rnn-relu":     {Cell: graph.RNN, Act: graph.ReLU, Layers: 1, Hidden: 7, Embed: 4, Seed: 3},
		"lstm-2layers": {Cell: graph.LSTM, Layers: 2, Hidden: 5, Embed: 3, Seed: 4},
	}
	out := map[string]*Model{}
	var err error
	if out["pretrained"], err = Pretrained(); err != nil {
		t.Fatal(err)
	}
	for name, cfg := range configs {
		if out[name], err = NewModel(cfg, out["pretrained"].Vocab); err != nil {
			t.Fatal(err)
		}
	}
	return out
}

// stepLogits runs the model one character at a time over B streams from
// the zero state and returns the logits of every step ([step][b·V+c])
// and the state after the last one (per layer h, then c for LSTM).
func stepLogits(t *testing.T, m *Model, streams [][]int) ([][]float64, [][]float64) {
	t.Helper()
	B := len(streams)
	g, err := m.inference(1, B)
	if err != nil {
		t.Fatal(err)
	}
	g.ResetState()
	var out [][]float64
	for s := range streams[0] {
		col := make([][]int, B)
		for b := range col {
			col[b] = []int{streams[b][s]}
		}
		g.SetTokens(col)
		g.SetTargets(col)
		if err := g.Net.Run(); err != nil {
			t.Fatal(err)
		}
		var row []float64
		for _, v := range g.Net.Output(0).Data().([]float32) {
			row = append(row, float64(v))
		}
		out = append(out, row)
		g.CarryState()
	}
	m.Params.ZeroGrad()
	return out, g.State()
}

// TestONNXMatchesSteps runs each exported model in ONNX Runtime over four
// characters from the zero state, then one more step from the state it
// returned (as a sampling loop does), and compares the logits and states
// with rnnzoo's steps.
func TestONNXMatchesSteps(t *testing.T) {
	var missing error // ONNX Runtime's absence
	for name, m := range interopModels(t) {
		streams := [][]int{m.Vocab.Encode([]rune("The Un")), m.Vocab.Encode([]rune("ion is"))}
		B, L, H, V := len(streams), m.Config.Layers, m.Config.Hidden, m.Vocab.Size()
		want, state := stepLogits(t, m, streams)
		path := filepath.Join(t.TempDir(), name+".onnx")
		if _, err := m.ExportONNX(path); err != nil {
			t.Fatal(err)
		}
		var err error
		if missing, err = onnx.CheckExport(path); err != nil {
			t.Fatalf("%s: %v", name, err)
		} else if missing != nil {
			continue
		}
		lstm := m.Config.Cell == graph.LSTM
		zeros := onnx.FloatTensor([]int64{int64(L), int64(B), int64(H)}, make([]float32, L*B*H))
		feeds := func(from, to int, h, c onnx.Tensor) map[string]onnx.Tensor {
			var ids []int
			for _, s := range streams {
				ids = append(ids, s[from:to]...)
			}
			f := map[string]onnx.Tensor{"ids": onnx.IntTensor([]int64{int64(B), int64(to - from)}, ids), "h0": h}
			if lstm {
				f["c0"] = c
			}
			return f
		}
		T := len(streams[0])
		first, err := onnx.RunAll([]onnx.Run{{Model: path, Feeds: feeds(0, T-1, zeros, zeros)}})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		last, err := onnx.RunAll([]onnx.Run{{Model: path, Feeds: feeds(T-1, T, first[0]["hn"], first[0]["cn"])}})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		var worst float64
		check := func(what string, got, want []float64) {
			d, err := onnx.MaxDiff(got, want)
			if err != nil {
				t.Fatalf("%s: %s: %v", name, what, err)
			}
			worst = max(worst, d)
			if d > 1e-4 {
				t.Errorf("%s: %s: ONNX Runtime differs from rnnzoo by %.3g", name, what, d)
			}
		}
		for s := 0; s < T; s++ {
			// ONNX gives [B, seq, V]; rnnzoo's step s gives [B, V].
			src, k := first[0]["logits"].Data, s
			if s == T-1 {
				src, k = last[0]["logits"].Data, 0
			}
			n := len(src) / (B * V)
			var got []float64
			for b := 0; b < B; b++ {
				got = append(got, src[(b*n+k)*V:(b*n+k+1)*V]...)
			}
			check("logits", got, want[s])
		}
		// rnnzoo's state: per layer h [B,H] (then c); ONNX's: hn [L,B,H], cn.
		var wantH, wantC []float64
		for l := 0; l < L; l++ {
			if lstm {
				wantH, wantC = append(wantH, state[2*l]...), append(wantC, state[2*l+1]...)
			} else {
				wantH = append(wantH, state[l]...)
			}
		}
		check("hn", last[0]["hn"].Data, wantH)
		if lstm {
			check("cn", last[0]["cn"].Data, wantC)
		}
		t.Logf("%s: ONNX Runtime vs rnnzoo: largest difference %.2g (logits and state over %d steps)", name, worst, T)
	}
	if missing != nil {
		t.Skip("ONNX Runtime: ", missing)
	}
}
