package vecmath

// Dot returns the dot product of a and b[:len(a)].
func Dot(a, b []float32) float32 {
	b = b[:len(a)]
	if useAsm {
		return dotAsm(a, b)
	}
	return dotGeneric(a, b)
}

// Axpy adds alpha*x to y[:len(x)].
func Axpy(alpha float32, x, y []float32) {
	y = y[:len(x)]
	if useAsm {
		axpyAsm(alpha, x, y)
		return
	}
	axpyGeneric(alpha, x, y)
}

// Update does, for the same index range len(l1): e += g*l2, then l2 += g*l1.
// It is the shared step of negative sampling and hierarchical softmax
// (l1 the input vector, l2 the output vector, e the input's gradient).
func Update(g float32, l1, l2, e []float32) {
	l2 = l2[:len(l1)]
	e = e[:len(l1)]
	if useAsm {
		updateAsm(g, l1, l2, e)
		return
	}
	updateGeneric(g, l1, l2, e)
}

// Scale multiplies x by s in place.
func Scale(s float32, x []float32) {
	for i := range x {
		x[i] *= s
	}
}

// Accelerated reports whether the assembly kernels are in use.
func Accelerated() bool { return useAsm }

func dotGeneric(a, b []float32) float32 {
	b = b[:len(a)]
	var s0, s1, s2, s3 float32
	i := 0
	for ; i+4 <= len(a); i += 4 {
		s0 += a[i] * b[i]
		s1 += a[i+1] * b[i+1]
		s2 += a[i+2] * b[i+2]
		s3 += a[i+3] * b[i+3]
	}
	for ; i < len(a); i++ {
		s0 += a[i] * b[i]
	}
	return (s0 + s1) + (s2 + s3)
}

func axpyGeneric(alpha float32, x, y []float32) {
	y = y[:len(x)]
	i := 0
	for ; i+4 <= len(x); i += 4 {
		y[i] += alpha * x[i]
		y[i+1] += alpha * x[i+1]
		y[i+2] += alpha * x[i+2]
		y[i+3] += alpha * x[i+3]
	}
	for ; i < len(x); i++ {
		y[i] += alpha * x[i]
	}
}

func updateGeneric(g float32, l1, l2, e []float32) {
	l2 = l2[:len(l1)]
	e = e[:len(l1)]
	for i, v := range l1 {
		w := l2[i]
		e[i] += g * w
		l2[i] = w + g*v
	}
}

// Dot4 returns the dot products of x with r0…r3 (each at least len(x)
// long): x is read once for the four rows.
func Dot4(x, r0, r1, r2, r3 []float32) (s0, s1, s2, s3 float32) {
	n := len(x)
	r0, r1, r2, r3 = r0[:n], r1[:n], r2[:n], r3[:n]
	if useAsm && n > 0 {
		return dot4Asm(n, &x[0], &r0[0], &r1[0], &r2[0], &r3[0])
	}
	return dotGeneric(x, r0), dotGeneric(x, r1), dotGeneric(x, r2), dotGeneric(x, r3)
}

// Axpy4 adds g0·r0 + g1·r1 + g2·r2 + g3·r3 to y (each row at least len(y)
// long): y is read and written once for the four rows. y must not overlap
// the rows.
func Axpy4(y []float32, g0, g1, g2, g3 float32, r0, r1, r2, r3 []float32) {
	n := len(y)
	r0, r1, r2, r3 = r0[:n], r1[:n], r2[:n], r3[:n]
	if useAsm && n > 0 {
		axpy4Asm(n, &y[0], g0, g1, g2, g3, &r0[0], &r1[0], &r2[0], &r3[0])
		return
	}
	for i := range y {
		y[i] += g0*r0[i] + g1*r1[i] + g2*r2[i] + g3*r3[i]
	}
}
