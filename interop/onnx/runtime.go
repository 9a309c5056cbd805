package onnx

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/rnnzoo/rnnzoo/internal/racebuild"
)

//go:embed ort_run.js
var ortScript []byte

// Tensor is a value fed to or read from ONNX Runtime: an element type
// ("float32", "int32" or "int64"), dims and the values in row-major order.
type Tensor struct {
	Type string    `json:"type"`
	Dims []int64   `json:"dims"`
	Data []float64 `json:"data"`
}

// IntTensor returns an int64 tensor of the given dims.
func IntTensor(dims []int64, data []int) Tensor {
	t := Tensor{Type: "int64", Dims: dims, Data: make([]float64, len(data))}
	for i, v := range data {
		t.Data[i] = float64(v)
	}
	return t
}

// FloatTensor returns a float32 tensor of the given dims.
func FloatTensor(dims []int64, data []float32) Tensor {
	t := Tensor{Type: "float32", Dims: dims, Data: make([]float64, len(data))}
	for i, v := range data {
		t.Data[i] = float64(v)
	}
	return t
}

// Run is one model run: the model file and its inputs by name.
type Run struct {
	Model string            `json:"model"`
	Feeds map[string]Tensor `json:"feeds"`
}

// RuntimeEnv is the environment variable naming the node_modules folder
// that holds onnxruntime-node.
const RuntimeEnv = "RNNZOO_ORT_NODE"

// Runtime returns the node program and the node_modules folder that holds
// onnxruntime-node, or an error that names what is missing.
func Runtime() (node, modules string, err error) {
	node, err = exec.LookPath("node")
	if err != nil {
		return "", "", errors.New("Node.js (node) is not on PATH: install Debian's nodejs")
	}
	modules = os.Getenv(RuntimeEnv)
	if modules == "" {
		return "", "", fmt.Errorf("%s is not set: npm pack onnxruntime-node (or npm install --ignore-scripts onnxruntime-node) and set it to that node_modules folder", RuntimeEnv)
	}
	if _, err := os.Stat(filepath.Join(modules, "onnxruntime-node", "package.json")); err != nil {
		return "", "", fmt.Errorf("%s=%s holds no npm package onnxruntime-node", RuntimeEnv, modules)
	}
	return node, modules, nil
}

// RunAll runs the models with ONNX Runtime (one Node.js process, one
// session per model file) and returns each run's outputs by name.
func RunAll(runs []Run) ([]map[string]Tensor, error) {
	node, modules, err := Runtime()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "rnnzoo-ort")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	script := filepath.Join(dir, "ort_run.js")
	if err := os.WriteFile(script, ortScript, 0o644); err != nil {
		return nil, err
	}
	in, err := json.Marshal(runs)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(node, script)
	cmd.Env = append(os.Environ(), "NODE_PATH="+modules)
	cmd.Stdin = bytes.NewReader(in)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("onnx: ONNX Runtime: %v: %s", err, strings.TrimSpace(stderr.String()))
	}
	var res []map[string]Tensor
	if err := json.Unmarshal(out, &res); err != nil {
		return nil, fmt.Errorf("onnx: reading ONNX Runtime's output: %w", err)
	}
	if len(res) != len(runs) {
		return nil, fmt.Errorf("onnx: ONNX Runtime answered %d runs of %d", len(res), len(runs))
	}
	return res, nil
}

// Python is the interpreter with Debian's python3-onnx (and python3-torch):
// Debian's own, not one that a version manager put first on PATH.
const Python = "/usr/bin/python3"

// Checker returns an error naming what is missing when the ONNX checker
// (Debian's python3-onnx) cannot run.
func Checker() error {
	if err := exec.Command(Python, "-c", "import onnx").Run(); err != nil {
		return fmt.Errorf("%s cannot import onnx: apt-get install python3-onnx", Python)
	}
	return nil
}

// Check runs onnx.checker.check_model(path, full_check=True) (Debian's
// python3-onnx) on a file.
func Check(path string) error {
	if err := Checker(); err != nil {
		return err
	}
	out, err := exec.Command(Python, "-c", "import sys, onnx; onnx.checker.check_model(sys.argv[1], full_check=True)", path).CombinedOutput()
	if err != nil {
		return fmt.Errorf("onnx checker: %s: %v: %s", path, err, strings.TrimSpace(string(out)))
	}
	return nil
}

// MaxDiff returns the largest absolute difference between got and want,
// element by element; an error if their sizes differ.
func MaxDiff(got, want []float64) (float64, error) {
	if len(got) != len(want) {
		return 0, fmt.Errorf("onnx: %d values, want %d", len(got), len(want))
	}
	var m float64
	for i := range got {
		d := math.Abs(got[i] - want[i])
		if math.IsNaN(d) {
			return math.Inf(1), nil
		}
		m = max(m, d)
	}
	return m, nil
}

