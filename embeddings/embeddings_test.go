package embeddings

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

func sample(t testing.TB) *Vectors {
	v := New(3)
	for _, e := range []struct {
		w string
		x []float32
	}{
		{"king", []float32{0.9, 0.8, 0.1}},
		{"queen", []float32{0.9, 0.1, 0.8}},
		{"man", []float32{0.1, 0.9, 0.0}},
		{"woman", []float32{0.1, 0.1, 0.9}},
		{"prince", []float32{0.7, 0.85, 0.05}},
		{"é_ü", []float32{-1e-7, 3.4e38, 1.0 / 3}},
	} {
		if err := v.Add(e.w, e.x); err != nil {
			t.Fatal(err)
		}
	}
	return v
}

func equalVectors(t *testing.T, a, b *Vectors) {
	t.Helper()
	if a.Dim != b.Dim || len(a.Words) != len(b.Words) {
		t.Fatalf("shape %d×%d vs %d×%d", len(a.Words), a.Dim, len(b.Words), b.Dim)
	}
	for i := range a.Words {
		if a.Words[i] != b.Words[i] {
			t.Fatalf("word %d: %q vs %q", i, a.Words[i], b.Words[i])
		}
	}
	for i := range a.Data {
		if a.Data[i] != b.Data[i] {
			t.Fatalf("value %d: %v vs %v", i, a.Data[i], b.Data[i])
		}
	}
}

func TestRoundTrips(t *testing.T) {
	v := sample(t)
	dir := t.TempDir()
	for _, c := range []struct {
		name string
		f    Format
	}{
		{"v.txt", Text}, {"v.bin", Binary}, {"v.glove", GloVe}, {"v.txt.gz", Text}, {"v.bin.gz", Binary},
		{"auto.bin", Auto}, {"auto.txt", Auto},
	} {
		p := filepath.Join(dir, c.name)
		if err := v.Save(p, c.f); err != nil {
			t.Fatal(err)
		}
		for _, rf := range []Format{c.f, Auto} {
			if c.f == Auto && rf == Auto {
				continue
			}
			got, err := Load(p, rf)
			if err != nil {
				t.Fatalf("%s as %v: %v", c.name, rf, err)
			}
			equalVectors(t, v, got)
		}
	}
	// No temporary files are left behind.
	ents, _ := os.ReadDir(dir)
	for _, e := range ents {
		if strings.Contains(e.Name(), ".tmp") {
			t.Fatalf("left %s", e.Name())
		}
	}
}

func TestBinaryWithoutNewlines(t *testing.T) {
	// gensim writes no newline after each binary vector.
	var b bytes.Buffer
	b.WriteString("2 2\n")
	b.WriteString("a ")
	b.Write([]byte{0, 0, 0x80, 0x3f, 0, 0, 0, 0x40}) // 1, 2
	b.WriteString("b ")
	b.Write([]byte{0, 0, 0x40, 0x40, 0, 0, 0x80, 0x40}) // 3, 4
	v, err := Read(&b, "g.bin", Binary)
	if err != nil {
		t.Fatal(err)
	}
	if x, _ := v.Vector("b"); x[0] != 3 || x[1] != 4 {
		t.Fatalf("b = %v", x)
	}
}

func TestFastTextVecAndGloVeSpaces(t *testing.T) {
	vec := "2 3 \nthe 0.1 0.2 0.3 \n, -1 0 1 \n"
	v, err := Read(strings.NewReader(vec), "wiki.vec", Auto)
	if err != nil || v.Len() != 2 || v.Dim != 3 {
		t.Fatalf("%v %v", v, err)
	}
	glove := "new york 1 2\nparis 3 4\n"
	g, err := Read(strings.NewReader(glove), "g.txt", GloVe)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := g.Index("new york"); !ok || g.Dim != 2 {
		t.Fatalf("words %q dim %d", g.Words, g.Dim)
	}
}

