// Package blas makes the matrix products of rnnzoo's training fast on CPU
// and chooses which BLAS gorgonia (and tensor) use.
//
// Two kinds of BLAS are offered:
//
//   - Implementation, pure Go (no cgo, no C library): gonum's BLAS with
//     Sgemm replaced by a packed, cache-blocked GEMM in the style of BLIS,
//     whose register-blocked micro-kernel is Go assembly (AVX2+FMA, 6×16,
//     chosen at run time with golang.org/x/sys/cpu) with a portable Go
//     kernel on other CPUs and architectures. Large products are split over
//     goroutines. Dgemm (float64, used for gradient checks) stays gonum's.
//   - OpenBLAS, loaded at run time without cgo (github.com/ebitengine/purego
//     opens libopenblas.so.0 or libopenblas.so; RNNZOO_OPENBLAS_LIB names
//     another file), or linked with cgo when built with -tags openblas.
//     OpenBLAS runs one thread unless asked otherwise: on the small
//     products of RNN training more threads only spin.
//
// Setup picks one and installs it with gorgonia.Use:
//
//	info, err := blas.Setup("auto") // or "go", "gonum", "openblas", "openblas:2"
//	log.Printf("BLAS: %v", info)
//
// "auto" takes OpenBLAS when it can be loaded and the pure-Go kernels
// otherwise; the environment variable RNNZOO_BLAS, when set, replaces "auto".
// Name reports the BLAS in use.
//
// The package also has float32 vector kernels for the elementwise loops of
// the fused recurrent ops: Sigmoid32 and Tanh32.
package blas
