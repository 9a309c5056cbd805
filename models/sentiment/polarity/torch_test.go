package polarity

import (
	"testing"

	"github.com/rnnzoo/rnnzoo/interop/onnx"
	"github.com/rnnzoo/rnnzoo/interop/torch"
)

// TestTorchBothWays: Predict against the PyTorch module run on each
// model's export, and on weights PyTorch drew and rnnzoo imported (.npz).
func TestTorchBothWays(t *testing.T) {
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
