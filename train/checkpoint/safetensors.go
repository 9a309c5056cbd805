package checkpoint

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"math/bits"
	"sort"
	"strconv"
	"unicode/utf8"
	"unsafe"

	"gorgonia.org/tensor"
)

// Tensor is one tensor of a safetensors file: a dtype name as the format
// spells it ("F32", "F64", "I64", ...), a shape, and the raw little-endian
// row-major bytes.
type Tensor struct {
	Name  string
	Dtype string
	Shape []int
	Data  []byte
}

// dtypes lists the safetensors element types in the reference
// implementation's order (increasing alignment), with their sizes.
var dtypes = []struct {
	name string
	size int
}{
	{"BOOL", 1}, {"U8", 1}, {"I8", 1}, {"F8_E5M2", 1}, {"F8_E4M3", 1},
	{"I16", 2}, {"U16", 2}, {"F16", 2}, {"BF16", 2},
	{"I32", 4}, {"U32", 4}, {"F32", 4}, {"F64", 8}, {"I64", 8}, {"U64", 8},
}

func dtypeInfo(name string) (rank, size int, ok bool) {
	for i, d := range dtypes {
		if d.name == name {
			return i, d.size, true
		}
	}
	return 0, 0, false
}

// maxHeader bounds the JSON header, as the reference reader does.
const maxHeader = 100_000_000

// WriteSafetensors writes tensors and string metadata in the safetensors
// layout, byte for byte as the reference implementation writes them:
//
//   - 8 bytes: N, the header length, as a little-endian uint64;
//   - N bytes: the JSON header, compact, with "__metadata__" first (its
//     keys sorted) when meta is not empty, then one entry per tensor,
//     {"dtype":..,"shape":[..],"data_offsets":[begin,end]}, in data order;
//     padded with spaces so that N is a multiple of 8;
//   - the tensors' bytes, back to back.
//
// Tensors are stored ordered by descending dtype (F64 before F32, in the
// reference's dtype order) and then by name (byte order), which is the
// reference's order; the order of the argument does not matter. Strings
// are escaped as serde_json escapes them, except that Go also escapes
// U+2028 and U+2029 and replaces invalid UTF-8.
func WriteSafetensors(w io.Writer, tensors []Tensor, meta map[string]string) error {
	header, order, err := safetensorsHeader(tensors, meta)
	if err != nil {
		return err
	}
	var n [8]byte
	binary.LittleEndian.PutUint64(n[:], uint64(len(header)))
	if _, err := w.Write(n[:]); err != nil {
		return err
	}
	if _, err := w.Write(header); err != nil {
		return err
	}
	for _, t := range order {
		if _, err := w.Write(t.Data); err != nil {
			return err
		}
	}
	return nil
}

// dataOrder checks tensors and returns them in the order their data is
// stored: descending dtype, then name.
func dataOrder(tensors []Tensor) ([]*Tensor, error) {
	order := make([]*Tensor, len(tensors))
	seen := map[string]bool{}
	for i := range tensors {
		t := &tensors[i]
		if t.Name == "__metadata__" || seen[t.Name] {
			return nil, fmt.Errorf("safetensors: tensor name %q is reserved or repeated", t.Name)
		}
		seen[t.Name] = true
		_, size, ok := dtypeInfo(t.Dtype)
		if !ok {
			return nil, fmt.Errorf("safetensors: tensor %q has unknown dtype %q", t.Name, t.Dtype)
		}
		n := 1
		for _, d := range t.Shape {
			if d < 0 {
				return nil, fmt.Errorf("safetensors: tensor %q has negative dimension in %v", t.Name, t.Shape)
			}
			n *= d
		}
		if n*size != len(t.Data) {
			return nil, fmt.Errorf("safetensors: tensor %q: %d bytes for %s %v (want %d)", t.Name, len(t.Data), t.Dtype, t.Shape, n*size)
		}
		order[i] = t
	}
	sort.SliceStable(order, func(i, j int) bool {
		ri, _, _ := dtypeInfo(order[i].Dtype)
		rj, _, _ := dtypeInfo(order[j].Dtype)
		if ri != rj {
			return ri > rj
		}
		return order[i].Name < order[j].Name
	})
	return order, nil
}