// PadIDs lays out token sequences as the exported text models read them:
// ids int64 [B, T] (T the longest, padded with 0) and lengths int64 [B].
func PadIDs(seqs [][]int) (ids, lengths Tensor) {
	T := 1
	for _, s := range seqs {
		T = max(T, len(s))
	}
	flat := make([]int, len(seqs)*T)
	lens := make([]int, len(seqs))
	for b, s := range seqs {
		copy(flat[b*T:], s)
		lens[b] = len(s)
	}
	return IntTensor([]int64{int64(len(seqs)), int64(T)}, flat), IntTensor([]int64{int64(len(seqs))}, lens)
}

// LogSoftmax returns log softmax over each row of a [rows, n] matrix.
func LogSoftmax(x []float64, n int) []float64 {
	out := make([]float64, len(x))
	for lo := 0; lo+n <= len(x); lo += n {
		row := x[lo : lo+n]
		m := row[0]
		for _, v := range row {
			m = max(m, v)
		}
		var z float64
		for _, v := range row {
			z += math.Exp(v - m)
		}
		lse := m + math.Log(z)
		for i, v := range row {
			out[lo+i] = v - lse
		}
	}
	return out
}

// ClassifierDiff compares the outputs "probabilities" and "logits" of an
// exported classifier with rnnzoo's probabilities (one row per input): it
// returns the largest difference of the probabilities and of the
// log-probabilities (ProbDiff of the logits).
func ClassifierDiff(out map[string]Tensor, probs [][]float64) (float64, error) {
	var flat []float64
	for _, row := range probs {
		flat = append(flat, row...)
	}
	dp, err := MaxDiff(out["probabilities"].Data, flat)
	if err != nil {
		return 0, err
	}
	dl, err := ProbDiff(out["logits"].Data, probs)
	return max(dp, dl), err
}

// ProbDiff compares logits [rows, classes] computed elsewhere with
// rnnzoo's probabilities: the largest difference of softmax(logits)
// against p and of log softmax(logits) against log p.
func ProbDiff(logits []float64, probs [][]float64) (float64, error) {
	if len(probs) == 0 {
		return 0, errors.New("onnx: no rows to compare")
	}
	var flat, logp []float64
	for _, row := range probs {
		flat = append(flat, row...)
		for _, v := range row {
			logp = append(logp, math.Log(v))
		}
	}
	got := LogSoftmax(logits, len(probs[0]))
	dl, err := MaxDiff(got, logp)
	if err != nil {
		return 0, err
	}
	for i := range got {
		got[i] = math.Exp(got[i])
	}
	dp, err := MaxDiff(got, flat)
	return max(dp, dl), err
}

// Rows splits a 2-D tensor into rows of ints (token ids [B, T] as
// [][]int).
func Rows(t Tensor) [][]int {
	if len(t.Dims) != 2 {
		return nil
	}
	B, T := int(t.Dims[0]), int(t.Dims[1])
	out := make([][]int, B)
	for b := range out {
		for _, v := range t.Data[b*T : (b+1)*T] {
			out[b] = append(out[b], int(v))
		}
	}
	return out
}

// CheckExport checks exported files with the ONNX checker where Debian's
// python3-onnx is installed (err: a file it refuses), and says whether
// ONNX Runtime is there to run them: missing is nil, or an error naming
// what is not installed (a test then skips the comparison).
func CheckExport(files ...string) (missing, err error) {
	if racebuild.Enabled {
		return errors.New("not under the race detector: these tests compare with outside runtimes and run no concurrency of ours; the plain go test runs them"), nil
	}
	if Checker() == nil {
		for _, f := range files {
			if err := Check(f); err != nil {
				return nil, err
			}
		}
	}
	_, _, missing = Runtime()
	return missing, nil
}

// TB is the part of testing.TB that CheckClassifier uses.
type TB interface {
	Helper()
	Logf(format string, args ...any)
	Errorf(format string, args ...any)
	Fatalf(format string, args ...any)
}

// CheckClassifier is the test of an exported classifier: it checks the file
// at path with the ONNX checker, runs it in ONNX Runtime on feeds, compares
// its "probabilities" and "logits" with rnnzoo's probabilities of the same
// inputs (ClassifierDiff), logs the largest difference and fails t above
// tol. It returns what is missing (nil when both ran), for the caller to
// skip with.
func CheckClassifier(t TB, name, path string, feeds map[string]Tensor, probs [][]float64, tol float64) (missing error) {
	t.Helper()
	missing, err := CheckExport(path)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if missing != nil {
		return missing
	}
	res, err := RunAll([]Run{{Model: path, Feeds: feeds}})
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	d, err := ClassifierDiff(res[0], probs)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	t.Logf("%s: ONNX Runtime vs rnnzoo: largest difference %.2g (probabilities and log-probabilities)", name, d)
	if d > tol {
		t.Errorf("%s: ONNX Runtime differs from rnnzoo by %.3g", name, d)
	}
	return nil
}
