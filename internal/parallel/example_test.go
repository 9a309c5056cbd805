package parallel_test

import (
	"fmt"

	"github.com/rnnzoo/rnnzoo/internal/parallel"
)

// Squares of a million numbers, split over the threads; each range writes
// only its own elements, so the result does not depend on the split.
func ExampleFor() {
	x := make([]float64, 1_000_000)
	parallel.For(len(x), 1, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			x[i] = float64(i) * float64(i)
		}
	})
	fmt.Println(x[3], x[999_999])
	// Output: 9 9.99998000001e+11
}