func TestReadErrorsNameLineAndField(t *testing.T) {
	cases := []struct{ in, want string }{
		{"2 3\na 1 2 3\nb 1 x 3\n", "f.txt:3: field 3 (\"x\")"},
		{"2 3\na 1 2 3\n", "f.txt:2: header says 2 words, file has 1"},
		{"2 3\na 1 2\n", "f.txt:2: 3 fields, want a word and 3 numbers"},
		{"x 3\n", "f.txt:1: header field 1"},
		{"2 0\n", "f.txt:1: header field 2"},
		{"2 3\na 1 2 3\na 1 2 3\n", "f.txt:3: field 1: word \"a\" appears twice"},
		{"", "f.txt:1: empty file"},
	}
	for _, c := range cases {
		_, err := Read(strings.NewReader(c.in), "f.txt", Text)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: got %v, want %q", c.in, err, c.want)
		}
	}
	_, err := Read(strings.NewReader("3 2\na \x00\x00\x80\x3f\x00\x00"), "f.bin", Binary)
	if err == nil || !strings.Contains(err.Error(), "f.bin: byte 6: vector of word 1 \"a\"") {
		t.Errorf("binary: %v", err)
	}
}

func TestVocabRoundTrip(t *testing.T) {
	in := []WordCount{{"</s>", 10}, {"the", 7}, {"ünï", 5}}
	var b bytes.Buffer
	if err := WriteVocab(&b, in); err != nil {
		t.Fatal(err)
	}
	out, err := ReadVocab(&b, "v.vocab")
	if err != nil || len(out) != 3 || out[2] != in[2] {
		t.Fatalf("%v %v", out, err)
	}
	if _, err := ReadVocab(strings.NewReader("a 1\nb -2\n"), "v.vocab"); err == nil || !strings.Contains(err.Error(), "v.vocab:2: field 2 (count)") {
		t.Fatalf("err = %v", err)
	}
}

func TestNearestAndAnalogy(t *testing.T) {
	v := sample(t)
	nn, err := v.Nearest("king", 2)
	if err != nil || nn[0].Word != "prince" {
		t.Fatalf("%v %v", nn, err)
	}
	for _, m := range []Method{CosAdd, CosMul} {
		a, err := v.Analogy("man", "king", "woman", m, 1, 5)
		if err != nil || a[0].Word != "queen" {
			t.Fatalf("%v: %v %v", m, a, err)
		}
	}
	if _, err := v.Analogy("man", "king", "nobody", CosAdd, 1, 0); err == nil {
		t.Fatal("want an error for an unknown word")
	}
}

func TestEvalAnalogiesFixture(t *testing.T) {
	v := sample(t)
	qs := ": family\nman king woman queen\nman woman king queen\nman king woman prince\n: gram-missing\nman king ghost queen\n"
	secs, err := ReadAnalogies(strings.NewReader(qs), "q.txt")
	if err != nil {
		t.Fatal(err)
	}
	s := v.EvalAnalogies(secs, AnalogyOptions{Restrict: 5})
	if s.Total != 4 || s.Answered != 3 || s.Correct != 2 {
		t.Fatalf("%+v", s)
	}
	if math.Abs(s.Coverage-0.75) > 1e-9 || math.Abs(s.Accuracy-2.0/3) > 1e-9 {
		t.Fatalf("%+v", s)
	}
	if s.Sections[1].Answered != 0 || s.Sections[0].Correct != 2 {
		t.Fatalf("%+v", s.Sections)
	}
	// Case-insensitive by default.
	secs2, _ := ReadAnalogies(strings.NewReader(": x\nMAN KING WOMAN QUEEN\n"), "q")
	if s := v.EvalAnalogies(secs2, AnalogyOptions{}); s.Correct != 1 {
		t.Fatalf("%+v", s)
	}
	if s := v.EvalAnalogies(secs2, AnalogyOptions{CaseSensitive: true}); s.Answered != 0 {
		t.Fatalf("%+v", s)
	}
	if _, err := ReadAnalogies(strings.NewReader(": s\na b c\n"), "q.txt"); err == nil || !strings.Contains(err.Error(), "q.txt:2: 3 fields") {
		t.Fatalf("err = %v", err)
	}
}

