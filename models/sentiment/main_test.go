package main

import (
	"bytes"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rnnzoo/rnnzoo/datasets/sentiment"
	"github.com/rnnzoo/rnnzoo/datasets/text"
	"github.com/rnnzoo/rnnzoo/internal/cli"
	"github.com/rnnzoo/rnnzoo/models/sentiment/polarity"
)

// run runs the program and returns its exit code and output.
func run(t *testing.T, stdin io.Reader, args ...string) (int, string, string) {
	t.Helper()
	var out, errs bytes.Buffer
	code := program.Run(&cli.Env{Stdin: stdin, Stdout: &out, Stderr: &errs}, args)
	return code, out.String(), errs.String()
}

// A short run on the embedded UCI sentences: a small GRU trained for three
// epochs must beat 65% test accuracy (chance is 50%), save a checkpoint
// that predict and eval load, and predict must give after loading what the
// trained model gave before saving.
func TestTrainPredictEval(t *testing.T) {
	dir := t.TempDir()
	model := filepath.Join(dir, "m.ckpt")
	code, out, errs := run(t, nil, "train", "-vectors", "none", "-cell", "gru", "-bidirectional=false", "-hidden", "24",
		"-epochs", "3", "-patience", "0", "-model", model, "-json", "-log", filepath.Join(dir, "log.jsonl"))
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, errs)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 1 {
		t.Fatalf("-json: stdout holds %d lines, want only the JSON one:\n%s", len(lines), out)
	}
	var m map[string]float64
	if err := json.Unmarshal([]byte(lines[0]), &m); err != nil {
		t.Fatalf("stdout is not JSON: %q", lines[0])
	}
	if m["accuracy"] < 0.65 {
		t.Fatalf("test accuracy %.3f below 0.65\n%s", m["accuracy"], errs)
	}
	// Predict twice from the checkpoint: once in-process right after
	// loading, once through the command, and compare with eval.
	c, err := polarity.Load(model)
	if err != nil {
		t.Fatal(err)
	}
	preds, err := c.Predict(examples)
	if err != nil {
		t.Fatal(err)
	}
	code, pout, errs := run(t, nil, append([]string{"predict", "-model", model}, examples...)...)
	if code != 0 {
		t.Fatalf("predict: exit %d: %s", code, errs)
	}
	plines := strings.Split(strings.TrimSpace(pout), "\n")
	if len(plines) != len(examples) {
		t.Fatalf("predict printed %d lines for %d sentences", len(plines), len(examples))
	}
	for i, l := range plines {
		f := strings.Split(l, "\t")
		if f[0] != preds[i].Name || f[2] != examples[i] {
			t.Fatalf("line %d: %q, want %s for %q (p=%v)", i, l, preds[i].Name, examples[i], preds[i].Probabilities)
		}
	}
	// Reading sentences from standard input gives the same.
	if _, sout, _ := run(t, strings.NewReader(strings.Join(examples, "\n")), "predict", "-model", model); sout != pout {
		t.Fatalf("stdin predictions differ:\n%s\nvs\n%s", sout, pout)
	}
	// A model listed twice is an ensemble of two equal members: the same
	// labels and the same evaluation.
	test := filepath.Join(dir, "test.txt") // the UCI format: text, tab, label
	if err := os.WriteFile(test, []byte("I loved it.\t1\nIt broke at once.\t0\nGreat value.\t1\nAwful service.\t0\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, eout, errs := run(t, nil, "eval", "-model", model, "-test", test, "-dataset", "uci", "-json")
	if code != 0 {
		t.Fatalf("eval: exit %d: %s", code, errs)
	}
	code, e2out, errs := run(t, nil, "eval", "-model", model+","+model, "-test", test, "-dataset", "uci", "-json")
	if code != 0 {
		t.Fatalf("eval of an ensemble: exit %d: %s", code, errs)
	}
	var one, two map[string]float64
	if json.Unmarshal([]byte(eout), &one) != nil || json.Unmarshal([]byte(e2out), &two) != nil || one["accuracy"] != two["accuracy"] || one["accuracy"] == 0 {
		t.Fatalf("eval of one model %s, of it twice %s", eout, e2out)
	}
	code, p2out, errs := run(t, nil, append([]string{"predict", "-model", model + "," + model}, examples...)...)
	if code != 0 {
		t.Fatalf("predict with an ensemble: exit %d: %s", code, errs)
	}
	for i, l := range strings.Split(strings.TrimSpace(p2out), "\n") {
		if f := strings.Split(l, "\t"); f[0] != preds[i].Name {
			t.Fatalf("ensemble line %d: %q, want %s", i, l, preds[i].Name)
		}
	}
	if code, _, errs := run(t, nil, "eval", "-model", model+",", "-test", test, "-dataset", "uci"); code != 2 || !strings.Contains(errs, "empty name") {
		t.Fatalf("-model with an empty member: exit %d: %s", code, errs)
	}
}

// TestExitCodes holds the CLI convention: help exits 0 and lists the
// commands; usage errors exit 2 with one line and "see -h"; runtime errors
// exit 1 with one line naming the command.
func TestExitCodes(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "missing.ckpt")
	empty := filepath.Join(t.TempDir(), "empty_labelled.txt")
	if err := os.WriteFile(empty, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"-h"}, 0, ""},
		{[]string{"help"}, 0, ""},
		{[]string{"train", "-h"}, 0, ""},
		{[]string{"frobnicate"}, 2, "sentiment: unknown command \"frobnicate\""},
		{[]string{"train", "-cell", "transformer", "-epochs", "1"}, 2, "sentiment train: invalid value \"transformer\" for flag -cell: graph: unknown cell"},
		{[]string{"train", "-maxlen", "0"}, 2, "sentiment train: maxlen 0, want ≥ 1"},
		{[]string{"train", "-bogus"}, 2, "flag provided but not defined"},
		{[]string{"eval"}, 2, "sentiment eval: -test FILE is required; see sentiment eval -h"},
		{[]string{"eval", "-model", missing, "-test", "x"}, 1, "sentiment eval: "},
		{[]string{"eval", "-model", "builtin", "-test", empty, "-dataset", "uci"}, 1, "sentiment eval: polarity: no labelled texts to evaluate"},
		{[]string{"train", "-dataset", "imdb"}, 2, "sentiment train: -dataset \"imdb\": want uci, sst2 or mr"},
		{[]string{"train", "-lr", "0"}, 2, "sentiment train: -lr 0: want a positive rate"},
		{[]string{"predict", "-model", "builtin"}, 2, "sentiment predict: no text given"},
		{[]string{"train", "-data", filepath.Join(t.TempDir(), "nothing.tsv")}, 1, "sentiment train: "},
	} {
		code, out, errs := run(t, nil, c.args...)
		if code != c.code {
			t.Errorf("%v: exit %d, want %d\n%s", c.args, code, c.code, errs)
			continue
		}
		if c.code == 0 {
			if !strings.Contains(out, "predict") && !strings.Contains(out, "-epochs") {
				t.Errorf("%v: help lacks the commands:\n%s", c.args, out)
			}
			continue
		}
		lines := strings.Split(strings.TrimSpace(errs), "\n")
		if last := lines[len(lines)-1]; !strings.Contains(last, c.msg) {
			t.Errorf("%v: the last line of stderr %q lacks %q", c.args, errs, c.msg)
		}
	}
}

