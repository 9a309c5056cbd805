// Package bleu scores machine translation output against references:
// corpus BLEU (Papineni et al. 2002) and chrF (Popović 2015), computed the
// way sacrebleu computes them by default, so that scores can be compared
// with published ones.
//
// # BLEU
//
// Corpus BLEU-4 sums, over all sentences, the clipped n-gram matches
// (each hypothesis n-gram counts at most as often as it occurs in the
// reference, or in the reference where it occurs most often when there are
// several) and the hypothesis n-gram totals for n = 1..4; the score is the
// geometric mean of the four corpus precisions times the brevity penalty
// BP = exp(1 − r/c) when the hypothesis length c is below the reference
// length r (per sentence the reference closest in length, the shorter on a
// tie), else 1. Scores are on sacrebleu's 0–100 scale.
//
// Corpus counts are not an average of sentence scores: one sentence without
// a 4-gram match does not zero the corpus score. When a whole corpus has no
// match of some order, Papineni's definition gives 0 (Smooth: None); with
// Smooth: Exp a zero count is replaced as sacrebleu's default "exp"
// smoothing does (1/(2^k·total) for the k-th such order). For any corpus
// with at least one match of every order the two agree.
//
// Corpus takes detokenised strings and applies Tokenize13a, the "13a"
// tokenisation of mteval-v13a.pl that sacrebleu uses by default;
// CorpusTokens takes token lists as they are (for cross-checks against
// other implementations on the same tokens).
//
// # chrF
//
// ChrF is the character n-gram F-score of sacrebleu's default: character
// n-grams of orders 1..6 with whitespace removed, statistics summed over
// the corpus, precision and recall averaged over the orders present, and
// F_β with β = 2. With several references each sentence uses the one that
// gives it the best score.
package bleu