func TestSpearman(t *testing.T) {
	if r := Spearman([]float64{1, 2, 3, 4}, []float64{10, 20, 30, 40}); math.Abs(r-1) > 1e-12 {
		t.Fatal(r)
	}
	if r := Spearman([]float64{1, 2, 3, 4}, []float64{4, 3, 2, 1}); math.Abs(r+1) > 1e-12 {
		t.Fatal(r)
	}
	// Ties: hand-computed, x ranks 1,2.5,2.5,4; y ranks 1,2,3,4 -> rho = 0.9486833
	if r := Spearman([]float64{1, 2, 2, 3}, []float64{1, 2, 3, 4}); math.Abs(r-0.9486832980505138) > 1e-9 {
		t.Fatal(r)
	}
	v := sample(t)
	pairs, err := ReadSimilarity(strings.NewReader("king\tprince\t9\nking\twoman\t1\nKing\tqueen\t5\nking\tnobody\t3\n"), "s.txt")
	if err != nil {
		t.Fatal(err)
	}
	s := v.EvalSimilarity(pairs)
	if s.Used != 3 || s.Total != 4 || math.Abs(s.Spearman-1) > 1e-9 {
		t.Fatalf("%+v", s)
	}
	if _, err := ReadSimilarity(strings.NewReader("a b c\n"), "s.txt"); err == nil || !strings.Contains(err.Error(), "s.txt:1: field 3 (score)") {
		t.Fatalf("err = %v", err)
	}
}

func TestFromMatrixAndTruncate(t *testing.T) {
	if _, err := FromMatrix([]string{"a", "a"}, make([]float32, 4), 2); err == nil {
		t.Fatal("want duplicate error")
	}
	v, err := FromMatrix([]string{"a", "b"}, []float32{3, 4, 0, 0}, 2)
	if err != nil {
		t.Fatal(err)
	}
	v.Normalize()
	if x, _ := v.Vector("a"); x[0] != 0.6 || x[1] != 0.8 {
		t.Fatal(x)
	}
	v.Truncate(1)
	if _, ok := v.Index("b"); ok || v.Len() != 1 {
		t.Fatal("truncate")
	}
}

func fuzzRead(f *testing.F, format Format, seeds ...string) {
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		v, err := Read(bytes.NewReader(data), "fuzz", format)
		if err != nil {
			if !strings.Contains(err.Error(), "fuzz") {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		if len(v.Data) != len(v.Words)*v.Dim {
			t.Fatalf("inconsistent vectors")
		}
		for i, x := range v.Data {
			if math.IsNaN(float64(x)) || math.IsInf(float64(x), 0) {
				t.Fatalf("number %d of the vectors read is %v", i, x)
			}
		}
		// What was read writes and reads back the same (text formats re-read as text).
		var b bytes.Buffer
		if err := v.WriteBinary(&b); err != nil {
			t.Fatal(err)
		}
		if _, err := Read(&b, "fuzz-again", Binary); err != nil && !strings.Contains(err.Error(), "white space") {
			// words with odd bytes may still fail; never panic
			_ = err
		}
	})
}

func FuzzReadText(f *testing.F) {
	fuzzRead(f, Text, "2 3\na 1 2 3\nb 4 5 6\n", "1 2\nx 1e-3 -2\n", "0 5\n", "2 2\na 1 2\n", "1 1\na NaN\n", "3 2 \nw 1 2 \n",
		hostileVectors[0].text, hostileVectors[1].text, hostileVectors[2].text, hostileVectors[4].text)
}

func FuzzReadBinary(f *testing.F) {
	fuzzRead(f, Binary, "1 2\na \x00\x00\x80\x3f\x00\x00\x00\x40\n", "2 1\na \x00\x00\x80\x3fb \x00\x00\x80\x3f", "1 1\n", "9999999 65536\n",
		hostileVectors[0].text, hostileVectors[5].text)
}

