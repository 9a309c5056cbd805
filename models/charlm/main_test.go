package main

import (
	"bytes"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rnnzoo/rnnzoo/internal/cli"
)

// run runs the program and returns its exit code and standard output.
func run(t *testing.T, args ...string) (int, string) {
	t.Helper()
	var out, errs bytes.Buffer
	code := program.Run(&cli.Env{Stdout: &out, Stderr: &errs}, args)
	if code != 0 {
		t.Logf("%v: exit %d: %s", args, code, errs.String())
	}
	return code, out.String()
}

// train on a small file, then eval and sample from the checkpoint.
func TestTrainEvalSample(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "text.txt")
	text := strings.Repeat("the quick brown fox jumps over the lazy dog. ", 60)
	if err := os.WriteFile(data, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	model := filepath.Join(dir, "m.ckpt")
	code, out := run(t, "train", "-data", data, "-model", model, "-hidden", "8", "-embed", "4", "-batch", "4", "-bptt", "8",
		"-steps", "20", "-eval-every", "10", "-ngram", "3", "-samples", "1", "-blas", "go", "-json")
	if code != 0 {
		t.Fatal("train failed")
	}
	var final map[string]float64
	if err := json.Unmarshal([]byte(out), &final); err != nil {
		t.Fatalf("-json: stdout %q is not one JSON line: %v", out, err)
	}
	if final["steps"] != 20 || final["bpc"] <= 0 || final["ngram_bpc"] <= 0 {
		t.Fatalf("final metrics %v", final)
	}
	if code, out = run(t, "eval", "-model", model, "-data", data, "-batch", "4", "-bptt", "8", "-json"); code != 0 || !strings.Contains(out, `"bpc"`) {
		t.Fatalf("eval: %q", out)
	}
	_, a := run(t, "sample", "-model", model, "-prime", "the ", "-n", "30", "-seed", "3")
	_, b := run(t, "sample", "-model", model, "-prime", "the ", "-n", "30", "-seed", "3")
	if a != b || !strings.HasPrefix(a, "the ") {
		t.Fatalf("samples %q and %q", a, b)
	}
	for _, c := range []struct {
		code int
		args []string
	}{
		{2, []string{"sample", "-n", "-1"}},
		{1, []string{"eval", "-model", filepath.Join(dir, "missing.ckpt")}},
		{2, []string{"bogus"}},
		{2, []string{"train", "-valid", "2.5"}},
		{2, []string{"train", "-valid", "1e12"}},
		{2, []string{"train", "-optimizer", "lion"}},
		{2, []string{"train", "-steps", "-3"}},
		{2, []string{"train", "-batch", "0"}},
		{2, []string{"train", "-cell", "transformer"}},
	} {
		var errs bytes.Buffer
		if code := program.Run(&cli.Env{Stdout: io.Discard, Stderr: &errs}, c.args); code != c.code {
			t.Errorf("%v: exit %d, want %d: %s", c.args, code, c.code, errs.String())
		}
	}
}
