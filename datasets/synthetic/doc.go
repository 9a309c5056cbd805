// Package synthetic generates the long-range tasks on which the vanishing
// and exploding gradient problems of recurrent networks show: the adding
// problem and the copy-memory task. Batches are made from a seeded
// datasets.Rand, so a seed gives the same data on every platform and Go
// release, and are laid out time-major (step t of example b at index
// t*B+b, times the feature width), as a recurrent graph consumes them.
//
// The adding problem (Hochreiter and Schmidhuber 1997, in the form of Le,
// Jaitly and Hinton 2015): each step carries a value drawn uniformly from
// [0, 1) and a marker; exactly two steps are marked, one in each half of
// the sequence, and the target is the sum of their values. Always
// answering 1 scores a mean squared error of 1/6 ≈ 0.167 (AddingBaselineMSE).
//
// The copy-memory task (Arjovsky, Shah and Bengio 2016): S symbols from an
// alphabet of K, then T blanks, then a delimiter, then S-1 more blanks; the
// target is blank everywhere except the last S steps, which must repeat
// the S symbols. Guessing without memory scores a cross-entropy of
// S·ln(K)/(T+2S) per step (CopyBaselineLoss).
package synthetic
