package main

import (
	"bytes"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// train on a small file, then eval and sample from the checkpoint.
func TestTrainEvalSample(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "text.txt")
	text := strings.Repeat("the quick brown fox jumps over the lazy dog. ", 60)
	if err := os.WriteFile(data, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	model := filepath.Join(dir, "m.ckpt")
	var out bytes.Buffer
	err := run([]string{"train", "-data", data, "-model", model, "-hidden", "8", "-embed", "4", "-batch", "4", "-bptt", "8",
		"-steps", "20", "-eval-every", "10", "-ngram", "3", "-samples", "1", "-blas", "go", "-json"}, &out, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	var final map[string]float64
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &final); err != nil {
		t.Fatalf("last line %q: %v", lines[len(lines)-1], err)
	}
	if final["steps"] != 20 || final["bpc"] <= 0 || final["ngram_bpc"] <= 0 {
		t.Fatalf("final metrics %v", final)
	}
	out.Reset()
	if err := run([]string{"eval", "-model", model, "-data", data, "-batch", "4", "-bptt", "8", "-json"}, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	var a, b bytes.Buffer
	for _, w := range []*bytes.Buffer{&a, &b} {
		if err := run([]string{"sample", "-model", model, "-prime", "the ", "-n", "30", "-seed", "3"}, w, io.Discard); err != nil {
			t.Fatal(err)
		}
	}
	if a.String() != b.String() || !strings.HasPrefix(a.String(), "the ") {
		t.Fatalf("samples %q and %q", a.String(), b.String())
	}
	for _, args := range [][]string{{"sample"}, {"eval"}, {"bogus"}, {"train", "-valid", "2"}} {
		if err := run(args, io.Discard, io.Discard); err == nil {
			t.Errorf("%v accepted", args)
		}
	}
}
