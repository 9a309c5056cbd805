package lm

import (
	"testing"

	"github.com/rnnzoo/rnnzoo/graph"
	"github.com/rnnzoo/rnnzoo/interop/onnx"
	"github.com/rnnzoo/rnnzoo/interop/torch"
)

// TestTorchBothWays exports each model to PyTorch and compares the
// PyTorch module's logits and final state (float64) with rnnzoo's steps;
// and has PyTorch draw weights of the same architecture (seeded), imports
// them (.npz) and compares again. An Elman model with the sigmoid
// activation has no nn.RNN counterpart, which its export says.
func TestTorchBothWays(t *testing.T) {
	text := [][]rune{[]rune("The Un"), []rune("ion is")}
	var cases []torch.Case
	var first *Model
	for name, m := range interopModels(t) {
		first = m
		imp, err := NewModel(m.Config, m.Vocab)
		if err != nil {
			t.Fatal(err)
		}
		L, B, H := m.Config.Layers, len(text), m.Config.Hidden
		ids := [][]int{m.Vocab.Encode(text[0]), m.Vocab.Encode(text[1])}
		zeros := make([][][]float64, L)
		for l := range zeros {
			zeros[l] = make([][]float64, B)
			for b := range zeros[l] {
				zeros[l][b] = make([]float64, H)
			}
		}
		in := map[string]any{"ids": ids, "h0": zeros}
		if m.Config.Cell == graph.LSTM {
			in["c0"] = zeros
		}
		cases = append(cases, torch.Case{Name: name, Config: m.Config, Export: m.ExportTorch, Import: imp.ImportTorch, Inputs: in,
			Diff: func(imported bool, out map[string][]float64) (float64, error) {
				return stepsDiff(t, map[bool]*Model{false: m, true: imp}[imported], ids, out)
			}})
	}
	torch.Test(t, Kind, 13, 1e-5, "(logits and state over 6 steps)", cases)
	sig, err := NewModel(Config{Cell: graph.RNN, Act: graph.Sigmoid, Layers: 1, Hidden: 3, Embed: 2}, first.Vocab)
	if err != nil {
		t.Fatal(err)
	}
	if err := sig.ExportTorch(t.TempDir() + "/sig.safetensors"); err == nil {
		t.Error("a sigmoid Elman model was exported to PyTorch, which has no such nn.RNN")
	}
}

// stepsDiff runs m over the streams one step at a time and returns the
// largest difference of its logits and final h from PyTorch's outputs
// (logits [B, T, V], hn [L, B, H]).
func stepsDiff(t *testing.T, m *Model, streams [][]int, out map[string][]float64) (float64, error) {
	steps, state := stepLogits(t, m, streams)
	B, T, V, L := len(streams), len(streams[0]), m.Vocab.Size(), m.Config.Layers
	want := make([]float64, B*T*V)
	for s, row := range steps {
		for b := 0; b < B; b++ {
			copy(want[(b*T+s)*V:(b*T+s+1)*V], row[b*V:(b+1)*V])
		}
	}
	d, err := onnx.MaxDiff(out["logits"], want)
	if err != nil {
		return 0, err
	}
	var wantH []float64
	for l := 0; l < L; l++ {
		k := l
		if m.Config.Cell == graph.LSTM {
			k = 2 * l
		}
		wantH = append(wantH, state[k]...)
	}
	dh, err := onnx.MaxDiff(out["hn"], wantH)
	return max(d, dh), err
}
