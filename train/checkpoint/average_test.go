package checkpoint

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/rnnzoo/rnnzoo/graph"
	"gorgonia.org/tensor"
)

// Average gives each weight the float64 mean of the files' values rounded
// once, restores 8-bit files first, and refuses another model naming the
// file and the difference.
func TestAverage(t *testing.T) {
	dir := t.TempDir()
	var paths []string
	var models []*graph.Params
	for i, seed := range []uint64{1, 2, 3} {
		ps := smallParams(seed)
		models = append(models, ps)
		paths = append(paths, filepath.Join(dir, string(rune('a'+i))+".ckpt"))
		writeSmall(t, paths[i], ps)
	}
	avg, err := Average(paths...)
	if err != nil {
		t.Fatal(err)
	}
	got := smallParams(9)
	if err := avg.LoadParams(got); err != nil {
		t.Fatal(err)
	}
	for k, p := range got.All() {
		for j, v := range p.F32() {
			var s float64
			for _, m := range models {
				s += float64(m.All()[k].F32()[j])
			}
			if want := float32(s / 3); v != want {
				t.Fatalf("%s[%d] = %g, want %g", p.Name, j, v, want)
			}
		}
	}
	if avg.Metrics["averaged"] != 3 || avg.Trainer != nil || string(avg.Config) != `{"hidden":3}` || len(avg.Vocabs) != 1 {
		t.Fatalf("averaged checkpoint: metrics %v, config %s, vocabs %v", avg.Metrics, avg.Config, avg.Vocabs)
	}
	// Written and read back, and one 8-bit member.
	out := filepath.Join(dir, "avg.ckpt")
	if err := avg.Write(out); err != nil {
		t.Fatal(err)
	}
	if again, err := Average(out); err != nil || again.LoadParams(smallParams(9)) != nil {
		t.Fatalf("the written average: %v", err)
	}
	q := filepath.Join(dir, "q.ckpt")
	c, _ := New(models[0], map[string]any{"hidden": 3}, map[string]any{"words": []string{"a", "b"}}, nil)
	if err := c.Quantize8(4); err != nil {
		t.Fatal(err)
	}
	if err := c.Write(q); err != nil {
		t.Fatal(err)
	}
	if _, err := Average(q, paths[1]); err != nil {
		t.Fatalf("an 8-bit member: %v", err)
	}

	other := filepath.Join(dir, "other.ckpt")
	c, _ = New(models[0], map[string]any{"hidden": 4}, map[string]any{"words": []string{"a", "b"}}, nil)
	c.Write(other)
	words := filepath.Join(dir, "words.ckpt")
	c, _ = New(models[0], map[string]any{"hidden": 3}, map[string]any{"words": []string{"a", "c"}}, nil)
	c.Write(words)
	kind := filepath.Join(dir, "kind.ckpt")
	c, _ = New(models[0], map[string]any{"hidden": 3}, map[string]any{"words": []string{"a", "b"}}, nil)
	c.Kind = "translate"
	c.Write(kind)
	shape := filepath.Join(dir, "shape.ckpt")
	wide := graph.NewParams(tensor.Float32, 1)
	graph.NewLinear(wide, "out", 3, 2)
	wide.New("emb.E", tensor.Shape{5, 3}, graph.Uniform(0.5))
	writeSmall(t, shape, wide)
	for file, want := range map[string]string{other: "another configuration", words: "other vocabularies", kind: `kind "translate"`, shape: `weight "emb.E" is F32 [5 3]`, filepath.Join(dir, "none.ckpt"): "none.ckpt"} {
		if _, err := Average(paths[0], file); err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), filepath.Base(file)) {
			t.Errorf("%s: error %v, want one naming the file and %q", filepath.Base(file), err, want)
		}
	}
	if _, err := Average(); err == nil {
		t.Error("no checkpoints accepted")
	}
}
