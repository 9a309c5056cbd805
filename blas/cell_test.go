package blas

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestCellSameBits: the vectorised elementwise loops of cell.go give, for
// every length (vector body and scalar tail), the bits of the plain Go
// expressions they replace, including for infinities and NaN.
func TestCellSameBits(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	vals := func(n int) []float32 {
		v := make([]float32, n)
		for i := range v {
			switch r.IntN(40) {
			case 0:
				v[i] = float32(math.Inf(1 - 2*r.IntN(2)))
			case 1:
				v[i] = float32(math.NaN())
			case 2:
				v[i] = 0
			default:
				v[i] = float32(r.NormFloat64() * 3)
			}
		}
		return v
	}
	same := func(name string, n int, got, want []float32) {
		t.Helper()
		for j := range want {
			if math.Float32bits(got[j]) != math.Float32bits(want[j]) && !(got[j] != got[j] && want[j] != want[j]) {
				t.Fatalf("%s (n=%d): element %d = %v, want %v", name, n, j, got[j], want[j])
			}
		}
	}
	for _, n := range []int{1, 7, 8, 9, 16, 31, 64, 128, 130} {
		a, b := vals(n), vals(n)
		got := append([]float32(nil), a...)
		Add32(got, b)
		want := make([]float32, n)
		for j := range want {
			want[j] = a[j] + b[j]
		}
		same("Add32", n, got, want)

		Mul32(got, a, b)
		for j := range want {
			want[j] = a[j] * b[j]
		}
		same("Mul32", n, got, want)

		TanhBackward32(got, a, b)
		for j := range want {
			want[j] = a[j] * (1 - float32(b[j]*b[j]))
		}
		same("TanhBackward32", n, got, want)

		f, cp, i, g := vals(n), vals(n), vals(n), vals(n)
		LSTMCell32(got, f, cp, i, g)
		for j := range want {
			want[j] = float32(f[j]*cp[j]) + float32(i[j]*g[j])
		}
		same("LSTMCell32", n, got, want)

		H := n
		gates, tc, dh, dc := vals(4*H), vals(H), vals(H), vals(H)
		dp, dcGot := make([]float32, 4*H), append([]float32(nil), dc...)
		LSTMBackward32(dp, gates, tc, cp, dcGot, dh, H)
		wdp, wdc := make([]float32, 4*H), append([]float32(nil), dc...)
		for j := 0; j < H; j++ {
			i, f, g, og := gates[j], gates[H+j], gates[2*H+j], gates[3*H+j]
			dct := wdc[j] + float32(float32(dh[j]*og)*(1-float32(tc[j]*tc[j])))
			wdp[j] = dct * g * i * (1 - i)
			wdp[H+j] = dct * cp[j] * f * (1 - f)
			wdp[2*H+j] = dct * i * (1 - float32(g*g))
			wdp[3*H+j] = dh[j] * tc[j] * og * (1 - og)
			wdc[j] = dct * f
		}
		same("LSTMBackward32 dp", n, dp, wdp)
		same("LSTMBackward32 dc", n, dcGot, wdc)
	}
}
