package blas

import (
	"fmt"
	"math/rand"
	"testing"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// benchImpls lists the BLAS compared by the benchmarks: gonum, ours with one
// goroutine (and with each other SIMD kernel of this CPU), ours with
// GOMAXPROCS goroutines, and OpenBLAS (one thread) when
// it can be loaded.
func benchImpls() []struct {
	name string
	impl sgemmer
} {
	l := []struct {
		name string
		impl sgemmer
	}{
		{"gonum", gonum.Implementation{}},
		{"go_1thread", Implementation{Threads: 1}},
		{"go", Implementation{}},
	}
	for _, k := range simdKernels()[1:] { // the active one is "go"
		l = append(l, struct {
			name string
			impl sgemmer
		}{"go_1thread_" + k.name, kernelImpl{k}})
	}
	if ob, err := NewOpenBLAS(); err == nil {
		SetOpenBLASThreads(1)
		l = append(l, struct {
			name string
			impl sgemmer
		}{"openblas_1thread", ob})
	}
	return l
}

// kernelImpl is one goroutine of Sgemm over a given micro-kernel.
type kernelImpl struct{ kern kernel }

func (ki kernelImpl) Sgemm(tA, tB blas.Transpose, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	if sgemmChecked(tA, tB, m, n, k, a, lda, b, ldb, c, ldc) {
		sgemm(ki.kern, 1, tA != blas.NoTrans, tB != blas.NoTrans, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
	}
}

// BenchmarkSgemm reports GFLOP/s for the RNN training shapes:
//
//	go test ./blas -run '^$' -bench Sgemm -benchtime 200x
func BenchmarkSgemm(b *testing.B) {
	impls := benchImpls()
	for _, s := range rnnShapes {
		ar, ac := s.m, s.k
		if s.tA != blas.NoTrans {
			ar, ac = s.k, s.m
		}
		br, bc := s.k, s.n
		if s.tB != blas.NoTrans {
			br, bc = s.n, s.k
		}
		r := rand.New(rand.NewSource(1))
		a := randSlice(r, ar*ac)
		bm := randSlice(r, br*bc)
		c := make([]float32, s.m*s.n)
		flops := 2 * float64(s.m) * float64(s.n) * float64(s.k)
		for _, im := range impls {
			b.Run(fmt.Sprintf("%s/%s", s.name, im.name), func(b *testing.B) {
				cpu0 := processCPU()
				for i := 0; i < b.N; i++ {
					im.impl.Sgemm(s.tA, s.tB, s.m, s.n, s.k, 1, a, ac, bm, bc, 0, c, s.n)
				}
				b.ReportMetric(flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
				reportCPU(b, flops*float64(b.N), cpu0)
			})
		}
	}
}

// BenchmarkTensorMatMul is GORGONIA.md's matmul benchmark through
// tensor.MatMul after Setup(mode): C = A·B with A [64×256], B [256×1024],
// and Aᵀ·C [256×1024], float32:
//
//	go test ./blas -run '^$' -bench TensorMatMul
func BenchmarkTensorMatMul(b *testing.B) {
	prev := G.WhichBLAS()
	defer G.Use(prev)
	modes := []string{"gonum", "go"}
	if ok, _ := OpenBLASAvailable(); ok {
		modes = append(modes, "openblas")
	}
	r := rand.New(rand.NewSource(1))
	A := tensor.New(tensor.WithShape(64, 256), tensor.WithBacking(randSlice(r, 64*256)))
	B := tensor.New(tensor.WithShape(256, 1024), tensor.WithBacking(randSlice(r, 256*1024)))
	C := tensor.New(tensor.Of(tensor.Float32), tensor.WithShape(64, 1024))
	D := tensor.New(tensor.Of(tensor.Float32), tensor.WithShape(256, 1024))
	AT := A.Clone().(*tensor.Dense)
	if err := AT.T(); err != nil {
		b.Fatal(err)
	}
	for _, mode := range modes {
		if _, err := Setup(mode); err != nil {
			b.Fatal(err)
		}
		b.Run("AB_64x256x1024/"+mode, func(b *testing.B) {
			cpu0 := processCPU()
			for i := 0; i < b.N; i++ {
				if _, err := tensor.MatMul(A, B, tensor.WithReuse(C)); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(2*64*256*1024*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
			reportCPU(b, 2*64*256*1024*float64(b.N), cpu0)
		})
		b.Run("ATC_256x64x1024/"+mode, func(b *testing.B) {
			cpu0 := processCPU()
			for i := 0; i < b.N; i++ {
				if _, err := tensor.MatMul(AT, C, tensor.WithReuse(D)); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(2*64*256*1024*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
			reportCPU(b, 2*64*256*1024*float64(b.N), cpu0)
		})
	}
}

// reportCPU adds the GFLOP/s over the process CPU time spent since cpu0
// (see processCPU).
func reportCPU(b *testing.B, flops, cpu0 float64) {
	if d := processCPU() - cpu0; d > 0 && cpu0 > 0 {
		b.ReportMetric(flops/d/1e9, "cpuGFLOP/s")
	}
}
