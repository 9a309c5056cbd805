package blas

import "math"

// Constants of the float32 exp used by Sigmoid32 and Tanh32 (the assembly
// uses the same values, so both paths give the same results up to FMA
// rounding).
const (
	expClamp = -86.0 // exp(y) for y < -86 is taken as exp(-86) ≈ 4.4e-38
	log2e    = 1.44269504088896341
	ln2Hi    = 0.693359375             // high part of ln 2, exact in float32
	ln2Lo    = -2.12194440054690583e-4 // ln 2 - ln2Hi
)

// expNeg32 returns exp(y) for y <= 0 (NaN stays NaN): y = n·ln2 + r with
// |r| <= ln2/2, exp(r) by its Taylor polynomial of degree 7 (relative
// truncation error < 5e-9), times 2^n through the exponent bits.
func expNeg32(y float32) float32 {
	if y < expClamp {
		y = expClamp
	}
	n := float32(math.RoundToEven(float64(y * log2e)))
	r := y - n*ln2Hi
	r -= n * ln2Lo
	p := float32(1.0 / 5040)
	p = p*r + 1.0/720
	p = p*r + 1.0/120
	p = p*r + 1.0/24
	p = p*r + 1.0/6
	p = p*r + 0.5
	p = p*r + 1
	p = p*r + 1
	if p != p {
		return p
	}
	return math.Float32frombits(math.Float32bits(p) + uint32(int32(n))<<23)
}

// sigmoid32 is the scalar Sigmoid32: 1/(1+e) for x >= 0 and e/(1+e) for
// x < 0 with e = exp(-|x|), so nothing overflows and small results keep
// their relative accuracy.
func sigmoid32(x float32) float32 {
	e := expNeg32(-abs32(x))
	r := 1 / (1 + e)
	if math.Signbit(float64(x)) {
		return e * r
	}
	return r
}

// tanh32 is the scalar Tanh32: sign(x)·(1−t)/(1+t) with t = exp(−2|x|).
func tanh32(x float32) float32 {
	t := expNeg32(-2 * abs32(x))
	v := (1 - t) / (1 + t)
	if math.Signbit(float64(x)) {
		return -v
	}
	return v
}

func abs32(x float32) float32 { return math.Float32frombits(math.Float32bits(x) &^ (1 << 31)) }

// Sigmoid32 sets dst[i] = 1/(1+exp(-src[i])) for i < len(src). dst must be
// at least as long as src; dst and src may be the same slice. The absolute
// error against float64 math is below 2e-7 for every input (±Inf give 1 and
// 0, NaN gives NaN). It is vectorised with AVX2+FMA where the CPU has it.
func Sigmoid32(dst, src []float32) {
	dst = dst[:len(src)]
	n := vecBody(len(src))
	if n > 0 {
		sigmoidVec(dst[:n], src[:n])
	}
	for i := n; i < len(src); i++ {
		dst[i] = sigmoid32(src[i])
	}
}

// Tanh32 sets dst[i] = tanh(src[i]) for i < len(src), with the same
// contract and error bound as Sigmoid32.
func Tanh32(dst, src []float32) {
	dst = dst[:len(src)]
	n := vecBody(len(src))
	if n > 0 {
		tanhVec(dst[:n], src[:n])
	}
	for i := n; i < len(src); i++ {
		dst[i] = tanh32(src[i])
	}
}
