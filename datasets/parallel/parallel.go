package parallel

import (
	"bytes"
	"compress/gzip"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/rnnzoo/rnnzoo/datasets"
)

//go:generate go run gen_bible.go

//go:embed bible/web-rv1909.tsv.gz
var bibleGz []byte

// The formats.
const (
	FormatAnki  = "anki"
	FormatBible = "bible"
)

// Language codes.
const (
	English = "eng"
	Spanish = "spa"
	French  = "fra"
	// Undetermined is the code of an Anki file's second column when
	// neither the caller nor the file name names it.
	Undetermined = "und"
)

// DefaultTestBook is the book BibleSplit holds out by default.
const DefaultTestBook = "Revelation of John"

// Bitext is a list of aligned sentence pairs.
type Bitext struct {
	Name  string
	Langs [2]string   // languages of Text[i][0] and Text[i][1]
	Text  [][2]string // the pairs
	Refs  []string    // per pair: "Book C:V" or "file:line"
}

// Pair is one sentence pair in a chosen direction.
type Pair struct {
	Src, Tgt string
	Ref      string
}

// Len is the number of pairs.
func (b *Bitext) Len() int { return len(b.Text) }

var langNames = map[string]string{
	"en": English, "eng": English, "english": English,
	"es": Spanish, "spa": Spanish, "spanish": Spanish, "español": Spanish, "espanol": Spanish,
	"fr": French, "fra": French, "fre": French, "french": French, "français": French, "francais": French,
	"de": "deu", "deu": "deu", "ger": "deu", "german": "deu",
	"it": "ita", "ita": "ita", "italian": "ita",
	"pt": "por", "por": "por", "portuguese": "por",
	"nl": "nld", "nld": "nld", "dut": "nld", "dutch": "nld",
}

// NormLang maps a language name or code ("en", "eng", "English", "fr",
// "fra", "fre", ...) to its ISO 639-3 code; other strings come back
// lower-cased.
func NormLang(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	if c, ok := langNames[s]; ok {
		return c
	}
	return s
}

// Pairs returns the pairs from language src to language tgt. An empty src
// means the first column's language; an empty tgt the other column's.
func (b *Bitext) Pairs(src, tgt string) ([]Pair, error) {
	src, tgt = NormLang(src), NormLang(tgt)
	si := 0
	switch src {
	case "", b.Langs[0]:
	case b.Langs[1]:
		si = 1
	default:
		return nil, fmt.Errorf("%s: source language %q is not one of %s, %s", b.Name, src, b.Langs[0], b.Langs[1])
	}
	if tgt != "" && tgt != b.Langs[1-si] {
		return nil, fmt.Errorf("%s: target language %q: with source %s the target is %s", b.Name, tgt, b.Langs[si], b.Langs[1-si])
	}
	out := make([]Pair, len(b.Text))
	for i, t := range b.Text {
		out[i] = Pair{Src: t[si], Tgt: t[1-si], Ref: b.Refs[i]}
	}
	return out, nil
}

// Subset returns the pairs idx, in that order.
func (b *Bitext) Subset(idx []int) *Bitext {
	out := &Bitext{Name: b.Name, Langs: b.Langs, Text: make([][2]string, len(idx)), Refs: make([]string, len(idx))}
	for i, j := range idx {
		out.Text[i], out.Refs[i] = b.Text[j], b.Refs[j]
	}
	return out
}

// HoldOut splits off about frac of the pairs as a test set, choosing whole
// groups of pairs that share their first-column sentence (so that the
// alternative translations of one English sentence stay together), by a
// seeded shuffle of those sentences.
func (b *Bitext) HoldOut(frac float64, seed int64) (train, test *Bitext, err error) {
	if frac < 0 || frac > 1 {
		return nil, nil, fmt.Errorf("parallel: hold-out fraction %v", frac)
	}
	group := map[string]int{}
	var keys []string
	for _, t := range b.Text {
		if _, ok := group[t[0]]; !ok {
			group[t[0]] = len(keys)
			keys = append(keys, t[0])
		}
	}
	parts, err := datasets.Split(len(keys), seed, frac)
	if err != nil {
		return nil, nil, err
	}
	isTest := make([]bool, len(keys))
	for _, g := range parts[0] {
		isTest[g] = true
	}
	var tr, te []int
	for i, t := range b.Text {
		if isTest[group[t[0]]] {
			te = append(te, i)
		} else {
			tr = append(tr, i)
		}
	}
	return b.Subset(tr), b.Subset(te), nil
}

