//go:build !amd64 || purego

package blas

func archKernels() []kernel { return nil }
