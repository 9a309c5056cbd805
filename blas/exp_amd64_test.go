//go:build amd64 && !purego

package blas

import (
	"math"
	"os"
	"strings"
	"testing"
)

// The vector loops themselves, not through ExpShifted64 and TanhExact32
// (which step aside when their start-up check fails, and would then compare
// math with itself): on a CPU with AVX2 and FMA the checks must pass, and
// the loops must give math's bits over a strided sweep of all float32 bit
// patterns (tanh) and of the exp loop's whole range.
func TestExpTanhVectorLoops(t *testing.T) {
	if !hasAVX2FMA {
		t.Skip("the CPU has no AVX2 and FMA (or GODEBUG turned them off): the vector loops do not run here")
	}
	if !strings.Contains(os.Getenv("GODEBUG"), "cpu.") && (!useExpVec || !useTanhVec) {
		t.Fatalf("start-up checks failed on an AVX2+FMA CPU: exp %v, tanh %v", useExpVec, useTanhVec)
	}
	var src []float32
	for b := uint64(0); b < 1<<32; b += 4099 {
		src = append(src, math.Float32frombits(uint32(b)))
	}
	src = src[:len(src)&^3]
	dst := make([]float32, len(src))
	tanh4(dst, src)
	for i, x := range src {
		want := float32(math.Tanh(float64(x)))
		if math.Float32bits(dst[i]) != math.Float32bits(want) && !(want != want && dst[i] != dst[i]) {
			t.Fatalf("tanh4(%v) = %v (%#x), math.Tanh %v (%#x)", x, dst[i], math.Float32bits(dst[i]), want, math.Float32bits(want))
		}
	}
	var args []float32
	for x := -708.0; x <= 708; x += 0.0173 {
		args = append(args, float32(x))
	}
	args = args[:len(args)&^3]
	out := make([]float64, len(args))
	if n := expShifted4(out, args, 0); n != len(args) {
		t.Fatalf("the exp loop stopped at %d of %d arguments in [-708, 708]", n, len(args))
	}
	for i, x := range args {
		if want := math.Exp(float64(x)); math.Float64bits(out[i]) != math.Float64bits(want) {
			t.Fatalf("expShifted4(%v) = %v, math.Exp %v", x, out[i], want)
		}
	}
}
