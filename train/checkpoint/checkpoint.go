package checkpoint

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strconv"
	"strings"

	"github.com/rnnzoo/rnnzoo/graph"
	"github.com/rnnzoo/rnnzoo/internal/atomicfile"
	"gorgonia.org/tensor"
)

// The checkpoint container. A checkpoint is ONE safetensors file: any
// safetensors reader sees the model's weights under their parameter names,
// and everything else lives in the "__metadata__" string map and in extra
// tensors:
//
//	metadata key      value
//	format            "rnnzoo-checkpoint"
//	format_version    "2" (1: files written before the whole-file checksum)
//	model_kind        what model the file holds, e.g. "sentiment" (optional)
//	params            JSON array of the model's parameter names, in model order
//	config            the model's configuration, JSON (opaque to train)
//	vocabs            JSON object: vocabulary name → JSON blob (opaque)
//	metrics           JSON object of final (or latest) metrics
//	trainer           JSON training state (step, epoch, position in the epoch,
//	                  batch order, RNG states, optimizer kind/hyper-parameters/
//	                  step count, early-stopping state, log history)
//	sha256            hex SHA-256 of everything else in the file (see digest):
//	                  every other metadata entry and every tensor's name,
//	                  dtype, shape and data, so that a changed vocabulary,
//	                  configuration or trainer step is caught like a changed
//	                  weight (version 1 files have data_sha256, which covers
//	                  the tensor data only)
//
//	extra tensor            content
//	optim.<slot>.<param>    optimizer state, e.g. optim.m.lstm.W (Adam's first moment)
//	best.<param>            the best weights so far (early stopping)
//
// Tensor data are ordered as the reference safetensors writer orders them
// (descending dtype, then name), so for one dtype: by name.
const (
	checkpointFormat  = "rnnzoo-checkpoint"
	checkpointVersion = 2
)

