package torch

import (
	"fmt"
	"path/filepath"

	"github.com/rnnzoo/rnnzoo/internal/racebuild"
)

// Case is one model of a round trip between rnnzoo and PyTorch
// (BothWays).
type Case struct {
	Name   string
	Config any                     // the model's configuration, as its checkpoints store it
	Export func(path string) error // writes the rnnzoo model's weights (ExportTorch)
	Import func(path string) error // reads a state_dict into a new rnnzoo model of Config (ImportTorch)
	Inputs any                     // the PyTorch module's inputs (rnnzoo_torch.py's _run)
	// Diff compares PyTorch's outputs on Inputs with rnnzoo's, those of
	// the exported model (imported false) or of the model that Import
	// filled (true), and returns the largest difference.
	Diff func(imported bool, torch map[string][]float64) (float64, error)
}

// Result holds the largest differences of one Case: Export, between the
// rnnzoo model and its export run by PyTorch; Import, between weights
// that PyTorch drew, run by PyTorch, and the same imported into rnnzoo.
type Result struct {
	Export, Import float64
}

// BothWays checks a model kind in both directions with one Python
// process: each case's export is run in PyTorch; PyTorch draws a model of
// the case's configuration (seeded by seed), writes it as safetensors and
// as .npz, and runs it; the .npz is then imported into rnnzoo, and Diff
// compares. Files go to dir.
func BothWays(dir, kind string, seed int, cases []Case) ([]Result, error) {
	var jobs []Job
	for _, c := range cases {
		export := filepath.Join(dir, c.Name+".safetensors")
		if err := c.Export(export); err != nil {
			return nil, fmt.Errorf("%s: %w", c.Name, err)
		}
		own := filepath.Join(dir, c.Name+"-torch.safetensors")
		jobs = append(jobs,
			Job{Op: "init", Kind: kind, Config: c.Config, Seed: seed, Out: own},
			Job{Op: "init", Kind: kind, Config: c.Config, Seed: seed, Out: filepath.Join(dir, c.Name+"-torch.npz")},
			Job{Op: "run", Export: export, Inputs: c.Inputs},
			Job{Op: "run", Export: own, Inputs: c.Inputs})
	}
	res, err := Jobs(jobs)
	if err != nil {
		return nil, err
	}
	out := make([]Result, len(cases))
	for i, c := range cases {
		if err := c.Import(filepath.Join(dir, c.Name+"-torch.npz")); err != nil {
			return nil, fmt.Errorf("%s: %w", c.Name, err)
		}
		if out[i].Export, err = c.Diff(false, res[4*i+2]); err != nil {
			return nil, fmt.Errorf("%s: export: %w", c.Name, err)
		}
		if out[i].Import, err = c.Diff(true, res[4*i+3]); err != nil {
			return nil, fmt.Errorf("%s: import: %w", c.Name, err)
		}
	}
	return out, nil
}

// Report checks the results of BothWays against a tolerance: it returns
// one line per case, and whether every difference is within tol.
func Report(cases []Case, res []Result, tol float64) ([]string, bool) {
	ok := true
	var lines []string
	for i, r := range res {
		lines = append(lines, fmt.Sprintf("%s: PyTorch vs rnnzoo: largest difference %.2g (export), %.2g (import)", cases[i].Name, r.Export, r.Import))
		ok = ok && r.Export <= tol && r.Import <= tol
	}
	return lines, ok
}

// TB is the part of testing.TB that Test uses.
type TB interface {
	Helper()
	TempDir() string
	Log(args ...any)
	Errorf(format string, args ...any)
	Fatal(args ...any)
	Skip(args ...any)
}

// Test runs BothWays for a test: it skips t, saying what is missing,
// where PyTorch is not installed; it logs one line per case (with note,
// which says what was compared) and fails t when a difference is above
// tol.
func Test(t TB, kind string, seed int, tol float64, note string, cases []Case) {
	t.Helper()
	if racebuild.Enabled {
		t.Skip("not under the race detector: this test compares with PyTorch and runs no concurrency of ours; the plain go test runs it")
	}
	if err := Available(); err != nil {
		t.Skip("PyTorch: ", err)
	}
	res, err := BothWays(t.TempDir(), kind, seed, cases)
	if err != nil {
		t.Fatal(err)
	}
	lines, ok := Report(cases, res, tol)
	for _, l := range lines {
		t.Log(l, note)
	}
	if !ok {
		t.Errorf("PyTorch and rnnzoo differ by more than %g", tol)
	}
}
