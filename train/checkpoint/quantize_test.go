package checkpoint

import (
	"encoding/binary"
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rnnzoo/rnnzoo/graph"
	"gorgonia.org/tensor"
)

func TestQuantize8RoundTrip(t *testing.T) {
	ps := graph.NewParams(tensor.Float32, 3)
	emb := ps.New("emb.E", tensor.Shape{6, 5}, graph.Uniform(1))
	bias := ps.New("out.b", tensor.Shape{5}, graph.Uniform(1))
	w := emb.F32()
	w[7] = 0.9 // row 1's largest magnitude, then a row of zeros
	for i := 10; i < 15; i++ {
		w[i] = 0
	}
	c, err := New(ps, map[string]int{"n": 1}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Quantize8(16); err != nil {
		t.Fatal(err)
	}
	if got := c.Tensors["emb.E"]; got.Dtype != "I8" || len(got.Data) != 30 {
		t.Fatalf("emb.E stored as %s with %d bytes", got.Dtype, len(got.Data))
	}
	if got := c.Tensors["out.b"]; got.Dtype != "F32" {
		t.Fatalf("a 5-element bias was quantized (%s)", got.Dtype)
	}
	if got := c.Tensors["q8.scale.emb.E"]; got.Dtype != "F32" || len(got.Shape) != 2 || got.Shape[0] != 6 || got.Shape[1] != 1 {
		t.Fatalf("scale tensor %s %v", got.Dtype, got.Shape)
	}
	path := filepath.Join(t.TempDir(), "q.ckpt")
	if err := c.Write(path); err != nil {
		t.Fatal(err)
	}
	back, err := Read(path)
	if err != nil {
		t.Fatal(err)
	}
	ps2 := graph.NewParams(tensor.Float32, 9)
	emb2 := ps2.New("emb.E", tensor.Shape{6, 5}, nil)
	bias2 := ps2.New("out.b", tensor.Shape{5}, nil)
	if err := back.LoadParams(ps2); err != nil {
		t.Fatal(err)
	}
	for r := 0; r < 6; r++ {
		var m float64
		for j := 0; j < 5; j++ {
			m = math.Max(m, math.Abs(float64(w[r*5+j])))
		}
		for j := 0; j < 5; j++ {
			i := r*5 + j
			if d := math.Abs(float64(emb2.F32()[i] - w[i])); d > m/127/2*1.0001 {
				t.Errorf("emb.E[%d,%d] = %v, want %v within %v", r, j, emb2.F32()[i], w[i], m/254)
			}
		}
	}
	// The row maximum is exact, zeros stay zero and the bias is untouched.
	if emb2.F32()[7] != 0.9 && math.Abs(float64(emb2.F32()[7])-0.9) > 1e-7 {
		t.Errorf("row maximum %v, want 0.9", emb2.F32()[7])
	}
	for i := 10; i < 15; i++ {
		if emb2.F32()[i] != 0 {
			t.Errorf("zero row came back as %v", emb2.F32()[i])
		}
	}
	for i, v := range bias.F32() {
		if bias2.F32()[i] != v {
			t.Fatalf("bias %v, want %v", bias2.F32(), bias.F32())
		}
	}
}

// A matrix with more columns than rows gets a scale per column.
func TestQuantize8PerColumn(t *testing.T) {
	ps := graph.NewParams(tensor.Float32, 5)
	p := ps.New("out.W", tensor.Shape{3, 8}, graph.Uniform(1))
	w := p.F32()
	for r := 0; r < 3; r++ {
		w[r*8+2] *= 1e-3 // column 2 is small: its own scale keeps it precise
	}
	c, err := New(ps, nil, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Quantize8(0); err != nil {
		t.Fatal(err)
	}
	if got := c.Tensors["q8.scale.out.W"].Shape; len(got) != 2 || got[0] != 1 || got[1] != 8 {
		t.Fatalf("scale shape %v, want [1 8]", got)
	}
	ps2 := graph.NewParams(tensor.Float32, 6)
	p2 := ps2.New("out.W", tensor.Shape{3, 8}, nil)
	if err := c.LoadParams(ps2); err != nil {
		t.Fatal(err)
	}
	for col := 0; col < 8; col++ {
		var m float64
		for r := 0; r < 3; r++ {
			m = math.Max(m, math.Abs(float64(w[r*8+col])))
		}
		for r := 0; r < 3; r++ {
			i := r*8 + col
			if d := math.Abs(float64(p2.F32()[i] - w[i])); d > m/254*1.0001 {
				t.Errorf("out.W[%d,%d] = %v, want %v within %v", r, col, p2.F32()[i], w[i], m/254)
			}
		}
	}
}

func TestQuantize8DamageRefused(t *testing.T) {
	build := func() *Checkpoint {
		ps := graph.NewParams(tensor.Float32, 1)
		ps.New("w", tensor.Shape{2, 3}, graph.Uniform(1))
		c, err := New(ps, nil, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := c.Quantize8(0); err != nil {
			t.Fatal(err)
		}
		return c
	}
	load := func(c *Checkpoint) error {
		ps := graph.NewParams(tensor.Float32, 1)
		ps.New("w", tensor.Shape{2, 3}, nil)
		return c.LoadParams(ps)
	}
	if err := load(build()); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name  string
		spoil func(c *Checkpoint)
		want  string
	}{
		{"no scale", func(c *Checkpoint) { delete(c.Tensors, "q8.scale.w") }, "no scale tensor"},
		{"scale shape", func(c *Checkpoint) {
			c.Tensors["q8.scale.w"] = Tensor{Name: "q8.scale.w", Dtype: "F32", Shape: []int{3}, Data: make([]byte, 12)}
		}, "want F32 [1 3]"},
		{"NaN scale", func(c *Checkpoint) {
			binary.LittleEndian.PutUint32(c.Tensors["q8.scale.w"].Data, math.Float32bits(float32(math.NaN())))
		}, "scale 0 is NaN"},
	} {
		c := build()
		tc.spoil(c)
		if err := load(c); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want %q", tc.name, err, tc.want)
		}
	}
	c := build()
	c.Tensors["w"] = Tensor{Name: "w", Dtype: "F32", Shape: []int{2, 3}, Data: make([]byte, 24)}
	binary.LittleEndian.PutUint32(c.Tensors["w"].Data, math.Float32bits(float32(math.Inf(1))))
	delete(c.Tensors, "q8.scale.w")
	if err := c.Quantize8(0); err == nil || !strings.Contains(err.Error(), "non-finite") {
		t.Errorf("an infinite weight was quantized: %v", err)
	}
}
