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
	for name, m := range interopModels(t) {
		imp, err := New(m.Config(), m.Vocab(), nil, 1, 4)
		if err != nil {
			t.Fatal(err)
		}
		ids, lens := onnx.PadIDs(m.Encode(interopTexts))
		cases = append(cases, torch.Case{Name: name, Config: m.Config(), Export: m.ExportTorch, Import: imp.ImportTorch,
			Inputs: map[string]any{"ids": onnx.Rows(ids), "lengths": lens.Data},
			Diff: func(imported bool, out map[string][]float64) (float64, error) {
				preds, err := map[bool]*Model{false: m, true: imp}[imported].Predict(interopTexts)
				if err != nil {
					return 0, err
				}
				var probs [][]float64
				for _, p := range preds {
					probs = append(probs, p.Probabilities)
				}
				return onnx.ProbDiff(out["logits"], probs)
			}})
	}
	torch.Test(t, Kind, 11, 1e-5, "(probabilities and log-probabilities)", cases)
}
