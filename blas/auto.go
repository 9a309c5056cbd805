package blas

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/rnnzoo/rnnzoo/internal/atomicfile"
	"gonum.org/v1/gonum/blas"
)

// rnnShapes are the products of RNN training (imagecols' LSTM: 28 steps of
// batch 64, hidden 128; and the other cells) timed by BenchmarkSgemm and by
// the "auto" choice.
var rnnShapes = []struct {
	name    string
	tA, tB  blas.Transpose
	m, n, k int
}{
	{"X_W_1792x28x512", blas.NoTrans, blas.NoTrans, 1792, 512, 28},
	{"H_U_64x128x512", blas.NoTrans, blas.NoTrans, 64, 512, 128},
	{"H_U_32x128x512", blas.NoTrans, blas.NoTrans, 32, 512, 128},
	{"H_U_gru_64x128x384", blas.NoTrans, blas.NoTrans, 64, 384, 128},
	{"H_U_rnn_64x128x128", blas.NoTrans, blas.NoTrans, 64, 128, 128},
	{"dW_XT_dP_28x1792x512", blas.Trans, blas.NoTrans, 28, 512, 1792},
	{"dU_HT_dP_128x64x512", blas.Trans, blas.NoTrans, 128, 512, 64},
	{"dH_dP_UT_64x512x128", blas.NoTrans, blas.Trans, 64, 128, 512},
	{"A_B_64x256x1024", blas.NoTrans, blas.NoTrans, 64, 1024, 256},
}

// sgemmer is a single-precision GEMM (gonum's blas.Float32 Sgemm).
type sgemmer interface {
	Sgemm(tA, tB blas.Transpose, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int)
}

// AutoChoice is the verdict of Setup("auto") on one kind of CPU: rnnzoo's
// kernels ("go") or OpenBLAS ("openblas"), whichever did more GFLOP/s on
// one thread over the RNN shapes of BenchmarkSgemm and one batch-1 step
// (h·U, 1×128 by 128×512). Verdicts are cached in AutoCacheFile, one per
// CPU model, rnnzoo kernel (and its revision) and OpenBLAS build, so a
// program measures only the first time it runs on a kind of CPU.
type AutoChoice struct {
	CPU            string  `json:"cpu"`      // /proc/cpuinfo's model name, or the architecture
	Kernel         string  `json:"kernel"`   // rnnzoo's micro-kernel, e.g. "avx512-8x16"
	Revision       int     `json:"revision"` // autoRevision when measured
	OpenBLAS       string  `json:"openblas"` // openblas_get_config()
	GoGFLOPS       float64 `json:"go_gflops"`
	OpenBLASGFLOPS float64 `json:"openblas_gflops"`
	Choice         string  `json:"choice"` // "go" or "openblas"
	Measured       string  `json:"measured"`
}

// Why says in words what the choice rests on.
func (c AutoChoice) Why() string {
	return fmt.Sprintf("auto: rnnzoo %.1f and OpenBLAS %.1f GFLOP/s on one thread, measured on %s on %s", c.GoGFLOPS, c.OpenBLASGFLOPS, c.CPU, c.Measured)
}

// AutoCacheFile is where the verdicts of Setup("auto") are kept: rnnzoo's
// directory in the user cache directory (os.UserCacheDir; XDG_CACHE_HOME on
// Linux), or "" when there is none.
func AutoCacheFile() string {
	dir, err := os.UserCacheDir()
	if err != nil {
		return ""
	}
	return filepath.Join(dir, "rnnzoo", "blas-auto.json")
}

// autoCache is the file's content.
type autoCache struct {
	Choices []AutoChoice `json:"choices"`
}

// maxAutoCache bounds what is read of the cache file: far more than the
// verdicts of every CPU a user meets.
const maxAutoCache = 1 << 20

// parseAutoCache reads the cache file's content. A bad file is an error
// naming path and what is wrong; the caller then measures again and
// replaces it.
func parseAutoCache(path string, data []byte) (autoCache, error) {
	var c autoCache
	if len(data) > maxAutoCache {
		return c, fmt.Errorf("%s: %d bytes, more than a cache of BLAS choices holds (%d)", path, len(data), maxAutoCache)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&c); err != nil {
		return autoCache{}, fmt.Errorf("%s: %v", path, err)
	}
	if dec.More() {
		return autoCache{}, fmt.Errorf("%s: data after the JSON object", path)
	}
	for i, ch := range c.Choices {
		if ch.Choice != "go" && ch.Choice != "openblas" {
			return autoCache{}, fmt.Errorf("%s: choices[%d].choice is %q, want \"go\" or \"openblas\"", path, i, ch.Choice)
		}
	}
	return c, nil
}

