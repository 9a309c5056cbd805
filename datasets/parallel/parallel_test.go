package parallel

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rnnzoo/rnnzoo/datasets"
)

func TestBibleEmbedded(t *testing.T) {
	b, err := Bible()
	if err != nil {
		t.Fatal(err)
	}
	if b.Len() != 12456 || b.Langs != [2]string{English, Spanish} {
		t.Fatalf("%d pairs, langs %v", b.Len(), b.Langs)
	}
	if b.Refs[0] != "Genesis 1:1" || b.Text[0][1] != "EN el principio crió Dios los cielos y la tierra." {
		t.Fatalf("first pair %q %q", b.Refs[0], b.Text[0])
	}
	for i, tx := range b.Text {
		if len(strings.Fields(tx[0])) > 20 || len(strings.Fields(tx[1])) > 20 {
			t.Fatalf("%s is longer than 20 words", b.Refs[i])
		}
		if Book(b.Refs[i]) == "Psalms" && strings.HasSuffix(b.Refs[i], ":1") {
			t.Fatalf("%s kept", b.Refs[i])
		}
		if strings.ContainsAny(tx[0]+tx[1], "<>") {
			t.Fatalf("%s: markup left: %q", b.Refs[i], tx)
		}
	}
	if n := len(b.Books()); n != 66 {
		t.Fatalf("%d books", n)
	}
	train, test, err := BibleSplit("")
	if err != nil {
		t.Fatal(err)
	}
	if test.Len() != 72 || train.Len() != 12456-72 || Book(test.Refs[0]) != DefaultTestBook {
		t.Fatalf("split %d/%d", train.Len(), test.Len())
	}
	_, jude, err := BibleSplit("jude")
	if err != nil || jude.Len() == 0 {
		t.Fatalf("Jude: %v", err)
	}
	if _, _, err := BibleSplit("Hezekiah"); err == nil || !strings.Contains(err.Error(), "Genesis") {
		t.Fatalf("unknown book: %v", err)
	}
	ps, err := test.Pairs("spa", "eng")
	if err != nil || ps[0].Tgt != test.Text[0][0] || ps[0].Src != test.Text[0][1] {
		t.Fatalf("es→en: %v", err)
	}
}

func TestReadBibleErrors(t *testing.T) {
	good := "Genesis 1:1\tIn the beginning.\tEN el principio.\r\n\nI John 2:3\tA.\tB.\n"
	b, err := ReadBible("b.tsv", strings.NewReader(good))
	if err != nil || b.Len() != 2 || b.Refs[1] != "I John 2:3" || Book(b.Refs[1]) != "I John" {
		t.Fatalf("%v %v", b, err)
	}
	for in, want := range map[string]string{
		"Genesis 1:1\tonly two\n":       "b.tsv:1: 2 tab-separated fields",
		"ok 1:1\ta\tb\nGenesis\ta\tb\n": "b.tsv:2: field 1 (reference)",
		"Genesis 1:0\ta\tb\n":           "field 1 (reference)",
		"Genesis 1:1\t \tb\n":           "b.tsv:1: field 2 (English): empty",
		"Genesis 1:1\ta\t\n":            "field 3 (Spanish): empty",
		"Genesis 1:1\ta\tb\tc\n":        "4 tab-separated fields",
	} {
		if _, err := ReadBible("b.tsv", strings.NewReader(in)); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: error %v, want %q", in, err, want)
		}
	}
}

