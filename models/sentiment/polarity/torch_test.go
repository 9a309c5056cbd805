package polarity

import (
	"testing"

	"github.com/rnnzoo/rnnzoo/interop/onnx"
	"github.com/rnnzoo/rnnzoo/interop/torch"
)

// TestTorchBothWays exports each model's weights to PyTorch and compares
// the PyTorch module's outputs (float64) with Predict's; and has PyTorch
// draw weights of the same architecture (seeded), imports them (.npz) and
// compares Predict with PyTorch on those.
func TestTorchBothWays(t *testing.T) {
	if err := torch.Available(); err != nil {
		t.Skip("PyTorch: ", err)
	}
	var cases []torch.Case
	var models, imported []*Model
	for name, m := range interopModels(t) {
		imp, err := New(m.Config(), m.Vocab(), nil, 1, 4)
		if err != nil {
			t.Fatal(err)
		}
		ids, lens := onnx.PadIDs(m.Encode(interopTexts))
		cases = append(cases, torch.Case{Name: name, Config: m.Config(), Export: m.ExportTorch, Import: imp.ImportTorch,
			Inputs: map[string]any{"ids": onnx.Rows(ids), "lengths": lens.Data}})
		models, imported = append(models, m), append(imported, imp)
	}
	res, err := torch.BothWays(t.TempDir(), Kind, 11, cases)
	if err != nil {
		t.Fatal(err)
	}
	for i, c := range cases {
		for _, dir := range []struct {
			what  string
			m     *Model
			torch map[string][]float64
		}{{"export", models[i], res[i].Export}, {"import", imported[i], res[i].Own}} {
			preds, err := dir.m.Predict(interopTexts)
			if err != nil {
				t.Fatal(err)
			}
			var probs [][]float64
			for _, p := range preds {
				probs = append(probs, p.Probabilities)
			}
			d, err := onnx.ProbDiff(dir.torch["logits"], probs)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("%s: %s: PyTorch vs rnnzoo: largest difference %.2g (probabilities and log-probabilities)", c.Name, dir.what, d)
			if d > 1e-5 {
				t.Errorf("%s: %s: PyTorch differs from Predict by %.3g", c.Name, dir.what, d)
			}
		}
	}
}
