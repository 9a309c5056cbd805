package sentiment

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/rnnzoo/rnnzoo/datasets"
)

func TestUCIEmbedded(t *testing.T) {
	all, err := UCI()
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 3000 {
		t.Fatalf("%d sentences, want 3000", len(all))
	}
	for i, src := range UCISources {
		part := all[i*1000 : (i+1)*1000]
		neg, pos := Counts(part)
		if neg != 500 || pos != 500 || part[0].Src != src {
			t.Fatalf("%s: %d neg, %d pos, src %q", src, neg, pos, part[0].Src)
		}
	}
	if all[0].Text != "So there is no way for me to plug it in here in the US unless I go by a converter." || all[0].Label != 0 {
		t.Fatalf("first sentence %+v", all[0])
	}
	ds, err := UCISplit()
	if err != nil {
		t.Fatal(err)
	}
	if len(ds.Train) != 2400 || len(ds.Valid) != 300 || len(ds.Test) != 300 {
		t.Fatalf("split %d/%d/%d", len(ds.Train), len(ds.Valid), len(ds.Test))
	}
	again, _ := Open("", "", 0)
	if !reflect.DeepEqual(ds, again) {
		t.Fatal("split not deterministic")
	}
}

func TestReadUCIJSON(t *testing.T) {
	good := `[{"text":"Great.","class":1},
{"text":"Awful.","class":0},{"text":"","class":null}]`
	ex, err := ReadUCIJSON("a.json", strings.NewReader(good))
	if err != nil || len(ex) != 2 || ex[0].Label != 1 || ex[1].Text != "Awful." {
		t.Fatalf("%v %v", ex, err)
	}
	bad := map[string]string{
		`{}`:                       "a.json:1: want a JSON array",
		`[{"text":"x","class":2}]`: "record 1: field class: label \"2\"",
		"[{\"text\":\"x\",\"class\":1},\n{\"text\":3}]": "a.json:2: record 2: field text",
		`[{"text":"x"}]`:          "record 1: field class: missing",
		`[{"text":"","class":1}]`: "record 1: field text: missing or empty",
		`[{"text":"","class":null},{"text":"x","class":1}]`: "empty record 1 is not the last",
		`[{"text":"x","class":1}`:                           "unterminated",
		`[{"text":"x","class":1}] x`:                        "data after",
		`[{"text":"x",,}]`:                                  "record 1",
	}
	for in, want := range bad {
		_, err := ReadUCIJSON("a.json", strings.NewReader(in))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: error %v, want %q", in, err, want)
		}
	}
}

func TestReadUCIText(t *testing.T) {
	ex, err := ReadUCIText("u.txt", strings.NewReader("Good phone.\t1\r\nBad.\t0\n\n"))
	if err != nil || len(ex) != 2 || ex[1].Label != 0 {
		t.Fatalf("%v %v", ex, err)
	}
	for in, want := range map[string]string{
		"ok\t1\nno tab here\n": "u.txt:2: no tab",
		"ok\tyes\n":            "u.txt:1: field 2 (label)",
		"\t1\n":                "u.txt:1: field 1 (sentence): empty",
	} {
		if _, err := ReadUCIText("u.txt", strings.NewReader(in)); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: error %v, want %q", in, err, want)
		}
	}
}

func TestReadSST2Layouts(t *testing.T) {
	glue := "sentence\tlabel\nit 's a charming journey . \t1\nbad .\t0\n"
	first := "label\tsentence\r\n0\tone long string of cliches .\r\n1\tgood\r\n"
	content := "\ufefflabel\tcontent\n1\tfine\n"
	noHeader := "1\tfine\n0\tnot fine\n"
	glueNoHeader := "fine\t1\n"
	for in, want := range map[string][]Example{
		glue:         {{Text: "it 's a charming journey .", Label: 1, Src: "s:2"}, {Text: "bad .", Label: 0, Src: "s:3"}},
		first:        {{Text: "one long string of cliches .", Label: 0, Src: "s:2"}, {Text: "good", Label: 1, Src: "s:3"}},
		content:      {{Text: "fine", Label: 1, Src: "s:2"}},
		noHeader:     {{Text: "fine", Label: 1, Src: "s:1"}, {Text: "not fine", Label: 0, Src: "s:2"}},
		glueNoHeader: {{Text: "fine", Label: 1, Src: "s:1"}},
	} {
		got, err := ReadSST2("s", strings.NewReader(in))
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("%q: got %v, %v", in, got, err)
		}
	}
	for in, want := range map[string]string{
		"label\tsentence\n1\tok\n2\tbad label\n":     "s:3: field 1 (label)",
		"sentence\tlabel\nok\t1\nthree\tfields\t1\n": "s:3: 3 tab-separated fields",
		"sentence\tlabel\nok\tx\n":                   "s:2: field 2 (label)",
		"label\tsentence\n1\t \n":                    "s:2: field 2 (sentence): empty",
		"index\tsentence\n0\tsome text\n":            "no label column",
		"no tab at all\n":                            "s:1: 1 tab-separated fields",
	} {
		if _, err := ReadSST2("s", strings.NewReader(in)); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: error %v, want %q", in, err, want)
		}
	}
}

