//go:build !amd64 || purego

package vecmath

const useAsm = false

func dotAsm(a, b []float32) float32         { return dotGeneric(a, b) }
func axpyAsm(alpha float32, x, y []float32) { axpyGeneric(alpha, x, y) }
func updateAsm(g float32, l1, l2, e []float32) {
	updateGeneric(g, l1, l2, e)
}

// Prefetch asks the CPU to bring x into cache ahead of use (a no-op here).
func Prefetch(x []float32) {}

func dot4Asm(n int, x, r0, r1, r2, r3 *float32) (s0, s1, s2, s3 float32) {
	panic("vecmath: no assembly kernels here")
}

func axpy4Asm(n int, y *float32, g0, g1, g2, g3 float32, r0, r1, r2, r3 *float32) {
	panic("vecmath: no assembly kernels here")
}
