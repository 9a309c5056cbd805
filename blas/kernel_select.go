package blas

// simdKernels lists the assembly micro-kernels this CPU can run, best first.
func simdKernels() []kernel { return archKernels() }

func init() {
	if ks := simdKernels(); len(ks) > 0 {
		active = ks[0]
	}
}