func FuzzReadGloVe(f *testing.F) {
	fuzzRead(f, GloVe, "a 1 2\nb 3 4\n", "new york 1\n", "a\n", "\n\n", hostileVectors[3].text)
}

func FuzzReadAuto(f *testing.F) {
	fuzzRead(f, Auto, "2 1\na 1\nb 2\n", "1 2\na \x00\x00\x80\x3f\x00\x00\x00\x40\n", "x 1 2\n")
}

func FuzzReadVocab(f *testing.F) {
	for _, s := range []string{"</s> 3\nthe 2\n", "a b c\n", "a -1\n", "a 1\na 2\n"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if _, err := ReadVocab(bytes.NewReader(data), "fuzz"); err != nil && !strings.Contains(err.Error(), "fuzz") {
			t.Fatalf("error does not name the file: %v", err)
		}
	})
}

func FuzzReadAnalogies(f *testing.F) {
	for _, s := range []string{": capital\na b c d\n", ":\n", "a b c\n", "a b c d\n: s\n"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		secs, err := ReadAnalogies(bytes.NewReader(data), "fuzz")
		if err != nil {
			if !strings.Contains(err.Error(), "fuzz") {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		sample(t).EvalAnalogies(secs, AnalogyOptions{Restrict: 3})
	})
}

func FuzzReadSimilarity(f *testing.F) {
	for _, s := range []string{"a\tb\t1.5\n", "# c\na b\n", "a b inf\n", "a b 1 extra\n"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := ReadSimilarity(bytes.NewReader(data), "fuzz")
		if err != nil {
			if !strings.Contains(err.Error(), "fuzz") {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		sample(t).EvalSimilarity(p)
	})
}

func BenchmarkNearest(b *testing.B) {
	v := New(100)
	x := make([]float32, 100)
	for i := 0; i < 20000; i++ {
		for j := range x {
			x[j] = float32((i*31+j*17)%97) - 48
		}
		v.Add("w"+strings.Repeat("x", i%3)+string(rune('a'+i%26))+string(rune(i)), x)
	}
	v.units()
	for b.Loop() {
		v.NearestTo(x, 10, 0)
	}
}

// hostileVectors are files anyone could hand us, each refused with an
// error that names the place (they also seed the fuzz targets).
var hostileVectors = []struct {
	format     Format
	text, want string
}{
	// A header whose count times the dimension overflows int.
	{Text, "4611686018427387904 4\nking 1 2 3 4\n", "header says 4611686018427387904 words, file has 1"},
	// A header claiming 10^12 rows of a 26-byte file.
	{Text, "1000000000000 300\nking 1\n", "hostile:2: 2 fields, want a word and 300 numbers"},
	// NaN and infinity are not vectors.
	{Text, "2 2\nking 1 NaN\nqueen 1 2\n", `hostile:2: field 3 ("NaN"): not finite`},
	{GloVe, "king 1 2\nqueen 1 2 3\n", "hostile:2: 4 fields, want a word and 2 numbers"},
	// More numbers than the header's dimension is not a word with spaces.
	{Text, "2 2\nking 1 2\nqueen a 1 2\n", "hostile:3: 4 fields, want a word and 2 numbers"},
	{Binary, "1 1\na \x00\x00\xc0\x7f\n", "not finite"},
}

func TestHostileVectors(t *testing.T) {
	for _, c := range hostileVectors {
		var m0, m1 runtime.MemStats
		runtime.ReadMemStats(&m0)
		_, err := Read(strings.NewReader(c.text), "hostile", c.format)
		runtime.ReadMemStats(&m1)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: %v, want an error with %q", c.text, err, c.want)
		}
		if grew := m1.TotalAlloc - m0.TotalAlloc; grew > 64<<20 {
			t.Errorf("%q: allocated %d MB for a file of %d bytes", c.text, grew>>20, len(c.text))
		}
	}
}