func safetensorsHeader(tensors []Tensor, meta map[string]string) ([]byte, []*Tensor, error) {
	order, err := dataOrder(tensors)
	if err != nil {
		return nil, nil, err
	}
	var h bytes.Buffer
	h.WriteByte('{')
	if len(meta) > 0 {
		h.WriteString(`"__metadata__":{`)
		keys := make([]string, 0, len(meta))
		for k := range meta {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for i, k := range keys {
			if i > 0 {
				h.WriteByte(',')
			}
			jsonString(&h, k)
			h.WriteByte(':')
			jsonString(&h, meta[k])
		}
		h.WriteByte('}')
		if len(order) > 0 {
			h.WriteByte(',')
		}
	}
	off := 0
	for i, t := range order {
		if i > 0 {
			h.WriteByte(',')
		}
		jsonString(&h, t.Name)
		h.WriteString(`:{"dtype":"`)
		h.WriteString(t.Dtype)
		h.WriteString(`","shape":[`)
		for j, d := range t.Shape {
			if j > 0 {
				h.WriteByte(',')
			}
			h.WriteString(strconv.Itoa(d))
		}
		h.WriteString(`],"data_offsets":[`)
		h.WriteString(strconv.Itoa(off))
		h.WriteByte(',')
		off += len(t.Data)
		h.WriteString(strconv.Itoa(off))
		h.WriteString(`]}`)
	}
	h.WriteByte('}')
	for h.Len()%8 != 0 {
		h.WriteByte(' ')
	}
	return h.Bytes(), order, nil
}

// jsonString writes s as a JSON string without HTML escaping (as serde_json
// does).
func jsonString(b *bytes.Buffer, s string) {
	var tmp bytes.Buffer
	enc := json.NewEncoder(&tmp)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s) // a string always encodes
	b.Write(bytes.TrimSuffix(tmp.Bytes(), []byte{'\n'}))
}

// ErrCorrupt is wrapped by every error about a malformed or truncated
// safetensors file or checkpoint.
var ErrCorrupt = errors.New("corrupt or truncated file")

func corrupt(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrCorrupt, fmt.Sprintf(format, args...))
}

type tensorInfo struct {
	Dtype       string   `json:"dtype"`
	Shape       []int64  `json:"shape"`
	DataOffsets []uint64 `json:"data_offsets"`
}

