package bleu

import (
	"bytes"
	"encoding/json"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
)

// The interpreter with Debian's python3-nltk (the python3 on PATH may be
// another one).
const python = "/usr/bin/python3"

const nltkScript = `
import json, sys
from nltk.translate.bleu_score import corpus_bleu
for d in json.load(sys.stdin):
    print(repr(corpus_bleu(d["refs"], d["hyps"])))
`

// CorpusTokens agrees with NLTK's corpus_bleu (no smoothing, uniform
// weights) on the same tokens, to 1e-12: a seeded corpus of noisy copies of random
// references, some with a second reference. The test skips, saying why,
// when python3-nltk is missing (apt-get install -y python3-nltk).
func TestCrossCheckNLTK(t *testing.T) {
	if _, err := os.Stat(python); err != nil {
		t.Skipf("skipping the NLTK cross-check: %s not found", python)
	}
	if err := exec.Command(python, "-c", "import nltk.translate.bleu_score").Run(); err != nil {
		t.Skipf("skipping the NLTK cross-check: python3-nltk is not installed (apt-get install -y python3-nltk): %v", err)
	}
	words := strings.Fields("the a cat dog sat on mat is was in park big small , . ! he she it they run ran")
	type corpus struct {
		Hyps [][]string   `json:"hyps"`
		Refs [][][]string `json:"refs"`
	}
	var corpora []corpus
	for trial := 0; trial < 3; trial++ {
		rng := rand.New(rand.NewPCG(uint64(trial), 7))
		sentence := func(n int) []string {
			s := make([]string, n)
			for i := range s {
				s[i] = words[rng.IntN(len(words))]
			}
			return s
		}
		var hyps [][]string
		var refs [][][]string
		for i := 0; i < 40; i++ {
			ref := sentence(3 + rng.IntN(15))
			var hyp []string
			for _, w := range ref {
				switch r := rng.Float64(); {
				case r < 0.1: // drop
				case r < 0.2:
					hyp = append(hyp, words[rng.IntN(len(words))])
				case r < 0.25:
					hyp = append(hyp, w, words[rng.IntN(len(words))])
				default:
					hyp = append(hyp, w)
				}
			}
			// NLTK counts a hypothesis shorter than n as one n-gram
			// (its denominator is max(1, count)), where Papineni and
			// sacrebleu count none: keep hypotheses of 4 tokens or more,
			// where the two definitions agree.
			for len(hyp) < MaxOrder {
				hyp = append(hyp, words[rng.IntN(len(words))])
			}
			rs := [][]string{ref}
			if rng.IntN(3) == 0 {
				rs = append(rs, sentence(3+rng.IntN(15)))
			}
			hyps = append(hyps, hyp)
			refs = append(refs, rs)
		}
		corpora = append(corpora, corpus{hyps, refs})
	}
	in, _ := json.Marshal(corpora)
	cmd := exec.Command(python, "-c", nltkScript)
	cmd.Stdin = bytes.NewReader(in)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("nltk: %v\n%s", err, stderr.String())
	}
	lines := strings.Fields(string(out))
	if len(lines) != len(corpora) {
		t.Fatalf("nltk printed %q", out)
	}
	for trial, c := range corpora {
		ours, err := CorpusTokens(c.Hyps, c.Refs, None)
		if err != nil {
			t.Fatal(err)
		}
		theirs, err := strconv.ParseFloat(lines[trial], 64)
		if err != nil {
			t.Fatalf("nltk printed %q", out)
		}
		if ours.Score == 0 || math.Abs(ours.Score/100-theirs) > 1e-12 {
			t.Fatalf("trial %d: ours %.15f, NLTK %.15f (%v)", trial, ours.Score/100, theirs, ours)
		}
		t.Logf("trial %d: BLEU %.6f, NLTK %.6f", trial, ours.Score, 100*theirs)
	}
}
