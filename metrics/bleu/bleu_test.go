package bleu

import (
	"errors"
	"math"
	"strings"
	"testing"
)

func TestTokenize13a(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"Hello, world!", "Hello , world !"},
		{"It costs $3.50, isn't it?", "It costs $ 3.50 , isn't it ?"},
		{"pages 1-2 and 3,000 people.", "pages 1 - 2 and 3,000 people ."},
		{"¿Dónde está?", "¿Dónde está ?"},
		{"a.b", "a . b"},
		{"&amp;lt;x&gt;", "< x >"},
		{`He said: "no" (twice)...`, `He said : " no " ( twice ) . . .`},
		{"e-mail me@x.org/path_1~{a|b}", "e-mail me @ x . org / path _ 1 ~ { a | b }"},
		{"You’re 2.5-times faster.", "You’re 2.5 - times faster ."},
		{"  ", ""},
	} {
		if got := strings.Join(Tokenize13a(c.in), " "); got != c.want {
			t.Errorf("Tokenize13a(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func toks(s string) []string { return strings.Fields(s) }

func near(a, b float64) bool { return math.Abs(a-b) <= 1e-9*math.Max(1, math.Abs(b)) }

// One sentence worked by hand: "the cat sat on the mat" against "the cat
// is on the mat" has clipped matches 5/6, 3/5, 1/4 and 0/3 ("the" is
// matched twice, as often as the reference has it).
func TestHandWorkedSentence(t *testing.T) {
	hyp := [][]string{toks("the cat sat on the mat")}
	ref := [][][]string{{toks("the cat is on the mat")}}
	r, err := CorpusTokens(hyp, ref, None)
	if err != nil {
		t.Fatal(err)
	}
	if r.Matches != [4]int{5, 3, 1, 0} || r.Totals != [4]int{6, 5, 4, 3} {
		t.Fatalf("matches %v / totals %v", r.Matches, r.Totals)
	}
	if r.Score != 0 || r.BP != 1 {
		t.Fatalf("no 4-gram match: Papineni BLEU must be 0, got %v (BP %v)", r.Score, r.BP)
	}
	// sacrebleu's exp smoothing: p4 = 1/(2·3); (5/6·3/5·1/4·1/6)^(1/4) = (1/48)^(1/4).
	r, _ = CorpusTokens(hyp, ref, Exp)
	if want := 100 * math.Pow(1.0/48, 0.25); !near(r.Score, want) {
		t.Fatalf("exp-smoothed BLEU %v, want %v", r.Score, want)
	}
}

// Clipping: Papineni's example, seven "the" against a reference with two.
func TestClipping(t *testing.T) {
	r, _ := CorpusTokens([][]string{toks("the the the the the the the")},
		[][][]string{{toks("the cat is on the mat"), toks("there is a cat on the mat")}}, None)
	if r.Matches[0] != 2 || r.Totals[0] != 7 {
		t.Fatalf("unigram matches %d/%d, want 2/7", r.Matches[0], r.Totals[0])
	}
	// The closest reference length to 7 is 7 (the second), so no penalty.
	if r.RefLen != 7 || r.BP != 1 {
		t.Fatalf("ref len %d, BP %v", r.RefLen, r.BP)
	}
}

// Two sentences: corpus counts are summed before the precisions are
// taken. The first sentence alone scores 0 (no 4-gram match), the second
// has 6/6, 4/5, 3/4, 2/3 and is one token shorter than its reference, so
// the corpus has 11/12, 7/10, 4/8, 2/6, c = 12, r = 13:
// BLEU = exp(1 − 13/12) · (11/12 · 7/10 · 1/2 · 1/3)^(1/4) = 52.61...
func TestHandWorkedCorpus(t *testing.T) {
	hyps := []string{"the cat sat on the mat", "a dog runs in the park"}
	refs := []string{"the cat is on the mat", "a dog runs in the big park"}
	r, err := Corpus(hyps, [][]string{refs}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if r.Matches != [4]int{11, 7, 4, 2} || r.Totals != [4]int{12, 10, 8, 6} || r.HypLen != 12 || r.RefLen != 13 {
		t.Fatalf("got %+v", r)
	}
	want := 100 * math.Exp(1-13.0/12) * math.Pow(77.0/720, 0.25)
	if !near(r.Score, want) || math.Abs(r.Score-52.614) > 0.001 {
		t.Fatalf("BLEU %v, want %v", r.Score, want)
	}
	if !near(r.BP, math.Exp(-1.0/12)) {
		t.Fatalf("BP %v", r.BP)
	}
	// Smoothing changes nothing when every order has a match.
	s, _ := Corpus(hyps, [][]string{refs}, Options{Smooth: Exp})
	if s.Score != r.Score {
		t.Fatalf("exp smoothing changed %v to %v", r.Score, s.Score)
	}
	// 13a tokenisation: punctuation becomes tokens of its own.
	p, _ := Corpus([]string{"Yes, it is."}, [][]string{{"Yes, it is."}}, Options{})
	if p.Score != 100 || p.HypLen != 5 {
		t.Fatalf("identical sentence: %v", p)
	}
	// Case matters unless Lowercase.
	c, _ := Corpus([]string{"yes, it is."}, [][]string{{"Yes, it is."}}, Options{})
	l, _ := Corpus([]string{"yes, it is."}, [][]string{{"Yes, it is."}}, Options{Lowercase: true})
	if c.Score >= 100 || l.Score != 100 {
		t.Fatalf("cased %v, lowercased %v", c.Score, l.Score)
	}
}

// Brevity: the effective reference length is the closest one, the shorter
// on a tie; a long hypothesis is not penalised; an empty one scores 0.
func TestBrevity(t *testing.T) {
	refs := [][]string{toks("a b c d e"), toks("a b c d e f g")}
	if got := closestLength(6, refs); got != 5 {
		t.Fatalf("tie: closest length %d, want 5", got)
	}
	if got := closestLength(7, refs); got != 7 {
		t.Fatalf("closest length %d, want 7", got)
	}
	if b := brevity(3, 6); !near(b, math.Exp(-1)) {
		t.Fatalf("BP(3, 6) = %v", b)
	}
	if brevity(8, 6) != 1 || brevity(0, 6) != 0 {
		t.Fatal("BP for long or empty hypotheses")
	}
	r, err := Corpus([]string{""}, [][]string{{"something"}}, Options{Smooth: Exp})
	if err != nil || r.Score != 0 {
		t.Fatalf("empty hypothesis: %v, %v", r.Score, err)
	}
}

func TestErrors(t *testing.T) {
	if _, err := Corpus([]string{"a"}, [][]string{{"a", "b"}}, Options{}); !errors.Is(err, ErrLength) {
		t.Fatalf("length mismatch: %v", err)
	}
	if _, err := Corpus([]string{"a"}, nil, Options{}); err == nil {
		t.Fatal("no references: no error")
	}
	if _, err := CorpusTokens([][]string{{"a"}}, [][][]string{{}}, None); err == nil {
		t.Fatal("a hypothesis without references: no error")
	}
	if _, err := ChrF([]string{"a", "b"}, [][]string{{"a"}}); err == nil {
		t.Fatal("chrF length mismatch: no error")
	}
}

// chrF against the values sacrebleu prints for these sentences (quoted in
// the chrF metric card of the Hugging Face datasets library).
func TestChrF(t *testing.T) {
	got, err := ChrF([]string{"The relationship between Obama and Netanyahu is not exactly friendly."},
		[][]string{{"The ties between Obama and Netanyahu are not particularly friendly."}})
	if err != nil || math.Abs(got-61.576379378113785) > 1e-9 {
		t.Fatalf("chrF %v (%v), want 61.576379378113785", got, err)
	}
	got, _ = ChrF([]string{"The relationship between cats and dogs is not exactly friendly.",
		"a good bookshop is just a genteel black hole that knows how to read."},
		[][]string{{"The relationship between dogs and cats is not exactly friendly.",
			"A good bookshop is just a genteel Black Hole that knows how to read."}})
	if math.Abs(got-84.64214891738334) > 1e-9 {
		t.Fatalf("chrF %v, want 84.64214891738334", got)
	}
	// Whitespace does not count; identical text scores 100.
	if s, _ := ChrF([]string{"ab  c"}, [][]string{{"a bc"}}); s != 100 {
		t.Fatalf("chrF ignoring spaces: %v", s)
	}
}
