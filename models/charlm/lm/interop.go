package lm

import (
	"github.com/rnnzoo/rnnzoo/graph"
	"github.com/rnnzoo/rnnzoo/interop/onnx"
	"github.com/rnnzoo/rnnzoo/interop/torch"
)

// ONNX returns the model as an ONNX graph that runs steps from a given
// state, so that a sampling loop can drive it one character at a time.
// Inputs: "ids", int64 [batch, seq], character ids (Vocab.Encode);
// "h0", float32 [layers, batch, hidden], the state (zeros at the start of
// a text); "c0" likewise for LSTM cells. Outputs: "logits", float32
// [batch, seq, vocab], the scores of the next character after each step;
// "hn" (and "cn"), the state after the last step, to feed back as h0.
func (m *Model) ONNX() (*onnx.Graph, error) {
	g := onnx.NewGraph("charlm")
	L, H, V := m.Config.Layers, m.Config.Hidden, m.Vocab.Size()
	ids, err := g.Input("ids", onnx.Int64, "batch", "seq")
	if err != nil {
		return nil, err
	}
	inits, err := g.StateInputs("h0", "c0", L, H, m.Config.Cell == graph.LSTM)
	if err != nil {
		return nil, err
	}
	x := g.Embedding(m.Net.Embed, g.Op("Transpose", []string{ids}, onnx.Ints64("perm", 1, 0)))
	y, finals, err := g.Stack(m.Net.RNN, x, "", inits)
	if err != nil {
		return nil, err
	}
	y = g.Op("Transpose", []string{y}, onnx.Ints64("perm", 1, 0, 2))
	if err := g.Output("logits", g.Linear(m.Net.Head, y, 3), onnx.Float32, "batch", "seq", V); err != nil {
		return nil, err
	}
	if err := g.OutputStates(finals, "hn", "cn", H); err != nil {
		return nil, err
	}
	return g, nil
}

// ExportONNX writes the model as an ONNX model to path (see ONNX) and
// returns the files written.
func (m *Model) ExportONNX(path string) ([]string, error) {
	return onnx.WriteModel(path, "rnnzoo character language model, one or more steps from a state", m.ONNX)
}

// torchMapping pairs the weights with a PyTorch state_dict (the CharLM
// module of interop/torch's rnnzoo_torch.py): "embed.weight", the
// nn.LSTM/GRU/RNN "rnn.*" and the nn.Linear "out.*".
func (m *Model) torchMapping() *torch.Mapping {
	return torch.Sequence(m.Net.Embed, m.Net.RNN, m.Net.Head)
}

// ExportTorch writes the weights as a PyTorch state_dict in safetensors
// (package interop/torch), with the configuration as metadata. An Elman
// model with the sigmoid activation has no nn.RNN counterpart.
func (m *Model) ExportTorch(path string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	return torch.ExportModel(path, Kind, m.Config, m.torchMapping())
}

// ImportTorch replaces the weights by those of a PyTorch state_dict
// (safetensors or .npz) of the same architecture.
func (m *Model) ImportTorch(path string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	return torch.ImportModel(path, Kind, m.torchMapping())
}
