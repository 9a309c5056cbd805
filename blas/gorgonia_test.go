package blas

import (
	"math"
	"os"
	"testing"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// TestSetupRoutesGorgonia checks that after Setup("go") both tensor.MatMul
// and a gorgonia Mul node reach Implementation.Sgemm, with correct values.
func TestSetupRoutesGorgonia(t *testing.T) {
	prev := G.WhichBLAS()
	defer G.Use(prev)

	info, err := Setup("go")
	if err != nil {
		t.Fatal(err)
	}
	if info.Mode != "go" || Name() != info.Name {
		t.Fatalf("Setup(go) = %+v, Name() = %q", info, Name())
	}
	if _, ok := G.WhichBLAS().(Implementation); !ok {
		t.Fatalf("gorgonia.WhichBLAS() is %T, want blas.Implementation", G.WhichBLAS())
	}

	const m, k, n = 5, 7, 9
	av := make([]float32, m*k)
	bv := make([]float32, k*n)
	for i := range av {
		av[i] = float32(i%5) - 1.5
	}
	for i := range bv {
		bv[i] = float32(i%7)*0.25 - 0.5
	}
	want := make([]float32, m*n)
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			var s float64
			for p := 0; p < k; p++ {
				s += float64(av[i*k+p]) * float64(bv[p*n+j])
			}
			want[i*n+j] = float32(s)
		}
	}
	check := func(what string, got []float32) {
		t.Helper()
		for i := range want {
			if math.Abs(float64(got[i]-want[i])) > 1e-5 {
				t.Fatalf("%s: [%d] = %v, want %v", what, i, got[i], want[i])
			}
		}
	}

	before := sgemmCalls.Load()
	A := tensor.New(tensor.WithShape(m, k), tensor.WithBacking(append([]float32(nil), av...)))
	B := tensor.New(tensor.WithShape(k, n), tensor.WithBacking(append([]float32(nil), bv...)))
	C, err := tensor.MatMul(A, B)
	if err != nil {
		t.Fatal(err)
	}
	if sgemmCalls.Load() == before {
		t.Fatal("tensor.MatMul did not call blas.Implementation.Sgemm")
	}
	check("tensor.MatMul", C.Data().([]float32))

	g := G.NewGraph()
	an := G.NewMatrix(g, tensor.Float32, G.WithShape(m, k), G.WithName("a"), G.WithValue(A))
	bn := G.NewMatrix(g, tensor.Float32, G.WithShape(k, n), G.WithName("b"), G.WithValue(B))
	cn := G.Must(G.Mul(an, bn))
	cost := G.Must(G.Sum(cn))
	if _, err := G.Grad(cost, an, bn); err != nil {
		t.Fatal(err)
	}
	vm := G.NewTapeMachine(g)
	defer vm.Close()
	before = sgemmCalls.Load()
	if err := vm.RunAll(); err != nil {
		t.Fatal(err)
	}
	// Forward and both gradients are matrix products.
	if calls := sgemmCalls.Load() - before; calls < 3 {
		t.Fatalf("gorgonia Mul forward+backward made %d Sgemm calls to blas.Implementation, want >= 3", calls)
	}
	check("gorgonia.Mul", cn.Value().Data().([]float32))
	// d sum(A·B)/dA = 1·Bᵀ: row sums of B.
	ga, _ := an.Grad()
	gad := ga.Data().([]float32)
	for i := 0; i < m; i++ {
		for p := 0; p < k; p++ {
			var s float32
			for j := 0; j < n; j++ {
				s += bv[p*n+j]
			}
			if math.Abs(float64(gad[i*k+p]-s)) > 1e-5 {
				t.Fatalf("grad a[%d,%d] = %v, want %v", i, p, gad[i*k+p], s)
			}
		}
	}
}

func TestSetupModes(t *testing.T) {
	prev := G.WhichBLAS()
	defer G.Use(prev)
	t.Setenv(EnvVar, "")
	if info, err := Setup("gonum"); err != nil || info.Mode != "gonum" {
		t.Fatalf("Setup(gonum) = %+v, %v", info, err)
	}
	if info, err := Setup("go:1"); err != nil || info.Mode != "go" || info.Threads != 1 || G.WhichBLAS().(Implementation).Threads != 1 {
		t.Fatalf("Setup(go:1) = %+v, %v", info, err)
	}
	for _, bad := range []string{"go:0", "go:x", "openblas:-1"} {
		if _, err := Setup(bad); err == nil {
			t.Fatalf("Setup(%q) gave no error", bad)
		}
	}
	if _, err := Setup("nonsense"); err == nil {
		t.Fatal("Setup(nonsense) gave no error")
	}
	t.Setenv(EnvVar, "gonum")
	if info, err := Setup("auto"); err != nil || info.Mode != "gonum" {
		t.Fatalf("Setup(auto) with %s=gonum: %+v, %v", EnvVar, info, err)
	}
	t.Setenv(EnvVar, "")
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	info, err := Setup("auto")
	if err != nil {
		t.Fatal(err)
	}
	ok, _ := OpenBLASAvailable()
	switch {
	case !ok && info.Mode != "go":
		t.Fatalf("Setup(auto) without OpenBLAS chose %q", info.Mode)
	case ok && len(simdKernels()) == 0 && info.Mode != "openblas":
		t.Fatalf("Setup(auto) without a SIMD kernel chose %q", info.Mode)
	case ok && len(simdKernels()) > 0:
		data, err := os.ReadFile(AutoCacheFile())
		if err != nil {
			t.Fatal(err)
		}
		c, err := parseAutoCache(AutoCacheFile(), data)
		if err != nil || len(c.Choices) != 1 || c.Choices[0].Choice != info.Mode {
			t.Fatalf("Setup(auto) chose %q; the cache holds %+v (%v)", info.Mode, c, err)
		}
	}
	if info.Why == "" {
		t.Fatalf("Setup(auto) gave no reason: %+v", info)
	}
	t.Logf("auto: %v; %s", info, info.Why)
}
