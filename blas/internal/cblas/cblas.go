//go:build openblas && cgo

package cblas

/*
#cgo LDFLAGS: -lopenblas
// Prototypes from OpenBLAS's cblas.h, with the enums and blasint (LP64
// builds, as Debian's) spelled as int, so that no header is needed.
extern void cblas_sgemm(int, int, int, int, int, int, float, const float*, int, const float*, int, float, float*, int);
extern void cblas_dgemm(int, int, int, int, int, int, double, const double*, int, const double*, int, double, double*, int);
extern void openblas_set_num_threads(int);
extern int openblas_get_num_threads(void);
extern char* openblas_get_config(void);
*/
import "C"

import "unsafe"

// Sgemm calls cblas_sgemm.
func Sgemm(order, tA, tB, m, n, k int32, alpha float32, a unsafe.Pointer, lda int32, b unsafe.Pointer, ldb int32, beta float32, c unsafe.Pointer, ldc int32) {
	C.cblas_sgemm(C.int(order), C.int(tA), C.int(tB), C.int(m), C.int(n), C.int(k), C.float(alpha),
		(*C.float)(a), C.int(lda), (*C.float)(b), C.int(ldb), C.float(beta), (*C.float)(c), C.int(ldc))
}

// Dgemm calls cblas_dgemm.
func Dgemm(order, tA, tB, m, n, k int32, alpha float64, a unsafe.Pointer, lda int32, b unsafe.Pointer, ldb int32, beta float64, c unsafe.Pointer, ldc int32) {
	C.cblas_dgemm(C.int(order), C.int(tA), C.int(tB), C.int(m), C.int(n), C.int(k), C.double(alpha),
		(*C.double)(a), C.int(lda), (*C.double)(b), C.int(ldb), C.double(beta), (*C.double)(c), C.int(ldc))
}

// SetThreads calls openblas_set_num_threads.
func SetThreads(n int32) { C.openblas_set_num_threads(C.int(n)) }

// Threads calls openblas_get_num_threads.
func Threads() int32 { return int32(C.openblas_get_num_threads()) }

// Config returns openblas_get_config().
func Config() string { return C.GoString(C.openblas_get_config()) }