func TestReadMRLatin1(t *testing.T) {
	// "café" in Latin-1, a Windows-1252 right quote, and a UTF-8 line.
	in := "un caf\xe9 , l\x92homme .\nclichés .\n\n"
	ex, err := ReadMR("rt-polarity.pos", strings.NewReader(in), 1)
	if err != nil || len(ex) != 2 {
		t.Fatalf("%v %v", ex, err)
	}
	if ex[0].Text != "un café , l’homme ." || ex[1].Text != "clichés ." || ex[0].Label != 1 {
		t.Fatalf("%q", ex)
	}
	if _, err := ReadMR("x", strings.NewReader("a\x00b\n"), 0); err == nil || !strings.Contains(err.Error(), "x:1: NUL") {
		t.Fatalf("NUL: %v", err)
	}
	if _, err := ReadMR("x", strings.NewReader(""), 3); err == nil {
		t.Fatal("label 3 accepted")
	}
}

func writeFiles(t *testing.T, files map[string]string) string {
	dir := t.TempDir()
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestLoadAndOpen(t *testing.T) {
	mr := writeFiles(t, map[string]string{"rt-polarity.pos": "good .\nfine .\n", "rt-polarity.neg": "bad .\n"})
	if f, _ := DetectFormat(mr); f != FormatMR {
		t.Fatalf("detected %q", f)
	}
	ex, err := Load(mr, "")
	if err != nil || len(ex) != 3 || ex[0].Label != 0 {
		t.Fatalf("%v %v", ex, err)
	}
	if _, err := Load(filepath.Join(mr, "rt-polarity.pos"), ""); err != nil {
		t.Fatal(err)
	}
	sst := writeFiles(t, map[string]string{"train.tsv": "sentence\tlabel\na\t1\nb\t0\n", "dev.tsv": "label\tsentence\r\n1\tc\r\n"})
	ds, err := Open(sst, "", 1)
	if err != nil || len(ds.Train) != 2 || len(ds.Valid) != 1 || ds.Test != nil {
		t.Fatalf("%+v %v", ds, err)
	}
	if _, err := Load(sst, "sst2"); err == nil {
		t.Fatal("Load of an SST-2 directory should ask for a file")
	}
	uci := writeFiles(t, map[string]string{
		"amazon.json":               `[{"text":"a","class":1},{"text":"","class":null}]`,
		"amazon_cells_labelled.txt": "a\t1\n",
		"imdb_labelled.txt":         "b\t0\n",
	})
	ex, err = Load(uci, "")
	if err != nil || len(ex) != 2 {
		t.Fatalf("UCI dir: %v %v", ex, err)
	}
	ds, err = Open(uci, "uci", 3)
	if err != nil || len(ds.Train)+len(ds.Valid)+len(ds.Test) != 2 {
		t.Fatalf("%+v %v", ds, err)
	}
	bad := writeFiles(t, map[string]string{"x.tsv": "label\tsentence\n1\tok\n7\tno\n"})
	_, err = Load(filepath.Join(bad, "x.tsv"), "")
	if err == nil || !strings.Contains(err.Error(), filepath.Join(bad, "x.tsv")+":3: field 1 (label)") {
		t.Fatalf("error should name file, line and field: %v", err)
	}
	if _, err := Load(filepath.Join(bad, "x.tsv"), "csv"); err == nil {
		t.Fatal("unknown format accepted")
	}
	if _, err := DetectFormat(t.TempDir()); err == nil {
		t.Fatal("empty dir detected")
	}
	if _, err := Open("", "mr", 1); err == nil {
		t.Fatal("mr without path accepted")
	}
}

func TestSharedData(t *testing.T) {
	dir, err := datasets.SharedPath("data")
	if errors.Is(err, datasets.ErrNoShared) {
		t.Skipf("skipping: %v", err)
	}
	sst, err := Open(filepath.Join(dir, "sst2"), "", 1)
	if err != nil {
		t.Fatal(err)
	}
	if n, p := Counts(sst.Train); n != 29780 || p != 37569 {
		t.Fatalf("SST-2 train %d neg %d pos", n, p)
	}
	if n, p := Counts(sst.Valid); n != 428 || p != 444 {
		t.Fatalf("SST-2 dev %d neg %d pos", n, p)
	}
	mr, err := Load(filepath.Join(dir, "rt-polarity"), "mr")
	if err != nil || len(mr) != 10662 {
		t.Fatalf("MR: %d, %v", len(mr), err)
	}
	uci, err := Load(filepath.Join(dir, "uci-sentiment-labelled"), "")
	if err != nil {
		t.Fatal(err)
	}
	// amazon.json, imdb.json, yelp.json; the amazon .txt repeats amazon.json.
	emb, _ := UCI()
	if len(uci) != 3000 || uci[1].Text != emb[1].Text {
		t.Fatalf("shared UCI: %d", len(uci))
	}
}

func FuzzReadUCIJSON(f *testing.F) {
	f.Add(`[{"text":"Great.","class":1},{"text":"","class":null}]`)
	f.Add(`[{"text":"x","class":2}]`)
	f.Add(`[{"text":"x","class":"1"}]`)
	f.Add(`[`)
	f.Fuzz(func(t *testing.T, in string) {
		ex, err := ReadUCIJSON("f", strings.NewReader(in))
		if err == nil {
			checkExamples(t, ex)
		}
	})
}

func FuzzReadUCIText(f *testing.F) {
	f.Add("Good phone.\t1\r\nBad.\t0\n")
	f.Add("no tab\n")
	f.Add("\t\t\n")
	f.Fuzz(func(t *testing.T, in string) {
		ex, err := ReadUCIText("f", strings.NewReader(in))
		if err == nil {
			checkExamples(t, ex)
		}
	})
}

func FuzzReadSST2(f *testing.F) {
	f.Add("sentence\tlabel\nit 's fine\t1\n")
	f.Add("label\tsentence\r\n0\tbad\r\n")
	f.Add("index\tsentence\n0\tx\n")
	f.Add("\ufeff1\tx\n\n0\ty")
	f.Fuzz(func(t *testing.T, in string) {
		ex, err := ReadSST2("f", strings.NewReader(in))
		if err == nil {
			checkExamples(t, ex)
		}
	})
}

func FuzzReadMR(f *testing.F) {
	f.Add("un caf\xe9 .\n")
	f.Add("clichés .\r\n\n")
	f.Add("\x92\x81\xff")
	f.Fuzz(func(t *testing.T, in string) {
		ex, err := ReadMR("f", strings.NewReader(in), 1)
		if err == nil {
			checkExamples(t, ex)
		}
	})
}

func checkExamples(t *testing.T, ex []Example) {
	for _, e := range ex {
		if e.Label != 0 && e.Label != 1 {
			t.Fatalf("label %d", e.Label)
		}
		if strings.TrimSpace(e.Text) == "" {
			t.Fatalf("empty text from %s", e.Src)
		}
	}
}

func ExampleUCISplit() {
	ds, err := UCISplit()
	if err != nil {
		panic(err)
	}
	fmt.Println(len(ds.Train), len(ds.Valid), len(ds.Test))
	neg, pos := Counts(append(append(ds.Train, ds.Valid...), ds.Test...))
	fmt.Println(neg, pos)
	// Output:
	// 2400 300 300
	// 1500 1500
}

func ExampleReadSST2() {
	tsv := "label\tsentence\r\n1\ta gorgeous , witty film\r\n0\tdull\r\n"
	ex, err := ReadSST2("dev.tsv", strings.NewReader(tsv))
	fmt.Println(ex, err)
	_, err = ReadSST2("dev.tsv", strings.NewReader("label\tsentence\n1\tfine\nmaybe\tso-so\n"))
	fmt.Println(err)
	// Output:
	// [1	a gorgeous , witty film 0	dull] <nil>
	// dev.tsv:3: field 1 (label): label "maybe" is not 0 or 1
}

func FuzzDetectFormat(f *testing.F) {
	for _, s := range []string{"amazon_cells_labelled.txt", "train.tsv", "rt-polarity.pos", "x.JSON", "README", ".tsv", "a b.neg"} {
		f.Add(s)
	}
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, name string) {
		if name == "" || name == "." || name == ".." || strings.ContainsAny(name, "/\x00\\") || len(name) > 200 {
			return
		}
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte("good\t1\n"), 0o644); err != nil {
			return // a name this file system refuses
		}
		defer os.Remove(p)
		format, err := DetectFormat(p)
		if err != nil {
			if !strings.Contains(err.Error(), p) {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		if CheckFormat(format) != nil || format == "" {
			t.Fatalf("format %q", format)
		}
		if _, err := Load(p, format); err != nil && !strings.Contains(err.Error(), p) {
			t.Fatalf("Load: error does not name the file: %v", err)
		}
	})
}