// TestPredictBuiltin classifies with the shipped model, without training.
func TestPredictBuiltin(t *testing.T) {
	code, out, errs := run(t, nil, "predict", "-model", "builtin", "-json", "I loved every minute of it.", "Awful, a waste of money.")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var got []string
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		var p struct{ Label string }
		if err := json.Unmarshal([]byte(l), &p); err != nil {
			t.Fatalf("not a JSON line: %q", l)
		}
		got = append(got, p.Label)
	}
	if strings.Join(got, " ") != "positive negative" {
		t.Fatalf("labels %v, want positive negative", got)
	}
}

func TestTokensWritesOnlyTheTrainingSplit(t *testing.T) {
	code, out, errs := run(t, nil, "tokens")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	ds, err := sentiment.Open("", "", 1)
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(got) != len(ds.Train) {
		t.Fatalf("%d lines, want one per training sentence (%d)", len(got), len(ds.Train))
	}
	if want := strings.Join(text.Tokenize(ds.Train[0].Text), " "); got[0] != want {
		t.Fatalf("line 1 %q, want %q", got[0], want)
	}
}

// train -grid trains each run of the grid through polarity.Train into a
// directory of its own, in two shards; merge gathers them, and a run's
// result equals what train alone gives with the same flags.
func TestGridSweep(t *testing.T) {
	dir := t.TempDir()
	flags := []string{"-vectors", "none", "-steps", "3", "-batch", "8", "-blas", "go"}
	for _, shard := range []string{"0/2", "1/2"} {
		if code, _, errs := run(t, nil, append([]string{"train", "-grid", "hidden=4,6;seed=1..2", "-out", dir, "-shard", shard}, flags...)...); code != 0 {
			t.Fatalf("shard %s: exit %d: %s", shard, code, errs)
		}
	}
	code, out, errs := run(t, nil, "merge", "-json", dir)
	var table struct {
		Results []struct {
			Name    string
			Metrics map[string]float64
		}
		Missing []string
	}
	if err := json.Unmarshal([]byte(out), &table); code != 0 || err != nil || len(table.Results) != 4 || len(table.Missing) != 0 {
		t.Fatalf("merge: exit %d, %v: %s %s", code, err, out, errs)
	}
	if table.Results[3].Name != "hidden=6,seed=2" {
		t.Fatalf("the fourth run is %q", table.Results[3].Name)
	}
	code, out, errs = run(t, nil, append([]string{"train", "-hidden", "6", "-seed", "2", "-model", filepath.Join(t.TempDir(), "m.ckpt"), "-json"}, flags...)...)
	var alone map[string]float64
	if err := json.Unmarshal([]byte(out), &alone); code != 0 || err != nil {
		t.Fatalf("train alone: exit %d, %v: %s", code, err, errs)
	}
	if got := table.Results[3].Metrics; got["accuracy"] != alone["accuracy"] || got["loss"] != alone["loss"] {
		t.Errorf("the sweep's run gave %v, train alone %v", got, alone)
	}
}

