//go:build !amd64 || purego

package blas

func packB16N(kc int, src []float32, ldb int, dst []float32) bool { return false }

func packA6T(kc int, src []float32, lda int, dst []float32) bool { return false }

func packA6N(kc int, src []float32, lda int, dst []float32) int { return 0 }

func packB16T(kc int, src []float32, ldb int, dst []float32) int { return 0 }
