package torch

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gorgonia.org/tensor"

	"github.com/rnnzoo/rnnzoo/graph"
)

// npy encodes a float32 array as numpy's .npy (version 1).
func npy(shape []int, data []float32) []byte {
	dims := make([]string, len(shape))
	for i, d := range shape {
		dims[i] = fmt.Sprint(d)
	}
	tuple := strings.Join(dims, ", ")
	if len(shape) == 1 {
		tuple += ","
	}
	hdr := fmt.Sprintf("{'descr': '<f4', 'fortran_order': False, 'shape': (%s), }", tuple)
	hdr += strings.Repeat(" ", 63-(10+len(hdr))%64) + "\n"
	var b bytes.Buffer
	b.WriteString("\x93NUMPY\x01\x00")
	binary.Write(&b, binary.LittleEndian, uint16(len(hdr)))
	b.WriteString(hdr)
	for _, v := range data {
		binary.Write(&b, binary.LittleEndian, math.Float32bits(v))
	}
	return b.Bytes()
}

// npz zips arrays as numpy.savez does.
func npz(arrays map[string][]byte) []byte {
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for name, a := range arrays {
		w, _ := zw.Create(name + ".npy")
		w.Write(a)
	}
	zw.Close()
	return b.Bytes()
}

func TestReadNPY(t *testing.T) {
	got, err := ReadNPY(npy([]int{2, 3}, []float32{1, 2, 3, 4, 5, 6.5}))
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(got.Shape, got.Data) != "[2 3] [1 2 3 4 5 6.5]" {
		t.Fatalf("got %v %v", got.Shape, got.Data)
	}
	for name, bad := range map[string][]byte{
		"no magic":      []byte("NUMPY\x01\x00\x00\x00"),
		"big-endian":    bytes.Replace(npy([]int{1}, []float32{1}), []byte("'<f4'"), []byte("'>f4'"), 1),
		"fortran order": bytes.Replace(npy([]int{1}, []float32{1}), []byte("False"), []byte("True "), 1),
		"short data":    npy([]int{4}, []float32{1, 2}),
		"huge shape":    bytes.Replace(npy([]int{1}, []float32{1}), []byte("(1,)"), []byte("(9999999999999999,)"), 1),
		"header past":   append([]byte("\x93NUMPY\x01\x00\xff\xff"), "{}"...),
	} {
		if _, err := ReadNPY(bad); err == nil {
			t.Errorf("%s: read without an error", name)
		} else if !strings.Contains(err.Error(), "npy:") {
			t.Errorf("%s: error %q does not say npy", name, err)
		}
	}
}

// TestGRUBiases: an export writes bias_ih = b and bias_hh = [0, 0, bn];
// an import adds PyTorch's two biases of the r and z gates and keeps the
// candidate's apart (bias_hh_n, scaled by the reset gate, is bn).
func TestGRUBiases(t *testing.T) {
	ps := graph.NewParams(tensor.Float64, 1)
	st, err := graph.NewStack(ps, "g", graph.StackConfig{Kind: graph.GRU, In: 1, Hidden: 1, Layers: 1})
	if err != nil {
		t.Fatal(err)
	}
	var m Mapping
	m.Stack("rnn.", st)
	sd, err := m.StateDict()
	if err != nil {
		t.Fatal(err)
	}
	sd["rnn.bias_ih_l0"] = Tensor{Shape: []int{3}, Data: []float64{1, 2, 3}}
	sd["rnn.bias_hh_l0"] = Tensor{Shape: []int{3}, Data: []float64{10, 20, 30}}
	if err := m.Import(sd); err != nil {
		t.Fatal(err)
	}
	cell := st.Layers[0].(*graph.Recurrent).Cell
	if b, bn := cell.B.F64(), cell.BN.F64(); fmt.Sprint(b, bn) != "[11 22 3] [30]" {
		t.Fatalf("b %v, bn %v; want [11 22 3] [30]", b, bn)
	}
	back, _ := m.StateDict()
	if fmt.Sprint(back["rnn.bias_ih_l0"].Data, back["rnn.bias_hh_l0"].Data) != "[11 22 3] [0 0 30]" {
		t.Fatalf("exported %v %v", back["rnn.bias_ih_l0"].Data, back["rnn.bias_hh_l0"].Data)
	}
}

