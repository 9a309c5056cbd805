package blas

import "sync"

// PackedB is a k×n matrix op(B) packed once for the micro-kernel, for
// many products with different left operands: the recurrent weights U of
// a sequence, multiplied by the state of every step. Packing B costs about
// as much as multiplying it by a few rows, so for the small batches of
// inference it was most of the step. Get one from Implementation.PackB and
// give it back with Release.
type PackedB struct {
	kern kernel
	k, n int
	data []float32
}

var packedPool = sync.Pool{New: func() any { return new(PackedB) }}

// PackB packs op(B) (k×n, row-major with leading dimension ldb; tB: B is
// stored transposed) for SgemmPacked. It returns nil when B is larger than
// one packing block (k > 256 or n > 3072); callers then use Sgemm.
func (impl Implementation) PackB(tB bool, k, n int, b []float32, ldb int) *PackedB {
	if k <= 0 || n <= 0 || k > blockKC || n > blockNC {
		return nil
	}
	if (!tB && (ldb < n || len(b) < (k-1)*ldb+n)) || (tB && (ldb < k || len(b) < (n-1)*ldb+k)) {
		panic("blas: PackB: B is shorter than its shape")
	}
	p := packedPool.Get().(*PackedB)
	p.kern, p.k, p.n = active, k, n
	p.data = grow(p.data, roundUp(n, active.nr)*k)
	packB(tB, k, n, active.nr, b, ldb, 0, 0, p.data)
	return p
}

// Release returns the packed matrix's memory for reuse; p must not be used
// after.
func (p *PackedB) Release() {
	if p != nil {
		packedPool.Put(p)
	}
}

// SgemmPacked computes C = alpha·op(A)·B + beta·C for the m×k matrix op(A)
// and the packed k×n matrix B, on the calling goroutine. It gives the same
// results as Sgemm with the same kernel.
func (impl Implementation) SgemmPacked(tA bool, m int, alpha float32, a []float32, lda int, p *PackedB, beta float32, c []float32, ldc int) {
	if m == 0 {
		return
	}
	k, n := p.k, p.n
	if ldc < n || len(c) < (m-1)*ldc+n || (!tA && (lda < k || len(a) < (m-1)*lda+k)) || (tA && (lda < m || len(a) < (k-1)*lda+m)) {
		panic("blas: SgemmPacked: a matrix is shorter than its shape")
	}
	sgemmCalls.Add(1)
	if alpha == 0 {
		scaleC(m, n, beta, c, ldc)
		return
	}
	bufs := packPool.Get().(*packBufs)
	bufs.a = grow(bufs.a, min(roundUp(m, p.kern.mr), blockMC)*k)
	gemmPackedBlock(p.kern, tA, m, n, k, alpha, a, lda, 0, p.data, beta, c, ldc, bufs.a, bufs.tile[:])
	packPool.Put(bufs)
}
