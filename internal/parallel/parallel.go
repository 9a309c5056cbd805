package parallel

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"sync"
)

// Panic is what For raises when one of its ranges panicked: the value
// given to panic and the stack of the goroutine that panicked.
type Panic struct {
	Value any
	Stack []byte
}

// Error gives the value only (a server may show it to a client); the
// stack is in p.Stack.
func (p *Panic) Error() string { return fmt.Sprintf("%v (in a parallel range)", p.Value) }

// MinWork is the least work (iterations times the caller's cost of one)
// that For splits: below it a goroutine hand-off costs more than it saves.
const MinWork = 1 << 16

// For calls f(lo, hi) over contiguous ranges that cover [0, n) once,
// running them on up to GOMAXPROCS goroutines (the caller's among them)
// when n·cost ≥ MinWork, else f(0, n) on the calling goroutine. cost is the
// work of one iteration in any unit where an elementwise operation counts 1
// (a row of v values costs v). It returns when every range is done; a
// panic in any range is raised again on the caller's goroutine after all
// ranges have stopped (so that a caller that recovers, as a server does,
// finds no worker still writing).
func For(n, cost int, f func(lo, hi int)) {
	t := Workers(n, cost)
	if t <= 1 {
		if n > 0 {
			f(0, n)
		}
		return
	}
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		panicked any
	)
	run := func(lo, hi int) {
		defer func() {
			if r := recover(); r != nil {
				mu.Lock()
				if panicked == nil {
					panicked = &Panic{Value: r, Stack: debug.Stack()}
				}
				mu.Unlock()
			}
		}()
		f(lo, hi)
	}
	for i := 1; i < t; i++ {
		wg.Add(1)
		go func(lo, hi int) {
			defer wg.Done()
			run(lo, hi)
		}(i*n/t, (i+1)*n/t)
	}
	run(0, n/t)
	wg.Wait()
	if panicked != nil {
		panic(panicked)
	}
}

// Workers is how many ranges For splits n iterations of the given cost
// into: 1 below MinWork, else at most GOMAXPROCS and at most one per
// MinWork of work.
func Workers(n, cost int) int {
	if n < 2 {
		return 1
	}
	work := n * max(cost, 1)
	if work < MinWork {
		return 1
	}
	return max(1, min(runtime.GOMAXPROCS(0), n, work/MinWork))
}