var verseRef = regexp.MustCompile(`^(\S.*) ([1-9][0-9]*):([1-9][0-9]*)$`)

// Book returns the book of a verse reference ("Revelation of John 1:1" →
// "Revelation of John"), or "" when ref is not one.
func Book(ref string) string {
	m := verseRef.FindStringSubmatch(ref)
	if m == nil {
		return ""
	}
	return m[1]
}

// bookMatches accepts the full book name or its first words
// ("Revelation" for "Revelation of John"), case-insensitively.
func bookMatches(book, name string) bool {
	b, n := strings.ToLower(book), strings.ToLower(strings.TrimSpace(name))
	return n != "" && (b == n || strings.HasPrefix(b, n+" "))
}

// SplitBook puts the verses of one book (full name or its first words,
// e.g. "Revelation") into test and the rest into train.
func (b *Bitext) SplitBook(name string) (train, test *Bitext, err error) {
	var tr, te []int
	for i, r := range b.Refs {
		if bookMatches(Book(r), name) {
			te = append(te, i)
		} else {
			tr = append(tr, i)
		}
	}
	if len(te) == 0 {
		return nil, nil, fmt.Errorf("%s: no verses of a book %q (books: %s)", b.Name, name, strings.Join(b.Books(), ", "))
	}
	return b.Subset(tr), b.Subset(te), nil
}

// Books lists the books of a Bible bitext in order of appearance.
func (b *Bitext) Books() []string {
	var books []string
	seen := map[string]bool{}
	for _, r := range b.Refs {
		if bk := Book(r); bk != "" && !seen[bk] {
			seen[bk] = true
			books = append(books, bk)
		}
	}
	return books
}

// Bible returns the embedded World English Bible ↔ Reina-Valera 1909
// verse pairs (English, Spanish).
func Bible() (*Bitext, error) {
	zr, err := gzip.NewReader(bytes.NewReader(bibleGz))
	if err != nil {
		return nil, fmt.Errorf("web-rv1909.tsv.gz: %w", err)
	}
	return ReadBible("web-rv1909.tsv", zr)
}

// BibleSplit returns the embedded verse pairs with one book held out as the
// test set: DefaultTestBook when book is "".
func BibleSplit(book string) (train, test *Bitext, err error) {
	b, err := Bible()
	if err != nil {
		return nil, nil, err
	}
	if book == "" {
		book = DefaultTestBook
	}
	return b.SplitBook(book)
}

// ReadBible reads Book C:V<TAB>English<TAB>Spanish lines. Blank lines are
// skipped.
func ReadBible(name string, r io.Reader) (*Bitext, error) {
	b := &Bitext{Name: name, Langs: [2]string{English, Spanish}}
	fields := [3]string{"reference", "English", "Spanish"}
	err := datasets.Lines(name, r, func(n int, line string) error {
		if strings.TrimSpace(line) == "" {
			return nil
		}
		f := strings.Split(line, "\t")
		if len(f) != 3 {
			return fmt.Errorf("%s:%d: %d tab-separated fields, want 3 (reference, English, Spanish)", name, n, len(f))
		}
		if !verseRef.MatchString(f[0]) {
			return fmt.Errorf("%s:%d: field 1 (%s): %q is not \"Book C:V\"", name, n, fields[0], clip(f[0]))
		}
		for i := 1; i < 3; i++ {
			f[i] = strings.TrimSpace(f[i])
			if f[i] == "" {
				return fmt.Errorf("%s:%d: field %d (%s): empty", name, n, i+1, fields[i])
			}
		}
		b.Text = append(b.Text, [2]string{f[1], f[2]})
		b.Refs = append(b.Refs, f[0])
		return nil
	})
	if err != nil {
		return nil, err
	}
	return b, nil
}