// TestRoundTrip writes an LSTM stack and a linear layer as safetensors and
// as .npz, reads both into a fresh model and compares the weights; a
// missing, misshapen or unknown tensor is refused by name.
func TestRoundTrip(t *testing.T) {
	build := func(seed uint64) (*Mapping, *graph.Params) {
		ps := graph.NewParams(tensor.Float32, seed)
		st, err := graph.NewStack(ps, "s", graph.StackConfig{Kind: graph.LSTM, In: 2, Hidden: 3, Layers: 2, Bidirectional: true})
		if err != nil {
			t.Fatal(err)
		}
		lin, err := graph.NewLinear(ps, "o", 6, 2)
		if err != nil {
			t.Fatal(err)
		}
		return Sequence(nil, st, lin), ps
	}
	src, srcPs := build(1)
	dir := t.TempDir()
	path := filepath.Join(dir, "m.safetensors")
	if err := ExportModel(path, "test", map[string]int{"hidden": 3}, src); err != nil {
		t.Fatal(err)
	}
	sd, meta, err := Read(path)
	if err != nil {
		t.Fatal(err)
	}
	if meta["rnnzoo_kind"] != "test" || meta["rnnzoo_config"] != `{"hidden":3}` {
		t.Fatalf("metadata %v", meta)
	}
	arrays := map[string][]byte{}
	for name, tt := range sd {
		f := make([]float32, len(tt.Data))
		for i, v := range tt.Data {
			f[i] = float32(v)
		}
		arrays[name] = npy(tt.Shape, f)
	}
	npzPath := filepath.Join(dir, "m.npz")
	if err := os.WriteFile(npzPath, npz(arrays), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{path, npzPath} {
		dst, dstPs := build(2)
		if err := ImportModel(p, "test", dst); err != nil {
			t.Fatal(err)
		}
		for _, sp := range srcPs.All() {
			a, b := sp.F32(), dstPs.Get(sp.Name).F32()
			for i := range a {
				// LSTM biases: bias_ih + bias_hh (= 0) come back as b.
				if a[i] != b[i] {
					t.Fatalf("%s: %s[%d] = %v, want %v", p, sp.Name, i, b[i], a[i])
				}
			}
		}
	}
	if err := ImportModel(path, "other", src); err == nil || !strings.Contains(err.Error(), "test model") {
		t.Errorf("a state_dict of another kind: %v", err)
	}
	for what, edit := range map[string]func(StateDict){
		"out.bias":        func(sd StateDict) { delete(sd, "out.bias") },
		"has shape":       func(sd StateDict) { sd["out.bias"] = Tensor{Shape: []int{3}, Data: make([]float64, 3)} },
		"does not: extra": func(sd StateDict) { sd["extra"] = Tensor{Shape: []int{1}, Data: []float64{0}} },
	} {
		c := StateDict{}
		for k, v := range sd {
			c[k] = v
		}
		edit(c)
		if err := src.Import(c); err == nil || !strings.Contains(err.Error(), strings.TrimPrefix(what, "does not: ")) {
			t.Errorf("%s: %v", what, err)
		}
	}
}

// FuzzReadNPZ holds the .npz reader to errors, never a panic, on any
// bytes; the seeds are a good archive and broken ones.
func FuzzReadNPZ(f *testing.F) {
	good := npz(map[string][]byte{"a": npy([]int{2}, []float32{1, 2})})
	f.Add(good)
	f.Add(good[:len(good)/2])
	f.Add(npz(map[string][]byte{"b": []byte("\x93NUMPY\x02\x00\xff\xff\xff\x7f{}")}))
	f.Add(npz(map[string][]byte{"c": npy([]int{3, 0}, nil)}))
	f.Fuzz(func(t *testing.T, b []byte) {
		ReadNPZ(b)
		ReadNPY(b)
	})
}
