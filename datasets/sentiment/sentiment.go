package sentiment

import (
	"bytes"
	"compress/gzip"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/rnnzoo/rnnzoo/datasets"
)

//go:generate sh gen_uci.sh

//go:embed uci/*.json.gz
var uciFS embed.FS

// Example is one labelled sentence.
type Example struct {
	Text  string
	Label int    // 0 negative, 1 positive
	Src   string // where it came from: "file:line" or "amazon" etc.
}

// Dataset is a data set cut into train, validation and test examples.
type Dataset struct {
	Name               string
	Train, Valid, Test []Example
}

// The formats.
const (
	FormatUCI  = "uci"
	FormatSST2 = "sst2"
	FormatMR   = "mr"
)

// CheckFormat reports a format name that is neither empty (detect it from
// the path) nor one of the formats.
func CheckFormat(format string) error {
	switch format {
	case "", FormatUCI, FormatSST2, FormatMR:
		return nil
	}
	return fmt.Errorf("-dataset %q: want uci, sst2 or mr (or nothing: from the path)", format)
}

// Seed and fractions of the split of data sets without their own partition.
const (
	SplitSeed     = 20151010
	TrainFraction = 0.8
	ValidFraction = 0.1
)

// UCISources are the three parts of the UCI set, in the order UCI returns
// them.
var UCISources = []string{"amazon", "imdb", "yelp"}

// UCI returns the embedded UCI Sentiment Labelled Sentences: 3,000
// sentences, 1,000 each from Amazon, IMDB and Yelp in that order, 500
// positive and 500 negative each. Src is the source name.
func UCI() ([]Example, error) {
	var all []Example
	for _, s := range UCISources {
		b, err := uciFS.ReadFile("uci/" + s + ".json.gz")
		if err != nil {
			return nil, err
		}
		zr, err := gzip.NewReader(bytes.NewReader(b))
		if err != nil {
			return nil, fmt.Errorf("%s.json.gz: %w", s, err)
		}
		ex, err := ReadUCIJSON(s+".json", zr)
		if err != nil {
			return nil, err
		}
		for i := range ex {
			ex[i].Src = s
		}
		all = append(all, ex...)
	}
	return all, nil
}

// UCISplit returns the embedded UCI set with its fixed seeded split:
// 2,400 train, 300 validation and 300 test sentences.
func UCISplit() (*Dataset, error) {
	all, err := UCI()
	if err != nil {
		return nil, err
	}
	return split("uci", all, SplitSeed)
}

func split(name string, ex []Example, seed int64) (*Dataset, error) {
	parts, err := datasets.Split(len(ex), seed, TrainFraction, ValidFraction, 1-TrainFraction-ValidFraction)
	if err != nil {
		return nil, err
	}
	pick := func(idx []int) []Example {
		out := make([]Example, len(idx))
		for i, j := range idx {
			out[i] = ex[j]
		}
		return out
	}
	return &Dataset{Name: name, Train: pick(parts[0]), Valid: pick(parts[1]), Test: pick(parts[2])}, nil
}

// lineOf returns the 1-based line of byte offset off in data.
func lineOf(data []byte, off int64) int {
	if off > int64(len(data)) {
		off = int64(len(data))
	}
	return 1 + bytes.Count(data[:off], []byte{'\n'})
}

