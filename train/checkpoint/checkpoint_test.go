package checkpoint

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/rnnzoo/rnnzoo/graph"
	"github.com/rnnzoo/rnnzoo/internal/atomicfile"
	"gorgonia.org/tensor"
)

// fixture is a safetensors file written out by hand from the published
// layout: two tensors, "w" F32 [2] = (1, −2) and "bias" F64 [1] = (0.5),
// and the metadata {"k":"vv"}. The reference writer puts "__metadata__"
// first and stores F64 before F32; the 137-byte JSON is padded with 7
// spaces to 144 = 0x90 bytes.
var fixture = func() []byte {
	var b []byte
	b = append(b, 0x90, 0, 0, 0, 0, 0, 0, 0)
	b = append(b, `{"__metadata__":{"k":"vv"},"bias":{"dtype":"F64","shape":[1],"data_offsets":[0,8]},"w":{"dtype":"F32","shape":[2],"data_offsets":[8,16]}}`...)
	b = append(b, "       "...)
	b = append(b, 0, 0, 0, 0, 0, 0, 0xe0, 0x3f) // 0.5 as float64
	b = append(b, 0, 0, 0x80, 0x3f)             // 1.0 as float32
	b = append(b, 0, 0, 0, 0xc0)                // −2.0 as float32
	return b
}()

func fixtureTensors() []Tensor {
	w := tensor.New(tensor.WithShape(2), tensor.WithBacking([]float32{1, -2}))
	bias := tensor.New(tensor.WithShape(1), tensor.WithBacking([]float64{0.5}))
	tw, _ := DenseTensor("w", w)
	tb, _ := DenseTensor("bias", bias)
	return []Tensor{tw, tb} // deliberately not in file order
}

func TestSafetensorsFixtureBytes(t *testing.T) {
	if len(fixture) != 8+144+16 {
		t.Fatalf("fixture is %d bytes", len(fixture))
	}
	var buf bytes.Buffer
	if err := WriteSafetensors(&buf, fixtureTensors(), map[string]string{"k": "vv"}); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(buf.Bytes(), fixture) {
		t.Fatalf("written bytes differ from the fixture:\n%q\n%q", buf.Bytes(), fixture)
	}
	ts, meta, err := ReadSafetensors(fixture)
	if err != nil {
		t.Fatal(err)
	}
	if meta["k"] != "vv" || len(ts) != 2 || ts[0].Name != "bias" || ts[1].Name != "w" {
		t.Fatalf("read back %v %v", meta, ts)
	}
	d, err := ts[1].Dense()
	if err != nil || d.Data().([]float32)[1] != -2 {
		t.Fatalf("w = %v, %v", d, err)
	}
	// The empty file of the reference: "{}" and 6 spaces.
	buf.Reset()
	if err := WriteSafetensors(&buf, nil, nil); err != nil {
		t.Fatal(err)
	}
	if want := "\x08\x00\x00\x00\x00\x00\x00\x00{}      "; buf.String() != want {
		t.Fatalf("empty file %q", buf.String())
	}
}

