package polarity

import (
	"github.com/rnnzoo/rnnzoo/interop/onnx"
	"github.com/rnnzoo/rnnzoo/interop/torch"
)

// ONNX returns the classifier as an ONNX graph. Inputs: "ids", int64
// [batch, seq], the word ids of Encode, padded with any id; "lengths",
// int64 [batch], each text's number of ids (at least 1). Outputs:
// "logits" and "probabilities", float32 [batch, classes], as Predict
// computes them.
func (m *Model) ONNX() (*onnx.Graph, error) {
	g := onnx.NewGraph("sentiment")
	ids, err := g.Input("ids", onnx.Int64, "batch", "seq")
	if err != nil {
		return nil, err
	}
	lens, err := g.Input("lengths", onnx.Int64, "batch")
	if err != nil {
		return nil, err
	}
	x := g.Embedding(m.net.Embed, g.Op("Transpose", []string{ids}, onnx.Ints64("perm", 1, 0)))
	if err := g.Classifier(m.net, x, lens); err != nil {
		return nil, err
	}
	return g, nil
}

// ExportONNX writes the classifier as an ONNX model to path (see ONNX) and
// returns the files written.
func (m *Model) ExportONNX(path string) ([]string, error) {
	return onnx.WriteModel(path, "rnnzoo sentiment classifier: "+m.String(), m.ONNX)
}

// torchMapping pairs the weights with a PyTorch state_dict (the Sentiment
// module of interop/torch's rnnzoo_torch.py): "embed.weight", the
// nn.LSTM/GRU/RNN "rnn.*" and the nn.Linear "out.*".
func (m *Model) torchMapping() *torch.Mapping {
	return torch.Sequence(m.net.Embed, m.net.RNN, m.net.Head)
}

// ExportTorch writes the weights as a PyTorch state_dict in safetensors
// (package interop/torch), with the configuration as metadata.
func (m *Model) ExportTorch(path string) error {
	return torch.ExportModel(path, Kind, m.cfg, m.torchMapping())
}

// ImportTorch replaces the weights by those of a PyTorch state_dict
// (safetensors or .npz) of the same architecture.
func (m *Model) ImportTorch(path string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	return torch.ImportModel(path, Kind, m.torchMapping())
}
