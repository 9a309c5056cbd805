package blas

import (
	"fmt"
	"math"
	"math/rand"
	"testing"

	"gonum.org/v1/gonum/blas"
)

// refSgemm is the textbook triple loop with float64 accumulation.
func refSgemm(tA, tB blas.Transpose, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			var s float64
			for p := 0; p < k; p++ {
				var av, bv float32
				if tA == blas.NoTrans {
					av = a[i*lda+p]
				} else {
					av = a[p*lda+i]
				}
				if tB == blas.NoTrans {
					bv = b[p*ldb+j]
				} else {
					bv = b[j*ldb+p]
				}
				s += float64(av) * float64(bv)
			}
			v := float64(alpha) * s
			if beta != 0 {
				v += float64(beta) * float64(c[i*ldc+j])
			}
			c[i*ldc+j] = float32(v)
		}
	}
}

func randSlice(r *rand.Rand, n int) []float32 {
	s := make([]float32, n)
	for i := range s {
		s[i] = float32(r.NormFloat64())
	}
	return s
}

type gemmCase struct {
	tA, tB         blas.Transpose
	m, n, k        int
	alpha, beta    float32
	padA, padB, pC int
}

func (g gemmCase) String() string {
	t := func(x blas.Transpose) string {
		if x == blas.NoTrans {
			return "N"
		}
		return "T"
	}
	return fmt.Sprintf("%s%s_m%d_n%d_k%d_a%g_b%g_pad%d,%d,%d", t(g.tA), t(g.tB), g.m, g.n, g.k, g.alpha, g.beta, g.padA, g.padB, g.pC)
}

// checkGemm runs one case with the given Sgemm and compares with refSgemm.
// The tolerance scales with k and the magnitudes involved.
func checkGemm(t *testing.T, r *rand.Rand, g gemmCase, sgemmFn func(tA, tB blas.Transpose, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int)) {
	t.Helper()
	if msg := gemmMismatch(r, g, sgemmFn); msg != "" {
		t.Fatal(msg)
	}
}

// gemmMismatch returns "" when sgemmFn agrees with refSgemm on case g, else
// a description of the first difference. It is safe on any goroutine.
func gemmMismatch(r *rand.Rand, g gemmCase, sgemmFn func(tA, tB blas.Transpose, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int)) string {
	ar, ac := g.m, g.k
	if g.tA != blas.NoTrans {
		ar, ac = g.k, g.m
	}
	br, bc := g.k, g.n
	if g.tB != blas.NoTrans {
		br, bc = g.n, g.k
	}
	lda, ldb, ldc := max(1, ac+g.padA), max(1, bc+g.padB), max(1, g.n+g.pC)
	a := randSlice(r, max(0, ar*lda))
	b := randSlice(r, max(0, br*ldb))
	c := randSlice(r, max(0, g.m*ldc))
	want := append([]float32(nil), c...)
	got := append([]float32(nil), c...)
	refSgemm(g.tA, g.tB, g.m, g.n, g.k, g.alpha, a, lda, b, ldb, g.beta, want, ldc)
	sgemmFn(g.tA, g.tB, g.m, g.n, g.k, g.alpha, a, lda, b, ldb, g.beta, got, ldc)
	tol := 1e-5 * (float64(g.k)*math.Abs(float64(g.alpha)) + math.Abs(float64(g.beta)) + 1) * 4
	for i := range want {
		row, col := i/ldc, i%ldc
		if col >= g.n {
			// Padding of C must be untouched.
			if got[i] != c[i] {
				return fmt.Sprintf("%v: C padding at (%d,%d) changed: %v -> %v", g, row, col, c[i], got[i])
			}
			continue
		}
		if d := math.Abs(float64(got[i] - want[i])); d > tol || math.IsNaN(float64(got[i])) {
			return fmt.Sprintf("%v: C(%d,%d) = %v, want %v (|diff| %g > tol %g)", g, row, col, got[i], want[i], d, tol)
		}
	}
	return ""
}

var transposes = []blas.Transpose{blas.NoTrans, blas.Trans}