func TestSafetensorsRefusesDamage(t *testing.T) {
	le := func(n uint64) []byte { b := make([]byte, 8); binary.LittleEndian.PutUint64(b, n); return b }
	hdr := func(json string) []byte {
		for len(json)%8 != 0 {
			json += " "
		}
		return append(le(uint64(len(json))), json...)
	}
	cases := []struct {
		name string
		b    []byte
		want string
	}{
		{"empty", nil, "too short"},
		{"short", fixture[:5], "too short"},
		{"truncated header", fixture[:60], "past the end"},
		{"truncated data", fixture[:len(fixture)-1], "ends at byte 16"},
		{"trailing bytes", append(append([]byte{}, fixture...), 0), "cover 16 bytes but the data section has 17"},
		{"huge header", append(le(1<<62), fixture[8:]...), "above the"},
		{"not json", hdr("{nope}"), "header JSON"},
		{"not an object", hdr("[1,2]   "), "start with '{'"},
		{"bad utf8", append(le(8), 0xff, 0xfe, '{', '}', ' ', ' ', ' ', ' '), "UTF-8"},
		{"gap", append(hdr(`{"a":{"dtype":"U8","shape":[1],"data_offsets":[1,2]}}`), 0, 0), "contiguous"},
		{"overlap", append(hdr(`{"a":{"dtype":"U8","shape":[2],"data_offsets":[0,2]},"b":{"dtype":"U8","shape":[1],"data_offsets":[1,2]}}`), 0, 0), "contiguous"},
		{"size mismatch", append(hdr(`{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,4]}}`), 0, 0, 0, 0), "does not fit"},
		{"overflow", append(hdr(`{"a":{"dtype":"F32","shape":[4294967296,4294967296],"data_offsets":[0,4]}}`), 0, 0, 0, 0), "overflows"},
		{"dtype", append(hdr(`{"a":{"dtype":"Q7","shape":[1],"data_offsets":[0,1]}}`), 0), "unknown dtype"},
		{"duplicate", append(hdr(`{"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1]},"a":{"dtype":"U8","shape":[1],"data_offsets":[1,2]}}`), 0, 0), "twice"},
		{"missing offsets", append(hdr(`{"a":{"dtype":"U8","shape":[1]}}`), 0), "lacks"},
		{"unknown field", append(hdr(`{"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1],"x":1}}`), 0), "unknown field"},
		{"negative", append(hdr(`{"a":{"dtype":"U8","shape":[-1],"data_offsets":[0,1]}}`), 0), "negative"},
		{"metadata not strings", hdr(`{"__metadata__":{"a":1}}`), "__metadata__"},
	}
	for _, c := range cases {
		_, _, err := ReadSafetensors(c.b)
		if err == nil || !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want an ErrCorrupt error mentioning %q", c.name, err, c.want)
		}
	}
}

func smallParams(seed uint64) *graph.Params {
	ps := graph.NewParams(tensor.Float32, seed)
	if _, err := graph.NewLinear(ps, "out", 3, 2); err != nil {
		panic(err)
	}
	ps.New("emb.E", tensor.Shape{4, 3}, graph.Uniform(0.5))
	return ps
}

func writeSmall(t *testing.T, path string, ps *graph.Params) {
	t.Helper()
	c, err := New(ps, map[string]any{"hidden": 3}, map[string]any{"words": []string{"a", "b"}}, map[string]float64{"accuracy": 0.5})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Write(path); err != nil {
		t.Fatal(err)
	}
}

func sameWeights(a, b *graph.Params) bool {
	for i, p := range a.All() {
		x, y := p.F32(), b.All()[i].F32()
		for j := range x {
			if x[j] != y[j] {
				return false
			}
		}
	}
	return true
}

func TestCheckpointRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "m.ckpt")
	ps := smallParams(1)
	writeSmall(t, path, ps)
	c, err := Read(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(c.Config) != `{"hidden":3}` || string(c.Vocabs["words"]) != `["a","b"]` || c.Metrics["accuracy"] != 0.5 {
		t.Fatalf("config %s vocabs %v metrics %v", c.Config, c.Vocabs, c.Metrics)
	}
	if strings.Join(c.Params, " ") != "out.W out.b emb.E" {
		t.Fatalf("params %v", c.Params)
	}
	ps2 := smallParams(2)
	if sameWeights(ps, ps2) {
		t.Fatal("seeds give the same weights")
	}
	if err := c.LoadParams(ps2); err != nil {
		t.Fatal(err)
	}
	if !sameWeights(ps, ps2) {
		t.Fatal("loaded weights differ")
	}
	// A model of another shape is refused with what is missing, extra or different.
	other := graph.NewParams(tensor.Float32, 1)
	if _, err := graph.NewLinear(other, "out", 5, 2); err != nil {
		t.Fatal(err)
	}
	other.New("extra", tensor.Shape{1}, nil)
	err = c.LoadParams(other)
	for _, want := range []string{"missing from the checkpoint: extra", "not in the model: emb.E", "out.W is F32 [3 2] in the file, F32 [5 2] in the model"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("LoadParams error %v lacks %q", err, want)
		}
	}
}

