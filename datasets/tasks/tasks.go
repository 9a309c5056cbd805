package tasks

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// Adding is one example of the adding problem: X[t] = [value, marker] and
// the target Y = the sum of the two marked values.
type Adding struct {
	X [][]float64
	Y float64
	// Marks are the two marked steps (first half, second half).
	Marks [2]int
}

// NewAdding draws one adding-problem example of T steps (T ≥ 2).
func NewAdding(rng *rand.Rand, T int) (Adding, error) {
	if T < 2 {
		return Adding{}, fmt.Errorf("tasks: the adding problem needs at least 2 steps, got %d", T)
	}
	half := T / 2
	a := Adding{X: make([][]float64, T)}
	for t := range a.X {
		a.X[t] = []float64{rng.Float64(), 0}
	}
	a.Marks = [2]int{rng.IntN(half), half + rng.IntN(T-half)}
	for _, m := range a.Marks {
		a.X[m][1] = 1
		a.Y += a.X[m][0]
	}
	return a, nil
}

// AddingBatch draws n adding-problem examples of T steps: the inputs and
// the targets, as graph.SeqInput.SetFeatures and
// graph.ClassifierGraph.SetTargets take them.
func AddingBatch(rng *rand.Rand, n, T int) (x [][][]float64, y [][]float64, err error) {
	x = make([][][]float64, n)
	y = make([][]float64, n)
	for i := range x {
		a, err := NewAdding(rng, T)
		if err != nil {
			return nil, nil, err
		}
		x[i], y[i] = a.X, []float64{a.Y}
	}
	return x, y, nil
}

// AddingBaselineMSE is the mean squared error of always answering 1, the
// mean of the target: the variance of the sum of two U(0,1) values.
const AddingBaselineMSE = 1.0 / 6

// Copy describes the copy-memory task: K symbols from an alphabet of A,
// remembered over a delay of T steps.
type Copy struct {
	T int // delay: blanks between the last symbol and the delimiter, plus one
	K int // symbols to remember (10 in Arjovsky et al.)
	A int // alphabet size (8 in Arjovsky et al.)
}

// Token ids of the copy task: Blank is 0, the symbols are 1…A, and the
// delimiter is A+1.
const Blank = 0

// Delim is the delimiter's token id.
func (c Copy) Delim() int { return c.A + 1 }

// Vocab is the number of token ids: blank, A symbols and the delimiter.
func (c Copy) Vocab() int { return c.A + 2 }

// Len is the length of a sequence, T+2K.
func (c Copy) Len() int { return c.T + 2*c.K }

// Validate reports an unusable configuration.
func (c Copy) Validate() error {
	if c.T < 1 || c.K < 1 || c.A < 2 {
		return fmt.Errorf("tasks: copy task needs T ≥ 1, K ≥ 1 and A ≥ 2, got T=%d K=%d A=%d", c.T, c.K, c.A)
	}
	return nil
}

// New draws one example: the input and target token ids, each of Len steps.
func (c Copy) New(rng *rand.Rand) (in, out []int, err error) {
	if err := c.Validate(); err != nil {
		return nil, nil, err
	}
	n := c.Len()
	in, out = make([]int, n), make([]int, n)
	for i := 0; i < c.K; i++ {
		s := 1 + rng.IntN(c.A)
		in[i] = s
		out[n-c.K+i] = s
	}
	in[c.K+c.T-1] = c.Delim()
	return in, out, nil
}

// Batch draws n examples.
func (c Copy) Batch(rng *rand.Rand, n int) (in, out [][]int, err error) {
	in, out = make([][]int, n), make([][]int, n)
	for i := range in {
		if in[i], out[i], err = c.New(rng); err != nil {
			return nil, nil, err
		}
	}
	return in, out, nil
}

// OneHot turns token sequences into one-hot feature vectors of size
// Vocab, as graph.SeqInput.SetFeatures takes them.
func (c Copy) OneHot(seqs [][]int) [][][]float64 {
	x := make([][][]float64, len(seqs))
	for i, s := range seqs {
		x[i] = make([][]float64, len(s))
		for t, id := range s {
			v := make([]float64, c.Vocab())
			v[id] = 1
			x[i][t] = v
		}
	}
	return x
}

// RecallSteps is the range [from, Len) of the steps whose targets are the
// remembered symbols.
func (c Copy) RecallSteps() (from, to int) { return c.Len() - c.K, c.Len() }

// BaselineLoss is the per-step cross-entropy (nats) of the memoryless
// strategy: blanks where blanks are due, a uniform guess over the A
// symbols in the last K steps.
func (c Copy) BaselineLoss() float64 {
	return float64(c.K) * math.Log(float64(c.A)) / float64(c.Len())
}
