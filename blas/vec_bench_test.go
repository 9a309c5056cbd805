package blas

import (
	"math"
	"testing"

	"github.com/chewxy/math32"
)

// BenchmarkVec compares Sigmoid32/Tanh32 with plain Go loops over float64
// math and over github.com/chewxy/math32 (what gorgonia's float32 ops use),
// for one LSTM step's gate block (B=64, 4H=512):
//
//	go test ./blas -run '^$' -bench Vec
func BenchmarkVec(b *testing.B) {
	const n = 64 * 512
	src := make([]float32, n)
	for i := range src {
		src[i] = float32(i%2001-1000) / 100
	}
	dst := make([]float32, n)
	run := func(name string, f func()) {
		b.Run(name, func(b *testing.B) {
			b.SetBytes(4 * n)
			cpu0 := processCPU()
			for i := 0; i < b.N; i++ {
				f()
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/n, "ns/elem")
			if d := processCPU() - cpu0; d > 0 && cpu0 > 0 {
				b.ReportMetric(d*1e9/float64(b.N)/n, "cpu-ns/elem")
			}
		})
	}
	run("sigmoid/Sigmoid32", func() { Sigmoid32(dst, src) })
	run("sigmoid/scalar_go", func() {
		for i, x := range src {
			dst[i] = sigmoid32(x)
		}
	})
	run("sigmoid/float64_math", func() {
		for i, x := range src {
			dst[i] = float32(1 / (1 + math.Exp(-float64(x))))
		}
	})
	run("sigmoid/math32", func() {
		for i, x := range src {
			dst[i] = 1 / (1 + math32.Exp(-x))
		}
	})
	run("tanh/Tanh32", func() { Tanh32(dst, src) })
	run("tanh/scalar_go", func() {
		for i, x := range src {
			dst[i] = tanh32(x)
		}
	})
	run("tanh/float64_math", func() {
		for i, x := range src {
			dst[i] = float32(math.Tanh(float64(x)))
		}
	})
	run("tanh/math32", func() {
		for i, x := range src {
			dst[i] = math32.Tanh(x)
		}
	})
}