func TestReadAnki(t *testing.T) {
	in := "Go.\tVa !\nRun!\tCours\u202f!\tCC-BY 2.0 (France) Attribution: tatoeba.org #906328 (CM)\n\n"
	b, err := ReadAnki("fra.txt", strings.NewReader(in), "fr")
	if err != nil || b.Len() != 2 || b.Langs[1] != French || b.Refs[1] != "fra.txt:2" {
		t.Fatalf("%+v %v", b, err)
	}
	ps, err := b.Pairs("fra", "eng")
	if err != nil || ps[0].Src != "Va !" || ps[0].Tgt != "Go." {
		t.Fatalf("%v %v", ps, err)
	}
	if _, err := b.Pairs("deu", ""); err == nil {
		t.Fatal("unknown source accepted")
	}
	if _, err := b.Pairs("eng", "eng"); err == nil {
		t.Fatal("eng→eng accepted")
	}
	for in, want := range map[string]string{
		"Go.\tVa !\nno tab\n": "a.txt:2: 1 tab-separated fields",
		"a\tb\tc\td\n":        "a.txt:1: 4 tab-separated fields",
		" \tb\n":              "a.txt:1: field 1 (eng): empty",
		"a\t\tattribution\n":  "field 2 (und): empty",
	} {
		if _, err := ReadAnki("a.txt", strings.NewReader(in), ""); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: error %v, want %q", in, err, want)
		}
	}
}

func TestLoadAndDetect(t *testing.T) {
	dir := t.TempDir()
	anki := filepath.Join(dir, "spa-eng.txt")
	os.WriteFile(anki, []byte("Hi.\tHola.\tCC-BY\n"), 0o644)
	bible := filepath.Join(dir, "pairs.tsv")
	os.WriteFile(bible, []byte("\ufeffJude 1:2\tMercy.\tMisericordia.\n"), 0o644)
	b, err := Load(anki, "", "")
	if err != nil || b.Langs[1] != Spanish {
		t.Fatalf("%+v %v", b, err)
	}
	b, err = Load(bible, "", "")
	if err != nil || b.Refs[0] != "Jude 1:2" {
		t.Fatalf("%+v %v", b, err)
	}
	// The format given wins over detection: as Anki, the third field is an
	// attribution.
	if b, err := Load(bible, "anki", "spa"); err != nil || b.Text[0] != [2]string{"Jude 1:2", "Mercy."} {
		t.Fatalf("%v %v", b, err)
	}
	if _, err := Load(bible, "moses", ""); err == nil {
		t.Fatal("unknown format accepted")
	}
	if LangFromName("fra-eng.train.tsv") != French || LangFromName("pairs.tsv") != "" || LangFromName("eng-deu.txt") != "deu" {
		t.Fatal("LangFromName")
	}
}

func TestHoldOutKeepsGroups(t *testing.T) {
	b := &Bitext{Name: "x", Langs: [2]string{English, French}}
	for i := 0; i < 100; i++ {
		en := fmt.Sprintf("sentence %d", i/2) // two translations each
		b.Text = append(b.Text, [2]string{en, fmt.Sprintf("phrase %d", i)})
		b.Refs = append(b.Refs, fmt.Sprint(i))
	}
	train, test, err := b.HoldOut(0.1, 3)
	if err != nil {
		t.Fatal(err)
	}
	if test.Len() != 10 || train.Len() != 90 {
		t.Fatalf("%d/%d", train.Len(), test.Len())
	}
	inTest := map[string]bool{}
	for _, tx := range test.Text {
		inTest[tx[0]] = true
	}
	for _, tx := range train.Text {
		if inTest[tx[0]] {
			t.Fatalf("%q on both sides", tx[0])
		}
	}
	_, again, _ := b.HoldOut(0.1, 3)
	if fmt.Sprint(again.Refs) != fmt.Sprint(test.Refs) {
		t.Fatal("not deterministic")
	}
}

func TestFilterLength(t *testing.T) {
	ps := []Pair{{Src: "a b c", Tgt: "x"}, {Src: "a", Tgt: "x y"}}
	if got := FilterLength(ps, 2, nil); len(got) != 1 || got[0].Src != "a" {
		t.Fatalf("%v", got)
	}
}

func TestSharedAnki(t *testing.T) {
	p, err := datasets.SharedPath("data/anki-fra-eng/fra-eng.train.tsv")
	if errors.Is(err, datasets.ErrNoShared) {
		t.Skipf("skipping: %v", err)
	}
	b, err := Load(p, "", "")
	if err != nil {
		t.Fatal(err)
	}
	if b.Len() != 138590 || b.Langs != [2]string{English, French} || b.Text[0] != [2]string{"Go.", "Va !"} {
		t.Fatalf("%d pairs, %v, %q", b.Len(), b.Langs, b.Text[0])
	}
}

