package cols

import (
	"errors"

	"github.com/rnnzoo/rnnzoo/interop/onnx"
	"github.com/rnnzoo/rnnzoo/interop/torch"
)

// errNotClassifier is the error of the interop of a generator.
var errNotClassifier = errors.New("imagecols: only a classifier moves to ONNX or PyTorch, and this checkpoint holds a generator")

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
		return nil, errNotClassifier
	}
	return m.Classifier.ExportONNX(path)
}

// torchMapping pairs the classifier's weights with a PyTorch state_dict
// (the ImageCols module of interop/torch's rnnzoo_torch.py): the
// nn.LSTM/GRU/RNN "rnn.*" and the nn.Linear "out.*".
func (c *Classifier) torchMapping() *torch.Mapping {
	return torch.Sequence(nil, c.Model.RNN, c.Model.Head)
}

// ExportTorch writes the weights as a PyTorch state_dict in safetensors
// (package interop/torch), with the configuration as metadata.
func (c *Classifier) ExportTorch(path string) error {
	return torch.ExportModel(path, Kind, c.Config, c.torchMapping())
}

// ImportTorch replaces the weights by those of a PyTorch state_dict
// (safetensors or .npz) of the same architecture.
func (c *Classifier) ImportTorch(path string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return torch.ImportModel(path, Kind, c.torchMapping())
}

// ExportTorch writes a classifier's weights as a PyTorch state_dict
// (Classifier.ExportTorch); a generator has no PyTorch export.
func (m *Model) ExportTorch(path string) error {
	if m.Classifier == nil {
		return errNotClassifier
	}
	return m.Classifier.ExportTorch(path)
}

// ImportTorch replaces a classifier's weights by those of a PyTorch
// state_dict (Classifier.ImportTorch).
func (m *Model) ImportTorch(path string) error {
	if m.Classifier == nil {
		return errNotClassifier
	}
	return m.Classifier.ImportTorch(path)
}
