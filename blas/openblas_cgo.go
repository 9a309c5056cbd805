//go:build openblas && cgo

package blas

/*
#cgo LDFLAGS: -lopenblas
#include <cblas.h>
extern void openblas_set_num_threads(int);
extern int openblas_get_num_threads(void);
extern char* openblas_get_config(void);
*/
import "C"

import "unsafe"

// loadOpenBLAS binds the OpenBLAS linked at build time (-tags openblas).
func loadOpenBLAS() (*obLib, error) {
	return &obLib{
		how: "cgo -lopenblas",
		sgemm: func(order, tA, tB, m, n, k int32, alpha float32, a unsafe.Pointer, lda int32, b unsafe.Pointer, ldb int32, beta float32, c unsafe.Pointer, ldc int32) {
			C.cblas_sgemm(C.CBLAS_ORDER(order), C.CBLAS_TRANSPOSE(tA), C.CBLAS_TRANSPOSE(tB), C.blasint(m), C.blasint(n), C.blasint(k), C.float(alpha),
				(*C.float)(a), C.blasint(lda), (*C.float)(b), C.blasint(ldb), C.float(beta), (*C.float)(c), C.blasint(ldc))
		},
		dgemm: func(order, tA, tB, m, n, k int32, alpha float64, a unsafe.Pointer, lda int32, b unsafe.Pointer, ldb int32, beta float64, c unsafe.Pointer, ldc int32) {
			C.cblas_dgemm(C.CBLAS_ORDER(order), C.CBLAS_TRANSPOSE(tA), C.CBLAS_TRANSPOSE(tB), C.blasint(m), C.blasint(n), C.blasint(k), C.double(alpha),
				(*C.double)(a), C.blasint(lda), (*C.double)(b), C.blasint(ldb), C.double(beta), (*C.double)(c), C.blasint(ldc))
		},
		setThreads: func(n int32) { C.openblas_set_num_threads(C.int(n)) },
		getThreads: func() int32 { return int32(C.openblas_get_num_threads()) },
		config:     func() string { return C.GoString(C.openblas_get_config()) },
	}, nil
}
