package torch

import (
	_ "embed"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"sort"
	"strings"

	"github.com/rnnzoo/rnnzoo/graph"
	"github.com/rnnzoo/rnnzoo/internal/atomicfile"
	"github.com/rnnzoo/rnnzoo/train/checkpoint"
)

// Module is rnnzoo_torch.py, the PyTorch definitions of rnnzoo's models.
//
//go:embed rnnzoo_torch.py
var Module []byte

// Tensor is one state_dict entry: a shape and row-major values.
type Tensor struct {
	Shape []int
	Data  []float64
}

// StateDict maps PyTorch parameter names to tensors.
type StateDict map[string]Tensor

// entry pairs some state_dict tensors with rnnzoo parameters.
type entry struct {
	names  []string
	shapes [][]int
	get    func() [][]float64 // the tensors' values from the parameters
	set    func([][]float64)  // the parameters from the tensors' values
}

// Mapping lists the state_dict of a model in order.
type Mapping struct {
	entries []entry
	err     error
}

func values(p *graph.Param) []float64 {
	switch d := p.Value.Data().(type) {
	case []float32:
		out := make([]float64, len(d))
		for i, v := range d {
			out[i] = float64(v)
		}
		return out
	case []float64:
		return append([]float64(nil), d...)
	}
	return nil
}

func setValues(p *graph.Param, v []float64) {
	switch d := p.Value.Data().(type) {
	case []float32:
		for i := range d {
			d[i] = float32(v[i])
		}
	case []float64:
		copy(d, v)
	}
}

// transpose returns the [c, r] transpose of a row-major [r, c] matrix.
func transpose(m []float64, r, c int) []float64 {
	out := make([]float64, len(m))
	for i := 0; i < r; i++ {
		for j := 0; j < c; j++ {
			out[j*r+i] = m[i*c+j]
		}
	}
	return out
}

// Param maps one parameter to name, transposed (a 2-D matrix) or not.
func (m *Mapping) Param(name string, p *graph.Param, transposed bool) {
	shape := p.Shape()
	if transposed && len(shape) != 2 {
		m.err = fmt.Errorf("torch: %s is %v, not a matrix to transpose", p.Name, shape)
		return
	}
	ts := []int(shape)
	if transposed {
		ts = []int{shape[1], shape[0]}
	}
	m.entries = append(m.entries, entry{names: []string{name}, shapes: [][]int{ts},
		get: func() [][]float64 {
			if transposed {
				return [][]float64{transpose(values(p), shape[0], shape[1])}
			}
			return [][]float64{values(p)}
		},
		set: func(v [][]float64) {
			if transposed {
				setValues(p, transpose(v[0], shape[1], shape[0]))
			} else {
				setValues(p, v[0])
			}
		}})
}

// Embedding maps an embedding to prefix+"weight" (nn.Embedding).
func (m *Mapping) Embedding(prefix string, e *graph.Embedding) {
	m.Param(prefix+"weight", e.E, false)
}

// Linear maps a linear layer to prefix+"weight" and prefix+"bias"
// (nn.Linear).
func (m *Mapping) Linear(prefix string, l *graph.Linear) {
	m.Param(prefix+"weight", l.W, true)
	m.Param(prefix+"bias", l.B, false)
}

// Sequence is the mapping of rnnzoo's sequence models: "embed.weight"
// (nn.Embedding; none when embed is nil), the recurrent stack "rnn.*"
// (one nn.LSTM, nn.GRU or nn.RNN) and the head "out.*" (nn.Linear).
func Sequence(embed *graph.Embedding, rnn *graph.Stack, head *graph.Linear) *Mapping {
	var m Mapping
	if embed != nil {
		m.Embedding("embed.", embed)
	}
	m.Stack("rnn.", rnn)
	m.Linear("out.", head)
	return &m
}

