package blas

import (
	"errors"
	"fmt"
	"sync"
	"unsafe"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"
	"gorgonia.org/gorgonia"
)

// CBLAS enumerations (cblas.h).
const (
	cblasRowMajor = 101
	cblasNoTrans  = 111
	cblasTrans    = 112
)

// obLib holds the OpenBLAS entry points, however they were bound (loaded at
// run time with purego, or linked with cgo under the openblas build tag).
type obLib struct {
	how        string // "dlopen <path>" or "cgo -lopenblas"
	sgemm      func(order, tA, tB, m, n, k int32, alpha float32, a unsafe.Pointer, lda int32, b unsafe.Pointer, ldb int32, beta float32, c unsafe.Pointer, ldc int32)
	dgemm      func(order, tA, tB, m, n, k int32, alpha float64, a unsafe.Pointer, lda int32, b unsafe.Pointer, ldb int32, beta float64, c unsafe.Pointer, ldc int32)
	setThreads func(int32)   // may be nil
	getThreads func() int32  // may be nil
	config     func() string // may be nil
}

var (
	obOnce sync.Once
	obLibV *obLib
	obErr  error
)

func loadOB() (*obLib, error) {
	obOnce.Do(func() { obLibV, obErr = loadOpenBLAS() })
	return obLibV, obErr
}

// OpenBLASAvailable reports whether OpenBLAS can be used, and if not, why.
func OpenBLASAvailable() (bool, error) {
	_, err := loadOB()
	return err == nil, err
}

// ErrNoOpenBLAS is wrapped by the error Setup("openblas") returns when the
// library cannot be found or loaded.
var ErrNoOpenBLAS = errors.New("blas: OpenBLAS not available")

func openBLAS(threads int) (gorgonia.BLAS, Info, error) {
	lib, err := loadOB()
	if err != nil {
		return nil, Info{}, fmt.Errorf("%w: %v", ErrNoOpenBLAS, err)
	}
	if lib.setThreads != nil {
		lib.setThreads(int32(threads))
	}
	info := Info{Mode: "openblas", Name: "OpenBLAS (" + lib.how + ")", Threads: threads}
	if lib.getThreads != nil {
		info.Threads = int(lib.getThreads())
	}
	if lib.config != nil {
		info.Version = lib.config()
	}
	return OpenBLAS{lib: lib}, info, nil
}

// OpenBLAS is gonum's implementation with Sgemm and Dgemm done by OpenBLAS.
// Get one through Setup("openblas") or NewOpenBLAS.
type OpenBLAS struct {
	gonum.Implementation
	lib *obLib
}

// NewOpenBLAS loads OpenBLAS (once per process) and returns an
// implementation that uses it, without making it gorgonia's BLAS.
func NewOpenBLAS() (OpenBLAS, error) {
	lib, err := loadOB()
	if err != nil {
		return OpenBLAS{}, fmt.Errorf("%w: %v", ErrNoOpenBLAS, err)
	}
	return OpenBLAS{lib: lib}, nil
}

// SetOpenBLASThreads sets OpenBLAS's thread count, if it is loaded.
func SetOpenBLASThreads(n int) {
	if lib, err := loadOB(); err == nil && lib.setThreads != nil {
		lib.setThreads(int32(n))
	}
}

func cblasTr(t blas.Transpose) int32 {
	if t == blas.NoTrans {
		return cblasNoTrans
	}
	return cblasTrans
}

// Sgemm is gonum's Sgemm, computed by cblas_sgemm.
func (o OpenBLAS) Sgemm(tA, tB blas.Transpose, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	if !sgemmChecked(tA, tB, m, n, k, a, lda, b, ldb, c, ldc) {
		return
	}
	if k == 0 || alpha == 0 {
		scaleC(m, n, beta, c, ldc)
		return
	}
	o.lib.sgemm(cblasRowMajor, cblasTr(tA), cblasTr(tB), int32(m), int32(n), int32(k), alpha,
		unsafe.Pointer(&a[0]), int32(lda), unsafe.Pointer(&b[0]), int32(ldb), beta, unsafe.Pointer(&c[0]), int32(ldc))
}

// Dgemm is gonum's Dgemm, computed by cblas_dgemm.
func (o OpenBLAS) Dgemm(tA, tB blas.Transpose, m, n, k int, alpha float64, a []float64, lda int, b []float64, ldb int, beta float64, c []float64, ldc int) {
	if m == 0 || n == 0 || k == 0 || alpha == 0 {
		// gonum checks the arguments and handles the trivial cases.
		o.Implementation.Dgemm(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		return
	}
	dgemmChecked(tA, tB, m, n, k, a, lda, b, ldb, c, ldc)
	o.lib.dgemm(cblasRowMajor, cblasTr(tA), cblasTr(tB), int32(m), int32(n), int32(k), alpha,
		unsafe.Pointer(&a[0]), int32(lda), unsafe.Pointer(&b[0]), int32(ldb), beta, unsafe.Pointer(&c[0]), int32(ldc))
}

// dgemmChecked panics on invalid arguments (non-trivial sizes only).
func dgemmChecked(tA, tB blas.Transpose, m, n, k int, a []float64, lda int, b []float64, ldb int, c []float64, ldc int) {
	switch tA {
	case blas.NoTrans, blas.Trans, blas.ConjTrans:
	default:
		panic("blas: illegal transpose")
	}
	switch tB {
	case blas.NoTrans, blas.Trans, blas.ConjTrans:
	default:
		panic("blas: illegal transpose")
	}
	aR, aC := m, k
	if tA != blas.NoTrans {
		aR, aC = k, m
	}
	bR, bC := k, n
	if tB != blas.NoTrans {
		bR, bC = n, k
	}
	if lda < aC || ldb < bC || ldc < n {
		panic("blas: bad leading dimension")
	}
	if len(a) < (aR-1)*lda+aC || len(b) < (bR-1)*ldb+bC || len(c) < (m-1)*ldc+n {
		panic("blas: insufficient slice length")
	}
}
