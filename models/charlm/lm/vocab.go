package lm

import (
	"fmt"
	"io"
	"os"
	"sort"
	"unicode/utf8"

	"github.com/rnnzoo/rnnzoo/datasets/corpus"
)

// Unknown is the id of characters outside the vocabulary.
const Unknown = 0

// Vocab maps characters to ids 1…Size()−1; id 0 is the unknown character.
type Vocab struct {
	Chars []rune `json:"chars"` // Chars[i] has id i+1
	index map[rune]int
}

// NewVocab builds the vocabulary of a text: its distinct characters in
// code point order, at most max of them (the most frequent; max ≤ 0 means
// no limit).
func NewVocab(text []rune, max int) *Vocab {
	counts := map[rune]int{}
	for _, r := range text {
		counts[r]++
	}
	chars := make([]rune, 0, len(counts))
	for r := range counts {
		chars = append(chars, r)
	}
	if max > 0 && len(chars) > max {
		sort.Slice(chars, func(i, j int) bool {
			if counts[chars[i]] != counts[chars[j]] {
				return counts[chars[i]] > counts[chars[j]]
			}
			return chars[i] < chars[j]
		})
		chars = chars[:max]
	}
	sort.Slice(chars, func(i, j int) bool { return chars[i] < chars[j] })
	v := &Vocab{Chars: chars}
	v.init()
	return v
}

func (v *Vocab) init() {
	v.index = make(map[rune]int, len(v.Chars))
	for i, r := range v.Chars {
		v.index[r] = i + 1
	}
}

// Validate rebuilds the index after decoding and checks for duplicates.
func (v *Vocab) Validate() error {
	v.init()
	if len(v.index) != len(v.Chars) {
		return fmt.Errorf("charlm: vocabulary has duplicate characters")
	}
	return nil
}

// Size is the number of ids, including the unknown character.
func (v *Vocab) Size() int { return len(v.Chars) + 1 }

// ID returns the id of r (Unknown if it is not in the vocabulary).
func (v *Vocab) ID(r rune) int {
	if v.index == nil {
		v.init()
	}
	return v.index[r]
}

// Encode returns the ids of a text.
func (v *Vocab) Encode(text []rune) []int {
	ids := make([]int, len(text))
	for i, r := range text {
		ids[i] = v.ID(r)
	}
	return ids
}

// Char returns the character of an id (U+FFFD for Unknown).
func (v *Vocab) Char(id int) rune {
	if id <= 0 || id > len(v.Chars) {
		return '\uFFFD'
	}
	return v.Chars[id-1]
}

// Split cuts a text into a training part and the last frac of it as
// held-out text.
func Split(text []rune, frac float64) (train, valid []rune) {
	n := int(float64(len(text)) * frac)
	return text[:len(text)-n], text[len(text)-n:]
}

// Streams lays ids out as B parallel streams for truncated BPTT: stream b
// is the b-th of B equal consecutive pieces. Batch k of T steps reads
// positions k·T … k·T+T−1 of every stream and predicts the following
// characters, so the state after batch k is the right start for batch k+1.
type Streams struct {
	B, T    int
	streams [][]int
}

// NewStreams cuts ids into B streams of T-step batches.
func NewStreams(ids []int, B, T int) (*Streams, error) {
	if B < 1 || T < 1 {
		return nil, fmt.Errorf("charlm: %d streams of %d-step batches: both must be at least 1", B, T)
	}
	n := len(ids) / B
	if n < T+1 {
		return nil, fmt.Errorf("charlm: %d characters are too few for %d streams of %d-step batches", len(ids), B, T)
	}
	s := &Streams{B: B, T: T}
	for b := 0; b < B; b++ {
		s.streams = append(s.streams, ids[b*n:(b+1)*n])
	}
	return s, nil
}

// Batches is the number of batches in one pass.
func (s *Streams) Batches() int { return (len(s.streams[0]) - 1) / s.T }

// Batch returns the inputs and targets of batch k: B rows of T ids.
func (s *Streams) Batch(k int) (in, out [][]int) {
	in, out = make([][]int, s.B), make([][]int, s.B)
	for b, st := range s.streams {
		in[b] = st[k*s.T : (k+1)*s.T]
		out[b] = st[k*s.T+1 : (k+1)*s.T+1]
	}
	return in, out
}

// LoadText reads a UTF-8 text file, or the embedded corpus (the State of
// the Union addresses, datasets/corpus) when path is empty, keeping the
// last maxChars characters (0: all); it returns the text and its name.
func LoadText(path string, maxChars int) ([]rune, string, error) {
	if path == "" {
		rc, err := corpus.Open()
		if err != nil {
			return nil, "", err
		}
		defer rc.Close()
		name := "embedded corpus: " + corpus.Name
		text, err := ReadText(name, rc, maxChars)
		return text, name, err
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, "", err
	}
	defer f.Close()
	text, err := ReadText(path, f, maxChars)
	return text, path, err
}

// ReadText reads UTF-8 text from r, keeping the last maxChars characters
// (0: all); name labels errors, which give the byte offset of the first
// invalid UTF-8 sequence.
func ReadText(name string, r io.Reader, maxChars int) ([]rune, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if !utf8.Valid(b) {
		off := 0
		for off < len(b) {
			c, size := utf8.DecodeRune(b[off:])
			if c == utf8.RuneError && size <= 1 {
				break
			}
			off += size
		}
		return nil, fmt.Errorf("%s: byte %d: not UTF-8 text", name, off)
	}
	text := []rune(string(b))
	if maxChars > 0 && len(text) > maxChars {
		text = text[len(text)-maxChars:]
	}
	return text, nil
}