// cell maps one direction of one layer.
func (m *Mapping) cell(prefix, suffix string, c *graph.Cell) {
	if c.Kind == graph.RNN && c.Act == graph.Sigmoid {
		m.err = fmt.Errorf("torch: %s: nn.RNN has no sigmoid nonlinearity (it takes tanh or relu)", c.W.Name)
		return
	}
	G := map[graph.CellKind]int{graph.LSTM: 4, graph.GRU: 3, graph.RNN: 1}[c.Kind]
	H, in := c.Hidden, c.In
	names := []string{prefix + "weight_ih" + suffix, prefix + "weight_hh" + suffix, prefix + "bias_ih" + suffix, prefix + "bias_hh" + suffix}
	shapes := [][]int{{G * H, in}, {G * H, H}, {G * H}, {G * H}}
	m.entries = append(m.entries, entry{names: names, shapes: shapes,
		get: func() [][]float64 {
			hh := make([]float64, G*H)
			if c.Kind == graph.GRU {
				copy(hh[2*H:], values(c.BN))
			}
			return [][]float64{transpose(values(c.W), in, G*H), transpose(values(c.U), H, G*H), values(c.B), hh}
		},
		set: func(v [][]float64) {
			setValues(c.W, transpose(v[0], G*H, in))
			setValues(c.U, transpose(v[1], G*H, H))
			b := make([]float64, G*H)
			for i := range b {
				b[i] = v[2][i] + v[3][i]
			}
			if c.Kind == graph.GRU {
				copy(b[2*H:], v[2][2*H:])
				setValues(c.BN, v[3][2*H:])
			}
			setValues(c.B, b)
		}})
}

// Stack maps a stack of recurrent layers to one nn.LSTM, nn.GRU or nn.RNN
// under prefix: layer k's weights as "weight_ih_l{k}" and so on, the
// backward direction of a bidirectional layer with "_reverse".
func (m *Mapping) Stack(prefix string, s *graph.Stack) {
	for k, l := range s.Layers {
		switch v := l.(type) {
		case *graph.Recurrent:
			m.cell(prefix, fmt.Sprintf("_l%d", k), v.Cell)
		case *graph.Bidirectional:
			if v.Merge != graph.Concat {
				m.err = fmt.Errorf("torch: a bidirectional layer merged by %v has no torch.nn counterpart (nn.%s concatenates)", v.Merge, v.Kind())
				return
			}
			m.cell(prefix, fmt.Sprintf("_l%d", k), v.Fwd.Cell)
			m.cell(prefix, fmt.Sprintf("_l%d_reverse", k), v.Bwd.Cell)
		default:
			m.err = fmt.Errorf("torch: layer type %T", l)
		}
	}
}

// Names lists the state_dict's names in order.
func (m *Mapping) Names() []string {
	var out []string
	for _, e := range m.entries {
		out = append(out, e.names...)
	}
	return out
}

// StateDict returns the model's weights as a state_dict.
func (m *Mapping) StateDict() (StateDict, error) {
	if m.err != nil {
		return nil, m.err
	}
	sd := StateDict{}
	for _, e := range m.entries {
		for i, v := range e.get() {
			sd[e.names[i]] = Tensor{Shape: e.shapes[i], Data: v}
		}
	}
	return sd, nil
}

// Export writes the model's state_dict to path as safetensors (F32, or F64
// with f64) with the metadata meta (e.g. the model kind and
// configuration that rnnzoo_torch.py reads).
func (m *Mapping) Export(path string, meta map[string]string, f64 bool) error {
	sd, err := m.StateDict()
	if err != nil {
		return err
	}
	return Write(path, sd, m.Names(), meta, f64)
}

