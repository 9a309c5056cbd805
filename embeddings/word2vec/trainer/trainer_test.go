package trainer

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/iotest"
)

func TestKeepProbabilityHandComputed(t *testing.T) {
	cases := []struct {
		count, total int64
		sample, want float64
	}{
		{100000, 1000000, 1e-4, (math.Sqrt(1000) + 1) * 100 / 100000}, // 0.0326227766
		{400, 1000000, 1e-4, 0.75},                                    // (sqrt(4)+1)*100/400
		{1000, 1000000, 1e-3, 1},                                      // 2, capped
		{5, 1000000, 1e-4, 1},
		{10, 1000, 0, 1}, // off
	}
	for _, c := range cases {
		if got := KeepProbability(c.count, c.total, c.sample); math.Abs(got-c.want) > 1e-12 {
			t.Errorf("KeepProbability(%d, %d, %g) = %v, want %v", c.count, c.total, c.sample, got, c.want)
		}
	}
	if got := KeepProbability(100000, 1000000, 1e-4); math.Abs(got-0.0326227766) > 1e-9 {
		t.Errorf("got %v", got)
	}
}

func TestHuffmanKnownVocabulary(t *testing.T) {
	// Counts 5 3 2 1 1, traced by hand through the C tool's CreateBinaryTree.
	h := newHuffman([]int64{5, 3, 2, 1, 1})
	wantCodes := []string{"0", "10", "111", "1101", "1100"}
	wantPoints := [][]int32{{3}, {3, 2}, {3, 2, 1}, {3, 2, 1, 0}, {3, 2, 1, 0}}
	for i := range wantCodes {
		var b strings.Builder
		for _, c := range h.codes[i] {
			b.WriteByte('0' + c)
		}
		if b.String() != wantCodes[i] {
			t.Errorf("word %d code %s, want %s", i, b.String(), wantCodes[i])
		}
		if fmt.Sprint(h.points[i]) != fmt.Sprint(wantPoints[i]) {
			t.Errorf("word %d points %v, want %v", i, h.points[i], wantPoints[i])
		}
	}
}

func TestAliasTableFrequencies(t *testing.T) {
	counts := []int64{1, 16, 81, 0, 256} // ^0.75: 1 8 27 0 64 -> /100
	a := newAliasTable(counts, 0.75)
	r := newRNG(7)
	hits := make([]int, len(counts))
	const n = 400000
	for i := 0; i < n; i++ {
		hits[a.draw(&r)]++
	}
	for i, w := range []float64{0.01, 0.08, 0.27, 0, 0.64} {
		if got := float64(hits[i]) / n; math.Abs(got-w) > 0.005 {
			t.Errorf("word %d drawn %.4f of the time, want %.2f", i, got, w)
		}
	}
}

