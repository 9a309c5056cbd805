package synthetic

import (
	"fmt"
	"math"
	"reflect"
	"testing"

	"github.com/rnnzoo/rnnzoo/datasets"
)

func TestAdding(t *testing.T) {
	a, err := AddingBatch(datasets.NewRand(1), 64, 50)
	if err != nil {
		t.Fatal(err)
	}
	var mse float64
	for b := 0; b < a.B; b++ {
		markers, sum := 0, float32(0)
		for s := 0; s < a.T; s++ {
			v, m := a.X[(s*a.B+b)*2], a.X[(s*a.B+b)*2+1]
			if v < 0 || v >= 1 {
				t.Fatalf("value %v", v)
			}
			if m == 1 {
				markers++
				sum += v
			}
		}
		if markers != 2 || sum != a.Y[b] || a.Marked[b][0] >= 25 || a.Marked[b][1] < 25 {
			t.Fatalf("example %d: %d markers at %v, sum %v, target %v", b, markers, a.Marked[b], sum, a.Y[b])
		}
		mse += float64((a.Y[b] - 1) * (a.Y[b] - 1))
	}
	if mse /= float64(a.B); math.Abs(mse-AddingBaselineMSE) > 0.08 {
		t.Fatalf("answering 1 scores %v, want about %v", mse, AddingBaselineMSE)
	}
	again, _ := AddingBatch(datasets.NewRand(1), 64, 50)
	if !reflect.DeepEqual(a, again) {
		t.Fatal("same seed, different batch")
	}
	if _, err := AddingBatch(datasets.NewRand(1), 1, 1); err == nil {
		t.Fatal("T=1 accepted")
	}
	if a2, _ := AddingBatch(datasets.NewRand(2), 3, 2); a2.Marked[0] != [2]int{0, 1} {
		t.Fatalf("T=2 markers %v", a2.Marked[0])
	}
}

func TestCopy(t *testing.T) {
	c, err := CopyBatch(datasets.NewRand(3), 5, 20, 10, 8)
	if err != nil {
		t.Fatal(err)
	}
	if c.Steps != 40 {
		t.Fatalf("steps %d", c.Steps)
	}
	for b := 0; b < c.B; b++ {
		for s := 0; s < c.Steps; s++ {
			x, y := c.X[s*c.B+b], c.Y[s*c.B+b]
			switch {
			case s < 10:
				if x < 1 || x > 8 || y != CopyBlank || c.Y[(30+s)*c.B+b] != x {
					t.Fatalf("example %d step %d: x %d", b, s, x)
				}
			case s == 30:
				if x != CopyDelimiter(8) {
					t.Fatalf("delimiter at %d is %d", s, x)
				}
			default:
				if x != CopyBlank {
					t.Fatalf("step %d input %d", s, x)
				}
				if s < 30 && y != CopyBlank {
					t.Fatalf("step %d target %d", s, y)
				}
			}
		}
	}
	right, total := c.Recalled(c.Y)
	if right != 50 || total != 50 {
		t.Fatalf("%d/%d", right, total)
	}
	if right, _ := c.Recalled(make([]int, len(c.Y))); right != 0 {
		t.Fatal("blanks recalled symbols")
	}
	if _, err := CopyBatch(datasets.NewRand(1), 1, 5, 0, 8); err == nil {
		t.Fatal("S=0 accepted")
	}
}

func ExampleCopyBatch() {
	c, _ := CopyBatch(datasets.NewRand(7), 1, 3, 4, 8)
	fmt.Println(c.X)
	fmt.Println(c.Y)
	fmt.Printf("%.3f\n", CopyBaselineLoss(100, 10, 8))
	// Output:
	// [8 5 3 4 0 0 0 9 0 0 0]
	// [0 0 0 0 0 0 0 8 5 3 4]
	// 0.173
}
