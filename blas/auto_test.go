package blas

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gonum.org/v1/gonum/blas/gonum"
)

// TestChooseAutoCachesPerCPUAndBuild: the first choice measures and writes
// the cache; the next on the same CPU, kernel and OpenBLAS build reads it
// without measuring; another build measures again and adds its verdict;
// the faster one is taken.
func TestChooseAutoCachesPerCPUAndBuild(t *testing.T) {
	path := filepath.Join(t.TempDir(), "rnnzoo", "blas-auto.json")
	measured := 0
	defer func(f func(a, b sgemmer) (float64, float64)) { autoMeasure = f }(autoMeasure)
	speeds := [2]float64{50, 80}
	autoMeasure = func(a, b sgemmer) (float64, float64) { measured++; return speeds[0], speeds[1] }
	noWarn := func(err error) { t.Fatalf("unexpected warning: %v", err) }

	ch := chooseAuto(nil, "OpenBLAS 1", path, noWarn)
	if measured != 1 || ch.Choice != "openblas" || ch.GoGFLOPS != 50 || ch.CPU == "" || ch.Kernel != Kernel() {
		t.Fatalf("first choice: %+v after %d measurements", ch, measured)
	}
	speeds = [2]float64{90, 80} // a second measurement would choose go
	if again := chooseAuto(nil, "OpenBLAS 1", path, noWarn); measured != 1 || again != ch {
		t.Fatalf("cached choice: %+v after %d measurements, want %+v", again, measured, ch)
	}
	other := chooseAuto(nil, "OpenBLAS 2", path, noWarn)
	if measured != 2 || other.Choice != "go" {
		t.Fatalf("another build: %+v after %d measurements", other, measured)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	c, err := parseAutoCache(path, data)
	if err != nil || len(c.Choices) != 2 {
		t.Fatalf("cache: %+v, %v", c, err)
	}
	if !strings.Contains(ch.Why(), "50.0") || !strings.Contains(ch.Why(), ch.CPU) {
		t.Fatalf("Why: %q", ch.Why())
	}
	// A verdict of an older revision of the kernels is measured again.
	old := ch
	old.Revision--
	old.OpenBLAS = "OpenBLAS 3"
	c.Choices = append(c.Choices, old)
	data, _ = json.Marshal(c)
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	if again := chooseAuto(nil, "OpenBLAS 3", path, noWarn); measured != 3 || again.Revision != autoRevision {
		t.Fatalf("older revision: %+v after %d measurements", again, measured)
	}
}

// TestChooseAutoBadCache: a damaged cache file is named in a warning,
// measured past and replaced by a good one.
func TestChooseAutoBadCache(t *testing.T) {
	path := filepath.Join(t.TempDir(), "blas-auto.json")
	defer func(f func(a, b sgemmer) (float64, float64)) { autoMeasure = f }(autoMeasure)
	autoMeasure = func(a, b sgemmer) (float64, float64) { return 2, 1 }
	for _, bad := range []string{`{"choices": [`, `{"choices": [{"choice": "mkl"}]}`, `{"extra": 1}`, `[]`} {
		if err := os.WriteFile(path, []byte(bad), 0o644); err != nil {
			t.Fatal(err)
		}
		var warned []error
		ch := chooseAuto(nil, "v", path, func(err error) { warned = append(warned, err) })
		if ch.Choice != "go" || len(warned) != 1 || !strings.Contains(warned[0].Error(), path) {
			t.Fatalf("cache %q: %+v, warnings %v", bad, ch, warned)
		}
		data, _ := os.ReadFile(path)
		if _, err := parseAutoCache(path, data); err != nil {
			t.Fatalf("cache %q not replaced by a good one: %v", bad, err)
		}
	}
}

// TestMeasureGFLOPS: both figures are positive and finite, and gonum's
// BLAS, several times slower than rnnzoo's kernels on every CPU measured,
// comes out slower.
func TestMeasureGFLOPS(t *testing.T) {
	ours, theirs := measureGFLOPS(Implementation{Threads: 1}, gonum.Implementation{})
	for _, g := range []float64{ours, theirs} {
		if !(g > 0) || math.IsInf(g, 0) {
			t.Fatalf("GFLOP/s %v, %v", ours, theirs)
		}
	}
	if len(simdKernels()) > 0 && ours <= theirs {
		t.Errorf("rnnzoo %.1f GFLOP/s, gonum %.1f", ours, theirs)
	}
	t.Logf("rnnzoo %.1f GFLOP/s, gonum %.1f", ours, theirs)
}

func FuzzParseAutoCache(f *testing.F) {
	f.Add([]byte(`{"choices": [{"cpu": "AMD EPYC", "kernel": "avx2-6x16", "openblas": "OpenBLAS 0.3.21", "go_gflops": 90, "openblas_gflops": 80, "choice": "go", "measured": "2026-12-07"}]}`))
	f.Add([]byte(`{"choices": null}`))
	f.Add([]byte(`{"choices": [{"choice": "openblas"}]} trailing`))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := parseAutoCache("cache.json", data)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "cache.json: ") {
				t.Fatalf("error without the file's name: %v", err)
			}
			return
		}
		for _, ch := range c.Choices {
			if ch.Choice != "go" && ch.Choice != "openblas" {
				t.Fatalf("accepted choice %q", ch.Choice)
			}
		}
	})
}
