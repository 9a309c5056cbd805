package embeddings

import (
	"bytes"
	"math"
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

func FuzzDecodeQ8(f *testing.F) {
	var b bytes.Buffer
	v, _ := FromMatrix([]string{"a", "b"}, []float32{1, 2, 3, 4}, 2)
	EncodeQ8(&b, v)
	f.Add(b.Bytes())
	f.Add([]byte("RZQ8 1 1\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		if _, err := DecodeQ8Bytes(data, "fuzz"); err != nil && !strings.Contains(err.Error(), "fuzz") {
			t.Fatalf("error does not name the file: %v", err)
		}
	})
}
