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