// ReadUCIJSON reads a JSON array of {"text": string, "class": 0|1}. A
// final record with empty text and null class (as the npm files end) is
// dropped; any other empty or unlabelled record is an error.
func ReadUCIJSON(name string, r io.Reader) ([]Example, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	fail := func(off int64, format string, args ...any) error {
		return fmt.Errorf("%s:%d: %s", name, lineOf(data, off), fmt.Sprintf(format, args...))
	}
	tok, err := dec.Token()
	if err != nil || tok != json.Delim('[') {
		return nil, fail(dec.InputOffset(), "want a JSON array of {\"text\", \"class\"} records")
	}
	type record struct {
		Text  *string          `json:"text"`
		Class *json.RawMessage `json:"class"`
	}
	var out []Example
	pendingEmpty := -1 // record number of an empty record, allowed only last
	for n := 1; dec.More(); n++ {
		off := dec.InputOffset()
		for off < int64(len(data)) && strings.IndexByte(" \t\r\n,", data[off]) >= 0 {
			off++
		}
		var rec record
		if err := dec.Decode(&rec); err != nil {
			var se *json.SyntaxError
			if errors.As(err, &se) {
				off = se.Offset
			}
			var te *json.UnmarshalTypeError
			if errors.As(err, &te) {
				off += te.Offset
				return nil, fail(off, "record %d: field %s: %s is not a %s", n, te.Field, te.Value, te.Type)
			}
			return nil, fail(off, "record %d: %v", n, err)
		}
		if pendingEmpty > 0 {
			return nil, fail(off, "record %d: empty record %d is not the last one", n, pendingEmpty)
		}
		isNull := rec.Class == nil || string(*rec.Class) == "null"
		if rec.Text == nil || *rec.Text == "" {
			if isNull {
				pendingEmpty = n
				continue
			}
			return nil, fail(off, "record %d: field text: missing or empty", n)
		}
		if isNull {
			return nil, fail(off, "record %d: field class: missing or null", n)
		}
		label, err := parseLabel(strings.TrimSpace(string(*rec.Class)))
		if err != nil {
			return nil, fail(off, "record %d: field class: %v", n, err)
		}
		out = append(out, Example{Text: *rec.Text, Label: label, Src: fmt.Sprintf("%s#%d", name, n)})
	}
	if _, err := dec.Token(); err != nil {
		return nil, fail(dec.InputOffset(), "unterminated array: %v", err)
	}
	if rest := bytes.TrimSpace(data[dec.InputOffset():]); len(rest) > 0 {
		return nil, fail(dec.InputOffset(), "data after the array")
	}
	return out, nil
}

func parseLabel(s string) (int, error) {
	switch s {
	case "0", "0.0":
		return 0, nil
	case "1", "1.0":
		return 1, nil
	}
	if len(s) > 20 {
		s = s[:20] + "..."
	}
	return 0, fmt.Errorf("label %q is not 0 or 1", s)
}

// ReadUCIText reads the original UCI layout: sentence<TAB>label per line.
// Blank lines are skipped.
func ReadUCIText(name string, r io.Reader) ([]Example, error) {
	var out []Example
	err := datasets.Lines(name, r, func(n int, line string) error {
		if strings.TrimSpace(line) == "" {
			return nil
		}
		k := strings.LastIndexByte(line, '\t')
		if k < 0 {
			return fmt.Errorf("%s:%d: no tab: want sentence<TAB>label", name, n)
		}
		text := strings.TrimSpace(line[:k])
		if text == "" {
			return fmt.Errorf("%s:%d: field 1 (sentence): empty", name, n)
		}
		label, err := parseLabel(strings.TrimSpace(line[k+1:]))
		if err != nil {
			return fmt.Errorf("%s:%d: field 2 (label): %v", name, n, err)
		}
		out = append(out, Example{Text: text, Label: label, Src: fmt.Sprintf("%s:%d", name, n)})
		return nil
	})
	return out, err
}

// ReadSST2 reads an SST-2 TSV file in either layout. A header names the
// columns (sentence/label, label/sentence or label/content); without one
// the layout is taken from the first line (label first if its first field
// is 0 or 1). Every data line must have exactly two fields.
func ReadSST2(name string, r io.Reader) ([]Example, error) {
	var out []Example
	labelFirst := false
	decided := false
	err := datasets.Lines(name, r, func(n int, line string) error {
		if strings.TrimSpace(line) == "" {
			return nil
		}
		f := strings.Split(line, "\t")
		if !decided {
			decided = true
			h0, hl := strings.ToLower(strings.TrimSpace(f[0])), strings.ToLower(strings.TrimSpace(f[len(f)-1]))
			switch {
			case len(f) == 2 && h0 == "label":
				labelFirst = true
				return nil
			case len(f) == 2 && hl == "label":
				return nil
			case h0 == "index" || (len(f) == 2 && hl == "sentence"):
				return fmt.Errorf("%s:%d: header %q has no label column (a GLUE test file?)", name, n, line)
			case len(f) == 2:
				if _, err := parseLabel(strings.TrimSpace(f[0])); err == nil {
					labelFirst = true
				}
			}
		}
		if len(f) != 2 {
			return fmt.Errorf("%s:%d: %d tab-separated fields, want 2 (sentence and label)", name, n, len(f))
		}
		ti, li := 0, 1
		if labelFirst {
			ti, li = 1, 0
		}
		label, err := parseLabel(strings.TrimSpace(f[li]))
		if err != nil {
			return fmt.Errorf("%s:%d: field %d (label): %v", name, n, li+1, err)
		}
		text := strings.TrimSpace(f[ti])
		if text == "" {
			return fmt.Errorf("%s:%d: field %d (sentence): empty", name, n, ti+1)
		}
		out = append(out, Example{Text: text, Label: label, Src: fmt.Sprintf("%s:%d", name, n)})
		return nil
	})
	return out, err
}

