package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rnnzoo/rnnzoo/datasets"
	"github.com/rnnzoo/rnnzoo/datasets/images"
	"github.com/rnnzoo/rnnzoo/internal/cli"
)

// runCmd runs the program with args and returns its exit status, standard
// output and standard error.
func runCmd(args ...string) (int, string, string) {
	var out, errOut bytes.Buffer
	code := program.Run(&cli.Env{Stdout: &out, Stderr: &errOut}, args)
	return code, out.String(), errOut.String()
}

// lastJSON decodes the last line of standard output.
func lastJSON(t *testing.T, out string) map[string]any {
	t.Helper()
	lines := strings.Split(strings.TrimSpace(out), "\n")
	var m map[string]any
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &m); err != nil {
		t.Fatalf("last line %q is not JSON: %v", lines[len(lines)-1], err)
	}
	return m
}

func TestFlagErrors(t *testing.T) {
	dir := t.TempDir()
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"fit"}, `unknown command "fit"`},
		{[]string{"train", "-cell", "transformer"}, "-cell"},
		{[]string{"train", "-layers", "0"}, "-layers"},
		{[]string{"train", "-dataset", "cifar"}, "-dataset"},
		{[]string{"train", "-epochs", "-1"}, "-epochs"},
		{[]string{"train", "-valid", "1.5"}, "-valid"},
		{[]string{"train", "-valid", "1438"}, "no training images"},
		{[]string{"train", "-lr-min", "2"}, "-lr-min"},
		{[]string{"train", "-augment", "rotate"}, "-augment"},
		{[]string{"train", "-pool", "median"}, "-pool"},
		{[]string{"train", "-patience", "2"}, "-valid"},
		{[]string{"train", "-data", dir}, "IDX files not found"},
		{[]string{"train", "-dataset", "digits", "-data", dir}, "embedded"},
		{[]string{"train", "-blas", "fortran"}, "-blas"},
		{[]string{"train", "-nosuchflag"}, "nosuchflag"},
		{[]string{"train", "extra"}, "unexpected"},
		{[]string{"predict", "-model", filepath.Join(dir, "none.ckpt")}, "give IDX"},
		{[]string{"predict", "-model", filepath.Join(dir, "none.ckpt"), "x.png"}, "none.ckpt: no such file"},
		{[]string{"eval", "-model", filepath.Join(dir, "none.ckpt")}, "none.ckpt: no such file"},
		{[]string{"generate", "-cols", "0"}, "-cols"},
	}
	for _, tc := range cases {
		code, _, errOut := runCmd(tc.args...)
		if code == 0 || !strings.Contains(errOut, tc.want) {
			t.Errorf("%q: exit %d, stderr %q; want an error mentioning %q", tc.args, code, errOut, tc.want)
		}
		if strings.Contains(errOut, "panic") {
			t.Errorf("%q panicked: %s", tc.args, errOut)
		}
	}
	// A file that is not a checkpoint is refused with a clear error.
	junk := filepath.Join(dir, "junk.ckpt")
	if err := os.WriteFile(junk, []byte("not a checkpoint"), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, _, errOut := runCmd("eval", "-model", junk); code != 1 || !strings.Contains(errOut, "junk.ckpt") {
		t.Errorf("eval of a junk file: exit %d, stderr %q", code, errOut)
	}
}

