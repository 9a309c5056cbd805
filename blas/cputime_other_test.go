//go:build !unix

package blas

func processCPU() float64 { return 0 }
