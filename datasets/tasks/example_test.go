package tasks_test

import (
	"fmt"
	"math/rand/v2"

	"github.com/rnnzoo/rnnzoo/datasets/tasks"
)

// One example of the adding problem: the target is the sum of the two
// marked values, one in each half of the sequence.
func ExampleNewAdding() {
	ex, err := tasks.NewAdding(rand.New(rand.NewPCG(1, 1)), 10)
	if err != nil {
		panic(err)
	}
	sum := ex.X[ex.Marks[0]][0] + ex.X[ex.Marks[1]][0]
	fmt.Println(len(ex.X), ex.Marks[0] < 5, ex.Marks[1] >= 5, sum == ex.Y)
	// Output: 10 true true true
}

// The copy task with 3 symbols from 4, remembered over 5 steps: the input
// and the target it must produce.
func ExampleCopy_New() {
	c := tasks.Copy{T: 5, K: 3, A: 4}
	in, out, err := c.New(rand.New(rand.NewPCG(2, 2)))
	if err != nil {
		panic(err)
	}
	fmt.Println(c.Len(), len(in), len(out))
	from, to := c.RecallSteps()
	fmt.Println(fmt.Sprint(in[:3]) == fmt.Sprint(out[from:to]), c.BaselineLoss() > 0)
	// Output:
	// 11 11 11
	// true true
}
