package embeddings

import (
	"bytes"
	"compress/gzip"
	"io"
	"math"
	"runtime"
	"strings"
	"testing"
)

func TestQuantRoundTrip(t *testing.T) {
	words := []string{"good", "bad", "zero"}
	data := []float32{0.5, -1, 0.25, 2, 0.001, -0.3, 0, 0, 0}
	v, err := FromMatrix(words, data, 3)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := EncodeQ8(&b, v); err != nil {
		t.Fatal(err)
	}
	q, err := DecodeQ8Bytes(b.Bytes(), "q.gz")
	if err != nil {
		t.Fatal(err)
	}
	for i := range data {
		row := i / 3
		var m float64
		for _, x := range data[row*3 : row*3+3] {
			m = math.Max(m, math.Abs(float64(x)))
		}
		if d := math.Abs(float64(q.Data[i] - data[i])); d > m/254+1e-7 {
			t.Errorf("value %d: %v vs %v", i, q.Data[i], data[i])
		}
	}
	if strings.Join(q.Words, ",") != "good,bad,zero" {
		t.Fatal(q.Words)
	}
}

// FuzzDecodeQ8 fuzzes the decompressed content (each input is gzipped
// before decoding, so that the mutations reach the parser); its seeds hold
// headers that claim millions of rows or thousands of dimensions.
func FuzzDecodeQ8(f *testing.F) {
	var b bytes.Buffer
	v, _ := FromMatrix([]string{"a", "b"}, []float32{1, 2, 3, 4}, 2)
	EncodeQ8(&b, v)
	zr, err := gzip.NewReader(&b)
	if err != nil {
		f.Fatal(err)
	}
	raw, _ := io.ReadAll(zr)
	f.Add(raw)
	f.Add([]byte("RZQ8 1 1\n"))
	f.Add([]byte("RZQ8 16777216 65536\nw\n"))
	f.Add([]byte("RZQ8 2 65536\na\nb\n\x00\x00\x80\x3f\x00\x00\x80\x3f\x01"))
	f.Add([]byte("RZQ8 1 2\na\n\x00\x00\xc0\x7f\x01\x02"))
	f.Fuzz(func(t *testing.T, raw []byte) {
		var gz bytes.Buffer
		zw := gzip.NewWriter(&gz)
		zw.Write(raw)
		zw.Close()
		var m0, m1 runtime.MemStats
		runtime.ReadMemStats(&m0)
		v, err := DecodeQ8Bytes(gz.Bytes(), "fuzz")
		runtime.ReadMemStats(&m1)
		if grew := m1.TotalAlloc - m0.TotalAlloc; grew > 64<<20+uint64(64*len(raw)) {
			t.Fatalf("%d bytes decoded with %d MB allocated", len(raw), grew>>20)
		}
		if err != nil {
			if !strings.Contains(err.Error(), "fuzz") {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		for i, x := range v.Data {
			if x-x != 0 {
				t.Fatalf("value %d is %v", i, x)
			}
		}
	})
}
