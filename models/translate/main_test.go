package main

import (
	"bytes"
	"encoding/json"
	"image/png"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rnnzoo/rnnzoo/internal/cli"
	"github.com/rnnzoo/rnnzoo/models/translate/translator"
)

// run runs the program and returns its exit code and output.
func run(t *testing.T, stdin io.Reader, args ...string) (int, string, string) {
	t.Helper()
	var out, errs bytes.Buffer
	code := program.Run(&cli.Env{Stdin: stdin, Stdout: &out, Stderr: &errs}, args)
	return code, out.String(), errs.String()
}

// lastJSON decodes the only line of a -json command's stdout.
func lastJSON(t *testing.T, out string) map[string]float64 {
	t.Helper()
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 1 {
		t.Fatalf("-json: stdout holds %d lines, want one:\n%s", len(lines), out)
	}
	var m map[string]float64
	if err := json.Unmarshal([]byte(lines[0]), &m); err != nil {
		t.Fatalf("stdout is not JSON: %q", lines[0])
	}
	return m
}

// The commands over one small model trained by the train command: train
// -json, eval -json (a file and the validation split), predict (arguments,
// stdin, -json), heatmap, export and average, with the library's answers.
func TestCommands(t *testing.T) {
	dir := t.TempDir()
	model := filepath.Join(dir, "m.ckpt")
	code, out, errs := run(t, nil, "train", "-limit", "120", "-maxlen", "8", "-hidden", "16", "-embed", "8", "-epochs", "1",
		"-batch", "32", "-valid", "0", "-beam", "2", "-max-out", "12", "-model", model, "-json")
	if code != 0 {
		t.Fatalf("train: exit %d\n%s", code, errs)
	}
	if m := lastJSON(t, out); m["pairs"] != 72 || m["beam"] != 2 {
		t.Fatalf("train metrics %v", m)
	}
	pairs := filepath.Join(dir, "spa.txt")
	if err := os.WriteFile(pairs, []byte("The Lord is my shepherd.\tJehová es mi pastor.\nHe went into the city.\tY entró en la ciudad.\n\nAnd God said.\tY dijo Dios.\tsome attribution\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, out, errs = run(t, nil, "eval", "-model", model, "-test", pairs, "-json"); code != 0 {
		t.Fatalf("eval: exit %d\n%s", code, errs)
	}
	if m := lastJSON(t, out); m["pairs"] != 3 || !(m["bleu"] >= 0 && m["bleu"] <= 100) {
		t.Fatalf("eval metrics %v", m)
	}
	// -valid-split scores the 610 validation verses a default train run
	// holds out of the embedded Bible.
	if code, out, errs = run(t, nil, "eval", "-model", model, "-valid-split", "-max-out", "5", "-json"); code != 0 || lastJSON(t, out)["pairs"] != 610 {
		t.Fatalf("eval -valid-split: exit %d, %s\n%s", code, out, errs)
	}
	sentences := []string{"The Lord is my shepherd.", "He went into the city."}
	m, err := translator.Load(model)
	if err != nil {
		t.Fatal(err)
	}
	want, err := m.Translate(sentences, translator.DecodeOptions{Beam: 2, Alpha: 1, MaxOut: 12})
	if err != nil {
		t.Fatal(err)
	}
	gz := filepath.Join(dir, "w.ckpt.gz")
	if code, _, errs = run(t, nil, "export", "-model", model, "-out", gz); code != 0 {
		t.Fatalf("export: exit %d\n%s", code, errs)
	}
	if _, out, _ = run(t, nil, append([]string{"predict", "-model", gz, "-beam", "2", "-alpha", "1", "-max-out", "12"}, sentences...)...); out != strings.Join(want, "\n")+"\n" {
		t.Fatalf("predict printed %q, want %q", out, want)
	}
	_, sout, _ := run(t, strings.NewReader(strings.Join(sentences, "\n")), "predict", "-model", gz, "-beam", "2", "-alpha", "1", "-max-out", "12", "-json")
	if n := strings.Count(sout, `"translation":`); n != 2 {
		t.Fatalf("predict -json from stdin: %q", sout)
	}
	avg := filepath.Join(dir, "avg.ckpt")
	if code, _, errs = run(t, nil, "average", "-out", avg, model, gz); code != 0 {
		t.Fatalf("average: exit %d\n%s", code, errs)
	}
	png1 := filepath.Join(dir, "a.png")
	if code, _, errs = run(t, nil, "heatmap", "-model", avg, "-out", png1, "-max-out", "12", "He went into the city."); code != 0 {
		t.Fatalf("heatmap: exit %d\n%s", code, errs)
	}
	f, err := os.Open(png1)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	if b := img.Bounds(); b.Dx() < 100 || b.Dy() < 100 {
		t.Fatalf("heat map is %v", b)
	}
}

// TestPredictBuiltin translates with the shipped model, without training.
func TestPredictBuiltin(t *testing.T) {
	code, out, errs := run(t, nil, "predict", "-model", "builtin", "-beam", "4", "-alpha", "0.5", "The Lord is my shepherd.")
	if code != 0 || strings.TrimSpace(out) == "" {
		t.Fatalf("exit %d, %q\n%s", code, out, errs)
	}
	t.Logf("%s", out)
}

// Bad input exits 2 for usage errors and 1 for runtime errors, with one
// line naming the command.
func TestExitCodes(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.tsv")
	if err := os.WriteFile(bad, []byte("only one field\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		code int
		args []string
	}{
		{0, []string{"-h"}},
		{0, []string{"eval", "-h"}},
		{2, []string{"frobnicate"}},
		{2, []string{"train", "-cell", "transformer"}},
		{2, []string{"train", "-cell", "rnn", "-limit", "10"}},
		{2, []string{"train", "-attention", "bilinear", "-limit", "10"}},
		{2, []string{"train", "-teacher-forcing", "2"}},
		{2, []string{"train", "-dropout", "1", "-limit", "10"}},
		{2, []string{"train", "-max-out", "-1"}},
		{2, []string{"train", "-maxlen", "0"}},
		{2, []string{"train", "-schedule", "linear"}},
		{1, []string{"train", "-data", bad}},
		{1, []string{"train", "-data", filepath.Join(dir, "missing.tsv")}},
		{1, []string{"train", "-format", "csv", "-data", bad}},
		{1, []string{"train", "-src", "deu", "-limit", "10"}},
		{1, []string{"eval", "-model", filepath.Join(dir, "missing.ckpt"), "-test", bad}},
		{2, []string{"eval"}},
		{1, []string{"predict", "-model", bad, "hello"}},
		{2, []string{"predict", "-beam", "0", "hello"}},
		{2, []string{"heatmap"}},
		{2, []string{"export", "-model", bad}},
		{2, []string{"-beam", "0"}},
		{2, []string{"demo", "surplus"}},
	} {
		code, _, errs := run(t, strings.NewReader(""), c.args...)
		if code != c.code {
			t.Errorf("%v: exit %d, want %d\n%s", c.args, code, c.code, errs)
			continue
		}
		lines := strings.Split(strings.TrimSpace(errs), "\n")
		if last := lines[len(lines)-1]; c.code != 0 && !strings.HasPrefix(last, "translate") {
			t.Errorf("%v: the error line %q does not name the command", c.args, last)
		}
	}
}
