//go:build amd64 && !purego

package vecmath

var useAsm = hasAVX2FMA()

func hasAVX2FMA() bool {
	maxID, _, _, _ := cpuid(0, 0)
	if maxID < 7 {
		return false
	}
	_, _, ecx1, _ := cpuid(1, 0)
	const fma, osxsave, avx = 1 << 12, 1 << 27, 1 << 28
	if ecx1&fma == 0 || ecx1&osxsave == 0 || ecx1&avx == 0 {
		return false
	}
	if xcr0, _ := xgetbv(); xcr0&6 != 6 { // XMM and YMM state enabled by the OS
		return false
	}
	_, ebx7, _, _ := cpuid(7, 0)
	return ebx7&(1<<5) != 0 // AVX2
}

func cpuid(eaxArg, ecxArg uint32) (eax, ebx, ecx, edx uint32)
func xgetbv() (eax, edx uint32)

//go:noescape
func dotAsm(a, b []float32) float32

//go:noescape
func axpyAsm(alpha float32, x, y []float32)

//go:noescape
func updateAsm(s float32, l1, l2, e []float32)

//go:noescape
func prefetchAsm(p *float32, n int)

// Prefetch asks the CPU to bring x into cache ahead of use.
func Prefetch(x []float32) {
	if len(x) > 0 {
		prefetchAsm(&x[0], 4*len(x))
	}
}

//go:noescape
func dot4Asm(n int, x, r0, r1, r2, r3 *float32) (s0, s1, s2, s3 float32)

//go:noescape
func axpy4Asm(n int, y *float32, g0, g1, g2, g3 float32, r0, r1, r2, r3 *float32)