// Import sets the model's parameters from a state_dict. Every name of the
// mapping must be there with its shape; names the mapping does not know
// are an error (a state_dict of another architecture).
func (m *Mapping) Import(sd StateDict) error {
	if m.err != nil {
		return m.err
	}
	known := map[string]bool{}
	for _, e := range m.entries {
		for i, name := range e.names {
			known[name] = true
			t, ok := sd[name]
			if !ok {
				return fmt.Errorf("torch: the state_dict has no %s (want shape %v)", name, e.shapes[i])
			}
			if !slices.Equal(t.Shape, e.shapes[i]) {
				return fmt.Errorf("torch: %s has shape %v, the model wants %v", name, t.Shape, e.shapes[i])
			}
		}
	}
	var extra []string
	for name := range sd {
		if !known[name] {
			extra = append(extra, name)
		}
	}
	if len(extra) > 0 {
		sort.Strings(extra)
		return fmt.Errorf("torch: the state_dict has tensors this model does not: %s", strings.Join(extra, ", "))
	}
	for _, e := range m.entries {
		vals := make([][]float64, len(e.names))
		for i, name := range e.names {
			vals[i] = sd[name].Data
		}
		e.set(vals)
	}
	return nil
}

// Write writes a state_dict as safetensors, tensors in the order of names
// (F32, or F64 with f64), with metadata meta.
func Write(path string, sd StateDict, names []string, meta map[string]string, f64 bool) error {
	ts := make([]checkpoint.Tensor, 0, len(names))
	for _, name := range names {
		t := sd[name]
		ct := checkpoint.Tensor{Name: name, Dtype: "F32", Shape: t.Shape}
		if f64 {
			ct.Dtype = "F64"
			ct.Data = make([]byte, 8*len(t.Data))
			for i, v := range t.Data {
				binary.LittleEndian.PutUint64(ct.Data[8*i:], math.Float64bits(v))
			}
		} else {
			ct.Data = make([]byte, 4*len(t.Data))
			for i, v := range t.Data {
				binary.LittleEndian.PutUint32(ct.Data[4*i:], math.Float32bits(float32(v)))
			}
		}
		ts = append(ts, ct)
	}
	return atomicfile.Write(path, func(w io.Writer) error { return checkpoint.WriteSafetensors(w, ts, meta) })
}

// MaxFile is the largest state_dict file Read takes (4 GiB).
const MaxFile = 4 << 30

// Read reads a state_dict from safetensors (F32 or F64 tensors) or from
// numpy's .npz (np.savez of float32 or float64 arrays, keyed by name),
// chosen by the file's first bytes, and returns it with the safetensors
// metadata (nil for .npz).
func Read(path string) (StateDict, map[string]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, nil, err
	}
	if st.Size() > MaxFile {
		return nil, nil, fmt.Errorf("%s: %d bytes, above the %d-byte limit", path, st.Size(), int64(MaxFile))
	}
	b, err := io.ReadAll(f)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(b) >= 4 && string(b[:4]) == "PK\x03\x04" {
		sd, err := ReadNPZ(b)
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w", path, err)
		}
		return sd, nil, nil
	}
	ts, meta, err := checkpoint.ReadSafetensors(b)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", path, err)
	}
	sd := StateDict{}
	for _, t := range ts {
		d, err := t.Dense()
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w", path, err)
		}
		var v []float64
		switch x := d.Data().(type) {
		case []float32:
			v = make([]float64, len(x))
			for i, f := range x {
				v[i] = float64(f)
			}
		case []float64:
			v = x
		}
		sd[t.Name] = Tensor{Shape: append([]int(nil), t.Shape...), Data: v}
	}
	return sd, meta, nil
}

// ExportModel writes a model's state_dict (m) to path as float32
// safetensors, with the model kind and configuration as metadata (Meta).
func ExportModel(path, kind string, config any, m *Mapping) error {
	meta, err := Meta(kind, config)
	if err != nil {
		return err
	}
	return m.Export(path, meta, false)
}

// ImportModel reads a state_dict from path (Read) into a model's
// parameters (m). A safetensors file whose metadata names another model
// kind is refused.
func ImportModel(path, kind string, m *Mapping) error {
	sd, meta, err := Read(path)
	if err != nil {
		return err
	}
	if k, ok := meta["rnnzoo_kind"]; ok && k != kind {
		return fmt.Errorf("%s holds a %s model, not a %s one", path, k, kind)
	}
	if err := m.Import(sd); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}