// kernels returns every micro-kernel usable on this machine.
func usableKernels() []kernel {
	ks := []kernel{genericKernel}
	for _, k := range simdKernels() {
		ks = append(ks, k)
		if k.tail != nil {
			// The same kernel without its tail kernel, and the tail alone.
			nt := k
			nt.name += "-notail"
			nt.tail = nil
			ks = append(ks, nt, *k.tail)
		}
	}
	return ks
}

func withKernel(kern kernel, threads int) func(tA, tB blas.Transpose, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	return func(tA, tB blas.Transpose, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
		if !sgemmChecked(tA, tB, m, n, k, a, lda, b, ldb, c, ldc) {
			return
		}
		sgemm(kern, threads, tA != blas.NoTrans, tB != blas.NoTrans, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
	}
}

func TestSgemmEdgeSizes(t *testing.T) {
	sizes := []int{0, 1, 2, 3, 5, 6, 7, 13, 16, 17, 33}
	for _, kern := range usableKernels() {
		for _, threads := range []int{1, 2} {
			f := withKernel(kern, threads)
			r := rand.New(rand.NewSource(1))
			for _, tA := range transposes {
				for _, tB := range transposes {
					for _, m := range sizes {
						for _, n := range sizes {
							for _, k := range []int{0, 1, 3, 8, 19} {
								ab := [][2]float32{{1, 0}, {0.5, 1}, {-1.5, 0.25}}
								x := ab[(m+n+k)%3]
								g := gemmCase{tA, tB, m, n, k, x[0], x[1], (m + k) % 3, n % 2, k % 2}
								t.Run(kern.name, func(t *testing.T) { checkGemm(t, r, g, f) })
							}
						}
					}
				}
			}
		}
	}
}

func TestSgemmRandomShapes(t *testing.T) {
	for _, kern := range usableKernels() {
		for seed := int64(0); seed < 60; seed++ {
			r := rand.New(rand.NewSource(seed))
			big := seed%10 == 0
			dim := func() int {
				if big {
					return 1 + r.Intn(400)
				}
				return r.Intn(70)
			}
			alphas := []float32{1, 0, -1, 0.3, 2}
			betas := []float32{0, 1, -0.5, 2}
			g := gemmCase{transposes[r.Intn(2)], transposes[r.Intn(2)], dim(), dim(), dim(),
				alphas[r.Intn(len(alphas))], betas[r.Intn(len(betas))], r.Intn(5), r.Intn(5), r.Intn(5)}
			threads := 1 + r.Intn(3)
			checkGemm(t, r, g, withKernel(kern, threads))
		}
	}
}

// RNN-shaped products, including the large depth that crosses KC blocks.
func TestSgemmRNNShapes(t *testing.T) {
	// The reference is slow for these sizes: compute it once per case and
	// compare every kernel and thread count with it.
	for _, s := range rnnShapes {
		for _, sc := range [][2]float32{{1, 0}, {0.5, 1}} {
			alpha, beta := sc[0], sc[1]
			r := rand.New(rand.NewSource(7))
			ar, ac := s.m, s.k
			if s.tA != blas.NoTrans {
				ar, ac = s.k, s.m
			}
			br, bc := s.k, s.n
			if s.tB != blas.NoTrans {
				br, bc = s.n, s.k
			}
			a, b, c := randSlice(r, ar*ac), randSlice(r, br*bc), randSlice(r, s.m*s.n)
			want := append([]float32(nil), c...)
			refSgemm(s.tA, s.tB, s.m, s.n, s.k, alpha, a, ac, b, bc, beta, want, s.n)
			tol := 1e-5 * (float64(s.k) + 2) * 4
			for _, kern := range usableKernels() {
				for _, threads := range []int{1, 2} {
					got := append([]float32(nil), c...)
					withKernel(kern, threads)(s.tA, s.tB, s.m, s.n, s.k, alpha, a, ac, b, bc, beta, got, s.n)
					for i := range want {
						if d := math.Abs(float64(got[i] - want[i])); !(d <= tol) {
							t.Fatalf("%s %s threads=%d alpha=%g beta=%g: C[%d] = %v, want %v", s.name, kern.name, threads, alpha, beta, i, got[i], want[i])
						}
					}
				}
			}
		}
	}
}

func TestSgemmNaN(t *testing.T) {
	for _, kern := range usableKernels() {
		f := withKernel(kern, 1)
		const m, n, k = 9, 21, 5
		nan := float32(math.NaN())
		a := make([]float32, m*k)
		b := make([]float32, k*n)
		for i := range a {
			a[i] = 1
		}
		for i := range b {
			b[i] = 1
		}
		// beta == 0: NaN in C is overwritten, not propagated.
		c := make([]float32, m*n)
		for i := range c {
			c[i] = nan
		}
		f(blas.NoTrans, blas.NoTrans, m, n, k, 1, a, k, b, n, 0, c, n)
		for i, v := range c {
			if v != k {
				t.Fatalf("%s: beta=0 with NaN C: c[%d] = %v, want %d", kern.name, i, v, k)
			}
		}
		// alpha == 0: A and B are not read; C = beta*C.
		a2 := append([]float32(nil), a...)
		a2[0] = nan
		for i := range c {
			c[i] = 2
		}
		f(blas.NoTrans, blas.NoTrans, m, n, k, 0, a2, k, b, n, 0.5, c, n)
		for i, v := range c {
			if v != 1 {
				t.Fatalf("%s: alpha=0: c[%d] = %v, want 1", kern.name, i, v)
			}
		}
		// A NaN in A(0,0) poisons row 0 of C, and only row 0.
		clear(c)
		f(blas.NoTrans, blas.NoTrans, m, n, k, 1, a2, k, b, n, 0, c, n)
		for i, v := range c {
			if isNaN := v != v; isNaN != (i < n) {
				t.Fatalf("%s: NaN in A(0,0): c[%d] = %v", kern.name, i, v)
			}
		}
		// An Inf in B times a zero in A gives NaN, as in the reference.
		b2 := append([]float32(nil), b...)
		b2[0] = float32(math.Inf(1))
		a3 := append([]float32(nil), a...)
		a3[k] = 0 // A(1,0) = 0
		f(blas.NoTrans, blas.NoTrans, m, n, k, 1, a3, k, b2, n, 0, c, n)
		if c[0] != float32(math.Inf(1)) || c[n] == c[n] {
			t.Fatalf("%s: Inf handling: c(0,0) = %v (want +Inf), c(1,0) = %v (want NaN)", kern.name, c[0], c[n])
		}
	}
}

func TestSgemmPanics(t *testing.T) {
	impl := Implementation{}
	mustPanic := func(name string, f func()) {
		t.Helper()
		defer func() {
			if recover() == nil {
				t.Errorf("%s: no panic", name)
			}
		}()
		f()
	}
	a := make([]float32, 6)
	mustPanic("short a", func() { impl.Sgemm(blas.NoTrans, blas.NoTrans, 3, 2, 2, 1, a[:5], 2, a, 2, 0, a, 2) })
	mustPanic("bad lda", func() { impl.Sgemm(blas.NoTrans, blas.NoTrans, 3, 2, 2, 1, a, 1, a, 2, 0, a, 2) })
	mustPanic("bad ldc", func() { impl.Sgemm(blas.NoTrans, blas.NoTrans, 3, 2, 2, 1, a, 2, a, 2, 0, a, 1) })
	mustPanic("m<0", func() { impl.Sgemm(blas.NoTrans, blas.NoTrans, -1, 2, 2, 1, a, 2, a, 2, 0, a, 2) })
	mustPanic("bad trans", func() { impl.Sgemm('x', blas.NoTrans, 3, 2, 2, 1, a, 2, a, 2, 0, a, 2) })
}

// FuzzSgemm compares every kernel with the reference on fuzzed shapes,
// transposes, paddings and scalars (go test -fuzz FuzzSgemm ./blas).
func FuzzSgemm(f *testing.F) {
	f.Add(int64(1), uint8(7), uint8(17), uint8(5), uint8(0), uint8(0))
	f.Add(int64(2), uint8(64), uint8(33), uint8(130), uint8(3), uint8(9))
	f.Add(int64(3), uint8(1), uint8(1), uint8(0), uint8(2), uint8(255))
	f.Add(int64(4), uint8(0), uint8(5), uint8(5), uint8(1), uint8(1))
	f.Fuzz(func(t *testing.T, seed int64, m, n, k, flags, pads uint8) {
		r := rand.New(rand.NewSource(seed))
		tA, tB := transposes[flags&1], transposes[flags>>1&1]
		alphas := []float32{1, 0, -1, 0.5}
		betas := []float32{0, 1, -2, 0.25}
		g := gemmCase{tA, tB, int(m), int(n), int(k), alphas[flags>>2&3], betas[flags>>4&3],
			int(pads & 3), int(pads >> 2 & 3), int(pads >> 4 & 3)}
		for _, kern := range usableKernels() {
			checkGemm(t, r, g, withKernel(kern, 1+int(flags>>6)))
		}
	})
}

// TestSgemmConcurrent runs products from many goroutines at once (the pack
// buffers come from a pool; run with -race).
func TestSgemmConcurrent(t *testing.T) {
	done := make(chan struct{})
	for w := 0; w < 4; w++ {
		go func(w int) {
			defer func() { done <- struct{}{} }()
			r := rand.New(rand.NewSource(int64(w)))
			for i := 0; i < 5; i++ {
				g := gemmCase{transposes[r.Intn(2)], transposes[r.Intn(2)], 1 + r.Intn(150), 1 + r.Intn(150), 1 + r.Intn(300), 1, 0.5, 1, 2, 3}
				if msg := gemmMismatch(r, g, Implementation{Threads: 2}.Sgemm); msg != "" {
					t.Error(msg)
				}
			}
		}(w)
	}
	for w := 0; w < 4; w++ {
		<-done
	}
}

// TestSgemmCrossBlocks uses sizes that cross every cache block (KC, MC and
// NC) with all transposes.
func TestSgemmCrossBlocks(t *testing.T) {
	r := rand.New(rand.NewSource(11))
	for _, tA := range transposes {
		for _, tB := range transposes {
			g := gemmCase{tA, tB, blockMC + 7, blockNC + 21, blockKC + 3, 0.75, -1, 1, 2, 3}
			if tA == blas.NoTrans {
				g.m = 5 // keep the reference fast; NC is crossed by n
			} else {
				g.n = 19 // MC is crossed by m
			}
			for _, kern := range usableKernels() {
				checkGemm(t, r, g, withKernel(kern, 2))
			}
		}
	}
}

// product is one C = alpha·op(A)·op(B) + beta·C case of the bit-equality
// tests, with random A, B and initial C.
type product struct {
	m, n, k  int
	tA, tB   bool
	beta     float32
	a, b     []float32
	lda, ldb int
}

// sameBits runs want and got on every size × transposition × beta, each on
// its own copy of the same initial C, and fails at the first element whose
// bits differ.
func sameBits(t *testing.T, seed int64, sizes [][3]int, betas []float32, want, got func(p product, c []float32)) {
	t.Helper()
	rng := rand.New(rand.NewSource(seed))
	for _, sz := range sizes {
		m, n, k := sz[0], sz[1], sz[2]
		for _, tA := range []bool{false, true} {
			for _, tB := range []bool{false, true} {
				for _, beta := range betas {
					p := product{m: m, n: n, k: k, tA: tA, tB: tB, beta: beta, a: randSlice(rng, m*k), b: randSlice(rng, k*n), lda: k, ldb: n}
					if tA {
						p.lda = m
					}
					if tB {
						p.ldb = k
					}
					c0 := randSlice(rng, m*n)
					w := append([]float32(nil), c0...)
					g := append([]float32(nil), c0...)
					want(p, w)
					got(p, g)
					for i := range w {
						if math.Float32bits(w[i]) != math.Float32bits(g[i]) {
							t.Fatalf("%v tA %v tB %v beta %v: c[%d] = %v, want %v", sz, tA, tB, beta, i, g[i], w[i])
						}
					}
				}
			}
		}
	}
}

// TestSgemmPacked: a product with B packed once equals Sgemm, for every
// transposition, edge sizes and beta, and a B too large for one block is
// refused.
func TestSgemmPacked(t *testing.T) {
	impl := Implementation{Threads: 1}
	sizes := [][3]int{{1, 512, 128}, {3, 17, 5}, {7, 33, 256}, {64, 512, 128}, {130, 48, 9}}
	sameBits(t, 34, sizes, []float32{0, 1, 0.5}, func(p product, c []float32) {
		ta, tb := blas.NoTrans, blas.NoTrans
		if p.tA {
			ta = blas.Trans
		}
		if p.tB {
			tb = blas.Trans
		}
		impl.Sgemm(ta, tb, p.m, p.n, p.k, 0.7, p.a, p.lda, p.b, p.ldb, p.beta, c, p.n)
	}, func(p product, c []float32) {
		pb := impl.PackB(p.tB, p.k, p.n, p.b, p.ldb)
		impl.SgemmPacked(p.tA, p.m, 0.7, p.a, p.lda, pb, p.beta, c, p.n)
		pb.Release()
	})
	if impl.PackB(false, 300, 10, make([]float32, 3000), 10) != nil {
		t.Error("PackB took k = 300, more than one block")
	}
}

// TestRow64SameBits: the one- and two-row paths (row64 over four B panels,
// rows2x32 over two) give the bits of the tail kernel they replace, for
// every transposition and beta.
func TestRow64SameBits(t *testing.T) {
	if active.tail == nil || active.tail.row64 == nil {
		t.Skipf("kernel %s has no one-row path", active.name)
	}
	tail := *active.tail
	tail.row64, tail.rows2x32, tail.rows4x32 = nil, nil, nil
	plain := active
	plain.tail = &tail
	sizes := [][3]int{{1, 64, 5}, {1, 512, 128}, {7, 100, 33}, {13, 200, 300}, {1, 70, 1}, {2, 512, 128}, {8, 100, 33}, {14, 50, 300}, {2, 31, 4},
		{3, 512, 128}, {4, 512, 128}, {11, 100, 33}, {12, 200, 300}, {4, 31, 4}, {3, 48, 1}}
	for _, alpha := range []float32{0.9, 1} { // alpha 1: the graphs' products
		run := func(k kernel) func(p product, c []float32) {
			return func(p product, c []float32) {
				sgemmSerial(k, p.tA, p.tB, p.m, p.n, p.k, alpha, p.a, p.lda, p.b, p.ldb, p.beta, c, p.n)
			}
		}
		sameBits(t, 64, sizes, []float32{0, 1, 0.3}, run(plain), run(active))
	}
}

// TestKernelsSameBits: every SIMD kernel of this CPU gives the bits of the
// last one listed (AVX2 on amd64) for alpha 1 — what the graph's products
// use — so a model trains to the same weights whichever the CPU picks.
func TestKernelsSameBits(t *testing.T) {
	ks := simdKernels()
	if len(ks) < 2 {
		t.Skipf("this CPU has %d SIMD kernels; nothing to compare", len(ks))
	}
	ref := ks[len(ks)-1]
	sizes := [][3]int{{1, 64, 5}, {8, 16, 1}, {7, 100, 33}, {13, 200, 300}, {32, 512, 128}, {64, 384, 257}, {2, 31, 4}, {20, 48, 600}}
	for _, k := range ks[:len(ks)-1] {
		for _, threads := range []int{1, 2} {
			run := func(kern kernel) func(p product, c []float32) {
				return func(p product, c []float32) {
					sgemm(kern, threads, p.tA, p.tB, p.m, p.n, p.k, 1, p.a, p.lda, p.b, p.ldb, p.beta, c, p.n)
				}
			}
			t.Logf("%s against %s, %d threads", k.name, ref.name, threads)
			sameBits(t, 65, sizes, []float32{0, 1}, run(ref), run(k))
		}
	}
}
