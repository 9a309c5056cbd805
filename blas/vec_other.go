//go:build !amd64 || purego

package blas

// vecBody is how many leading elements the vector routines handle.
func vecBody(int) int { return 0 }

func sigmoidVec(dst, src []float32) {}

func tanhVec(dst, src []float32) {}
