package blas

// Elementwise float32 loops of the fused recurrent layers (package graph),
// vectorised with AVX2 where the CPU has it (8 values a step). Each value is
// computed by the same IEEE operations in the same order as the scalar Go
// code below (multiplications and additions rounded one by one, no fused
// multiply-add), so every path gives the same bits (TestCellSameBits). The
// Go code converts each product explicitly (float32(a*b)), which forbids
// the compiler to fuse it into an addition (as it may with GOAMD64=v3).

// Add32 sets dst[j] += src[j] for j < len(dst); src must be as long.
func Add32(dst, src []float32) {
	src = src[:len(dst)]
	n := vecBody(len(dst))
	if n > 0 {
		add8(dst[:n], src[:n])
	}
	for j := n; j < len(dst); j++ {
		dst[j] += src[j]
	}
}

// Mul32 sets dst[j] = a[j]·b[j] for j < len(dst).
func Mul32(dst, a, b []float32) {
	a, b = a[:len(dst)], b[:len(dst)]
	n := vecBody(len(dst))
	if n > 0 {
		mul8(dst[:n], a[:n], b[:n])
	}
	for j := n; j < len(dst); j++ {
		dst[j] = a[j] * b[j]
	}
}

// TanhBackward32 sets dst[j] = dh[j]·(1 − y[j]·y[j]): the gradient through
// y = tanh(x).
func TanhBackward32(dst, dh, y []float32) {
	dh, y = dh[:len(dst)], y[:len(dst)]
	n := vecBody(len(dst))
	if n > 0 {
		tanhBackward8(dst[:n], dh[:n], y[:n])
	}
	for j := n; j < len(dst); j++ {
		dst[j] = dh[j] * (1 - float32(y[j]*y[j]))
	}
}

// LSTMCell32 sets the new cell state c[j] = f[j]·cprev[j] + i[j]·g[j].
func LSTMCell32(c, f, cprev, i, g []float32) {
	f, cprev, i, g = f[:len(c)], cprev[:len(c)], i[:len(c)], g[:len(c)]
	n := vecBody(len(c))
	if n > 0 {
		lstmCell8(c[:n], f[:n], cprev[:n], i[:n], g[:n])
	}
	for j := n; j < len(c); j++ {
		c[j] = float32(f[j]*cprev[j]) + float32(i[j]*g[j])
	}
}

// LSTMBackward32 is the backward step of one LSTM row of H units: from the
// activated gates a = [i f g o] (4H), tanh of the cell tc, the previous cell
// cp, the gradient reaching the cell dc and the state dh, it writes the
// gradients of the gate pre-activations dp (4H) and sets dc to the gradient
// reaching the previous cell:
//
//	dct = dc + dh·o·(1 − tc²)
//	dp_i = dct·g·i·(1 − i)    dp_f = dct·cp·f·(1 − f)
//	dp_g = dct·i·(1 − g²)     dp_o = dh·tc·o·(1 − o)
//	dc  ← dct·f
func LSTMBackward32(dp, a, tc, cp, dc, dh []float32, H int) {
	dp, a = dp[:4*H], a[:4*H]
	tc, cp, dc, dh = tc[:H], cp[:H], dc[:H], dh[:H]
	n := vecBody(H)
	if n > 0 {
		lstmBackward8(n, H, &dp[0], &a[0], &tc[0], &cp[0], &dc[0], &dh[0])
	}
	for j := n; j < H; j++ {
		i, f, g, og := a[j], a[H+j], a[2*H+j], a[3*H+j]
		dct := dc[j] + float32(float32(dh[j]*og)*(1-float32(tc[j]*tc[j])))
		dp[j] = dct * g * i * (1 - i)
		dp[H+j] = dct * cp[j] * f * (1 - f)
		dp[2*H+j] = dct * i * (1 - float32(g*g))
		dp[3*H+j] = dh[j] * tc[j] * og * (1 - og)
		dc[j] = dct * f
	}
}
