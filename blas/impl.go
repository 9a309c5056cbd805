package blas

import (
	"fmt"
	"os"
	"strings"
	"sync"
	"sync/atomic"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"
	"gorgonia.org/gorgonia"
)

// Implementation is the pure-Go BLAS of rnnzoo: gonum's implementation with
// Sgemm replaced by a packed, cache-blocked GEMM over a SIMD micro-kernel
// (AVX2+FMA assembly where the CPU has it, portable Go elsewhere). It
// satisfies gorgonia.BLAS (blas.Float32, Float64, Complex64, Complex128).
//
// Threads is the number of goroutines one large Sgemm may use; 0 means
// GOMAXPROCS, 1 keeps every product on the calling goroutine.
type Implementation struct {
	gonum.Implementation
	Threads int
}

// Sgemm computes C = alpha*op(A)*op(B) + beta*C for row-major float32
// matrices, with op(X) = X or Xᵀ, exactly as gonum's blas.Float32.Sgemm
// (same arguments, same panics for invalid ones). With beta == 0, C is not
// read (NaNs in C do not propagate); with alpha == 0, A and B are not read.
func (impl Implementation) Sgemm(tA, tB blas.Transpose, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	if !sgemmChecked(tA, tB, m, n, k, a, lda, b, ldb, c, ldc) {
		return
	}
	sgemmCalls.Add(1)
	t := impl.Threads
	if t <= 0 {
		t = defaultThreads()
	}
	sgemm(active, t, tA != blas.NoTrans, tB != blas.NoTrans, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

// sgemmCalls counts calls of Implementation.Sgemm (tests check routing).
var sgemmCalls atomic.Int64

// Kernel names the Sgemm micro-kernel this process uses, e.g. "avx512-8x16".
func Kernel() string { return active.name }

// Info describes the BLAS in use.
type Info struct {
	Mode    string // "go", "gonum" or "openblas"
	Name    string // human-readable, e.g. "rnnzoo-go (avx512-8x16)"
	Version string // OpenBLAS: openblas_get_config(), else ""
	Threads int    // threads one GEMM may use
	// Why says, for "auto", why this BLAS was chosen.
	Why string
}

func (i Info) String() string {
	s := i.Name
	if i.Version != "" {
		s += " [" + i.Version + "]"
	}
	return fmt.Sprintf("%s, %d thread(s)", s, i.Threads)
}

var (
	curMu   sync.Mutex
	current = Info{Mode: "gonum", Name: "gonum (pure Go)", Threads: defaultThreads()}
)

// EnvVar overrides the mode given to Setup when it is "auto" or "".
const EnvVar = "RNNZOO_BLAS"

// Setup selects the BLAS used by gorgonia and tensor (through gorgonia.Use)
// and returns what is in use. Modes:
//
//	"auto" or ""  the faster of "go" and "openblas" on this CPU (see below)
//	"go"          rnnzoo's pure-Go kernels (no cgo, no C library)
//	"gonum"       gonum's pure-Go BLAS (gorgonia's default)
//	"openblas"    OpenBLAS, loaded at run time; an error if it is absent
//
// When mode is "auto" or "", the environment variable RNNZOO_BLAS, if set,
// gives the mode instead. A ":N" suffix sets the threads one product may
// use: "openblas:N" runs N OpenBLAS threads (default 1: on small RNN
// products more threads only spin); "go:N" splits large products over at
// most N goroutines (default GOMAXPROCS; "go:1" never splits, which is
// better when other processes keep the cores busy).
//
// "auto" takes rnnzoo's kernels when OpenBLAS cannot be loaded, OpenBLAS
// when this CPU has no SIMD kernel of rnnzoo's (AVX2+FMA or AVX-512), and
// otherwise whichever of the two did more GFLOP/s on one thread on this
// kind of CPU: measured once (about 0.3 s) and cached per CPU model, kernel
// and OpenBLAS build in AutoCacheFile (see AutoChoice). Info.Why says which
// case applied. The two give different bits (sums in another order): for
// results that must repeat across machines, name the BLAS (RNNZOO_BLAS=go).
func Setup(mode string) (Info, error) {
	mode = strings.TrimSpace(strings.ToLower(mode))
	if mode == "" || mode == "auto" {
		if env := strings.TrimSpace(strings.ToLower(os.Getenv(EnvVar))); env != "" {
			mode = env
		}
	}
	impl, info, err := choose(mode)
	if err != nil {
		return Current(), err
	}
	gorgonia.Use(impl)
	curMu.Lock()
	current = info
	curMu.Unlock()
	return info, nil
}

// MustSetup is Setup that panics on error.
func MustSetup(mode string) Info {
	info, err := Setup(mode)
	if err != nil {
		panic(err)
	}
	return info
}

func choose(mode string) (gorgonia.BLAS, Info, error) {
	threads := 0 // 0: the mode's default
	if i := strings.IndexByte(mode, ':'); i >= 0 {
		if _, err := fmt.Sscan(mode[i+1:], &threads); err != nil || threads < 1 {
			return nil, Info{}, fmt.Errorf("blas: bad thread count in mode %q", mode)
		}
		mode = mode[:i]
	}
	switch mode {
	case "", "auto":
		return chooseAutoBLAS(threads)
	case "go":
		return chooseGo(threads), Info{Mode: "go", Name: "rnnzoo-go (" + Kernel() + ")", Threads: goThreads(threads)}, nil
	case "gonum":
		return gonum.Implementation{}, Info{Mode: "gonum", Name: "gonum (pure Go)", Threads: defaultThreads()}, nil
	case "openblas":
		return openBLAS(max(threads, 1))
	}
	return nil, Info{}, fmt.Errorf("blas: unknown mode %q (want auto, go, gonum or openblas, optionally with :threads)", mode)
}

// chooseAutoBLAS is Setup("auto").
func chooseAutoBLAS(threads int) (gorgonia.BLAS, Info, error) {
	goInfo := Info{Mode: "go", Name: "rnnzoo-go (" + Kernel() + ")", Threads: goThreads(threads)}
	ob, obInfo, err := openBLAS(max(threads, 1))
	if err != nil {
		goInfo.Why = "auto: OpenBLAS not found"
		return chooseGo(threads), goInfo, nil
	}
	if len(simdKernels()) == 0 {
		obInfo.Why = "auto: no AVX2 or AVX-512 kernel of rnnzoo's for this CPU"
		return ob, obInfo, nil
	}
	var problems []string
	SetOpenBLASThreads(1)
	ch := chooseAuto(ob.(OpenBLAS), obInfo.Version, AutoCacheFile(), func(err error) { problems = append(problems, err.Error()) })
	SetOpenBLASThreads(max(threads, 1))
	why := ch.Why()
	if len(problems) > 0 {
		why += " (cache: " + strings.Join(problems, "; ") + ")"
	}
	if ch.Choice == "openblas" {
		obInfo.Why = why
		return ob, obInfo, nil
	}
	goInfo.Why = why
	return chooseGo(threads), goInfo, nil
}

func chooseGo(threads int) Implementation { return Implementation{Threads: threads} }

func goThreads(threads int) int {
	if threads > 0 {
		return threads
	}
	return defaultThreads()
}

// Current returns what the last successful Setup selected; before any
// Setup, gorgonia's default (gonum).
func Current() Info {
	curMu.Lock()
	defer curMu.Unlock()
	return current
}

// Name is Current().Name.
func Name() string { return Current().Name }
