package cols

import (
	"math"
	"path/filepath"
	"testing"

	"github.com/rnnzoo/rnnzoo/graph"
	"github.com/rnnzoo/rnnzoo/interop/onnx"
)

// interopClassifiers are the shipped digits classifier and small untrained
// ones that read rows or columns with every cell, pooling and direction.
func interopClassifiers(t *testing.T) map[string]*Classifier {
	t.Helper()
	pre, err := Pretrained(Digits)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]*Classifier{"digits": pre}
	for name, cfg := range map[string]Config{
		"gru-bi-rows-mean":   {Cell: graph.GRU, Bidirectional: true, Layers: 2, Hidden: 5, Rows: true, Pool: graph.PoolMean},
		"rnn-cols-max":       {Cell: graph.RNN, Layers: 1, Hidden: 6, Pool: graph.PoolMax},
		"lstm-bi-cols-last":  {Cell: graph.LSTM, Bidirectional: true, Layers: 2, Hidden: 4, Pool: graph.PoolLast},
		"lstm-rows-6x5-last": {Cell: graph.LSTM, Layers: 1, Hidden: 3, Rows: true, H: 6, W: 5},
	} {
		cfg.Dataset, cfg.Classes = Digits, 10
		if cfg.H == 0 {
			cfg.H, cfg.W = 8, 8
		}
		c, err := NewClassifier(cfg, 3)
		if err != nil {
			t.Fatal(err)
		}
		out[name] = c
	}
	return out
}

// TestONNXMatchesClassify exports each classifier to ONNX, checks the file
// with the ONNX checker, runs it with ONNX Runtime on the same images and
// compares its probabilities and log-probabilities with Classify's.
func TestONNXMatchesClassify(t *testing.T) {
	var missing error // ONNX Runtime's absence
	for name, c := range interopClassifiers(t) {
		H, W, B := c.Config.H, c.Config.W, 3
		imgs := make([][]float32, B)
		var flat []float32
		for b := range imgs {
			imgs[b] = make([]float32, H*W)
			for i := range imgs[b] {
				imgs[b][i] = float32(0.5 + 0.5*math.Sin(float64(i*(b+2))))
			}
			flat = append(flat, imgs[b]...)
		}
		path := filepath.Join(t.TempDir(), name+".onnx")
		if _, err := c.ExportONNX(path); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		preds, err := c.Classify(imgs)
		if err != nil {
			t.Fatal(err)
		}
		var probs [][]float64
		for _, p := range preds {
			probs = append(probs, p.Probs)
		}
		feeds := map[string]onnx.Tensor{"pixels": onnx.FloatTensor([]int64{int64(B), int64(H), int64(W)}, flat)}
		missing = onnx.CheckClassifier(t, name, path, feeds, probs, 1e-4)
	}
	if missing != nil {
		t.Skip("ONNX Runtime: ", missing)
	}
}
