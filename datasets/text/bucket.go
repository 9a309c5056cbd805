package text

import (
	"fmt"
	"sort"

	"github.com/rnnzoo/rnnzoo/datasets"
)

// BucketOptions says how Bucket groups examples.
type BucketOptions struct {
	// BatchSize is the number of examples per batch (> 0).
	BatchSize int
	// Bounds are ascending padded lengths: an example of length L goes to
	// the first bound >= L, and examples longer than the last bound go to
	// the last bucket (the caller truncates them). Without bounds, batches
	// are cut from the examples sorted by length and each batch's MaxLen is
	// its longest example.
	Bounds []int
	// Seed fixes the shuffles: the order within buckets, and the batch order.
	Seed int64
	// DropLast drops each bucket's last, incomplete batch, so that every
	// batch has exactly BatchSize examples.
	DropLast bool
}

// Batch is a group of example indices and the length to pad them to.
type Batch struct {
	Indices []int
	MaxLen  int
}

// Bucket groups the indices of examples (lengths[i] is the length of
// example i) into batches of similar length, in a seeded random order.
// The same lengths and options always give the same batches.
func Bucket(lengths []int, opt BucketOptions) ([]Batch, error) {
	if opt.BatchSize <= 0 {
		return nil, fmt.Errorf("text: bucket: batch size %d", opt.BatchSize)
	}
	for i := 1; i < len(opt.Bounds); i++ {
		if opt.Bounds[i] <= opt.Bounds[i-1] {
			return nil, fmt.Errorf("text: bucket: bounds %v are not ascending", opt.Bounds)
		}
	}
	rng := datasets.NewRand(opt.Seed)
	order := make([]int, len(lengths))
	for i := range order {
		order[i] = i
	}
	rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
	var batches []Batch
	cut := func(idx []int, maxLen func([]int) int) {
		for s := 0; s < len(idx); s += opt.BatchSize {
			e := min(s+opt.BatchSize, len(idx))
			if opt.DropLast && e-s < opt.BatchSize {
				break
			}
			b := append([]int(nil), idx[s:e]...)
			batches = append(batches, Batch{Indices: b, MaxLen: maxLen(b)})
		}
	}
	if len(opt.Bounds) == 0 {
		// Stable sort of the shuffled order: equal lengths stay shuffled.
		sort.SliceStable(order, func(a, b int) bool { return lengths[order[a]] < lengths[order[b]] })
		cut(order, func(b []int) int {
			m := 0
			for _, i := range b {
				m = max(m, lengths[i])
			}
			return m
		})
	} else {
		buckets := make([][]int, len(opt.Bounds))
		for _, i := range order {
			k := sort.SearchInts(opt.Bounds, lengths[i])
			if k == len(opt.Bounds) {
				k--
			}
			buckets[k] = append(buckets[k], i)
		}
		for k, idx := range buckets {
			bound := opt.Bounds[k]
			cut(idx, func([]int) int { return bound })
		}
	}
	rng.Shuffle(len(batches), func(i, j int) { batches[i], batches[j] = batches[j], batches[i] })
	return batches, nil
}

// PadBatch lays out sequences padded (with PadID) or truncated to T steps.
// Time-major puts step t of sequence b at t*B+b, batch-major at b*T+t. mask
// is 1 where a real token is and 0 on padding; lengths are the kept lengths.
func PadBatch(seqs [][]int, T int, timeMajor bool) (ids []int, mask []float32, lengths []int) {
	B := len(seqs)
	ids = make([]int, B*T)
	mask = make([]float32, B*T)
	lengths = make([]int, B)
	for b, s := range seqs {
		n := min(len(s), T)
		lengths[b] = n
		for t := 0; t < n; t++ {
			k := b*T + t
			if timeMajor {
				k = t*B + b
			}
			ids[k] = s[t]
			mask[k] = 1
		}
	}
	return ids, mask, lengths
}