// ReadAnki reads Tatoeba/Anki lines, English<TAB>other[<TAB>attribution]
// (the attribution is dropped). other is the second column's language
// (Undetermined when ""). Blank lines are skipped.
func ReadAnki(name string, r io.Reader, other string) (*Bitext, error) {
	if other = NormLang(other); other == "" {
		other = Undetermined
	}
	b := &Bitext{Name: name, Langs: [2]string{English, other}}
	err := datasets.Lines(name, r, func(n int, line string) error {
		if strings.TrimSpace(line) == "" {
			return nil
		}
		f := strings.Split(line, "\t")
		if len(f) < 2 || len(f) > 3 {
			return fmt.Errorf("%s:%d: %d tab-separated fields, want English, %s and maybe an attribution", name, n, len(f), other)
		}
		for i := 0; i < 2; i++ {
			f[i] = strings.TrimSpace(f[i])
			if f[i] == "" {
				return fmt.Errorf("%s:%d: field %d (%s): empty", name, n, i+1, b.Langs[i])
			}
		}
		b.Text = append(b.Text, [2]string{f[0], f[1]})
		b.Refs = append(b.Refs, fmt.Sprintf("%s:%d", name, n))
		return nil
	})
	if err != nil {
		return nil, err
	}
	return b, nil
}

func clip(s string) string {
	if len(s) > 40 {
		return s[:40] + "..."
	}
	return s
}

// LangFromName guesses the non-English language of an Anki file from its
// name: "fra-eng.txt", "spa.txt", "eng-deu.tsv" give fra, spa, deu; ""
// when the name says nothing.
func LangFromName(path string) string {
	base := strings.ToLower(filepath.Base(path))
	for _, part := range strings.FieldsFunc(base, func(r rune) bool { return r == '-' || r == '_' || r == '.' }) {
		if c, ok := langNames[part]; ok && c != English {
			return c
		}
	}
	return ""
}

// DetectFormat looks at the first non-blank line of a file: three fields
// whose first is a verse reference make it "bible", else "anki".
func DetectFormat(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	return DetectFormatReader(path, f)
}

// errDetected stops the reading once the format is known.
var errDetected = errors.New("parallel: format detected")

// DetectFormatReader is DetectFormat of what r holds; name labels errors.
func DetectFormatReader(name string, r io.Reader) (string, error) {
	format := ""
	err := datasets.Lines(name, r, func(n int, line string) error {
		if strings.TrimSpace(line) == "" {
			return nil
		}
		format = FormatAnki
		if fields := strings.Split(line, "\t"); len(fields) == 3 && verseRef.MatchString(fields[0]) {
			format = FormatBible
		}
		return errDetected
	})
	switch {
	case err == errDetected:
		return format, nil
	case err != nil:
		return "", err
	}
	return "", fmt.Errorf("%s: empty file", name)
}

// Load reads a pairs file. format is "anki", "bible" or "" to detect it;
// other names an Anki file's second language ("" to take it from the file
// name, LangFromName).
func Load(path, format, other string) (*Bitext, error) {
	if format == "" {
		var err error
		if format, err = DetectFormat(path); err != nil {
			return nil, err
		}
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	switch format {
	case FormatBible:
		return ReadBible(path, f)
	case FormatAnki:
		if other == "" {
			other = LangFromName(path)
		}
		return ReadAnki(path, f, other)
	}
	return nil, fmt.Errorf("unknown format %q (want anki or bible)", format)
}

// FilterLength keeps the pairs whose sides both have at most max tokens as
// counted by tokenize (strings.Fields when nil).
func FilterLength(pairs []Pair, max int, tokenize func(string) []string) []Pair {
	if tokenize == nil {
		tokenize = strings.Fields
	}
	var out []Pair
	for _, p := range pairs {
		if len(tokenize(p.Src)) <= max && len(tokenize(p.Tgt)) <= max {
			out = append(out, p)
		}
	}
	return out
}
