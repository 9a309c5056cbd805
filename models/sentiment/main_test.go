package main

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rnnzoo/rnnzoo/datasets/sentiment"
	"github.com/rnnzoo/rnnzoo/datasets/text"
)

// A short run on the embedded UCI sentences: a small GRU trained for three
// epochs must beat 65% test accuracy (chance is 50%), save a checkpoint
// that predict and eval load, and predict must give after loading what the
// trained model gave before saving.
func TestTrainPredictEval(t *testing.T) {
	dir := t.TempDir()
	model := filepath.Join(dir, "m.ckpt")
	var out, errs bytes.Buffer
	args := []string{"train", "-vectors", "none", "-cell", "gru", "-bidirectional=false", "-hidden", "24",
		"-epochs", "3", "-patience", "0", "-model", model, "-json", "-log", filepath.Join(dir, "log.jsonl")}
	if err := run(args, nil, &out, &errs); err != nil {
		t.Fatalf("%v\n%s", err, errs.String())
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	var m map[string]float64
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &m); err != nil {
		t.Fatalf("last line is not JSON: %q", lines[len(lines)-1])
	}
	if m["accuracy"] < 0.65 {
		t.Fatalf("test accuracy %.3f below 0.65\n%s", m["accuracy"], out.String())
	}
	// Predict twice from the checkpoint: once in-process right after
	// loading, once through the command, and compare with eval.
	c, err := loadModel(model)
	if err != nil {
		t.Fatal(err)
	}
	preds, probs, err := c.predict(examples)
	if err != nil {
		t.Fatal(err)
	}
	var pout bytes.Buffer
	if err := run(append([]string{"predict", "-model", model}, examples...), nil, &pout, &errs); err != nil {
		t.Fatal(err)
	}
	plines := strings.Split(strings.TrimSpace(pout.String()), "\n")
	if len(plines) != len(examples) {
		t.Fatalf("predict printed %d lines for %d sentences", len(plines), len(examples))
	}
	for i, l := range plines {
		f := strings.Split(l, "\t")
		if f[0] != labelName(preds[i]) || f[2] != examples[i] {
			t.Fatalf("line %d: %q, want %s for %q (p=%v)", i, l, labelName(preds[i]), examples[i], probs[i])
		}
	}
	// Reading sentences from standard input gives the same.
	var sout bytes.Buffer
	if err := run([]string{"predict", "-model", model}, strings.NewReader(strings.Join(examples, "\n")), &sout, &errs); err != nil {
		t.Fatal(err)
	}
	if sout.String() != pout.String() {
		t.Fatalf("stdin predictions differ:\n%s\nvs\n%s", sout.String(), pout.String())
	}
}

func TestBadInputs(t *testing.T) {
	var out, errs bytes.Buffer
	for _, args := range [][]string{
		{"frobnicate"},
		{"train", "-cell", "transformer", "-epochs", "1"},
		{"eval", "-model", filepath.Join(t.TempDir(), "missing.ckpt"), "-test", "x"},
		{"eval"},
		{"train", "-data", filepath.Join(t.TempDir(), "nothing.tsv")},
	} {
		if err := run(args, nil, &out, &errs); err == nil {
			t.Errorf("%v: no error", args)
		}
	}
}

func TestTokensWritesOnlyTheTrainingSplit(t *testing.T) {
	var out, errs bytes.Buffer
	if err := run([]string{"tokens"}, nil, &out, &errs); err != nil {
		t.Fatalf("%v\n%s", err, errs.String())
	}
	ds, err := sentiment.Open("", "", 1)
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if len(got) != len(ds.Train) {
		t.Fatalf("%d lines, want one per training sentence (%d)", len(got), len(ds.Train))
	}
	if want := strings.Join(text.Tokenize(ds.Train[0].Text), " "); got[0] != want {
		t.Fatalf("line 1 %q, want %q", got[0], want)
	}
}
