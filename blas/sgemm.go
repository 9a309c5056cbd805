package blas

import (
	"runtime"
	"sync"

	"gonum.org/v1/gonum/blas"
)

// Cache blocking parameters of the packed GEMM (BLIS-style loop nest).
// kc is the depth of one packed panel pair, mc the rows of A packed at once
// (kept in L2), nc the columns of B packed at once (kept in L3).
const (
	blockKC = 256
	blockMC = 120 // multiple of every MR we use (4, 6)
	blockNC = 3072
)

// kernel is a register-blocked micro-kernel: it computes the mr×nr product of
// a packed A panel (k steps of mr values) and a packed B panel (k steps of nr
// values), then writes c[i*ldc+j] = alpha*acc + beta*c[i*ldc+j] for the full
// tile. With beta == 0, c is not read.
type kernel struct {
	name   string
	mr, nr int
	fn     func(k int, a, b, c []float32, ldc int, alpha, beta float32)
	// tail, if set, is an nr-wide kernel with fewer rows, used for the last
	// row panel of a block when it has at most tail.mr rows.
	tail *kernel
	// row64, if set (nr = 16), computes one row of a panel of this kernel's
	// packing (values mr apart) times four B panels: the last row panel
	// when it holds a single row, raw sums in a 64-float tile.
	row64 func(k int, a []float32, astride int, b []float32, bstride int, c []float32)
	// rows2x32, if set, does the same for a last panel of two rows, two B
	// panels at a time: 2×32 raw sums, row-major, in a 64-float tile.
	rows2x32 func(k int, a []float32, astride int, b []float32, bstride int, c []float32)
	// rows4x32, if set, does the same for a last panel of three or four
	// rows: 4×32 raw sums (the fourth row unused for three), row-major, in
	// a 128-float tile.
	rows4x32 func(k int, a []float32, astride int, b []float32, bstride int, c []float32)
}

// active is the kernel used by Sgemm; chosen at init from the CPU features.
var active = genericKernel

var genericKernel = kernel{name: "go-4x4", mr: 4, nr: 4, fn: kern4x4Go}

// sgemmChecked panics like gonum for invalid arguments and reports whether
// there is work to do.
func sgemmChecked(tA, tB blas.Transpose, m, n, k int, a []float32, lda int, b []float32, ldb int, c []float32, ldc int) bool {
	switch tA {
	case blas.NoTrans, blas.Trans, blas.ConjTrans:
	default:
		panic("blas: illegal transpose")
	}
	switch tB {
	case blas.NoTrans, blas.Trans, blas.ConjTrans:
	default:
		panic("blas: illegal transpose")
	}
	if m < 0 {
		panic("blas: m < 0")
	}
	if n < 0 {
		panic("blas: n < 0")
	}
	if k < 0 {
		panic("blas: k < 0")
	}
	aT := tA != blas.NoTrans
	bT := tB != blas.NoTrans
	if aT {
		if lda < max(1, m) {
			panic("blas: bad leading dimension of A")
		}
	} else if lda < max(1, k) {
		panic("blas: bad leading dimension of A")
	}
	if bT {
		if ldb < max(1, k) {
			panic("blas: bad leading dimension of B")
		}
	} else if ldb < max(1, n) {
		panic("blas: bad leading dimension of B")
	}
	if ldc < max(1, n) {
		panic("blas: bad leading dimension of C")
	}
	if m == 0 || n == 0 {
		return false
	}
	if aT {
		if len(a) < (k-1)*lda+m {
			panic("blas: insufficient length of a")
		}
	} else if len(a) < (m-1)*lda+k {
		panic("blas: insufficient length of a")
	}
	if bT {
		if len(b) < (n-1)*ldb+k {
			panic("blas: insufficient length of b")
		}
	} else if len(b) < (k-1)*ldb+n {
		panic("blas: insufficient length of b")
	}
	if len(c) < (m-1)*ldc+n {
		panic("blas: insufficient length of c")
	}
	return true
}

