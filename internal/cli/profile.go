package cli

import (
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/pprof"
)

// Profiling through the environment, for every program and command:
//
//	RNNZOO_CPUPROFILE=cpu.pprof  a CPU profile of the whole run
//	RNNZOO_MEMPROFILE=mem.pprof  the heap profile at the end of the run,
//	                             after a garbage collection: inuse_space is
//	                             what is still reachable, alloc_space every
//	                             allocation of the run
//
// Read them with `go tool pprof -top BINARY FILE`.
const (
	CPUProfileEnv = "RNNZOO_CPUPROFILE"
	MemProfileEnv = "RNNZOO_MEMPROFILE"
)

// startProfiles starts what the environment asks for and returns the
// function that finishes the profiles and writes them. Failures are said on
// stderr; they never stop the program.
func startProfiles(stderr io.Writer) (finish func()) {
	var cpu *os.File
	if path := os.Getenv(CPUProfileEnv); path != "" {
		f, err := os.Create(path)
		if err == nil {
			err = pprof.StartCPUProfile(f)
			if err != nil {
				f.Close()
			}
		}
		if err != nil {
			fmt.Fprintf(stderr, "%s: %v\n", CPUProfileEnv, err)
		} else {
			cpu = f
		}
	}
	mem := os.Getenv(MemProfileEnv)
	return func() {
		if cpu != nil {
			pprof.StopCPUProfile()
			if err := cpu.Close(); err != nil {
				fmt.Fprintf(stderr, "%s: %v\n", CPUProfileEnv, err)
			}
		}
		if mem == "" {
			return
		}
		runtime.GC()
		f, err := os.Create(mem)
		if err == nil {
			err = pprof.Lookup("heap").WriteTo(f, 0)
			if cerr := f.Close(); err == nil {
				err = cerr
			}
		}
		if err != nil {
			fmt.Fprintf(stderr, "%s: %v\n", MemProfileEnv, err)
		}
	}
}
