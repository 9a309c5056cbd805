package polarity

import (
	"math"
	"path/filepath"
	"testing"

	"github.com/rnnzoo/rnnzoo/graph"
	"github.com/rnnzoo/rnnzoo/interop/onnx"
)

var interopTexts = []string{
	"I loved every minute of it.",
	"The food was cold and the service was terrible, and nobody came back to ask us anything at all.",
	"ok",
	"",
}

// interopModels are the shipped model and small untrained ones over its
// vocabulary that cover every cell, pooling and direction.
func interopModels(t *testing.T) map[string]*Model {
	t.Helper()
	pre, err := Pretrained()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]*Model{"pretrained": pre}
	for name, c := range map[string]Config{
		"gru-bi-2layers-mean": {Cell: graph.GRU, Hidden: 6, Layers: 2, Bidirectional: true, Pool: graph.PoolMean},
		"rnn-last":            {Cell: graph.RNN, Hidden: 5, Layers: 1, Pool: graph.PoolLast},
		"lstm-2layers-max":    {Cell: graph.LSTM, Hidden: 7, Layers: 2, Pool: graph.PoolMax},
		"lstm-bi-last":        {Cell: graph.LSTM, Hidden: 4, Layers: 1, Bidirectional: true, Pool: graph.PoolLast},
	} {
		c.EmbedDim, c.MaxLen, c.Vocab, c.Classes = 8, 64, pre.Vocab().Size(), 2
		m, err := New(c, pre.Vocab(), nil, 7, 4)
		if err != nil {
			t.Fatal(err)
		}
		// Biases away from zero, so that every bias reaches the outputs.
		for _, p := range m.Params().All() {
			if p.Value.Dims() == 1 {
				for i, d := 0, p.F32(); i < len(d); i++ {
					d[i] = float32(math.Sin(float64(i) + 1))
				}
			}
		}
		out[name] = m
	}
	return out
}

// TestONNXMatchesPredict exports each model to ONNX, checks the file with
// the ONNX checker, runs it with ONNX Runtime on the token ids that
// Encode gives and compares its probabilities and log-probabilities with
// Predict's.
func TestONNXMatchesPredict(t *testing.T) {
	var missing error // ONNX Runtime's absence
	for name, m := range interopModels(t) {
		path := filepath.Join(t.TempDir(), name+".onnx")
		if _, err := m.ExportONNX(path); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		preds, err := m.Predict(interopTexts)
		if err != nil {
			t.Fatal(err)
		}
		var probs [][]float64
		for _, p := range preds {
			probs = append(probs, p.Probabilities)
		}
		ids, lens := onnx.PadIDs(m.Encode(interopTexts))
		missing = onnx.CheckClassifier(t, name, path, map[string]onnx.Tensor{"ids": ids, "lengths": lens}, probs, 1e-4)
	}
	if missing != nil {
		t.Skip("ONNX Runtime: ", missing)
	}
}