// sgemm computes C = alpha*op(A)*op(B) + beta*C (row-major) with the given
// micro-kernel, splitting the work over up to threads goroutines.
func sgemm(kern kernel, threads int, aT, bT bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	if alpha == 0 || k == 0 {
		scaleC(m, n, beta, c, ldc)
		return
	}
	// Split only products big enough to pay for a goroutine hand-off.
	work := m * n * k
	if threads > 1 && work >= parallelMinWork {
		t := min(threads, max(1, work/parallelMinWork))
		if t > 1 {
			sgemmParallel(kern, t, aT, bT, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
			return
		}
	}
	sgemmSerial(kern, aT, bT, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

// parallelMinWork is the m*n*k below which a product runs on one goroutine.
var parallelMinWork = 1 << 23

func sgemmParallel(kern kernel, t int, aT, bT bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	var wg sync.WaitGroup
	// Split the larger of m and n into t slabs aligned to the register tile.
	if n >= m {
		step := roundUp((n+t-1)/t, kern.nr)
		for j0 := step; j0 < n; j0 += step {
			j1 := min(n, j0+step)
			wg.Add(1)
			go func(j0, j1 int) {
				defer wg.Done()
				var bs []float32
				if bT {
					bs = b[j0*ldb:]
				} else {
					bs = b[j0:]
				}
				sgemmSerial(kern, aT, bT, m, j1-j0, k, alpha, a, lda, bs, ldb, beta, c[j0:], ldc)
			}(j0, j1)
		}
		sgemmSerial(kern, aT, bT, m, min(n, step), k, alpha, a, lda, b, ldb, beta, c, ldc)
	} else {
		step := roundUp((m+t-1)/t, kern.mr)
		for i0 := step; i0 < m; i0 += step {
			i1 := min(m, i0+step)
			wg.Add(1)
			go func(i0, i1 int) {
				defer wg.Done()
				var as []float32
				if aT {
					as = a[i0:]
				} else {
					as = a[i0*lda:]
				}
				sgemmSerial(kern, aT, bT, i1-i0, n, k, alpha, as, lda, b, ldb, beta, c[i0*ldc:], ldc)
			}(i0, i1)
		}
		sgemmSerial(kern, aT, bT, min(m, step), n, k, alpha, a, lda, b, ldb, beta, c, ldc)
	}
	wg.Wait()
}

func roundUp(x, r int) int { return (x + r - 1) / r * r }

// packBufs are one goroutine's packing buffers and edge tile, reused
// through a pool so that a product allocates nothing.
type packBufs struct {
	a, b []float32
	tile [256]float32 // edge tiles (mr*nr <= 256)
}

var packPool = sync.Pool{New: func() any { return new(packBufs) }}

func grow(s []float32, n int) []float32 {
	if cap(s) < n {
		return make([]float32, n)
	}
	return s[:n]
}

// sgemmSerial is the blocked, packed product on the calling goroutine.
func sgemmSerial(kern kernel, aT, bT bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	mr, nr := kern.mr, kern.nr
	bufs := packPool.Get().(*packBufs)
	kc0 := min(k, blockKC)
	nc0 := min(roundUp(n, nr), blockNC)
	mc0 := min(roundUp(m, mr), blockMC)
	bufs.a = grow(bufs.a, mc0*kc0)
	bufs.b = grow(bufs.b, nc0*kc0)
	ap, bp := bufs.a, bufs.b
	tile := bufs.tile[:]

	for jc := 0; jc < n; jc += blockNC {
		nc := min(blockNC, n-jc)
		for pc := 0; pc < k; pc += blockKC {
			kc := min(blockKC, k-pc)
			// Only the first depth block applies beta; later ones accumulate.
			bet := beta
			if pc > 0 {
				bet = 1
			}
			packB(bT, kc, nc, nr, b, ldb, pc, jc, bp)
			gemmPackedBlock(kern, aT, m, nc, kc, alpha, a, lda, pc, bp, bet, c[jc:], ldc, ap, tile)
		}
	}
	packPool.Put(bufs)
}

// gemmPackedBlock multiplies op(A)[:, pc:pc+kc] (m rows) by a packed
// kc×nc block of B into C[:, :nc] (C = alpha·A·B + bet·C), packing A into
// ap panel by panel.
func gemmPackedBlock(kern kernel, aT bool, m, nc, kc int, alpha float32, a []float32, lda, pc int, bp []float32, bet float32, c []float32, ldc int, ap, tile []float32) {
	mr, nr := kern.mr, kern.nr
	for ic := 0; ic < m; ic += blockMC {
		mc := min(blockMC, m-ic)
		tmr := 0
		if kern.tail != nil {
			tmr = kern.tail.mr
		}
		packA(aT, mc, kc, mr, tmr, a, lda, ic, pc, ap)
		// A last row panel of one or two rows goes through the tail
		// kernel's row64 (four B panels at a time) or rows2x32 (two), one
		// of three or four rows through rows4x32 (two), when it has them:
		// every FMA chain then works for a real row (or three of four).
		rowsMain := mc
		var small func(k int, a []float32, astride int, b []float32, bstride int, c []float32)
		width, nrows := 0, 0
		if last := (mc - 1) / mr * mr; kern.tail != nil && mr > 1 {
			switch mc - last {
			case 1:
				small, width, nrows = kern.tail.row64, 4*nr, 1
			case 2:
				small, width, nrows = kern.tail.rows2x32, 2*nr, 2
			case 3:
				small, width, nrows = kern.tail.rows4x32, 2*nr, 3
			case 4:
				// A full tail panel otherwise goes through the tail kernel,
				// which stores alpha·acc + beta·c with one rounding;
				// storeTile rounds alpha·acc and beta·c first. The two
				// agree when alpha is 1 and beta 0 or 1 (every product of
				// the graphs).
				if alpha == 1 && (bet == 0 || bet == 1) {
					small, width, nrows = kern.tail.rows4x32, 2*nr, 4
				}
			}
			if small != nil {
				rowsMain = last
			}
		}
		jrDone := 0
		if small != nil {
			tmr := kern.tail.mr
			apan := ap[rowsMain*kc : (rowsMain+tmr)*kc]
			t := tile[:max(64, 4*width)]
			for ; jrDone+width <= nc; jrDone += width {
				small(kc, apan, tmr, bp[jrDone*kc:], nr*kc, t)
				for r := 0; r < nrows; r++ {
					co := (ic+rowsMain+r)*ldc + jrDone
					storeTile(c[co:co+width], t[r*width:(r+1)*width], alpha, bet)
				}
			}
		}
		for jr := 0; jr < nc; jr += nr {
			nw := min(nr, nc-jr)
			bpan := bp[jr*kc : (jr+nr)*kc]
			for ir := 0; ir < mc; ir += mr {
				if ir >= rowsMain && jr < jrDone {
					break // done by row64 or rows2x32
				}
				mw := min(mr, mc-ir)
				kn := kern
				if mw < mr && mw <= tmr {
					kn = *kern.tail
				}
				apan := ap[ir*kc : (ir+kn.mr)*kc]
				co := (ic+ir)*ldc + jr
				if mw == kn.mr && nw == nr {
					kn.fn(kc, apan, bpan, c[co:], ldc, alpha, bet)
					continue
				}
				t := tile[:kn.mr*nr]
				kn.fn(kc, apan, bpan, t, nr, 1, 0)
				for i := 0; i < mw; i++ {
					storeTile(c[co+i*ldc:co+i*ldc+nw], t[i*nr:i*nr+nw], alpha, bet)
				}
			}
		}
	}
}

// storeTile writes one row of raw tile sums into C: crow = alpha·trow +
// bet·crow (crow not read when bet is 0).
func storeTile(crow, trow []float32, alpha, bet float32) {
	if bet == 0 {
		for j, v := range trow {
			crow[j] = alpha * v
		}
		return
	}
	for j, v := range trow {
		crow[j] = alpha*v + bet*crow[j]
	}
}

// packA packs op(A)[ic:ic+mc, pc:pc+kc] into panels of mr rows; within a
// panel, the mr values of each depth step are contiguous. Rows past mc are 0.
// A last panel of at most tmr rows (tmr > 0) is packed tmr rows wide.
func packA(aT bool, mc, kc, mr, tmr int, a []float32, lda, ic, pc int, ap []float32) {
	mr0 := mr
	for ir := 0; ir < mc; ir += mr0 {
		mw := min(mr0, mc-ir)
		mr := mr0
		if mw < mr && mw <= tmr {
			mr = tmr
		}
		pan := ap[ir*kc : (ir+mr)*kc]
		if aT {
			// op(A)(i,p) = a[p*lda+i]: rows of the panel are contiguous in a.
			if mw == 6 && mr == 6 {
				if packA6T(kc, a[pc*lda+ic+ir:], lda, pan) {
					continue
				}
				for p := 0; p < kc; p++ {
					o := (pc+p)*lda + ic + ir
					*(*[6]float32)(pan[p*6:]) = *(*[6]float32)(a[o:])
				}
				continue
			}
			if mw == 8 && mr == 8 {
				for p := 0; p < kc; p++ {
					o := (pc+p)*lda + ic + ir
					*(*[8]float32)(pan[p*8:]) = *(*[8]float32)(a[o:])
				}
				continue
			}
			for p := 0; p < kc; p++ {
				src := a[(pc+p)*lda+ic+ir:]
				dst := pan[p*mr : p*mr+mr]
				copy(dst[:mw], src[:mw])
				clear(dst[mw:])
			}
			continue
		}
		if mw == mr && mr == 6 {
			r0 := a[(ic+ir)*lda+pc:]
			r1 := a[(ic+ir+1)*lda+pc:]
			r2 := a[(ic+ir+2)*lda+pc:]
			r3 := a[(ic+ir+3)*lda+pc:]
			r4 := a[(ic+ir+4)*lda+pc:]
			r5 := a[(ic+ir+5)*lda+pc:]
			r0, r1, r2, r3, r4, r5 = r0[:kc], r1[:kc], r2[:kc], r3[:kc], r4[:kc], r5[:kc]
			p0 := packA6N(kc, a[(ic+ir)*lda+pc:], lda, pan)
			for p := p0; p < kc; p++ {
				d := pan[p*6 : p*6+6 : p*6+6]
				d[0], d[1], d[2], d[3], d[4], d[5] = r0[p], r1[p], r2[p], r3[p], r4[p], r5[p]
			}
			continue
		}
		if mw == mr && mr == 8 {
			// The AVX-512 kernel's panels: eight rows read side by side,
			// each depth step's eight values written together.
			base := (ic+ir)*lda + pc
			r0, r1, r2, r3 := a[base:base+kc], a[base+lda:base+lda+kc], a[base+2*lda:base+2*lda+kc], a[base+3*lda:base+3*lda+kc]
			r4, r5, r6, r7 := a[base+4*lda:base+4*lda+kc], a[base+5*lda:base+5*lda+kc], a[base+6*lda:base+6*lda+kc], a[base+7*lda:base+7*lda+kc]
			for p := range kc {
				d := (*[8]float32)(pan[p*8:])
				d[0], d[1], d[2], d[3], d[4], d[5], d[6], d[7] = r0[p], r1[p], r2[p], r3[p], r4[p], r5[p], r6[p], r7[p]
			}
			continue
		}
		for i := 0; i < mr; i++ {
			if i >= mw {
				for p := 0; p < kc; p++ {
					pan[p*mr+i] = 0
				}
				continue
			}
			row := a[(ic+ir+i)*lda+pc:]
			row = row[:kc]
			for p, v := range row {
				pan[p*mr+i] = v
			}
		}
	}
}

// packB packs op(B)[pc:pc+kc, jc:jc+nc] into panels of nr columns; within a
// panel, the nr values of each depth step are contiguous. Columns past nc are 0.
func packB(bT bool, kc, nc, nr int, b []float32, ldb, pc, jc int, bp []float32) {
	for jr := 0; jr < nc; jr += nr {
		nw := min(nr, nc-jr)
		pan := bp[jr*kc : (jr+nr)*kc]
		if !bT {
			if nw == 16 && nr == 16 {
				if packB16N(kc, b[pc*ldb+jc+jr:], ldb, pan) {
					continue
				}
				for p := 0; p < kc; p++ {
					o := (pc+p)*ldb + jc + jr
					// Through a local: a direct 64-byte array copy calls memmove.
					v := *(*[16]float32)(b[o:])
					*(*[16]float32)(pan[p*16:]) = v
				}
				continue
			}
			for p := 0; p < kc; p++ {
				src := b[(pc+p)*ldb+jc+jr:]
				dst := pan[p*nr : p*nr+nr]
				copy(dst[:nw], src[:nw])
				clear(dst[nw:])
			}
			continue
		}
		// op(B)(p,j) = b[j*ldb+p].
		if nw == 16 && nr == 16 {
			packBT16(kc, b[(jc+jr)*ldb+pc:], ldb, pan)
			continue
		}
		for j := 0; j < nr; j++ {
			if j >= nw {
				for p := 0; p < kc; p++ {
					pan[p*nr+j] = 0
				}
				continue
			}
			col := b[(jc+jr+j)*ldb+pc:]
			col = col[:kc]
			for p, v := range col {
				pan[p*nr+j] = v
			}
		}
	}
}

// scaleC sets C = beta*C; beta == 0 clears C without reading it.
func scaleC(m, n int, beta float32, c []float32, ldc int) {
	if beta == 1 {
		return
	}
	for i := 0; i < m; i++ {
		row := c[i*ldc : i*ldc+n]
		if beta == 0 {
			clear(row)
			continue
		}
		for j := range row {
			row[j] *= beta
		}
	}
}

// kern4x4Go is the portable micro-kernel (mr = nr = 4).
func kern4x4Go(k int, a, b, c []float32, ldc int, alpha, beta float32) {
	var c00, c01, c02, c03, c10, c11, c12, c13, c20, c21, c22, c23, c30, c31, c32, c33 float32
	a = a[:4*k]
	b = b[:4*k]
	for p := 0; p < k; p++ {
		av := a[4*p : 4*p+4 : 4*p+4]
		bv := b[4*p : 4*p+4 : 4*p+4]
		a0, a1, a2, a3 := av[0], av[1], av[2], av[3]
		b0, b1, b2, b3 := bv[0], bv[1], bv[2], bv[3]
		c00 += a0 * b0
		c01 += a0 * b1
		c02 += a0 * b2
		c03 += a0 * b3
		c10 += a1 * b0
		c11 += a1 * b1
		c12 += a1 * b2
		c13 += a1 * b3
		c20 += a2 * b0
		c21 += a2 * b1
		c22 += a2 * b2
		c23 += a2 * b3
		c30 += a3 * b0
		c31 += a3 * b1
		c32 += a3 * b2
		c33 += a3 * b3
	}
	acc := [16]float32{c00, c01, c02, c03, c10, c11, c12, c13, c20, c21, c22, c23, c30, c31, c32, c33}
	for i := 0; i < 4; i++ {
		row := c[i*ldc : i*ldc+4 : i*ldc+4]
		if beta == 0 {
			for j := range row {
				row[j] = alpha * acc[4*i+j]
			}
		} else {
			for j := range row {
				row[j] = alpha*acc[4*i+j] + beta*row[j]
			}
		}
	}
}

// defaultThreads is the number of goroutines a large product may use.
func defaultThreads() int { return runtime.GOMAXPROCS(0) }

// packBT16 packs 16 columns of op(B) = Bᵀ: pan[p*16+j] = b[j*ldb+p] for
// p < kc, j < 16, reading the 16 rows of b as streams.
func packBT16(kc int, b []float32, ldb int, pan []float32) {
	p0 := packB16T(kc, b, ldb, pan)
	if p0 == kc {
		return
	}
	b, pan, kc = b[p0:], pan[16*p0:], kc-p0
	var rows [16][]float32
	for j := range rows {
		rows[j] = b[j*ldb : j*ldb+kc]
	}
	pan = pan[:16*kc]
	// Four rows at a time keeps the row slices in registers.
	for j0 := 0; j0 < 16; j0 += 4 {
		r0, r1, r2, r3 := rows[j0], rows[j0+1][:len(rows[j0])], rows[j0+2][:len(rows[j0])], rows[j0+3][:len(rows[j0])]
		for p := range r0 {
			d := pan[p*16+j0 : p*16+j0+4 : p*16+j0+4]
			d[0], d[1], d[2], d[3] = r0[p], r1[p], r2[p], r3[p]
		}
	}
}
