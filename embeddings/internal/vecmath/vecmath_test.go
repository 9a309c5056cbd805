package vecmath

import (
	"math"
	"math/rand/v2"
	"testing"
)

func randVec(r *rand.Rand, n int) []float32 {
	v := make([]float32, n)
	for i := range v {
		v[i] = r.Float32()*2 - 1
	}
	return v
}

func close32(a, b float32) bool {
	return math.Abs(float64(a-b)) <= 1e-4*(1+math.Abs(float64(a)))
}

func TestKernelsMatchGeneric(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for n := 0; n <= 70; n++ {
		for _, m := range []int{n, 100, 300} {
			if m < n {
				continue
			}
			a, b := randVec(r, m)[:n], randVec(r, m)
			if got, want := Dot(a, b), dotGeneric(a, b); !close32(got, want) {
				t.Fatalf("n=%d Dot=%v want %v", n, got, want)
			}
			y1 := randVec(r, n)
			y2 := append([]float32(nil), y1...)
			Axpy(0.3, a, y1)
			axpyGeneric(0.3, a, y2)
			for i := range y1 {
				if !close32(y1[i], y2[i]) {
					t.Fatalf("n=%d Axpy[%d]=%v want %v", n, i, y1[i], y2[i])
				}
			}
			l2a := randVec(r, n)
			l2b := append([]float32(nil), l2a...)
			ea := randVec(r, n)
			eb := append([]float32(nil), ea...)
			Update(-0.7, a, l2a, ea)
			updateGeneric(-0.7, a, l2b, eb)
			for i := range l2a {
				if !close32(l2a[i], l2b[i]) || !close32(ea[i], eb[i]) {
					t.Fatalf("n=%d Update[%d]", n, i)
				}
			}
		}
	}
	t.Logf("assembly kernels: %v", Accelerated())
}

func TestAxpyLeavesTail(t *testing.T) {
	x := []float32{1, 2, 3}
	y := []float32{1, 1, 1, 9}
	Axpy(2, x, y)
	if y[0] != 3 || y[1] != 5 || y[2] != 7 || y[3] != 9 {
		t.Fatalf("y = %v", y)
	}
}

func BenchmarkDot100(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 2))
	x, y := randVec(r, 100), randVec(r, 100)
	var s float32
	for b.Loop() {
		s += Dot(x, y)
	}
	_ = s
}

func BenchmarkDot100Generic(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 2))
	x, y := randVec(r, 100), randVec(r, 100)
	var s float32
	for b.Loop() {
		s += dotGeneric(x, y)
	}
	_ = s
}

func BenchmarkUpdate100(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 2))
	x, y, e := randVec(r, 100), randVec(r, 100), randVec(r, 100)
	for b.Loop() {
		Update(1e-9, x, y, e)
	}
}

func BenchmarkUpdate100Generic(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 2))
	x, y, e := randVec(r, 100), randVec(r, 100), randVec(r, 100)
	for b.Loop() {
		updateGeneric(1e-9, x, y, e)
	}
}

func TestFourRowKernelsMatchOneRow(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for n := 0; n <= 37; n++ {
		x := randVec(r, n)
		rows := [4][]float32{randVec(r, n+5), randVec(r, n), randVec(r, n+1), randVec(r, n)}
		s0, s1, s2, s3 := Dot4(x, rows[0], rows[1], rows[2], rows[3])
		for k, s := range []float32{s0, s1, s2, s3} {
			if want := dotGeneric(x, rows[k][:n]); !close32(s, want) {
				t.Fatalf("n=%d Dot4 row %d = %v, want %v", n, k, s, want)
			}
		}
		y := randVec(r, n)
		want := append([]float32(nil), y...)
		g := [4]float32{0.5, -1.5, 0, 2}
		Axpy4(y, g[0], g[1], g[2], g[3], rows[0], rows[1], rows[2], rows[3])
		for k := range rows {
			axpyGeneric(g[k], rows[k][:n], want)
		}
		for i := range y {
			if !close32(y[i], want[i]) {
				t.Fatalf("n=%d Axpy4[%d] = %v, want %v", n, i, y[i], want[i])
			}
		}
	}
}