// digest is the SHA-256 that version 2 records under "sha256": the
// metadata entries other than itself in key order, then the tensors in
// data order, each string and byte slice preceded by its length (so that
// no two different files hash the same bytes).
func digest(meta map[string]string, tensors []Tensor) (string, error) {
	order, err := dataOrder(tensors)
	if err != nil {
		return "", err
	}
	h := sha256.New()
	var n [8]byte
	put := func(b []byte) {
		binary.LittleEndian.PutUint64(n[:], uint64(len(b)))
		h.Write(n[:])
		h.Write(b)
	}
	keys := make([]string, 0, len(meta))
	for k := range meta {
		if k != "sha256" {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	binary.LittleEndian.PutUint64(n[:], uint64(len(keys)))
	h.Write(n[:])
	for _, k := range keys {
		put([]byte(k))
		put([]byte(meta[k]))
	}
	binary.LittleEndian.PutUint64(n[:], uint64(len(order)))
	h.Write(n[:])
	for _, t := range order {
		put([]byte(t.Name))
		put([]byte(t.Dtype))
		binary.LittleEndian.PutUint64(n[:], uint64(len(t.Shape)))
		h.Write(n[:])
		for _, d := range t.Shape {
			binary.LittleEndian.PutUint64(n[:], uint64(d))
			h.Write(n[:])
		}
		put(t.Data)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// Checkpoint is a decoded checkpoint file.
type Checkpoint struct {
	Version int
	// Kind names the model the file holds (e.g. "sentiment", "translate"),
	// so that a program given another model's checkpoint can say so; see
	// CheckKind. Files written before it existed have none.
	Kind    string
	Config  json.RawMessage            // the model's configuration
	Vocabs  map[string]json.RawMessage // named vocabularies
	Metrics map[string]float64
	Params  []string          // model parameter names, in model order
	Tensors map[string]Tensor // every tensor by name (weights, optimizer state, best weights)
	Trainer json.RawMessage   // training state; nil if the file holds weights only
	Meta    map[string]string // the raw safetensors metadata
}

// New returns a checkpoint holding a copy of the weights of ps,
// the model configuration config (marshalled to JSON unless it is already
// a json.RawMessage or nil), vocabularies (each marshalled likewise) and
// metrics. Use it to write a model without a Trainer; Trainer.Save adds
// the training state.
func New(ps *graph.Params, config any, vocabs map[string]any, metrics map[string]float64) (*Checkpoint, error) {
	return newCheckpoint(ps, config, vocabs, metrics, DenseTensor)
}

// NewView is New whose tensors share the weights' memory where they can
// (DenseTensorView): write it before the weights change.
func NewView(ps *graph.Params, config any, vocabs map[string]any, metrics map[string]float64) (*Checkpoint, error) {
	return newCheckpoint(ps, config, vocabs, metrics, DenseTensorView)
}

func newCheckpoint(ps *graph.Params, config any, vocabs map[string]any, metrics map[string]float64, encode func(string, *tensor.Dense) (Tensor, error)) (*Checkpoint, error) {
	c := &Checkpoint{Version: checkpointVersion, Vocabs: map[string]json.RawMessage{}, Metrics: metrics, Tensors: map[string]Tensor{}}
	var err error
	if c.Config, err = rawJSON(config); err != nil {
		return nil, fmt.Errorf("checkpoint: model config: %w", err)
	}
	for k, v := range vocabs {
		if c.Vocabs[k], err = rawJSON(v); err != nil {
			return nil, fmt.Errorf("checkpoint: vocabulary %q: %w", k, err)
		}
	}
	for _, p := range ps.All() {
		t, err := encode(p.Name, p.Value)
		if err != nil {
			return nil, err
		}
		c.Params = append(c.Params, p.Name)
		c.Tensors[p.Name] = t
	}
	return c, nil
}

func rawJSON(v any) (json.RawMessage, error) {
	switch x := v.(type) {
	case nil:
		return nil, nil
	case json.RawMessage:
		if !json.Valid(x) {
			return nil, errors.New("invalid JSON")
		}
		return x, nil
	}
	return json.Marshal(v)
}

// CheckKind returns an error unless the checkpoint holds a model of kind
// want, or names no kind at all (files written before kinds were
// recorded): e.g. "the checkpoint holds a translate model, not a
// sentiment model".
func (c *Checkpoint) CheckKind(want string) error {
	if c.Kind != "" && c.Kind != want {
		return fmt.Errorf("the checkpoint holds a %s model, not a %s model", c.Kind, want)
	}
	return nil
}

// Add stores a tensor under its name; a second tensor of that name is an
// error.
func (c *Checkpoint) Add(t Tensor) error {
	if _, dup := c.Tensors[t.Name]; dup {
		return fmt.Errorf("checkpoint: two checkpoint tensors named %q", t.Name)
	}
	c.Tensors[t.Name] = t
	return nil
}

// LoadParams copies the checkpoint's weights into ps. Every parameter of
// ps must be in the checkpoint with the same dtype and shape, and the
// checkpoint must hold no model parameter that ps lacks; otherwise nothing
// is changed and the error lists what is missing, unexpected or mismatched.
// Weights stored in 8 bits (Quantize8) are restored to F32 first.
func (c *Checkpoint) LoadParams(ps *graph.Params) error {
	if err := c.dequantize(); err != nil {
		return err
	}
	inFile := map[string]bool{}
	for _, n := range c.Params {
		inFile[n] = true
	}
	var missing, extra, bad []string
	for _, p := range ps.All() {
		t, ok := c.Tensors[p.Name]
		if !ok || !inFile[p.Name] {
			missing = append(missing, p.Name)
			continue
		}
		delete(inFile, p.Name)
		want := "F32"
		if _, f64 := p.Value.Data().([]float64); f64 {
			want = "F64"
		}
		if t.Dtype != want || !sameShape(t.Shape, p.Shape()) {
			bad = append(bad, fmt.Sprintf("%s is %s %v in the file, %s %v in the model", p.Name, t.Dtype, t.Shape, want, []int(p.Shape())))
		}
	}
	for n := range inFile {
		extra = append(extra, n)
	}
	sort.Strings(extra)
	if len(missing)+len(extra)+len(bad) > 0 {
		var parts []string
		if len(missing) > 0 {
			parts = append(parts, "missing from the checkpoint: "+strings.Join(missing, ", "))
		}
		if len(extra) > 0 {
			parts = append(parts, "not in the model: "+strings.Join(extra, ", "))
		}
		parts = append(parts, bad...)
		return fmt.Errorf("checkpoint: the checkpoint does not fit the model: %s", strings.Join(parts, "; "))
	}
	for _, p := range ps.All() {
		if err := c.Tensors[p.Name].DecodeInto(p.Value); err != nil {
			return fmt.Errorf("checkpoint: loading %w", err)
		}
	}
	return nil
}

func sameShape(a []int, b []int) bool {
	if len(a) != len(b) {
		return len(a) == 0 && len(b) == 1 && b[0] == 1
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// encode returns the safetensors metadata and tensors of c, with the
// checksum of the data section.
func (c *Checkpoint) encode() ([]Tensor, map[string]string, error) {
	meta := map[string]string{}
	for k, v := range c.Meta {
		meta[k] = v
	}
	meta["format"] = checkpointFormat
	meta["format_version"] = strconv.Itoa(checkpointVersion)
	if c.Kind != "" {
		meta["model_kind"] = c.Kind
	} else {
		delete(meta, "model_kind")
	}
	names, _ := json.Marshal(c.Params)
	meta["params"] = string(names)
	if c.Config != nil {
		meta["config"] = string(c.Config)
	}
	if len(c.Vocabs) > 0 {
		b, err := json.Marshal(c.Vocabs)
		if err != nil {
			return nil, nil, err
		}
		meta["vocabs"] = string(b)
	}
	if c.Metrics != nil {
		b, err := json.Marshal(c.Metrics)
		if err != nil {
			return nil, nil, fmt.Errorf("checkpoint: metrics: %w", err)
		}
		meta["metrics"] = string(b)
	}
	if c.Trainer != nil {
		meta["trainer"] = string(c.Trainer)
	}
	tensors := make([]Tensor, 0, len(c.Tensors))
	for _, t := range c.Tensors {
		tensors = append(tensors, t)
	}
	delete(meta, "data_sha256") // version 1's partial checksum
	delete(meta, "sha256")
	sum, err := digest(meta, tensors)
	if err != nil {
		return nil, nil, err
	}
	meta["sha256"] = sum
	return tensors, meta, nil
}

// Write stores the checkpoint at path atomically: it writes a temporary file
// in the same directory, syncs it, renames it over path and syncs the
// directory. If anything fails, path is left as it was and the temporary
// file is removed.
//
// A path ending in ".gz" is written gzip-compressed (best compression, no
// name or time in the gzip header, so equal checkpoints give equal files);
// Read reads it back.
func (c *Checkpoint) Write(path string) error {
	tensors, meta, err := c.encode()
	if err != nil {
		return err
	}
	if strings.HasSuffix(path, ".gz") {
		return atomicfile.Write(path, func(w io.Writer) error {
			zw, err := gzip.NewWriterLevel(w, gzip.BestCompression)
			if err != nil {
				return err
			}
			if err := WriteSafetensors(zw, tensors, meta); err != nil {
				return err
			}
			return zw.Close()
		})
	}
	return atomicfile.Write(path, func(w io.Writer) error { return WriteSafetensors(w, tensors, meta) })
}

// maxGunzipped bounds what a gzip-compressed checkpoint may expand to.
const maxGunzipped = 4 << 30

// Gunzip returns the decompressed bytes of a gzip stream, refusing more
// than 4 GiB.
func Gunzip(b []byte) ([]byte, error) {
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	out, err := io.ReadAll(io.LimitReader(zr, maxGunzipped+1))
	if err != nil {
		return nil, err
	}
	if len(out) > maxGunzipped {
		return nil, errors.New("gzip data expand past 4 GiB")
	}
	return out, nil
}

// readChecked reads a checkpoint of at most limit bytes from r, looking at
// its header before it reads the data: a file that is not a checkpoint
// (a header length past the limit, a header that is not JSON or does not
// say "rnnzoo-checkpoint") is refused after its first bytes, not after
// gigabytes.
func readChecked(r io.Reader, limit int64, exact bool) ([]byte, error) {
	var n8 [8]byte
	if n, err := io.ReadFull(r, n8[:]); err != nil {
		return nil, corrupt("%d bytes, too short for the 8-byte header length", n)
	}
	n := binary.LittleEndian.Uint64(n8[:])
	if n > maxHeader || n > uint64(max(limit-8, 0)) {
		return nil, corrupt("header length %d runs past the end of the file or the %d-byte limit", n, maxHeader)
	}
	hdr := make([]byte, 8+n)
	copy(hdr, n8[:])
	if _, err := io.ReadFull(r, hdr[8:]); err != nil {
		return nil, corrupt("header length %d runs past the end of the file", n)
	}
	var head map[string]json.RawMessage
	if err := json.Unmarshal(hdr[8:], &head); err != nil {
		return nil, corrupt("header is not a JSON object of tensors: %v", err)
	}
	var meta struct {
		Format string `json:"format"`
	}
	if raw, ok := head["__metadata__"]; !ok || json.Unmarshal(raw, &meta) != nil || meta.Format != checkpointFormat {
		return nil, corrupt("not an rnnzoo checkpoint (metadata format %q)", meta.Format)
	}
	// The data section is as long as the tensors' largest end offset: the
	// header says how much to read, and a file of another size is refused
	// before its data are.
	var size uint64
	for name, raw := range head {
		if name == "__metadata__" {
			continue
		}
		var t struct {
			Offsets []uint64 `json:"data_offsets"`
		}
		if err := json.Unmarshal(raw, &t); err != nil || len(t.Offsets) != 2 {
			return nil, corrupt("tensor %q: bad data_offsets", name)
		}
		size = max(size, t.Offsets[1])
	}
	if size > uint64(limit)-uint64(len(hdr)) {
		return nil, corrupt("the header describes %d bytes of data, the file has room for %d", size, uint64(limit)-uint64(len(hdr)))
	}
	if exact && uint64(limit)-uint64(len(hdr)) != size {
		return nil, corrupt("the header describes %d bytes of data, the file holds %d", size, uint64(limit)-uint64(len(hdr)))
	}
	if exact { // a plain file of the right size: one buffer
		b := make([]byte, uint64(len(hdr))+size)
		copy(b, hdr)
		if _, err := io.ReadFull(r, b[len(hdr):]); err != nil {
			return nil, corrupt("the data end after fewer than the %d bytes the header describes", size)
		}
		return b, nil
	}
	// A compressed stream: it grows the buffer as it really expands, so a
	// header that claims gigabytes over a short stream allocates little.
	buf := bytes.NewBuffer(hdr)
	if _, err := buf.ReadFrom(io.LimitReader(r, int64(size)+1)); err != nil {
		return nil, corrupt("reading the data: %v", err)
	}
	if got := uint64(buf.Len() - len(hdr)); got != size {
		return nil, corrupt("the header describes %d bytes of data, the stream holds %d or more", size, got)
	}
	return buf.Bytes(), nil
}

// CheckWeights refuses a model configuration that asks for more weights
// than the file holds, before the model is built: lowerBound is a lower
// bound of the weights the configuration makes (its largest matrices,
// computed in float64 so that no product overflows). A configuration
// edited to claim a hidden size of a million is then an error, not an
// allocation of terabytes.
func (c *Checkpoint) CheckWeights(lowerBound float64) error {
	var have float64
	for _, n := range c.Params {
		e := 1.0
		for _, d := range c.Tensors[n].Shape {
			e *= float64(d)
		}
		have += e
	}
	if !(lowerBound <= have) {
		return fmt.Errorf("the model configuration asks for at least %.0f weights, the file holds %.0f: it does not describe the file's tensors", lowerBound, have)
	}
	return nil
}

// Read reads and verifies a checkpoint file. A truncated,
// corrupted or foreign file is refused with an error wrapping ErrCorrupt
// that says what is wrong.
// A path ending in ".gz" is decompressed first.
func Read(path string) (*Checkpoint, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("checkpoint: reading checkpoint: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("checkpoint: reading checkpoint: %w", err)
	}
	var r io.Reader = f
	limit, exact := st.Size(), true
	if strings.HasSuffix(path, ".gz") {
		zr, err := gzip.NewReader(f)
		if err != nil {
			return nil, fmt.Errorf("checkpoint: checkpoint %s: %w", path, err)
		}
		r, limit, exact = zr, maxGunzipped, false
	}
	b, err := readChecked(r, limit, exact)
	if err != nil {
		return nil, fmt.Errorf("checkpoint: checkpoint %s: %w", path, err)
	}
	c, err := Decode(b)
	if err != nil {
		return nil, fmt.Errorf("checkpoint: checkpoint %s: %w", path, err)
	}
	return c, nil
}

// Decode decodes and verifies a checkpoint held in memory.
func Decode(b []byte) (*Checkpoint, error) {
	tensors, meta, err := ReadSafetensors(b)
	if err != nil {
		return nil, err
	}
	if meta["format"] != checkpointFormat {
		return nil, corrupt("not an rnnzoo checkpoint (metadata format %q)", meta["format"])
	}
	v, err := strconv.Atoi(meta["format_version"])
	if err != nil || v < 1 {
		return nil, corrupt("bad format_version %q", meta["format_version"])
	}
	if v > checkpointVersion {
		return nil, fmt.Errorf("checkpoint format version %d is newer than this program reads (%d)", v, checkpointVersion)
	}
	if v >= 2 {
		sum, err := digest(meta, tensors)
		if err != nil {
			return nil, corrupt("%v", err)
		}
		if meta["sha256"] != sum {
			return nil, corrupt("the file's SHA-256 is %s but the header records %q: the file was altered after it was written (its metadata, vocabulary, configuration or weights)", sum, meta["sha256"])
		}
	} else {
		h := sha256.New()
		for _, t := range tensors {
			h.Write(t.Data)
		}
		if sum := hex.EncodeToString(h.Sum(nil)); meta["data_sha256"] != sum {
			return nil, corrupt("the data's SHA-256 is %s but the header records %q: the tensor data were altered", sum, meta["data_sha256"])
		}
	}
	c := &Checkpoint{Version: v, Kind: meta["model_kind"], Meta: meta, Tensors: map[string]Tensor{}}
	for _, t := range tensors {
		c.Tensors[t.Name] = t
	}
	if err := json.Unmarshal([]byte(meta["params"]), &c.Params); err != nil {
		return nil, corrupt("metadata params: %v", err)
	}
	for _, n := range c.Params {
		if _, ok := c.Tensors[n]; !ok {
			return nil, corrupt("parameter %q is listed but has no tensor", n)
		}
	}
	if s, ok := meta["config"]; ok {
		if !json.Valid([]byte(s)) {
			return nil, corrupt("metadata config is not JSON")
		}
		c.Config = json.RawMessage(s)
	}
	if s, ok := meta["vocabs"]; ok {
		if err := json.Unmarshal([]byte(s), &c.Vocabs); err != nil {
			return nil, corrupt("metadata vocabs: %v", err)
		}
	}
	if s, ok := meta["metrics"]; ok {
		if err := json.Unmarshal([]byte(s), &c.Metrics); err != nil {
			return nil, corrupt("metadata metrics: %v", err)
		}
	}
	if s, ok := meta["trainer"]; ok {
		if !json.Valid([]byte(s)) {
			return nil, corrupt("metadata trainer is not JSON")
		}
		c.Trainer = json.RawMessage(s)
	}
	return c, nil
}

// WriteWeights writes a weights-only checkpoint of a model of kind (the
// weights of ps, its config, vocabularies and metrics; see New)
// to path (".gz" compresses it). With int8, weights of at least 1,024
// elements are stored in 8 bits (Quantize8).
func WriteWeights(path, kind string, ps *graph.Params, config any, vocabs map[string]any, metrics map[string]float64, int8 bool) error {
	ck, err := New(ps, config, vocabs, metrics)
	if err != nil {
		return err
	}
	ck.Kind = kind
	if int8 {
		if err := ck.Quantize8(1024); err != nil {
			return err
		}
	}
	return ck.Write(path)
}

// DecodeGzip decodes a gzip-compressed checkpoint held in memory,
// such as a model package's embedded pretrained weights.
func DecodeGzip(gz []byte) (*Checkpoint, error) {
	b, err := Gunzip(gz)
	if err != nil {
		return nil, err
	}
	return Decode(b)
}

// Load reads the checkpoint file at path (".gz": compressed) and rebuilds
// its model with from, a model package's FromCheckpoint; errors name the
// file.
func Load[M any](path string, from func(*Checkpoint) (M, error)) (M, error) {
	ck, err := Read(path)
	if err != nil {
		var zero M
		return zero, err
	}
	m, err := from(ck)
	if err != nil {
		return m, fmt.Errorf("%s: %w", path, err)
	}
	return m, nil
}

// LoadEmbedded rebuilds a model with from out of gzip-compressed checkpoint
// bytes embedded in a package (its shipped weights); errors say name.
func LoadEmbedded[M any](name string, gz []byte, from func(*Checkpoint) (M, error)) (M, error) {
	ck, err := DecodeGzip(gz)
	if err != nil {
		var zero M
		return zero, fmt.Errorf("%s: %w", name, err)
	}
	m, err := from(ck)
	if err != nil {
		return m, fmt.Errorf("%s: %w", name, err)
	}
	return m, nil
}
