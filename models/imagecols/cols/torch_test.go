package cols

import (
	"math"
	"testing"

	"github.com/rnnzoo/rnnzoo/interop/onnx"
	"github.com/rnnzoo/rnnzoo/interop/torch"
)

// TestTorchBothWays holds Classify to PyTorch (float64) in both
// directions: the exports of rnnzoo's classifiers, and classifiers that
// PyTorch initialised (seeded) and rnnzoo imported.
func TestTorchBothWays(t *testing.T) {
	var cases []torch.Case
	for name, c := range interopClassifiers(t) {
		imp, err := NewClassifier(c.Config, 1)
		if err != nil {
			t.Fatal(err)
		}
		H, W := c.Config.H, c.Config.W
		var imgs [][]float32
		pixels := make([][][]float64, 3)
		for b := range pixels {
			img := make([]float32, H*W)
			pixels[b] = make([][]float64, H)
			for i := range img {
				img[i] = float32(0.5 + 0.5*math.Cos(float64(i*(b+3))))
				pixels[b][i/W] = append(pixels[b][i/W], float64(img[i]))
			}
			imgs = append(imgs, img)
		}
		cases = append(cases, torch.Case{Name: name, Config: c.Config, Export: c.ExportTorch, Import: imp.ImportTorch,
			Inputs: map[string]any{"pixels": pixels},
			Diff: func(imported bool, out map[string][]float64) (float64, error) {
				preds, err := map[bool]*Classifier{false: c, true: imp}[imported].Classify(imgs)
				if err != nil {
					return 0, err
				}
				var probs [][]float64
				for _, p := range preds {
					probs = append(probs, p.Probs)
				}
				return onnx.ProbDiff(out["logits"], probs)
			}})
	}
	torch.Test(t, Kind, 12, 1e-5, "(probabilities and log-probabilities)", cases)
}