// Train a small classifier on part of the digits, then evaluate and
// predict with its checkpoint, and check the -json lines.
func TestTrainEvalPredict(t *testing.T) {
	dir := t.TempDir()
	ckpt := filepath.Join(dir, "m.ckpt")
	code, out, errOut := runCmd("train", "-limit", "300", "-epochs", "3", "-hidden", "16", "-model", ckpt, "-show", "2", "-json", "-blas", "gonum",
		"-augment", "shift1,flip", "-valid", "60", "-patience", "3", "-lr-min", "0.1", "-pool", "max", "-test-augment", "flip", "-keep-epochs")
	if code != 0 {
		t.Fatalf("train: exit %d: %s", code, errOut)
	}
	m := lastJSON(t, out)
	if m["examples"] != 359.0 || m["accuracy"] == nil || m["best_epoch"] == nil || m["valid_accuracy"] == nil || m["valid_accuracy_views"] == nil {
		t.Errorf("train -json: %v", m)
	}
	if !strings.Contains(errOut, "averaged over the views of flip") {
		t.Errorf("train -test-augment flip: stderr %q", errOut)
	}
	// The kept epochs average into a model that evaluates; -test-augment
	// none scores the single view, a bad one is a usage error.
	avg := filepath.Join(dir, "avg.ckpt")
	if code, _, errOut := runCmd("average", "-out", avg, filepath.Join(dir, "m-epoch02.ckpt"), filepath.Join(dir, "m-epoch03.ckpt")); code != 0 {
		t.Fatalf("average: exit %d: %s", code, errOut)
	}
	if code, out, errOut := runCmd("eval", "-model", avg, "-test-augment", "none", "-blas", "gonum"); code != 0 || !strings.Contains(out, "accuracy") {
		t.Fatalf("eval of the average: exit %d: %s%s", code, out, errOut)
	}
	if code, _, errOut := runCmd("eval", "-model", avg, "-test-augment", "spin"); code != 2 || !strings.Contains(errOut, "-test-augment") {
		t.Fatalf("eval -test-augment spin: exit %d: %s", code, errOut)
	}
	if !strings.Contains(errOut, "240 training, 60 validation") || !strings.Contains(errOut, "augmentation shift1,flip, reshuffle false") {
		t.Errorf("train: stderr %q", errOut)
	}
	if !strings.Contains(errOut, "pred ") || !strings.Contains(errOut, "true ") {
		t.Errorf("train -show 2 -json drew no predictions on stderr:\n%s", errOut)
	}
	code, out, errOut = runCmd("eval", "-model", ckpt, "-json", "-blas", "gonum")
	if code != 0 {
		t.Fatalf("eval: exit %d: %s", code, errOut)
	}
	if !strings.Contains(errOut, "confusion matrix") {
		t.Errorf("eval -json printed no confusion matrix on stderr:\n%s", errOut)
	}
	if e := lastJSON(t, out); e["accuracy"] != m["accuracy"] {
		t.Errorf("eval accuracy %v, train reported %v", e["accuracy"], m["accuracy"])
	}
	// predict on a PNG written by the generator's PNG writer.
	pic := filepath.Join(dir, "digit.png")
	var buf bytes.Buffer
	if err := images.WriteGridPNG(&buf, [][]float32{make([]float32, 64)}, 8, 8, 1, 4); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(pic, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errOut = runCmd("predict", "-model", ckpt, "-json", "-blas", "gonum", pic)
	if code != 0 {
		t.Fatalf("predict: exit %d: %s", code, errOut)
	}
	if p := lastJSON(t, out); p["input"] != pic || p["name"] == nil {
		t.Errorf("predict -json: %v", p)
	}
}

// generate trains a tiny generator and writes a valid PNG, one row of
// cells per class.
func TestGenerateWritesPNG(t *testing.T) {
	dir := t.TempDir()
	pic := filepath.Join(dir, "grid.png")
	code, out, errOut := runCmd("generate", "-limit", "200", "-epochs", "2", "-hidden", "16", "-cols", "4", "-scale", "3",
		"-model", filepath.Join(dir, "g.ckpt"), "-out", pic, "-json", "-blas", "gonum", "-classifier", "none")
	if code != 0 {
		t.Fatalf("generate: exit %d: %s", code, errOut)
	}
	if m := lastJSON(t, out); m["images"] != 40.0 {
		t.Errorf("generate -json: %v", m)
	}
	f, err := os.Open(pic)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("%s is not a valid PNG: %v", pic, err)
	}
	if b := img.Bounds(); b.Dx() < 4*8*3 || b.Dy() < 10*8*3 {
		t.Errorf("grid is %v, want at least %d×%d", b, 4*8*3, 10*8*3)
	}
	// A second run loads the checkpoint instead of training.
	code, _, errOut = runCmd("generate", "-model", filepath.Join(dir, "g.ckpt"), "-out", pic, "-blas", "gonum", "-classifier", "none")
	if code != 0 || !strings.Contains(errOut, "loaded") {
		t.Errorf("generate with a checkpoint: exit %d, stderr %q", code, errOut)
	}
}

// With the shared MNIST files, a short run on a subset trains and
// predicts from the IDX test file.
func TestMNISTShared(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: skipping the MNIST run")
	}
	dir, err := datasets.SharedPath("data/mnist")
	if errors.Is(err, datasets.ErrNoShared) {
		t.Skipf("no shared MNIST (set %s to the shared directory): %v", datasets.SharedEnv, err)
	}
	if err != nil {
		t.Fatal(err)
	}
	ckpt := filepath.Join(t.TempDir(), "mnist.ckpt")
	code, out, errOut := runCmd("train", "-data", dir, "-limit", "640", "-epochs", "1", "-hidden", "16", "-batch", "64",
		"-model", ckpt, "-json", "-blas", "gonum")
	if code != 0 {
		t.Fatalf("train: exit %d: %s", code, errOut)
	}
	if m := lastJSON(t, out); m["examples"] != 10000.0 {
		t.Errorf("MNIST test examples: %v", m["examples"])
	}
	code, out, errOut = runCmd("predict", "-model", ckpt, "-limit", "3", "-json", "-blas", "gonum",
		filepath.Join(dir, "t10k-images-idx3-ubyte.gz"))
	if code != 0 {
		t.Fatalf("predict: exit %d: %s", code, errOut)
	}
	if n := strings.Count(out, "\n"); n != 3 || lastJSON(t, out)["name"] == nil {
		t.Errorf("predict -limit 3 -json printed %d lines:\n%s", n, out)
	}
}

// With Debian's dataset-fashion-mnist installed, a short run reads
// Fashion-MNIST from its directory and names the classes.
func TestFashionDebian(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: skipping the Fashion-MNIST run")
	}
	if _, err := os.Stat(images.DebianFashionDir); err != nil {
		t.Skipf("Fashion-MNIST not installed (apt-get install -y dataset-fashion-mnist): %v", err)
	}
	ckpt := filepath.Join(t.TempDir(), "fashion.ckpt")
	code, out, errOut := runCmd("train", "-dataset", "fashion", "-limit", "640", "-epochs", "1", "-hidden", "16",
		"-model", ckpt, "-show", "1", "-json", "-blas", "gonum")
	if code != 0 {
		t.Fatalf("train: exit %d: %s", code, errOut)
	}
	if m := lastJSON(t, out); m["examples"] != 10000.0 {
		t.Errorf("Fashion-MNIST test examples: %v", m["examples"])
	}
	code, out, errOut = runCmd("eval", "-model", ckpt, "-blas", "gonum")
	if code != 0 || !strings.Contains(out, "Ankle boot") {
		t.Errorf("eval: exit %d, stderr %q, output without class names:\n%s", code, errOut, out)
	}
}