// train on an SST-2 directory runs the SST-2 recipe (two layers of 256
// units per direction, dropout 0.5, lr 1e-3, 3 epochs averaged) unless a
// flag says otherwise.
func TestSST2Recipe(t *testing.T) {
	dir := t.TempDir()
	rows := "label\tsentence\n1\ta gorgeous , witty film\n0\tdull and lifeless\n1\tgreat fun\n0\ta waste of time\n"
	for _, f := range []string{"train.tsv", "dev.tsv"} {
		if err := os.WriteFile(filepath.Join(dir, f), []byte(rows), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range []struct {
		flags []string
		want  string
	}{
		{nil, "lstm×2, hidden 256"},
		{nil, "mean weights of epochs 1 to 1"},
		{[]string{"-hidden", "8"}, "hidden 8"},
	} {
		args := append([]string{"train", "-data", dir, "-vectors", "none", "-epochs", "1", "-model", filepath.Join(dir, "m.ckpt")}, c.flags...)
		code, out, errs := run(t, nil, args...)
		if code != 0 {
			t.Fatalf("%v: exit %d: %s", c.flags, code, errs)
		}
		if !strings.Contains(out+errs, c.want) {
			t.Fatalf("%v: want %q in the model line:\n%s%s", c.flags, c.want, out, errs)
		}
	}
}