func TestCheckpointCorruptionRefused(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "m.ckpt")
	writeSmall(t, path, smallParams(1))
	good, _ := os.ReadFile(path)
	// Flip one byte of the weights: the checksum catches it.
	bad := append([]byte{}, good...)
	bad[len(bad)-3] ^= 0x40
	os.WriteFile(path, bad, 0o644)
	_, err := Read(path)
	if err == nil || !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), "SHA-256") {
		t.Fatalf("flipped byte: %v", err)
	}
	// The header is covered too: the same-length edits that once loaded
	// without a word (two vocabulary words swapped, the pooling, the
	// maximum length, the trainer's step) are refused.
	tampered, err := New(smallParams(1), map[string]any{"pool": "max", "max_len": 64}, map[string]any{"words": []string{"ab", "cd"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	tampered.Trainer = []byte(`{"step":135}`)
	if err := tampered.Write(path); err != nil {
		t.Fatal(err)
	}
	written, _ := os.ReadFile(path)
	if _, err := Read(path); err != nil {
		t.Fatalf("the untouched file: %v", err)
	}
	for _, edit := range [][2]string{{`[\"ab\",\"cd\"]`, `[\"cd\",\"ab\"]`}, {`\"pool\":\"max\"`, `\"pool\":\"sum\"`},
		{`\"max_len\":64`, `\"max_len\":01`}, {`\"step\":135`, `\"step\":935`}} {
		if !bytes.Contains(written, []byte(edit[0])) {
			t.Fatalf("%s is not in the file's header", edit[0])
		}
		os.WriteFile(path, bytes.Replace(written, []byte(edit[0]), []byte(edit[1]), 1), 0o644)
		if _, err := Read(path); err == nil || !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), "altered") {
			t.Errorf("%s → %s: %v", edit[0], edit[1], err)
		}
	}
	// Every truncation is refused.
	for _, n := range []int{0, 7, 8, 100, len(good) / 2, len(good) - 1} {
		os.WriteFile(path, good[:n], 0o644)
		if _, err := Read(path); err == nil || !errors.Is(err, ErrCorrupt) {
			t.Fatalf("truncated to %d bytes: %v", n, err)
		}
	}
	// A plain safetensors file is not a checkpoint.
	os.WriteFile(path, fixture, 0o644)
	if _, err := Read(path); err == nil || !strings.Contains(err.Error(), "not an rnnzoo checkpoint") {
		t.Fatalf("foreign file: %v", err)
	}
}

// failingWriter fails after n bytes.
type failingWriter struct {
	w io.Writer
	n int
}

func (f *failingWriter) Write(p []byte) (int, error) {
	if len(p) > f.n {
		k, _ := f.w.Write(p[:f.n])
		f.n = 0
		return k, errors.New("simulated disk failure")
	}
	f.n -= len(p)
	return f.w.Write(p)
}

func TestInterruptedWriteKeepsPreviousCheckpoint(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "m.ckpt")
	ps := smallParams(1)
	writeSmall(t, path, ps)
	atomicfile.WrapForTest = func(w io.Writer) io.Writer { return &failingWriter{w: w, n: 100} }
	defer func() { atomicfile.WrapForTest = nil }()
	err := func() error {
		c, _ := New(smallParams(7), nil, nil, nil)
		return c.Write(path)
	}()
	if err == nil || !strings.Contains(err.Error(), "simulated disk failure") || !strings.Contains(err.Error(), "left unchanged") {
		t.Fatalf("interrupted write: %v", err)
	}
	atomicfile.WrapForTest = nil
	c, err := Read(path)
	if err != nil {
		t.Fatalf("previous checkpoint unreadable: %v", err)
	}
	ps2 := smallParams(3)
	if err := c.LoadParams(ps2); err != nil || !sameWeights(ps, ps2) {
		t.Fatalf("previous checkpoint changed: %v", err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Fatalf("temporary files left: %v", entries)
	}
}

