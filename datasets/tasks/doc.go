// Package tasks generates the synthetic long-range tasks on which recurrent
// networks are tested for vanishing and exploding gradients.
//
// The adding problem (Hochreiter & Schmidhuber 1997, in the form of Le et
// al. 2015): each of T steps carries two features, a value drawn from
// U(0,1) and a marker; exactly two steps are marked, one in the first half
// of the sequence and one in the second, and the target is the sum of the
// two marked values. Always answering 1 scores a mean squared error of
// Var(u₁+u₂) = 1/6 ≈ 0.167.
//
// The copy-memory task (Hochreiter & Schmidhuber 1997, in the form of
// Arjovsky et al. 2016): K symbols drawn from an alphabet of A, then T−1
// blanks, a delimiter, and K more blanks; the target is blank everywhere
// except the last K steps, which must repeat the K symbols. The sequence
// has T+2K steps and the symbols must be remembered for T+K of them.
// Guessing blanks and then random symbols scores a cross-entropy of
// K·ln A / (T+2K) per step.
//
// Every generator draws from the *rand.Rand it is given, so a seed gives
// the same data.
package tasks