// cp1252 maps the bytes 0x80–0x9F of Windows-1252 (0 where undefined).
var cp1252 = [32]rune{'€', 0, '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', 0, 'Ž', 0,
	0, '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', 0, 'ž', 'Ÿ'}

// DecodeLatin1 returns s unchanged when it is valid UTF-8, else decodes it
// as Windows-1252 (Latin-1 with the 0x80–0x9F punctuation), the encoding of
// the original MR files.
func DecodeLatin1(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c < 0x80:
			b.WriteByte(c)
		case c < 0xA0 && cp1252[c-0x80] != 0:
			b.WriteRune(cp1252[c-0x80])
		default:
			b.WriteRune(rune(c))
		}
	}
	return b.String()
}

// ReadMR reads one MR polarity file (one sentence a line) with the given
// label. Lines are decoded by DecodeLatin1; blank lines are skipped.
func ReadMR(name string, r io.Reader, label int) ([]Example, error) {
	if label != 0 && label != 1 {
		return nil, fmt.Errorf("%s: label %d is not 0 or 1", name, label)
	}
	var out []Example
	err := datasets.Lines(name, r, func(n int, line string) error {
		text := strings.TrimSpace(DecodeLatin1(line))
		if text == "" {
			return nil
		}
		if strings.ContainsRune(text, 0) {
			return fmt.Errorf("%s:%d: NUL byte: not a text file", name, n)
		}
		out = append(out, Example{Text: text, Label: label, Src: fmt.Sprintf("%s:%d", name, n)})
		return nil
	})
	return out, err
}

// DetectFormat names the format of a file or directory from its name and,
// for a directory, its files: "uci", "sst2", "mr", or an error.
func DetectFormat(path string) (string, error) {
	st, err := os.Stat(path)
	if err != nil {
		return "", err
	}
	if !st.IsDir() {
		base := strings.ToLower(filepath.Base(path))
		switch {
		case strings.HasSuffix(base, ".json"), strings.HasSuffix(base, "_labelled.txt"):
			return FormatUCI, nil
		case strings.HasSuffix(base, ".tsv"):
			return FormatSST2, nil
		case strings.HasSuffix(base, ".pos"), strings.HasSuffix(base, ".neg"):
			return FormatMR, nil
		}
		return "", fmt.Errorf("%s: cannot tell the format from the name; give one of uci, sst2, mr", path)
	}
	has := func(pattern string) bool {
		m, _ := filepath.Glob(filepath.Join(path, pattern))
		return len(m) > 0
	}
	switch {
	case has("*.pos") && has("*.neg"):
		return FormatMR, nil
	case has("train.tsv") || has("dev.tsv"):
		return FormatSST2, nil
	case has("*.json") || has("*_labelled.txt"):
		return FormatUCI, nil
	}
	return "", fmt.Errorf("%s: no rt-polarity.pos/.neg, train.tsv/dev.tsv or UCI .json/_labelled.txt files; give the format", path)
}

// readFile reads one file in the given format.
func readFile(path, format string) ([]Example, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	switch format {
	case FormatUCI:
		if strings.HasSuffix(strings.ToLower(path), ".json") {
			return ReadUCIJSON(path, f)
		}
		return ReadUCIText(path, f)
	case FormatSST2:
		return ReadSST2(path, f)
	case FormatMR:
		switch strings.ToLower(filepath.Ext(path)) {
		case ".pos":
			return ReadMR(path, f, 1)
		case ".neg":
			return ReadMR(path, f, 0)
		}
		return nil, fmt.Errorf("%s: an MR file must end in .pos or .neg (its label)", path)
	}
	return nil, fmt.Errorf("unknown format %q (want uci, sst2 or mr)", format)
}

