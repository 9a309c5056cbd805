//go:build !amd64 || purego

package blas

const useExpVec = false

func expShifted4([]float64, []float32, float64) int { return 0 }

const useTanhVec = false

func tanh4([]float32, []float32) {}
