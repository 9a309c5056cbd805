//go:build unix

package blas

import "syscall"

// processCPU returns the user+system CPU seconds used by this process. The
// benchmarks report GFLOP/s over CPU time beside GFLOP/s over wall time:
// on a shared, loaded machine the first is far steadier (it does not count
// the time the process waits for a core).
func processCPU() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	tv := func(t syscall.Timeval) float64 { return float64(t.Sec) + float64(t.Usec)/1e6 }
	return tv(ru.Utime) + tv(ru.Stime)
}
