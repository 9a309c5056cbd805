package cols

import (
	"errors"

	"github.com/rnnzoo/rnnzoo/interop/onnx"
)

// ONNX returns the classifier as an ONNX graph. Input: "pixels", float32
// [batch, H, W], values in [0, 1] as Classify takes them. Outputs:
// "logits" and "probabilities", float32 [batch, classes].
func (c *Classifier) ONNX() (*onnx.Graph, error) {
	g := onnx.NewGraph("imagecols")
	px, err := g.Input("pixels", onnx.Float32, "batch", c.Config.H, c.Config.W)
	if err != nil {
		return nil, err
	}
	// Steps are columns ([W, B, H]) or rows ([H, B, W]).
	perm := onnx.Ints64("perm", 2, 0, 1)
	if c.Config.Rows {
		perm = onnx.Ints64("perm", 1, 0, 2)
	}
	if err := g.Classifier(c.Model, g.Op("Transpose", []string{px}, perm), ""); err != nil {
		return nil, err
	}
	return g, nil
}

// ExportONNX writes the classifier as an ONNX model to path (see ONNX) and
// returns the files written.
func (c *Classifier) ExportONNX(path string) ([]string, error) {
	return onnx.WriteModel(path, "rnnzoo imagecols classifier ("+c.Config.Name()+")", c.ONNX)
}

// ExportONNX writes a classifier as an ONNX model (Classifier.ONNX); a
// generator has no ONNX export.
func (m *Model) ExportONNX(path string) ([]string, error) {
	if m.Classifier == nil {
		return nil, errors.New("imagecols: only a classifier exports to ONNX, and this checkpoint holds a generator")
	}
	return m.Classifier.ExportONNX(path)
}
