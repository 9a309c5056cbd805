package lm

import (
	"fmt"
	"math"
)

// NGram is a character n-gram model smoothed by interpolated Witten–Bell
// estimation: with h a context of k characters, h′ its last k−1, C counts
// and N₁₊(h•) the number of distinct characters seen after h,
//
//	P(c | h) = (C(h c) + N₁₊(h•)·P(c | h′)) / (C(h) + N₁₊(h•))
//
// down to the uniform distribution over the vocabulary below the unigram.
// Contexts never seen fall back to the longest seen suffix.
type NGram struct {
	N, V  int
	grams map[uint64]int32    // C(g) for every n-gram g of 1…N characters
	ctx   map[uint64][2]int32 // C(h) as a context, N₁₊(h•)
}

// key packs a sequence of at most 7 ids below 256 with its length.
func key(ids []int) uint64 {
	k := uint64(len(ids)) << 56
	for i, id := range ids {
		k |= uint64(id) << (8 * i)
	}
	return k
}

// NewNGram counts the n-grams of order up to n (1 ≤ n ≤ 7) in ids, whose
// values are below v ≤ 256.
func NewNGram(ids []int, n, v int) (*NGram, error) {
	if n < 1 || n > 7 {
		return nil, fmt.Errorf("charlm: n-gram order must be 1…7, got %d", n)
	}
	if v > 256 {
		return nil, fmt.Errorf("charlm: the n-gram model takes at most 256 symbols, got %d", v)
	}
	m := &NGram{N: n, V: v, grams: map[uint64]int32{}, ctx: map[uint64][2]int32{}}
	for i := range ids {
		if ids[i] >= v || ids[i] < 0 {
			return nil, fmt.Errorf("charlm: id %d outside the vocabulary of %d", ids[i], v)
		}
		for k := 0; k < n && k <= i; k++ {
			g := key(ids[i-k : i+1])
			h := key(ids[i-k : i])
			c := m.ctx[h]
			if m.grams[g] == 0 {
				c[1]++
			}
			c[0]++
			m.ctx[h] = c
			m.grams[g]++
		}
	}
	return m, nil
}

// Prob returns P(ids[i] | the up to N−1 characters before it).
func (m *NGram) Prob(ids []int, i int) float64 {
	p := 1 / float64(m.V)
	for k := 0; k < m.N && k <= i; k++ {
		c, ok := m.ctx[key(ids[i-k:i])]
		if !ok {
			break
		}
		p = (float64(m.grams[key(ids[i-k:i+1])]) + float64(c[1])*p) / float64(c[0]+c[1])
	}
	return p
}

// BitsPerChar is the mean of −log₂ P over every character of ids (each
// conditioned on the characters of ids before it).
func (m *NGram) BitsPerChar(ids []int) float64 {
	var s float64
	for i := range ids {
		s -= math.Log2(m.Prob(ids, i))
	}
	return s / float64(len(ids))
}