func FuzzReadSafetensors(f *testing.F) {
	f.Add(fixture)
	f.Add(fixture[:20])
	f.Add([]byte("\x08\x00\x00\x00\x00\x00\x00\x00{}      "))
	var buf bytes.Buffer
	c, _ := New(smallParams(1), map[string]int{"a": 1}, nil, nil)
	ts, meta, _ := c.encode()
	WriteSafetensors(&buf, ts, meta)
	f.Add(buf.Bytes())
	f.Fuzz(func(t *testing.T, b []byte) {
		ts, meta, err := ReadSafetensors(b)
		_, _ = Decode(b)
		if err != nil {
			return
		}
		// What reads must write back and read the same.
		var out bytes.Buffer
		if err := WriteSafetensors(&out, ts, meta); err != nil {
			t.Fatalf("re-encoding a valid file: %v", err)
		}
		ts2, _, err := ReadSafetensors(out.Bytes())
		if err != nil || len(ts2) != len(ts) {
			t.Fatalf("re-read: %v", err)
		}
	})
}

func TestCheckpointKind(t *testing.T) {
	ps := graph.NewParams(tensor.Float32, 1)
	if _, err := graph.NewLinear(ps, "out", 2, 3); err != nil {
		t.Fatal(err)
	}
	c, err := New(ps, nil, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	c.Kind = "translate"
	path := filepath.Join(t.TempDir(), "m.ckpt")
	if err := c.Write(path); err != nil {
		t.Fatal(err)
	}
	back, err := Read(path)
	if err != nil {
		t.Fatal(err)
	}
	if back.Kind != "translate" || back.CheckKind("translate") != nil {
		t.Fatalf("kind read back as %q", back.Kind)
	}
	err = back.CheckKind("sentiment")
	if err == nil || !strings.Contains(err.Error(), "holds a translate model, not a sentiment model") {
		t.Fatalf("CheckKind(sentiment) = %v", err)
	}
	gz := filepath.Join(t.TempDir(), "m.ckpt.gz")
	if err := back.Write(gz); err != nil {
		t.Fatal(err)
	}
	again, err := Read(gz)
	if err != nil || again.Kind != "translate" || len(again.Params) != 2 {
		t.Fatalf("gzip round trip: %v, %+v", err, again)
	}
	back.Kind = ""
	if back.CheckKind("sentiment") != nil {
		t.Fatal("a file without a kind is refused")
	}
}

// Files of format version 1 (the checksum covers the tensor data only)
// still load, and their data are still checked.
func TestCheckpointVersion1(t *testing.T) {
	data := []byte{0, 0, 128, 63, 0, 0, 0, 64}
	sum := sha256.Sum256(data)
	meta := map[string]string{"format": "rnnzoo-checkpoint", "format_version": "1", "params": `["w"]`, "config": `{"hidden":3}`,
		"data_sha256": hex.EncodeToString(sum[:])}
	var b bytes.Buffer
	if err := WriteSafetensors(&b, []Tensor{{Name: "w", Dtype: "F32", Shape: []int{2}, Data: data}}, meta); err != nil {
		t.Fatal(err)
	}
	c, err := Decode(b.Bytes())
	if err != nil || c.Version != 1 || string(c.Config) != `{"hidden":3}` {
		t.Fatalf("version 1: %+v, %v", c, err)
	}
	bad := bytes.Replace(b.Bytes(), data, []byte{0, 0, 128, 63, 0, 0, 0, 65}, 1)
	if _, err := Decode(bad); err == nil || !errors.Is(err, ErrCorrupt) {
		t.Fatalf("version 1 with altered data: %v", err)
	}
}

// A 2 GiB file that is not a checkpoint is refused from its first bytes,
// without reading it into memory (the file is sparse: it takes no disk).
func TestReadLooksAtTheHeaderFirst(t *testing.T) {
	path := filepath.Join(t.TempDir(), "big.ckpt")
	hdr := []byte(`{"__metadata__":{"format":"other"}}`)
	head := append(binary.LittleEndian.AppendUint64(nil, uint64(len(hdr))), hdr...)
	if err := os.WriteFile(path, head, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(path, 2<<30); err != nil {
		t.Skipf("no sparse 2 GiB file here: %v", err)
	}
	var m0, m1 runtime.MemStats
	runtime.ReadMemStats(&m0)
	_, err := Read(path)
	runtime.ReadMemStats(&m1)
	if err == nil || !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), `not an rnnzoo checkpoint (metadata format "other")`) {
		t.Fatalf("Read: %v", err)
	}
	if grew := m1.TotalAlloc - m0.TotalAlloc; grew > 16<<20 {
		t.Fatalf("allocated %d MB to refuse it", grew>>20)
	}
	// A checkpoint header whose tensors claim a gigabyte of a small file,
	// plain or compressed, is refused before the data are read.
	hdr = []byte(`{"__metadata__":{"format":"rnnzoo-checkpoint"},"w":{"dtype":"F32","shape":[268435456],"data_offsets":[0,1073741824]}}`)
	head = append(binary.LittleEndian.AppendUint64(nil, uint64(len(hdr))), hdr...)
	head = append(head, 1, 2, 3, 4)
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(head)
	zw.Close()
	for name, b := range map[string][]byte{"claim.ckpt": head, "claim.ckpt.gz": gz.Bytes()} {
		p := filepath.Join(filepath.Dir(path), name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		runtime.ReadMemStats(&m0)
		_, err := Read(p)
		runtime.ReadMemStats(&m1)
		if err == nil || !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), "the header describes 1073741824 bytes of data") {
			t.Fatalf("%s: %v", name, err)
		}
		if grew := m1.TotalAlloc - m0.TotalAlloc; grew > 16<<20 {
			t.Fatalf("%s: allocated %d MB to refuse it", name, grew>>20)
		}
	}
}