func tokens(t *testing.T, r io.Reader) []string {
	var out []string
	if err := tokenize(r, func(b []byte) { out = append(out, string(b)) }); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestTokenizeLikeTheCTool(t *testing.T) {
	in := "the  cat\tsat\r\non\n\nmat " + strings.Repeat("x", 150)
	want := "the cat sat </s> on </s> </s> mat " + strings.Repeat("x", 99)
	for _, r := range []io.Reader{strings.NewReader(in), iotest.OneByteReader(strings.NewReader(in))} {
		if got := strings.Join(tokens(t, r), " "); got != want {
			t.Fatalf("got %q\nwant %q", got, want)
		}
	}
}

func TestFilesGzipAndSeveral(t *testing.T) {
	dir := t.TempDir()
	p1 := filepath.Join(dir, "a.txt")
	os.WriteFile(p1, []byte("one two"), 0o644) // no final newline
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	zw.Write([]byte("three four\n"))
	zw.Close()
	p2 := filepath.Join(dir, "b.gz")
	os.WriteFile(p2, b.Bytes(), 0o644)
	rc, err := Files(p1, p2)()
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	if got := strings.Join(tokens(t, rc), " "); got != "one two </s> three four </s>" {
		t.Fatalf("got %q", got)
	}
	if _, err := Files(filepath.Join(dir, "missing"))(); err != nil {
		t.Fatal("opening is lazy; the error comes on read")
	}
	rc2, _ := Files(filepath.Join(dir, "missing"))()
	if _, err := io.ReadAll(rc2); err == nil || !strings.Contains(err.Error(), "missing") {
		t.Fatalf("err = %v", err)
	}
}

func stringSource(s string) Source {
	return func() (io.ReadCloser, error) { return io.NopCloser(strings.NewReader(s)), nil }
}

func TestVocabMinCountMaxVocab(t *testing.T) {
	src := stringSource("a a a b b c\na b d d d d\n")
	v, err := BuildVocab(src, 2, 0)
	if err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(v.Words, v.Counts); got != "[</s> a d b] [2 4 4 3]" {
		t.Fatalf("vocab %s", got)
	}
	if v.TrainWords != 13 || v.CorpusWords != 14 {
		t.Fatalf("train %d corpus %d", v.TrainWords, v.CorpusWords)
	}
	v2, _ := BuildVocab(src, 1, 3)
	if got := fmt.Sprint(v2.Words); got != "[</s> a d]" {
		t.Fatalf("capped vocab %s", got)
	}
}

// synthetic returns a corpus of two topics whose words co-occur only
// within their topic.
func synthetic(lines int) string {
	r := newRNG(42)
	var b strings.Builder
	for i := 0; i < lines; i++ {
		topic := "a"
		if i%2 == 1 {
			topic = "b"
		}
		for j := 0; j < 20; j++ {
			fmt.Fprintf(&b, "%s%d ", topic, r.intn(10))
		}
		b.WriteString("\n")
	}
	return b.String()
}

func TestReproducibleSameSeedSameVectors(t *testing.T) {
	src := stringSource(synthetic(400))
	for _, mode := range []struct{ cbow, hs, shared bool }{{false, false, false}, {false, false, true}, {false, true, false}, {true, false, false}, {true, true, false}} {
		cbow, hs := mode.cbow, mode.hs
		cfg := Config{Dim: 16, Iter: 2, MinCount: 1, CBOW: cbow, HS: hs, Seed: 3, Reproducible: true, Threads: 4, Pairwise: !mode.shared}
		r1, err := Train(src, cfg)
		if err != nil {
			t.Fatal(err)
		}
		r2, _ := Train(src, cfg)
		for i := range r1.Vectors.Data {
			if r1.Vectors.Data[i] != r2.Vectors.Data[i] {
				t.Fatalf("cbow=%v hs=%v: value %d differs: %v vs %v", cbow, hs, i, r1.Vectors.Data[i], r2.Vectors.Data[i])
			}
		}
		cfg.Seed = 4
		r3, _ := Train(src, cfg)
		same := true
		for i := range r1.Vectors.Data {
			same = same && r1.Vectors.Data[i] == r3.Vectors.Data[i]
		}
		if same {
			t.Fatalf("cbow=%v hs=%v: another seed gave the same vectors", cbow, hs)
		}
	}
}

func TestLearnsTopics(t *testing.T) {
	src := stringSource(synthetic(1000))
	for _, c := range []Config{
		{Dim: 20, Iter: 3, MinCount: 1, Threads: 2, Sample: -1},                 // Skip-gram NS, Hogwild, shared negatives
		{Dim: 20, Iter: 3, MinCount: 1, Threads: 2, Sample: -1, Pairwise: true}, // the same pair by pair
		{Dim: 20, Iter: 3, MinCount: 1, Threads: 2, CBOW: true, Sample: -1},     // CBOW NS
		{Dim: 20, Iter: 3, MinCount: 1, Threads: 1, HS: true, Negative: -1},     // Skip-gram HS
		{Dim: 20, Iter: 3, MinCount: 1, Threads: 1, HS: true, Negative: -1, CBOW: true},
	} {
		res, err := Train(src, c)
		if err != nil {
			t.Fatal(err)
		}
		nn, err := res.Vectors.Nearest("a3", 5)
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range nn {
			if n.Word[0] != 'a' {
				t.Errorf("cbow=%v hs=%v: neighbours of a3 = %v", c.CBOW, c.HS, nn)
				break
			}
		}
	}
}

func TestConfigErrors(t *testing.T) {
	src := stringSource("a b c\n")
	if _, err := Train(src, Config{Negative: -1}); err == nil || !strings.Contains(err.Error(), "neither") {
		t.Fatalf("err = %v", err)
	}
	if _, err := Train(src, Config{MinCount: 5}); err == nil || !strings.Contains(err.Error(), "vocabulary has 0 words") {
		t.Fatalf("err = %v", err)
	}
}

func TestSimplify(t *testing.T) {
	b, _ := io.ReadAll(Simplify(strings.NewReader("Hello, World! It's 1790—Ünïcode.\nNext")))
	if got := string(b); got != "hello  world  it s 1790 ünïcode \nnext" {
		t.Fatalf("got %q", got)
	}
}

func BenchmarkTrain(b *testing.B) {
	src := stringSource(synthetic(2000))
	for _, name := range []string{"skipgram", "cbow"} {
		b.Run(name, func(b *testing.B) {
			voc, _ := BuildVocab(src, 1, 0)
			var words int64
			for b.Loop() {
				res, err := TrainVocab(src, voc, Config{Iter: 1, MinCount: 1, Threads: 1, CBOW: name == "cbow", Sample: -1})
				if err != nil {
					b.Fatal(err)
				}
				words += res.Stats.CorpusWords
			}
			b.ReportMetric(float64(words)/b.Elapsed().Seconds(), "words/s")
		})
	}
}

func TestBuildVocabChunksMatchSequentialCount(t *testing.T) {
	// Several 1 MiB chunks, with ties in count, against a plain count.
	var b strings.Builder
	r := newRNG(5)
	for b.Len() < 3<<20 {
		fmt.Fprintf(&b, "w%d", r.intn(5000))
		if r.intn(30) == 0 {
			b.WriteByte('\n')
		} else {
			b.WriteByte(' ')
		}
	}
	text := b.String()
	counts := map[string]int64{}
	var order []string
	var n int64
	tokenize(strings.NewReader(text), func(tok []byte) {
		n++
		w := string(tok)
		if _, ok := counts[w]; !ok && w != SentenceEnd {
			order = append(order, w)
		}
		counts[w]++
	})
	words := []string{SentenceEnd}
	cs := []int64{counts[SentenceEnd]}
	for _, w := range order {
		words = append(words, w)
		cs = append(cs, counts[w])
	}
	want := newVocab(words, cs, n, 3, 0)
	got, err := BuildVocab(stringSource(text), 3, 0)
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(got.Words) != fmt.Sprint(want.Words) || fmt.Sprint(got.Counts) != fmt.Sprint(want.Counts) || got.CorpusWords != want.CorpusWords {
		t.Fatalf("chunked count differs from the sequential one (%d vs %d words)", got.Len(), want.Len())
	}
}

// FuzzCorpus: any bytes as a corpus give a vocabulary whose counts add up
// to the tokens read, and training on it gives finite vectors or an error,
// never a panic. (minCount 1 keeps every word.)
func FuzzCorpus(f *testing.F) {
	f.Add([]byte("the cat sat on the mat\nthe dog sat\n"))
	f.Add([]byte("\x00\xff \t\r\n\n\n" + strings.Repeat("x", 2000)))
	f.Add([]byte(""))
	f.Add([]byte("a a a a"))
	f.Fuzz(func(t *testing.T, data []byte) {
		src := stringSource(string(data))
		voc, err := BuildVocab(src, 1, 0)
		if err != nil {
			return
		}
		var sum int64
		for _, c := range voc.Counts {
			sum += c
		}
		if sum != voc.TrainWords || voc.TrainWords > voc.CorpusWords {
			t.Fatalf("counts add up to %d, TrainWords %d, CorpusWords %d", sum, voc.TrainWords, voc.CorpusWords)
		}
		r, err := Train(src, Config{Dim: 4, Iter: 1, MinCount: 1, Window: 2, Negative: 2, Seed: 1, Threads: 1, Reproducible: true})
		if err != nil {
			return
		}
		for i, x := range r.Vectors.Data {
			if math.IsNaN(float64(x)) || math.IsInf(float64(x), 0) {
				t.Fatalf("vector value %d is %v", i, x)
			}
		}
	})
}
