package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestExportImportRoundTrip: the shipped model exported as a PyTorch
// state_dict and imported back predicts what it predicted (probabilities
// and the ids printed); export -format onnx writes a file.
func TestExportImportRoundTrip(t *testing.T) {
	dir := t.TempDir()
	st, ckpt, onnx := filepath.Join(dir, "s.safetensors"), filepath.Join(dir, "back.ckpt"), filepath.Join(dir, "s.onnx")
	for _, args := range [][]string{
		{"export", "-format", "torch", "-model", "builtin", "-out", st},
		{"import", "-format", "torch", "-model", "builtin", "-in", st, "-out", ckpt},
		{"export", "-format", "onnx", "-model", "builtin", "-out", onnx},
	} {
		if code, _, errs := run(t, nil, args...); code != 0 {
			t.Fatalf("%q: exit %d: %s", args, code, errs)
		}
	}
	if fi, err := os.Stat(onnx); err != nil || fi.Size() < 1000 {
		t.Fatalf("the ONNX file: %v", err)
	}
	texts := []string{"I loved every minute of it.", "Awful, a waste of money."}
	_, want, _ := run(t, nil, append([]string{"predict", "-json", "-model", "builtin"}, texts...)...)
	code, got, errs := run(t, nil, append([]string{"predict", "-json", "-model", ckpt}, texts...)...)
	if code != 0 || got != want || strings.Count(want, "\"ids\"") != 2 {
		t.Fatalf("imported model: exit %d (%s), predicted\n%s\nwant\n%s", code, errs, got, want)
	}
}