// dirFiles lists the files of a directory that make up a data set.
func dirFiles(dir, format string) ([]string, error) {
	var pats []string
	switch format {
	case FormatUCI:
		pats = []string{"*.json", "*_labelled.txt"}
	case FormatMR:
		pats = []string{"*.neg", "*.pos"}
	case FormatSST2:
		return nil, fmt.Errorf("%s: an SST-2 directory has several splits: use Open, or name a file", dir)
	default:
		return nil, fmt.Errorf("unknown format %q (want uci, sst2 or mr)", format)
	}
	var files []string
	for _, p := range pats {
		m, _ := filepath.Glob(filepath.Join(dir, p))
		files = append(files, m...)
	}
	sort.Strings(files)
	if format == FormatUCI {
		// The same sentences come as .json and as _labelled.txt: prefer JSON.
		hasJSON := map[string]bool{}
		for _, f := range files {
			if strings.HasSuffix(f, ".json") {
				hasJSON[strings.TrimSuffix(filepath.Base(f), ".json")] = true
			}
		}
		kept := files[:0]
		for _, f := range files {
			src := strings.SplitN(filepath.Base(f), "_", 2)[0]
			if strings.HasSuffix(f, "_labelled.txt") && hasJSON[src] {
				continue
			}
			kept = append(kept, f)
		}
		files = kept
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("%s: no %s files (%s)", dir, format, strings.Join(pats, ", "))
	}
	return files, nil
}

// Load reads the labelled examples of path: one file, or for the uci and
// mr formats a directory of them. format is "uci", "sst2", "mr", or "" to
// detect it (DetectFormat).
func Load(path, format string) ([]Example, error) {
	if format == "" {
		f, err := DetectFormat(path)
		if err != nil {
			return nil, err
		}
		format = f
	}
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if !st.IsDir() {
		return readFile(path, format)
	}
	files, err := dirFiles(path, format)
	if err != nil {
		return nil, err
	}
	var all []Example
	for _, f := range files {
		ex, err := readFile(f, format)
		if err != nil {
			return nil, err
		}
		all = append(all, ex...)
	}
	return all, nil
}

// Open returns a data set cut into train, validation and test. An empty
// path gives the embedded UCI set (UCISplit). An SST-2 directory gives
// train.tsv, dev.tsv and, when present, test.tsv. Anything else is loaded
// with Load and cut by the seeded 80/10/10 split.
func Open(path, format string, seed int64) (*Dataset, error) {
	if path == "" {
		if format != "" && format != FormatUCI {
			return nil, fmt.Errorf("format %s needs a path (only uci is embedded)", format)
		}
		return UCISplit()
	}
	if format == "" {
		f, err := DetectFormat(path)
		if err != nil {
			return nil, err
		}
		format = f
	}
	if st, err := os.Stat(path); err == nil && st.IsDir() && format == FormatSST2 {
		ds := &Dataset{Name: FormatSST2}
		for _, part := range []struct {
			file     string
			dst      *[]Example
			required bool
		}{{"train.tsv", &ds.Train, true}, {"dev.tsv", &ds.Valid, true}, {"test.tsv", &ds.Test, false}} {
			p := filepath.Join(path, part.file)
			if _, err := os.Stat(p); err != nil {
				if part.required {
					return nil, fmt.Errorf("%s: no %s", path, part.file)
				}
				continue
			}
			ex, err := readFile(p, FormatSST2)
			if err != nil {
				return nil, err
			}
			*part.dst = ex
		}
		return ds, nil
	}
	all, err := Load(path, format)
	if err != nil {
		return nil, err
	}
	return split(format, all, seed)
}

// Counts returns the number of negative and positive examples.
func Counts(ex []Example) (neg, pos int) {
	for _, e := range ex {
		if e.Label == 1 {
			pos++
		} else {
			neg++
		}
	}
	return neg, pos
}

// String formats an example as "label<TAB>text".
func (e Example) String() string { return strconv.Itoa(e.Label) + "\t" + e.Text }

// Texts returns the texts of ex.
func Texts(ex []Example) []string {
	out := make([]string, len(ex))
	for i, e := range ex {
		out[i] = e.Text
	}
	return out
}

// Labels returns the labels of ex.
func Labels(ex []Example) []int {
	out := make([]int, len(ex))
	for i, e := range ex {
		out[i] = e.Label
	}
	return out
}
