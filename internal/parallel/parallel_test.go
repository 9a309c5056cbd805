package parallel

import (
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
)

// TestForCoversOnce checks that every index is visited exactly once, at
// sizes below, at and above the split, and with more workers than indices.
func TestForCoversOnce(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(4))
	for _, c := range []struct{ n, cost int }{{0, 1}, {1, 1 << 20}, {3, 1 << 20}, {100, 1}, {1000, MinWork}, {100003, 1}, {7, MinWork}, {5, MinWork}, {9, MinWork}} {
		seen := make([]int32, c.n)
		var calls atomic.Int32
		For(c.n, c.cost, func(lo, hi int) {
			calls.Add(1)
			if lo >= hi {
				t.Errorf("n=%d: empty range [%d,%d)", c.n, lo, hi)
			}
			for i := lo; i < hi; i++ {
				atomic.AddInt32(&seen[i], 1)
			}
		})
		for i, s := range seen {
			if s != 1 {
				t.Fatalf("n=%d cost=%d: index %d visited %d times", c.n, c.cost, i, s)
			}
		}
		if w := Workers(c.n, c.cost); c.n > 0 && int(calls.Load()) != w {
			t.Errorf("n=%d cost=%d: %d ranges, Workers says %d", c.n, c.cost, calls.Load(), w)
		}
	}
}

func TestWorkers(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(2))
	for _, c := range []struct{ n, cost, want int }{
		{0, 1, 1}, {1, 1 << 30, 1}, {MinWork - 1, 1, 1}, {MinWork, 1, 1}, {2 * MinWork, 1, 2}, {64, 5000, 2}, {2, MinWork, 2},
	} {
		if got := Workers(c.n, c.cost); got != c.want {
			t.Errorf("Workers(%d, %d) = %d, want %d", c.n, c.cost, got, c.want)
		}
	}
	runtime.GOMAXPROCS(1)
	if got := Workers(1<<20, 1<<10); got != 1 {
		t.Errorf("GOMAXPROCS 1: Workers = %d, want 1", got)
	}
}

// A panic in a worker's range reaches the caller, after every range ended.
func TestForPanics(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(4))
	var done atomic.Int32
	func() {
		defer func() {
			p, ok := recover().(*Panic)
			if !ok || p.Value != "range 2" || !strings.Contains(string(p.Stack), "parallel_test.go") {
				t.Fatalf("recovered %#v, want the worker's panic and its stack", p)
			}
		}()
		For(4, MinWork, func(lo, hi int) {
			defer done.Add(1)
			if lo == 2 {
				panic("range 2")
			}
		})
	}()
	if done.Load() != 4 {
		t.Fatalf("%d of 4 ranges had ended when the panic reached the caller", done.Load())
	}
}