func (c autoCache) find(cpu, kernel, ob string) (AutoChoice, bool) {
	for _, ch := range c.Choices {
		if ch.CPU == cpu && ch.Kernel == kernel && ch.Revision == autoRevision && ch.OpenBLAS == ob {
			return ch, true
		}
	}
	return AutoChoice{}, false
}

// cpuModel names this CPU: the first "model name" of /proc/cpuinfo (Linux),
// else the architecture.
func cpuModel() string {
	if f, err := os.Open("/proc/cpuinfo"); err == nil {
		defer f.Close()
		sc := bufio.NewScanner(io.LimitReader(f, 1<<20))
		for sc.Scan() {
			key, val, ok := strings.Cut(sc.Text(), ":")
			if ok && strings.TrimSpace(key) == "model name" {
				if v := strings.TrimSpace(val); v != "" {
					return v
				}
			}
		}
	}
	return runtime.GOOS + "/" + runtime.GOARCH
}

// autoRevision numbers the versions of rnnzoo's kernels: raise it when a
// change makes them faster, so that cached verdicts are measured again.
const autoRevision = 2

// autoMeasure is replaced by tests.
var autoMeasure = measureGFLOPS

// chooseAuto returns the verdict for this CPU and ob's build: from the
// cache file when it has one, else measured now and added to the file.
// warn receives what went wrong with the file (the choice is still made).
func chooseAuto(ob sgemmer, obVersion, path string, warn func(error)) AutoChoice {
	cpu, kernel := cpuModel(), Kernel()
	var cache autoCache
	if path != "" {
		data, err := os.ReadFile(path)
		switch {
		case err == nil:
			if cache, err = parseAutoCache(path, data); err != nil {
				warn(err)
			}
		case !errors.Is(err, os.ErrNotExist):
			warn(err)
		}
		if ch, ok := cache.find(cpu, kernel, obVersion); ok {
			return ch
		}
	}
	ch := AutoChoice{CPU: cpu, Kernel: kernel, Revision: autoRevision, OpenBLAS: obVersion, Measured: time.Now().UTC().Format("2006-01-02")}
	ch.GoGFLOPS, ch.OpenBLASGFLOPS = autoMeasure(Implementation{Threads: 1}, ob)
	ch.Choice = "go"
	if ch.OpenBLASGFLOPS > ch.GoGFLOPS {
		ch.Choice = "openblas"
	}
	if path == "" {
		return ch
	}
	cache.Choices = append(cache.Choices, ch)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		warn(err)
		return ch
	}
	if err := atomicfile.Write(path, func(w io.Writer) error {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(cache)
	}); err != nil {
		warn(err)
	}
	return ch
}

// measureGFLOPS times a and b, one thread each, alternately (three rounds,
// the best of each, so that a noisy neighbour hurts both alike) on
// rnnShapes and a batch-1 step, and returns their GFLOP/s over all the
// shapes: about 0.3 s in all.
func measureGFLOPS(a, b sgemmer) (gfA, gfB float64) {
	type shape struct {
		tA, tB  blas.Transpose
		m, n, k int
	}
	shapes := []shape{{blas.NoTrans, blas.NoTrans, 1, 512, 128}}
	for _, s := range rnnShapes {
		shapes = append(shapes, shape{s.tA, s.tB, s.m, s.n, s.k})
	}
	r := rand.New(rand.NewSource(1))
	var flops, tA, tB float64
	for _, s := range shapes {
		x := make([]float32, s.m*s.k)
		y := make([]float32, s.k*s.n)
		for i := range x {
			x[i] = float32(r.NormFloat64())
		}
		for i := range y {
			y[i] = float32(r.NormFloat64())
		}
		c := make([]float32, s.m*s.n)
		lda, ldb := s.k, s.n
		if s.tA != blas.NoTrans {
			lda = s.m
		}
		if s.tB != blas.NoTrans {
			ldb = s.k
		}
		f := 2 * float64(s.m*s.n*s.k)
		reps := max(1, int(4e6/f)) // about a millisecond a round
		best := func(impl sgemmer) float64 {
			t0 := time.Now()
			for range reps {
				impl.Sgemm(s.tA, s.tB, s.m, s.n, s.k, 1, x, lda, y, ldb, 0, c, s.n)
			}
			return time.Since(t0).Seconds() / float64(reps)
		}
		best(a) // warm the caches and the packing buffers
		best(b)
		ba, bb := best(a), best(b)
		for range 2 {
			bb = min(bb, best(b))
			ba = min(ba, best(a))
		}
		flops += f
		tA += ba
		tB += bb
	}
	return flops / tA / 1e9, flops / tB / 1e9
}
