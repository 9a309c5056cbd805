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

// The whole program on a tiny grid: files, tables and the -json line.
func TestQuickPlumbing(t *testing.T) {
	dir := t.TempDir()
	var out bytes.Buffer
	args := []string{"-out", dir, "-quick", "-tasks", "adding,copy", "-cells", "rnn-tanh,lstm",
		"-lengths", "3,4", "-steps", "2", "-hidden", "3", "-batch", "2", "-blas", "go", "-json"}
	if err := run(args, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"runs.jsonl", "summary.json", "gradnorm_init_adding.png", "gradnorm_train_copy.png",
		"success_adding.png", "metric_copy.png", "preclip_adding.png"} {
		if st, err := os.Stat(filepath.Join(dir, f)); err != nil || st.Size() == 0 {
			t.Errorf("%s missing or empty: %v", f, err)
		}
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	var final struct {
		Runs    int                `json:"runs"`
		Success map[string]float64 `json:"success"`
	}
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &final); err != nil {
		t.Fatalf("last line %q: %v", lines[len(lines)-1], err)
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
}

func TestBadFlags(t *testing.T) {
	for _, args := range [][]string{
		{"-cells", "elman"}, {"-tasks", "sort"}, {"-lengths", "1"}, {"-clip", "0"}, {"extra"},
	} {
		if err := run(args, io.Discard, io.Discard); err == nil {
			t.Errorf("%v accepted", args)
		}
	}
}
