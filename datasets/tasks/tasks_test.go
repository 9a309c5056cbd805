package tasks

import (
	"math"
	"math/rand/v2"
	"reflect"
	"testing"
)

func TestAdding(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, T := range []int{2, 3, 10, 201} {
		for i := 0; i < 200; i++ {
			a, err := NewAdding(rng, T)
			if err != nil {
				t.Fatal(err)
			}
			if len(a.X) != T {
				t.Fatalf("T=%d: %d steps", T, len(a.X))
			}
			var marks []int
			var sum float64
			for s, x := range a.X {
				if len(x) != 2 || x[0] < 0 || x[0] >= 1 {
					t.Fatalf("T=%d step %d: features %v", T, s, x)
				}
				switch x[1] {
				case 1:
					marks = append(marks, s)
					sum += x[0]
				case 0:
				default:
					t.Fatalf("marker %v", x[1])
				}
			}
			if len(marks) != 2 || marks[0] >= T/2 || marks[1] < T/2 {
				t.Fatalf("T=%d: marks at %v, want one in [0,%d) and one in [%d,%d)", T, marks, T/2, T/2, T)
			}
			if marks[0] != a.Marks[0] || marks[1] != a.Marks[1] || sum != a.Y {
				t.Fatalf("T=%d: example says marks %v sum %v, features give %v %v", T, a.Marks, a.Y, marks, sum)
			}
		}
	}
	if _, err := NewAdding(rng, 1); err == nil {
		t.Fatal("T=1 accepted")
	}
}

// The mean squared error of always answering 1 is about 1/6.
func TestAddingBaseline(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	_, y, err := AddingBatch(rng, 20000, 50)
	if err != nil {
		t.Fatal(err)
	}
	var mse float64
	for _, v := range y {
		mse += (v[0] - 1) * (v[0] - 1)
	}
	mse /= float64(len(y))
	if math.Abs(mse-AddingBaselineMSE) > 0.01 {
		t.Fatalf("baseline MSE %v, want about %v", mse, AddingBaselineMSE)
	}
}

func TestCopy(t *testing.T) {
	c := Copy{T: 5, K: 3, A: 4}
	rng := rand.New(rand.NewPCG(5, 6))
	in, out, err := c.Batch(rng, 100)
	if err != nil {
		t.Fatal(err)
	}
	from, to := c.RecallSteps()
	if c.Len() != 11 || from != 8 || to != 11 || c.Vocab() != 6 || c.Delim() != 5 {
		t.Fatalf("Len %d recall [%d,%d) vocab %d delim %d", c.Len(), from, to, c.Vocab(), c.Delim())
	}
	for i := range in {
		// Symbols, T−1 blanks, delimiter, K blanks.
		for s := 0; s < c.K; s++ {
			if in[i][s] < 1 || in[i][s] > c.A {
				t.Fatalf("input %v: step %d not a symbol", in[i], s)
			}
		}
		want := append([]int(nil), in[i][:c.K]...)
		want = append(want, 0, 0, 0, 0, c.Delim(), 0, 0, 0)
		if !reflect.DeepEqual(in[i], want) {
			t.Fatalf("input %v, want %v", in[i], want)
		}
		wantOut := append(make([]int, c.T+c.K), in[i][:c.K]...)
		if !reflect.DeepEqual(out[i], wantOut) {
			t.Fatalf("target %v, want %v", out[i], wantOut)
		}
	}
	x := c.OneHot(in[:1])
	for s, v := range x[0] {
		if len(v) != c.Vocab() || v[in[0][s]] != 1 {
			t.Fatalf("one-hot step %d: %v for id %d", s, v, in[0][s])
		}
	}
	if b := c.BaselineLoss(); math.Abs(b-3*math.Log(4)/11) > 1e-15 {
		t.Fatalf("baseline %v", b)
	}
	if _, _, err := (Copy{T: 0, K: 1, A: 2}).New(rng); err == nil {
		t.Fatal("T=0 accepted")
	}
}

// A seed gives the same data.
func TestRepeatable(t *testing.T) {
	x1, y1, _ := AddingBatch(rand.New(rand.NewPCG(7, 8)), 5, 20)
	x2, y2, _ := AddingBatch(rand.New(rand.NewPCG(7, 8)), 5, 20)
	c := Copy{T: 20, K: 10, A: 8}
	a1, _, _ := c.Batch(rand.New(rand.NewPCG(7, 8)), 5)
	a2, _, _ := c.Batch(rand.New(rand.NewPCG(7, 8)), 5)
	if !reflect.DeepEqual(x1, x2) || !reflect.DeepEqual(y1, y2) || !reflect.DeepEqual(a1, a2) {
		t.Fatal("same seed, different data")
	}
}