// ReadSafetensors parses a whole safetensors file held in b and returns its
// tensors in data order and its metadata. The tensors' Data alias b. It
// checks everything the reference reader checks, and refuses (with an error
// wrapping ErrCorrupt) a header length beyond the file or above 100 MB, a
// header that is not a UTF-8 JSON object, a repeated name, an unknown
// dtype, a shape whose size does not match its byte range, offsets that are
// not contiguous from 0, and data that does not end exactly at the end of
// the file.
func ReadSafetensors(b []byte) ([]Tensor, map[string]string, error) {
	if len(b) < 8 {
		return nil, nil, corrupt("%d bytes, too short for the 8-byte header length", len(b))
	}
	n := binary.LittleEndian.Uint64(b[:8])
	if n > maxHeader {
		return nil, nil, corrupt("header length %d is above the %d-byte limit", n, maxHeader)
	}
	if n > uint64(len(b)-8) {
		return nil, nil, corrupt("header length %d runs past the end of the %d-byte file", n, len(b))
	}
	hdr := b[8 : 8+n]
	data := b[8+n:]
	if !utf8.Valid(hdr) {
		return nil, nil, corrupt("header is not valid UTF-8")
	}
	if len(hdr) == 0 || hdr[0] != '{' {
		return nil, nil, corrupt("header does not start with '{'")
	}
	dec := json.NewDecoder(bytes.NewReader(hdr))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, nil, corrupt("header is not a JSON object")
	}
	var meta map[string]string
	var tensors []Tensor
	var infos []tensorInfo
	seen := map[string]bool{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, nil, corrupt("header JSON: %v", err)
		}
		name, ok := tok.(string)
		if !ok {
			return nil, nil, corrupt("header JSON: key expected")
		}
		if seen[name] {
			return nil, nil, corrupt("header names %q twice", name)
		}
		seen[name] = true
		if name == "__metadata__" {
			if err := dec.Decode(&meta); err != nil {
				return nil, nil, corrupt("__metadata__ is not an object of strings: %v", err)
			}
			continue
		}
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, nil, corrupt("header JSON: %v", err)
		}
		var info tensorInfo
		d := json.NewDecoder(bytes.NewReader(raw))
		d.DisallowUnknownFields()
		if err := d.Decode(&info); err != nil {
			return nil, nil, corrupt("entry of tensor %q: %v", name, err)
		}
		if info.Dtype == "" || info.Shape == nil || len(info.DataOffsets) != 2 {
			return nil, nil, corrupt("entry of tensor %q lacks dtype, shape or a [begin,end] data_offsets", name)
		}
		tensors = append(tensors, Tensor{Name: name, Dtype: info.Dtype})
		infos = append(infos, info)
	}
	if _, err := dec.Token(); err != nil {
		return nil, nil, corrupt("header JSON: %v", err)
	}
	// Only the space padding may follow the object.
	rest, _ := io.ReadAll(dec.Buffered())
	if len(bytes.Trim(rest, " \t\r\n")) != 0 {
		return nil, nil, corrupt("bytes after the header's JSON object")
	}
	idx := make([]int, len(tensors))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(i, j int) bool {
		a, c := infos[idx[i]].DataOffsets, infos[idx[j]].DataOffsets
		return a[0] < c[0] || (a[0] == c[0] && a[1] < c[1])
	})
	out := make([]Tensor, 0, len(tensors))
	var pos uint64
	for _, k := range idx {
		t, info := tensors[k], infos[k]
		_, size, ok := dtypeInfo(t.Dtype)
		if !ok {
			return nil, nil, corrupt("tensor %q has unknown dtype %q", t.Name, t.Dtype)
		}
		begin, end := info.DataOffsets[0], info.DataOffsets[1]
		if begin != pos || end < begin {
			return nil, nil, corrupt("tensor %q has data_offsets [%d,%d]; the data must be contiguous and the next tensor start at %d", t.Name, begin, end, pos)
		}
		if end > uint64(len(data)) {
			return nil, nil, corrupt("tensor %q ends at byte %d of a %d-byte data section", t.Name, end, len(data))
		}
		count := uint64(1)
		t.Shape = make([]int, len(info.Shape))
		for j, d := range info.Shape {
			if d < 0 {
				return nil, nil, corrupt("tensor %q has a negative dimension", t.Name)
			}
			hi, lo := bits.Mul64(count, uint64(d))
			if hi != 0 {
				return nil, nil, corrupt("tensor %q: the size of shape %v overflows", t.Name, info.Shape)
			}
			count = lo
			t.Shape[j] = int(d)
		}
		hi, nbytes := bits.Mul64(count, uint64(size))
		if hi != 0 || nbytes != end-begin {
			return nil, nil, corrupt("tensor %q: %s %v does not fit its data_offsets [%d,%d]", t.Name, t.Dtype, t.Shape, begin, end)
		}
		t.Data = data[begin:end:end]
		pos = end
		out = append(out, t)
	}
	if pos != uint64(len(data)) {
		return nil, nil, corrupt("the tensors cover %d bytes but the data section has %d", pos, len(data))
	}
	return out, meta, nil
}

// DenseTensor encodes a float32 or float64 tensor as a safetensors Tensor.
func DenseTensor(name string, d *tensor.Dense) (Tensor, error) { return denseTensor(name, d, false) }