func TestSharedBibleReference(t *testing.T) {
	p, err := datasets.SharedPath("data/bible-web-rv1909/web-rv1909.tsv")
	if errors.Is(err, datasets.ErrNoShared) {
		t.Skipf("skipping: %v", err)
	}
	ref, err := Load(p, "", "")
	if err != nil {
		t.Fatal(err)
	}
	if ref.Len() != 31077 {
		t.Fatalf("reference has %d pairs", ref.Len())
	}
	// Our extract agrees with the reference copy on every Spanish verse and
	// on the English ones except where we drop speaker labels (Song of
	// Solomon) or tidy a space before punctuation.
	byRef := map[string][2]string{}
	for i, r := range ref.Refs {
		byRef[r] = ref.Text[i]
	}
	ours, _ := Bible()
	differ := 0
	for i, r := range ours.Refs {
		want, ok := byRef[r]
		if !ok {
			t.Fatalf("%s not in the reference", r)
		}
		if ours.Text[i][1] != want[1] {
			t.Fatalf("%s: Spanish %q, reference %q", r, ours.Text[i][1], want[1])
		}
		if ours.Text[i][0] != want[0] {
			differ++
		}
	}
	if differ > 45 {
		t.Fatalf("%d English verses differ from the reference", differ)
	}
}

func FuzzReadBible(f *testing.F) {
	f.Add("Genesis 1:1\tIn the beginning.\tEN el principio.\n")
	f.Add("I John 2:3\ta\tb\r\n\n")
	f.Add("Genesis 1:x\ta\tb\n")
	f.Add("\ufeffa 1:1\t\t\n")
	f.Fuzz(func(t *testing.T, in string) {
		b, err := ReadBible("f", strings.NewReader(in))
		if err != nil {
			return
		}
		for i := range b.Text {
			if Book(b.Refs[i]) == "" || b.Text[i][0] == "" || b.Text[i][1] == "" {
				t.Fatalf("bad pair %q %q", b.Refs[i], b.Text[i])
			}
		}
		b.Books()
	})
}

func FuzzReadAnki(f *testing.F) {
	f.Add("Go.\tVa !\n")
	f.Add("Run!\tCours !\tCC-BY 2.0\r\n")
	f.Add("a\tb\tc\td")
	f.Add("\t\n")
	f.Fuzz(func(t *testing.T, in string) {
		b, err := ReadAnki("f", strings.NewReader(in), "fra")
		if err != nil {
			return
		}
		if len(b.Refs) != len(b.Text) {
			t.Fatal("refs and pairs differ in number")
		}
		if _, err := b.Pairs("fra", "eng"); err != nil {
			t.Fatal(err)
		}
	})
}

func ExampleBibleSplit() {
	train, test, err := BibleSplit("") // Revelation held out
	if err != nil {
		panic(err)
	}
	pairs, _ := test.Pairs("eng", "spa")
	fmt.Println(train.Len(), test.Len())
	fmt.Println(pairs[0].Ref)
	fmt.Println(pairs[0].Src)
	fmt.Println(pairs[0].Tgt)
	// Output:
	// 12384 72
	// Revelation of John 1:12
	// I turned to see the voice that spoke with me. Having turned, I saw seven golden lamp stands.
	// Y me volví á ver la voz que hablaba conmigo: y vuelto, vi siete candeleros de oro;
}

func FuzzDetectFormat(f *testing.F) {
	f.Add("Gen 1:1\tIn the beginning\tEn el principio\n")
	f.Add("\ufeff\n\nGo.\tVa !\n")
	f.Add("")
	f.Add(strings.Repeat("x", 70000) + "\tb\n")
	f.Fuzz(func(t *testing.T, in string) {
		format, err := DetectFormatReader("f.tsv", strings.NewReader(in))
		if err != nil {
			if !strings.Contains(err.Error(), "f.tsv") {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		if format != FormatAnki && format != FormatBible {
			t.Fatalf("format %q", format)
		}
	})
}
