package blas

import (
	"fmt"
	"math/rand"
	"testing"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"
)

type sgemmer interface {
	Sgemm(tA, tB blas.Transpose, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int)
}

// benchImpls lists the BLAS compared by the benchmarks: gonum, ours with one
// goroutine, ours with GOMAXPROCS goroutines, and OpenBLAS (one thread) when
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
	if ob, err := NewOpenBLAS(); err == nil {
		SetOpenBLASThreads(1)
		l = append(l, struct {
			name string
			impl sgemmer
		}{"openblas_1thread", ob})
	}
	return l
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
				for i := 0; i < b.N; i++ {
					im.impl.Sgemm(s.tA, s.tB, s.m, s.n, s.k, 1, a, ac, bm, bc, 0, c, s.n)
				}
				b.ReportMetric(flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
			})
		}
	}
}