// DenseTensorView is DenseTensor without the copy where it can: on a
// little-endian machine (the encoding of safetensors) Data shares d's
// memory, so the Tensor must be written before d changes. Trainer.Save
// uses it: a checkpoint of a model with Adam holds three copies of the
// weights (four with the best ones kept), which otherwise were all
// allocated anew on every save.
func DenseTensorView(name string, d *tensor.Dense) (Tensor, error) {
	return denseTensor(name, d, true)
}

// littleEndian: this machine stores numbers as safetensors does.
var littleEndian = binary.NativeEndian.Uint16([]byte{1, 0}) == 1

func denseTensor(name string, d *tensor.Dense, view bool) (Tensor, error) {
	t := Tensor{Name: name, Shape: append([]int(nil), d.Shape()...)}
	if d.Shape().IsScalar() {
		t.Shape = []int{}
	}
	switch v := d.Data().(type) {
	case []float32:
		t.Dtype = "F32"
		if view && littleEndian {
			if len(v) > 0 {
				t.Data = unsafe.Slice((*byte)(unsafe.Pointer(&v[0])), 4*len(v))
			}
			return t, nil
		}
		t.Data = make([]byte, 4*len(v))
		for i, x := range v {
			binary.LittleEndian.PutUint32(t.Data[4*i:], math.Float32bits(x))
		}
	case []float64:
		t.Dtype = "F64"
		if view && littleEndian {
			if len(v) > 0 {
				t.Data = unsafe.Slice((*byte)(unsafe.Pointer(&v[0])), 8*len(v))
			}
			return t, nil
		}
		t.Data = make([]byte, 8*len(v))
		for i, x := range v {
			binary.LittleEndian.PutUint64(t.Data[8*i:], math.Float64bits(x))
		}
	default:
		return Tensor{}, fmt.Errorf("safetensors: tensor %q has unsupported type %T", name, d.Data())
	}
	return t, nil
}

// Dense decodes an F32 or F64 tensor into a new *tensor.Dense.
func (t Tensor) Dense() (*tensor.Dense, error) {
	shape := append([]int(nil), t.Shape...)
	if len(shape) == 0 {
		shape = []int{1}
	}
	switch t.Dtype {
	case "F32":
		v := make([]float32, len(t.Data)/4)
		for i := range v {
			v[i] = math.Float32frombits(binary.LittleEndian.Uint32(t.Data[4*i:]))
		}
		return tensor.New(tensor.WithShape(shape...), tensor.WithBacking(v)), nil
	case "F64":
		v := make([]float64, len(t.Data)/8)
		for i := range v {
			v[i] = math.Float64frombits(binary.LittleEndian.Uint64(t.Data[8*i:]))
		}
		return tensor.New(tensor.WithShape(shape...), tensor.WithBacking(v)), nil
	}
	return nil, fmt.Errorf("safetensors: tensor %q has dtype %s; only F32 and F64 can be loaded", t.Name, t.Dtype)
}

// DecodeInto copies an F32/F64 tensor into dst of the same dtype and size.
func (t Tensor) DecodeInto(dst *tensor.Dense) error {
	switch d := dst.Data().(type) {
	case []float32:
		if t.Dtype != "F32" || len(t.Data) != 4*len(d) {
			return fmt.Errorf("%s is %s %v, want F32 %v", t.Name, t.Dtype, t.Shape, dst.Shape())
		}
		for i := range d {
			d[i] = math.Float32frombits(binary.LittleEndian.Uint32(t.Data[4*i:]))
		}
	case []float64:
		if t.Dtype != "F64" || len(t.Data) != 8*len(d) {
			return fmt.Errorf("%s is %s %v, want F64 %v", t.Name, t.Dtype, t.Shape, dst.Shape())
		}
		for i := range d {
			d[i] = math.Float64frombits(binary.LittleEndian.Uint64(t.Data[8*i:]))
		}
	default:
		return fmt.Errorf("%s: unsupported destination %T", t.Name, dst.Data())
	}
	return nil
}
