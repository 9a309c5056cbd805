package cli

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/metrics"
	"runtime/pprof"
	"sync"
	"time"

	"github.com/rnnzoo/rnnzoo/internal/atomicfile"
)

// Profiling through the environment, for every program and command:
//
//	RNNZOO_CPUPROFILE=cpu.pprof  a CPU profile of the whole run
//	RNNZOO_MEMPROFILE=mem.pprof  the heap profile taken when the live heap
//	                             (what the last collection found reachable)
//	                             was largest, looked at every 50 ms:
//	                             inuse_space is what was reachable then
//	                             (as the runtime publishes heap profiles:
//	                             one or two collections behind), and
//	                             alloc_space every allocation until then
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
	var peak *heapPeak
	if mem != "" {
		peak = watchHeap(50 * time.Millisecond)
	}
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
		prof := peak.stop()
		err := atomicfile.Write(mem, func(w io.Writer) error {
			_, err := w.Write(prof)
			return err
		})
		if err != nil {
			fmt.Fprintf(stderr, "%s: %v\n", MemProfileEnv, err)
		}
	}
}

// heapPeak keeps the heap profile of the largest live heap seen.
type heapPeak struct {
	mu   sync.Mutex
	max  uint64
	prof []byte
	done chan struct{}
	wg   sync.WaitGroup
}

const liveHeapMetric = "/gc/heap/live:bytes"

func liveHeap() uint64 {
	s := []metrics.Sample{{Name: liveHeapMetric}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return s[0].Value.Uint64()
}

// watchHeap looks at the live heap every period and takes a profile when it
// has grown by 2% over the largest seen.
func watchHeap(period time.Duration) *heapPeak {
	h := &heapPeak{done: make(chan struct{})}
	h.wg.Add(1)
	go func() {
		defer h.wg.Done()
		t := time.NewTicker(period)
		defer t.Stop()
		for {
			select {
			case <-h.done:
				return
			case <-t.C:
				h.look(false)
			}
		}
	}()
	return h
}

func (h *heapPeak) look(force bool) {
	live := liveHeap()
	h.mu.Lock()
	defer h.mu.Unlock()
	if !force && h.prof != nil && float64(live) <= 1.02*float64(h.max) {
		return
	}
	var b bytes.Buffer
	if err := pprof.Lookup("heap").WriteTo(&b, 0); err == nil {
		h.max, h.prof = max(h.max, live), b.Bytes()
	}
}

// stop ends the watch and returns the peak's profile (taken now, after a
// collection, if the run was too short for one).
func (h *heapPeak) stop() []byte {
	close(h.done)
	h.wg.Wait()
	runtime.GC()
	h.look(h.prof == nil)
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.prof
}
