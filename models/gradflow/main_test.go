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

// The whole program on a tiny grid: files, tables, the -json line, and
// replot of the run directory.
func TestQuickPlumbing(t *testing.T) {
	dir := t.TempDir()
	var out, errs bytes.Buffer
	args := []string{"-out", dir, "-tasks", "adding,copy", "-cells", "rnn-tanh,lstm",
		"-lengths", "3,4", "-steps", "2", "-hidden", "3", "-batch", "2", "-blas", "go", "-json"}
	if code := program.Run(&cli.Env{Stdout: &out, Stderr: &errs}, args); code != 0 {
		t.Fatalf("exit %d: %s", code, errs.String())
	}
	for _, f := range []string{"runs.jsonl", "summary.json", "gradnorm_init_adding.png", "gradnorm_train_copy.png",
		"success_adding.png", "metric_copy.png", "preclip_adding.png"} {
		if st, err := os.Stat(filepath.Join(dir, f)); err != nil || st.Size() == 0 {
			t.Errorf("%s missing or empty: %v", f, err)
		}
	}
	var final struct {
		Runs    int                `json:"runs"`
		Success map[string]float64 `json:"success"`
	}
	if err := json.Unmarshal(out.Bytes(), &final); err != nil {
		t.Fatalf("-json: stdout %q is not one JSON line: %v", out.String(), err)
	}
	if final.Runs != 2*2*2*2 || len(final.Success) != 2*2*2*2 {
		t.Fatalf("final line %+v", final)
	}
	b, err := os.ReadFile(filepath.Join(dir, "runs.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(b), "\n"); n != 16+2*2*2 {
		t.Fatalf("runs.jsonl has %d lines", n)
	}
	out.Reset()
	if code := program.Run(&cli.Env{Stdout: &out, Stderr: &errs}, []string{"replot", "-out", dir}); code != 0 || !strings.Contains(out.String(), "16 of 16 runs finished") {
		t.Fatalf("replot: exit %d:\n%s", code, out.String())
	}
}

func TestBadFlags(t *testing.T) {
	for _, args := range [][]string{
		{"-cells", "elman"}, {"-tasks", "sort"}, {"-lengths", "1"}, {"-clip", "-1"}, {"run", "extra"}, {"-steps", "-3", "-hidden", "0"},
		{"replot"},
	} {
		if code := program.Run(&cli.Env{Stdout: io.Discard, Stderr: io.Discard}, args); code != 2 {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
}
