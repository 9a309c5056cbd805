// Package blas makes the matrix products of rnnzoo's training fast on CPU
// and chooses which BLAS gorgonia (and tensor) use.
//
// Two kinds of BLAS are offered:
//
//   - Implementation, pure Go (no cgo, no C library): gonum's BLAS with
//     Sgemm replaced by a packed, cache-blocked GEMM in the style of BLIS:
//     panels of A and B are packed (with SIMD packing routines), and a
//     register-blocked micro-kernel in Go assembly computes each tile:
//     AVX-512 8×16 (one 16-float register per row) where the CPU and the
//     operating system support AVX-512, else AVX2+FMA 6×16, with the AVX2
//     4×16, 2×32 and 1×64 kernels for last panels of few rows; chosen at
//     run time with golang.org/x/sys/cpu. Every kernel sums each element as
//     one FMA chain over the depth in order, so all give the same bits for
//     alpha 1 (what rnnzoo's graphs use): a model trains to the same
//     weights on an AVX2 and an AVX-512 machine. Other CPUs and
//     architectures (and the purego build tag) use a portable Go kernel.
//     Products of at least 8M multiply-adds are split over GOMAXPROCS
//     goroutines (Implementation.Threads, or Setup("go:N"), changes that).
//     Dgemm (float64, used for gradient checks) and every other routine
//     stay gonum's.
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
// "auto" takes the faster of the two on this CPU: the pure-Go kernels
// when OpenBLAS cannot be loaded, OpenBLAS when the CPU has no SIMD kernel
// of rnnzoo's, and otherwise whichever did more GFLOP/s on one thread over
// the RNN shapes of BenchmarkSgemm and a batch-1 step, measured the first
// time on a kind of CPU (about 0.3 s) and cached per CPU model, kernel and
// OpenBLAS build in the user cache directory (AutoCacheFile, AutoChoice);
// Info.Why says which, and the programs print it. A rule fixed in the code
// could not be verified here on both CPU kinds (OpenBLAS's SkylakeX kernel
// on an Intel AVX-512 machine was not at hand); a measurement is right on
// each. The environment variable RNNZOO_BLAS, when set, replaces "auto".
// Name reports the BLAS in use.
//
// The package also has float32 vector kernels for the elementwise loops of
// the fused recurrent ops: Sigmoid32 and Tanh32 (AVX2+FMA assembly, 16
// values a step with AVX-512 and 8 with AVX2, same bits; exp by
// range reduction and a degree-7 polynomial; absolute error below 2e-7,
// exact limits at ±large inputs, NaN in gives NaN out), with a scalar Go
// version of the same algorithm elsewhere; and the elementwise loops of the
// fused cells (Add32, Mul32, LSTMCell32, LSTMBackward32, TanhBackward32:
// AVX2, the scalar code's operations in its order, so the same bits); and
// ExpShifted64, exp(float64(x) − shift) for the softmax of the output layer,
// four values a step with AVX2 by the operations of the Go runtime's own
// math.Exp on amd64, in its order, so with its bits (4.7 times as fast as
// calling math.Exp per value, BenchmarkExpShifted64); TanhExact32, with
// the bits of float32(math.Tanh(float64(x))) by the same means (7 times as
// fast, BenchmarkTanhExact32); both check themselves against the math
// package at start and step aside if it computes otherwise; and Adam32, the
// optimiser's update (package train), 8 elements a step, same bits.
//
// Benchmarks (GFLOP/s over wall time and over process CPU time; the second
// is the steadier one on a shared machine):
//
//	go test ./blas -run '^$' -bench 'Sgemm|TensorMatMul|Vec' -benchtime 200x
package blas
