package bleu

import (
	"fmt"
	"strings"
)

// ChrFOrder and ChrFBeta are sacrebleu's chrF defaults.
const (
	ChrFOrder = 6
	ChrFBeta  = 2
)

// chrfStats holds, per character n-gram order, the hypothesis n-grams,
// the reference n-grams and the matches.
type chrfStats [ChrFOrder][3]int

// ChrF returns the corpus chrF score (0–100) of hypotheses against one or
// more reference sets (refs[k][i] is the k-th reference of hypothesis i).
func ChrF(hyps []string, refs [][]string) (float64, error) {
	if len(refs) == 0 {
		return 0, fmt.Errorf("chrf: no references")
	}
	for _, set := range refs {
		if len(set) != len(hyps) {
			return 0, fmt.Errorf("%w: %d hypotheses, %d references", ErrLength, len(hyps), len(set))
		}
	}
	var total chrfStats
	for i, h := range hyps {
		hg := charNgrams(h)
		var best chrfStats
		bestScore := -1.0
		for _, set := range refs {
			st := chrfSentence(hg, charNgrams(set[i]))
			if s := st.fscore(); s > bestScore {
				best, bestScore = st, s
			}
		}
		for n := range total {
			for k := range total[n] {
				total[n][k] += best[n][k]
			}
		}
	}
	return total.fscore(), nil
}

// charNgrams counts the character n-grams of s without whitespace, for
// each order.
func charNgrams(s string) [ChrFOrder]map[string]int {
	rs := []rune(strings.Join(strings.Fields(s), ""))
	var out [ChrFOrder]map[string]int
	for n := 1; n <= ChrFOrder; n++ {
		m := map[string]int{}
		for i := 0; i+n <= len(rs); i++ {
			m[string(rs[i:i+n])]++
		}
		out[n-1] = m
	}
	return out
}

func chrfSentence(hyp, ref [ChrFOrder]map[string]int) chrfStats {
	var st chrfStats
	for n := range st {
		for _, c := range hyp[n] {
			st[n][0] += c
		}
		for g, c := range ref[n] {
			st[n][1] += c
			st[n][2] += min(c, hyp[n][g])
		}
	}
	return st
}

// fscore averages precision and recall over the orders that have both
// hypothesis and reference n-grams, then takes F_β (0–100).
func (st chrfStats) fscore() float64 {
	var p, r float64
	eff := 0
	for _, s := range st {
		if s[0] > 0 && s[1] > 0 {
			p += float64(s[2]) / float64(s[0])
			r += float64(s[2]) / float64(s[1])
			eff++
		}
	}
	if eff == 0 {
		return 0
	}
	p /= float64(eff)
	r /= float64(eff)
	if p+r == 0 {
		return 0
	}
	b2 := float64(ChrFBeta * ChrFBeta)
	return 100 * (1 + b2) * p * r / (b2*p + r)
}
