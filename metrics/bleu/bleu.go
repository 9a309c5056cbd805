package bleu

import (
	"errors"
	"fmt"
	"math"
	"regexp"
	"strings"
)

// MaxOrder is the largest n-gram order of BLEU-4.
const MaxOrder = 4

// Smoothing says what replaces a zero corpus n-gram match count.
type Smoothing int

const (
	// None is Papineni et al.'s definition: a zero precision gives BLEU 0.
	None Smoothing = iota
	// Exp is sacrebleu's default: the k-th order with no match gets the
	// precision 1/(2^k·total).
	Exp
)

// Result is a corpus BLEU score with its parts.
type Result struct {
	Score      float64           // 0–100
	Precisions [MaxOrder]float64 // corpus n-gram precisions, 0–100
	Matches    [MaxOrder]int     // clipped matches per order
	Totals     [MaxOrder]int     // hypothesis n-grams per order
	BP         float64           // brevity penalty
	HypLen     int               // c: hypothesis tokens
	RefLen     int               // r: effective reference tokens
	Sentences  int               // number of hypotheses scored
}

// Ratio is the hypothesis-to-reference length ratio c/r.
func (r Result) Ratio() float64 {
	if r.RefLen == 0 {
		return 0
	}
	return float64(r.HypLen) / float64(r.RefLen)
}

// String formats the result like sacrebleu's summary line.
func (r Result) String() string {
	return fmt.Sprintf("BLEU = %.2f %.1f/%.1f/%.1f/%.1f (BP = %.3f ratio = %.3f hyp_len = %d ref_len = %d)",
		r.Score, r.Precisions[0], r.Precisions[1], r.Precisions[2], r.Precisions[3], r.BP, r.Ratio(), r.HypLen, r.RefLen)
}

// Options changes how Corpus scores.
type Options struct {
	Smooth Smoothing
	// Lowercase scores case-insensitively (sacrebleu -lc).
	Lowercase bool
}

// ErrLength is returned when the hypotheses and a reference set differ in
// length.
var ErrLength = errors.New("bleu: hypotheses and references differ in number")

// Corpus scores detokenised hypotheses against one or more reference sets
// (refs[k][i] is the k-th reference of hypothesis i), tokenising both with
// Tokenize13a.
func Corpus(hyps []string, refs [][]string, opt Options) (Result, error) {
	if len(refs) == 0 {
		return Result{}, errors.New("bleu: no references")
	}
	for _, set := range refs {
		if len(set) != len(hyps) {
			return Result{}, fmt.Errorf("%w: %d hypotheses, %d references", ErrLength, len(hyps), len(set))
		}
	}
	tok := func(s string) []string {
		if opt.Lowercase {
			s = strings.ToLower(s)
		}
		return Tokenize13a(s)
	}
	th := make([][]string, len(hyps))
	tr := make([][][]string, len(hyps))
	for i, h := range hyps {
		th[i] = tok(h)
		for _, set := range refs {
			tr[i] = append(tr[i], tok(set[i]))
		}
	}
	return CorpusTokens(th, tr, opt.Smooth)
}

// CorpusTokens scores tokenised hypotheses against their tokenised
// references (refs[i] holds the references of hyps[i]).
func CorpusTokens(hyps [][]string, refs [][][]string, smooth Smoothing) (Result, error) {
	if len(hyps) != len(refs) {
		return Result{}, fmt.Errorf("%w: %d hypotheses, %d reference lists", ErrLength, len(hyps), len(refs))
	}
	var r Result
	r.Sentences = len(hyps)
	for i, h := range hyps {
		if len(refs[i]) == 0 {
			return Result{}, fmt.Errorf("bleu: hypothesis %d has no reference", i)
		}
		r.HypLen += len(h)
		r.RefLen += closestLength(len(h), refs[i])
		for n := 1; n <= MaxOrder; n++ {
			hc := ngrams(h, n)
			maxRef := map[string]int{}
			for _, ref := range refs[i] {
				for g, c := range ngrams(ref, n) {
					maxRef[g] = max(maxRef[g], c)
				}
			}
			for g, c := range hc {
				r.Matches[n-1] += min(c, maxRef[g])
			}
			r.Totals[n-1] += max(len(h)-n+1, 0)
		}
	}
	r.Score, r.Precisions = score(r.Matches, r.Totals, smooth)
	r.BP = brevity(r.HypLen, r.RefLen)
	r.Score *= r.BP
	return r, nil
}

