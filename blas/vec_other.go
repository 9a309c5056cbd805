//go:build !amd64 || purego

package blas

// vecBody is how many leading elements the vector routines handle.
func vecBody(int) int { return 0 }

func sigmoidVec(dst, src []float32) {}

func tanhVec(dst, src []float32) {}

func add8(dst, src []float32) {}

func mul8(dst, a, b []float32) {}

func tanhBackward8(dst, dh, y []float32) {}

func lstmCell8(c, f, cprev, i, g []float32) {}

func lstmBackward8(n, h int, dp, a, tc, cp, dc, dh *float32) {}

func adam8(w, g, m, v []float32, c *AdamCoef32) {}