// FuzzRead: any file given as a checkpoint is read and verified, or
// refused with an error wrapping ErrCorrupt or naming the file; its seeds
// hold the edits the whole-file checksum catches and a header length that
// claims gigabytes.
func FuzzRead(f *testing.F) {
	c, err := New(smallParams(1), map[string]any{"pool": "max", "max_len": 64}, map[string]any{"words": []string{"ab", "cd"}}, nil)
	if err != nil {
		f.Fatal(err)
	}
	c.Trainer = []byte(`{"step":135}`)
	var buf bytes.Buffer
	ts, meta, _ := c.encode()
	WriteSafetensors(&buf, ts, meta)
	good := buf.Bytes()
	f.Add(good)
	for _, edit := range [][2]string{{`[\"ab\",\"cd\"]`, `[\"cd\",\"ab\"]`}, {`\"pool\":\"max\"`, `\"pool\":\"sum\"`},
		{`\"max_len\":64`, `\"max_len\":01`}, {`\"step\":135`, `\"step\":935`}} {
		f.Add(bytes.Replace(good, []byte(edit[0]), []byte(edit[1]), 1))
	}
	f.Add(append(binary.LittleEndian.AppendUint64(nil, 2<<30), '{'))
	f.Add([]byte("\x23\x00\x00\x00\x00\x00\x00\x00{\"__metadata__\":{\"format\":\"other\"}}"))
	f.Fuzz(func(t *testing.T, b []byte) {
		// What Read does with a file of these bytes, without the disk.
		data, err := readChecked(bytes.NewReader(b), int64(len(b)), true)
		if err == nil {
			_, err = Decode(data)
		}
		if err != nil {
			if !errors.Is(err, ErrCorrupt) && !strings.Contains(err.Error(), "checkpoint") {
				t.Fatalf("error neither corrupt nor naming a checkpoint: %v", err)
			}
			return
		}
		if !bytes.Equal(b, good) && !bytes.Equal(data, b) {
			t.Fatalf("read %d bytes of a %d-byte file", len(data), len(b))
		}
	})
}
