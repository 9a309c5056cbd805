package blas

import (
	"math"
	"math/rand"
	"os"
	"testing"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"
	G "gorgonia.org/gorgonia"
)

// openBLASOrSkip returns OpenBLAS or skips the test, saying why; with
// RNNZOO_REQUIRE_OPENBLAS=1 (for CI, which installs Debian's libopenblas0)
// a missing OpenBLAS fails the test instead.
func openBLASOrSkip(t *testing.T) OpenBLAS {
	t.Helper()
	ob, err := NewOpenBLAS()
	if err != nil {
		noOpenBLAS(t, err)
	}
	return ob
}

func noOpenBLAS(t *testing.T, err error) {
	t.Helper()
	if os.Getenv("RNNZOO_REQUIRE_OPENBLAS") == "1" {
		t.Fatalf("RNNZOO_REQUIRE_OPENBLAS=1 but OpenBLAS is not loadable: %v", err)
	}
	t.Skipf("OpenBLAS not loadable, skipping (apt-get install -y libopenblas0): %v", err)
}

func TestOpenBLASSgemm(t *testing.T) {
	ob := openBLASOrSkip(t)
	SetOpenBLASThreads(1)
	for seed := int64(0); seed < 40; seed++ {
		r := rand.New(rand.NewSource(seed))
		dim := func() int { return r.Intn(50) }
		alphas := []float32{1, 0, -1, 0.3}
		betas := []float32{0, 1, -0.5}
		g := gemmCase{transposes[r.Intn(2)], transposes[r.Intn(2)], dim(), dim(), dim(),
			alphas[r.Intn(len(alphas))], betas[r.Intn(len(betas))], r.Intn(3), r.Intn(3), r.Intn(3)}
		checkGemm(t, r, g, ob.Sgemm)
	}
	for _, s := range rnnShapes {
		r := rand.New(rand.NewSource(9))
		checkGemm(t, r, gemmCase{s.tA, s.tB, s.m, s.n, s.k, 1, 0, 0, 0, 0}, ob.Sgemm)
	}
}

func TestDgemm(t *testing.T) {
	impls := []struct {
		name string
		f    func(tA, tB blas.Transpose, m, n, k int, alpha float64, a []float64, lda int, b []float64, ldb int, beta float64, c []float64, ldc int)
	}{{"go", Implementation{}.Dgemm}}
	if ob, err := NewOpenBLAS(); err == nil {
		impls = append(impls, struct {
			name string
			f    func(tA, tB blas.Transpose, m, n, k int, alpha float64, a []float64, lda int, b []float64, ldb int, beta float64, c []float64, ldc int)
		}{"openblas", ob.Dgemm})
	} else {
		t.Logf("OpenBLAS not loadable, testing Dgemm of the Go implementation only: %v", err)
	}
	ref := gonum.Implementation{}
	for _, im := range impls {
		for seed := int64(0); seed < 30; seed++ {
			r := rand.New(rand.NewSource(seed))
			tA, tB := transposes[r.Intn(2)], transposes[r.Intn(2)]
			m, n, k := r.Intn(40), r.Intn(40), r.Intn(40)
			if seed == 0 {
				k = 0
			}
			ar, ac := m, k
			if tA != blas.NoTrans {
				ar, ac = k, m
			}
			br, bc := k, n
			if tB != blas.NoTrans {
				br, bc = n, k
			}
			lda, ldb, ldc := max(1, ac+1), max(1, bc), max(1, n+2)
			rs := func(n int) []float64 {
				s := make([]float64, n)
				for i := range s {
					s[i] = r.NormFloat64()
				}
				return s
			}
			a, b, c := rs(ar*lda), rs(br*ldb), rs(m*ldc)
			want := append([]float64(nil), c...)
			ref.Dgemm(tA, tB, m, n, k, 0.7, a, lda, b, ldb, 0.3, want, ldc)
			im.f(tA, tB, m, n, k, 0.7, a, lda, b, ldb, 0.3, c, ldc)
			for i := range c {
				if math.Abs(c[i]-want[i]) > 1e-12*float64(k+1) {
					t.Fatalf("%s seed %d: c[%d] = %v, want %v", im.name, seed, i, c[i], want[i])
				}
			}
		}
	}
}

func TestSetupOpenBLAS(t *testing.T) {
	prev := G.WhichBLAS()
	defer G.Use(prev)
	ok, err := OpenBLASAvailable()
	if !ok {
		if _, err2 := Setup("openblas"); err2 == nil {
			t.Fatal("Setup(openblas) succeeded although OpenBLAS is not available")
		}
		noOpenBLAS(t, err)
	}
	info, err := Setup("openblas:2")
	if err != nil {
		t.Fatal(err)
	}
	if info.Mode != "openblas" || info.Threads != 2 {
		t.Fatalf("Setup(openblas:2) = %+v", info)
	}
	info, err = Setup("openblas")
	if err != nil {
		t.Fatal(err)
	}
	if info.Threads != 1 || info.Version == "" {
		t.Fatalf("Setup(openblas) = %+v, want 1 thread and a version", info)
	}
	t.Logf("%v", info)
}