// closestLength is the length of the reference closest to c, the shorter
// one on a tie.
func closestLength(c int, refs [][]string) int {
	best := len(refs[0])
	for _, ref := range refs[1:] {
		d, bd := abs(len(ref)-c), abs(best-c)
		if d < bd || (d == bd && len(ref) < best) {
			best = len(ref)
		}
	}
	return best
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// ngrams counts the n-grams of toks (joined by a separator no token holds).
func ngrams(toks []string, n int) map[string]int {
	out := map[string]int{}
	for i := 0; i+n <= len(toks); i++ {
		out[strings.Join(toks[i:i+n], "\x00")]++
	}
	return out
}

// score returns the geometric mean of the precisions (0–100, before the
// brevity penalty) and the precisions.
func score(matches, totals [MaxOrder]int, smooth Smoothing) (float64, [MaxOrder]float64) {
	var prec [MaxOrder]float64
	logSum := 0.0
	k := 1.0
	zero := false
	for n := 0; n < MaxOrder; n++ {
		switch {
		case totals[n] == 0:
			zero = true
		case matches[n] == 0:
			if smooth == Exp {
				k *= 2
				prec[n] = 100 / (k * float64(totals[n]))
			} else {
				zero = true
			}
		default:
			prec[n] = 100 * float64(matches[n]) / float64(totals[n])
		}
		if prec[n] > 0 {
			logSum += math.Log(prec[n] / 100)
		}
	}
	if zero {
		return 0, prec
	}
	return 100 * math.Exp(logSum/MaxOrder), prec
}

// brevity is the brevity penalty for hypothesis length c and reference
// length r.
func brevity(c, r int) float64 {
	if c == 0 {
		return 0
	}
	if c >= r {
		return 1
	}
	return math.Exp(1 - float64(r)/float64(c))
}

// The rules of mteval-v13a.pl's tokeniser, in order.
var tok13a = []struct {
	re   *regexp.Regexp
	repl string
}{
	// Symbols and most ASCII punctuation: { | } ~ [ \ ] ^ _ ` space ! " # $
	// % & ( ) * + : ; < = > ? @ /
	{regexp.MustCompile("([{-~\\[-` -&(-+:-@/])"), " $1 "},
	// Period and comma, unless preceded by a digit.
	{regexp.MustCompile(`([^0-9])([.,])`), "$1 $2 "},
	// Period and comma, unless followed by a digit.
	{regexp.MustCompile(`([.,])([^0-9])`), " $1 $2"},
	// A dash after a digit.
	{regexp.MustCompile(`([0-9])(-)`), "$1 $2 "},
}

// Tokenize13a splits a detokenised sentence into tokens as sacrebleu's
// default "13a" tokeniser does: it separates ASCII punctuation and symbols
// (except the apostrophe and the hyphen), periods and commas that are not
// between digits, and dashes after digits. Letters of any script, and
// non-ASCII punctuation such as ’ « ¿, are left attached.
func Tokenize13a(s string) []string {
	s = strings.ReplaceAll(s, "<skipped>", "")
	s = strings.ReplaceAll(s, "-\n", "")
	s = strings.ReplaceAll(s, "\n", " ")
	if strings.Contains(s, "&") {
		// One after the other, as sacrebleu does ("&amp;lt;" becomes "<").
		s = strings.ReplaceAll(s, "&quot;", "\"")
		s = strings.ReplaceAll(s, "&amp;", "&")
		s = strings.ReplaceAll(s, "&lt;", "<")
		s = strings.ReplaceAll(s, "&gt;", ">")
	}
	s = " " + s + " "
	for _, r := range tok13a {
		s = r.re.ReplaceAllString(s, r.repl)
	}
	return strings.Fields(s)
}
