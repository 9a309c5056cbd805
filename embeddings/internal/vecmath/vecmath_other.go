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
