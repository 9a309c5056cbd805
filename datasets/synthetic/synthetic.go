package synthetic

import (
	"fmt"
	"math"

	"github.com/rnnzoo/rnnzoo/datasets"
)

// AddingFeatures is the width of one adding-problem step: value, marker.
const AddingFeatures = 2

// AddingBaselineMSE is the mean squared error of always answering 1: the
// variance of the sum of two uniform values.
const AddingBaselineMSE = 1.0 / 6

// Adding is a batch of the adding problem.
type Adding struct {
	B, T int
	// X is time-major: X[(t*B+b)*2] is the value and X[(t*B+b)*2+1] the
	// marker (0 or 1) of step t of example b.
	X []float32
	// Y[b] is the sum of the two marked values of example b.
	Y []float32
	// Marked[b] gives the two marked steps of example b.
	Marked [][2]int
}

// AddingBatch draws B sequences of T >= 2 steps.
func AddingBatch(rng *datasets.Rand, B, T int) (*Adding, error) {
	if B <= 0 || T < 2 {
		return nil, fmt.Errorf("synthetic: adding batch of %d sequences of %d steps (want B > 0, T >= 2)", B, T)
	}
	a := &Adding{B: B, T: T, X: make([]float32, T*B*AddingFeatures), Y: make([]float32, B), Marked: make([][2]int, B)}
	half := T / 2
	for b := 0; b < B; b++ {
		for t := 0; t < T; t++ {
			a.X[(t*B+b)*AddingFeatures] = float32(rng.Float64())
		}
		i := rng.Intn(half)
		j := half + rng.Intn(T-half)
		a.Marked[b] = [2]int{i, j}
		for _, t := range a.Marked[b] {
			a.X[(t*B+b)*AddingFeatures+1] = 1
			a.Y[b] += a.X[(t*B+b)*AddingFeatures]
		}
	}
	return a, nil
}

// The copy-memory symbols: Blank is 0, the alphabet is 1..K, and the
// delimiter is K+1; a one-hot input is K+2 wide.
const CopyBlank = 0

// CopyDelimiter returns the delimiter symbol for an alphabet of k symbols.
func CopyDelimiter(k int) int { return k + 1 }

// CopyBaselineLoss is the per-step cross-entropy of a model without
// memory that predicts blanks perfectly and the S symbols uniformly.
func CopyBaselineLoss(T, S, K int) float64 {
	return float64(S) * math.Log(float64(K)) / float64(T+2*S)
}

// Copy is a batch of the copy-memory task.
type Copy struct {
	B, Steps int // Steps = T + 2S
	T, S, K  int
	// X and Y are time-major symbols: X[t*B+b] is the input and Y[t*B+b]
	// the target of step t of example b.
	X, Y []int
}

// CopyBatch draws B copy-memory sequences: S symbols from an alphabet of K,
// a gap of T blanks, the delimiter, S-1 blanks (Steps = T+2S in all).
func CopyBatch(rng *datasets.Rand, B, T, S, K int) (*Copy, error) {
	if B <= 0 || T < 0 || S <= 0 || K < 1 {
		return nil, fmt.Errorf("synthetic: copy batch B=%d T=%d S=%d K=%d (want B, S, K > 0, T >= 0)", B, T, S, K)
	}
	steps := T + 2*S
	c := &Copy{B: B, Steps: steps, T: T, S: S, K: K, X: make([]int, steps*B), Y: make([]int, steps*B)}
	for b := 0; b < B; b++ {
		for s := 0; s < S; s++ {
			sym := 1 + rng.Intn(K)
			c.X[s*B+b] = sym
			c.Y[(T+S+s)*B+b] = sym
		}
		c.X[(S+T)*B+b] = CopyDelimiter(K)
	}
	return c, nil
}

// Recalled counts the targets of the last S steps that pred (time-major,
// like Y) gets right, and how many there are.
func (c *Copy) Recalled(pred []int) (right, total int) {
	for t := c.T + c.S; t < c.Steps; t++ {
		for b := 0; b < c.B; b++ {
			k := t*c.B + b
			if k < len(pred) && pred[k] == c.Y[k] {
				right++
			}
			total++
		}
	}
	return right, total
}
