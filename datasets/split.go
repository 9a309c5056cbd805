package datasets

import (
	"fmt"
	"math"
)

// Rand is a small deterministic generator (splitmix64). Unlike math/rand it
// is specified here, so a seed gives the same sequence on every Go release.
type Rand struct{ state uint64 }

// NewRand returns a generator seeded with seed.
func NewRand(seed int64) *Rand { return &Rand{state: uint64(seed)} }

// Uint64 returns the next 64 random bits.
func (r *Rand) Uint64() uint64 {
	r.state += 0x9e3779b97f4a7c15
	z := r.state
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// Intn returns a uniform integer in [0, n); it panics if n <= 0, like
// math/rand.
func (r *Rand) Intn(n int) int {
	if n <= 0 {
		panic("datasets: Intn with n <= 0")
	}
	// Rejection sampling removes the modulo bias.
	max := math.MaxUint64 - math.MaxUint64%uint64(n)
	for {
		v := r.Uint64()
		if v < max {
			return int(v % uint64(n))
		}
	}
}

// Float64 returns a uniform float64 in [0, 1).
func (r *Rand) Float64() float64 { return float64(r.Uint64()>>11) / (1 << 53) }

// Shuffle permutes n items through swap (Fisher–Yates).
func (r *Rand) Shuffle(n int, swap func(i, j int)) {
	for i := n - 1; i > 0; i-- {
		swap(i, r.Intn(i+1))
	}
}

// Perm returns a seeded permutation of 0..n-1.
func Perm(n int, seed int64) []int {
	p := make([]int, n)
	for i := range p {
		p[i] = i
	}
	NewRand(seed).Shuffle(n, func(i, j int) { p[i], p[j] = p[j], p[i] })
	return p
}

// Split shuffles the indices 0..n-1 with seed and cuts them into
// len(fractions) parts of sizes proportional to fractions (which must be
// non-negative and sum to at most 1, within rounding; the last part takes
// the rounding remainder when they sum to 1). Each part keeps the shuffled
// order. The same (n, seed, fractions) always gives the same parts.
func Split(n int, seed int64, fractions ...float64) ([][]int, error) {
	if n < 0 {
		return nil, fmt.Errorf("datasets: split of %d items", n)
	}
	total := 0.0
	for _, f := range fractions {
		if f < 0 || math.IsNaN(f) {
			return nil, fmt.Errorf("datasets: split fraction %v", f)
		}
		total += f
	}
	if total > 1+1e-9 {
		return nil, fmt.Errorf("datasets: split fractions sum to %v > 1", total)
	}
	p := Perm(n, seed)
	parts := make([][]int, len(fractions))
	start, cum := 0, 0.0
	for i, f := range fractions {
		cum += f
		end := int(math.Round(cum * float64(n)))
		if i == len(fractions)-1 && math.Abs(total-1) < 1e-9 {
			end = n
		}
		if end > n {
			end = n
		}
		if end < start {
			end = start
		}
		parts[i] = p[start:end:end]
		start = end
	}
	return parts, nil
}
