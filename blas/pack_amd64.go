//go:build amd64 && !purego

package blas

//go:noescape
func packB16NAVX(kc int, src *float32, ldb int, dst *float32)

//go:noescape
func packA6TSSE(kc int, src *float32, lda int, dst *float32)

//go:noescape
func packA6NSSE(kc4 int, src *float32, lda int, dst *float32)

var hasAVX = hasAVX2FMA

// packB16N packs a full 16-column panel of a non-transposed B:
// dst[p*16+j] = src[p*ldb+j]. It reports false when it cannot (the caller
// then packs in Go).
func packB16N(kc int, src []float32, ldb int, dst []float32) bool {
	if !hasAVX || kc == 0 {
		return false
	}
	_ = src[(kc-1)*ldb+15]
	_ = dst[16*kc-1]
	packB16NAVX(kc, &src[0], ldb, &dst[0])
	return true
}

// packA6T packs a full 6-row panel of a transposed A:
// dst[p*6+i] = src[p*lda+i].
func packA6T(kc int, src []float32, lda int, dst []float32) bool {
	if kc == 0 {
		return false
	}
	_ = src[(kc-1)*lda+5]
	_ = dst[6*kc-1]
	packA6TSSE(kc, &src[0], lda, &dst[0])
	return true
}

// packA6N packs the first kc&^3 depth steps of a full 6-row panel of a
// non-transposed A: dst[p*6+i] = src[i*lda+p]; it returns how many it did.
func packA6N(kc int, src []float32, lda int, dst []float32) int {
	kc4 := kc / 4
	if kc4 == 0 {
		return 0
	}
	_ = src[5*lda+4*kc4-1]
	_ = dst[24*kc4-1]
	packA6NSSE(kc4, &src[0], lda, &dst[0])
	return 4 * kc4
}

//go:noescape
func packB16TAVX(kc8 int, src *float32, ldb int, dst *float32)

// packB16T packs the first kc&^7 depth steps of a full 16-column panel of a
// transposed B: dst[p*16+j] = src[j*ldb+p]; it returns how many it did.
func packB16T(kc int, src []float32, ldb int, dst []float32) int {
	kc8 := kc / 8
	if !hasAVX || kc8 == 0 {
		return 0
	}
	_ = src[15*ldb+8*kc8-1]
	_ = dst[128*kc8-1]
	packB16TAVX(kc8, &src[0], ldb, &dst[0])
	return 8 * kc8
}
