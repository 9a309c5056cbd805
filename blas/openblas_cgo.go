//go:build openblas && cgo

package blas

import "github.com/rnnzoo/rnnzoo/blas/internal/cblas"

// loadOpenBLAS binds the OpenBLAS linked at build time (-tags openblas).
func loadOpenBLAS() (*obLib, error) {
	return &obLib{
		how:        "cgo -lopenblas",
		sgemm:      cblas.Sgemm,
		dgemm:      cblas.Dgemm,
		setThreads: cblas.SetThreads,
		getThreads: cblas.Threads,
		config:     cblas.Config,
	}, nil
}
