package trainer

import (
	"bufio"
	"compress/gzip"
	"fmt"
	"io"
	"os"
	"sort"

	"github.com/rnnzoo/rnnzoo/embeddings"
)

// SentenceEnd is the token that stands for a newline, vocabulary entry 0.
const SentenceEnd = "</s>"

// maxWordBytes truncates longer tokens, as the C tool does (MAX_STRING 100).
const maxWordBytes = 99

// Source opens the corpus from its beginning; it is called once per pass.
type Source func() (io.ReadCloser, error)

// Files returns a Source that reads the files one after another (each one
// gzip-decompressed when it starts with the gzip magic bytes). A file that
// does not end in a newline is followed by one, so sentences do not run
// across files.
func Files(paths ...string) Source {
	return func() (io.ReadCloser, error) {
		if len(paths) == 0 {
			return nil, fmt.Errorf("word2vec: no training files")
		}
		return &multiFile{paths: paths}, nil
	}
}

type multiFile struct {
	paths []string
	i     int
	f     *os.File
	r     io.Reader
	last  byte
}

func (m *multiFile) Read(p []byte) (int, error) {
	for {
		if m.r == nil {
			if m.i >= len(m.paths) {
				return 0, io.EOF
			}
			f, err := os.Open(m.paths[m.i])
			if err != nil {
				return 0, err
			}
			m.f = f
			br := bufio.NewReaderSize(f, 1<<16)
			if magic, _ := br.Peek(2); len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
				zr, err := gzip.NewReader(br)
				if err != nil {
					f.Close()
					return 0, fmt.Errorf("%s: %w", m.paths[m.i], err)
				}
				m.r = zr
			} else {
				m.r = br
			}
			m.last = '\n'
		}
		n, err := m.r.Read(p)
		if n > 0 {
			m.last = p[n-1]
			return n, nil
		}
		if err == io.EOF {
			m.f.Close()
			m.r, m.f = nil, nil
			m.i++
			if m.last != '\n' && len(p) > 0 {
				p[0] = '\n'
				m.last = '\n'
				return 1, nil
			}
			continue
		}
		if err != nil {
			return 0, fmt.Errorf("%s: %w", m.paths[m.i], err)
		}
	}
}

func (m *multiFile) Close() error {
	if m.f != nil {
		return m.f.Close()
	}
	return nil
}

// tokenize calls emit for every token of r, the C tool's way: newline yields
// SentenceEnd. It reads in large chunks and never allocates per token; the
// slice passed to emit is valid only during the call.
func tokenize(r io.Reader, emit func(tok []byte)) error {
	buf := make([]byte, 1<<20)
	var carry []byte // token cut by the chunk boundary
	nl := []byte(SentenceEnd)
	for {
		n, err := r.Read(buf)
		chunk := buf[:n]
		i := 0
		for i < len(chunk) {
			c := chunk[i]
			if c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f' {
				if len(carry) > 0 {
					emit(carry)
					carry = carry[:0]
				}
				if c == '\n' {
					emit(nl)
				}
				i++
				continue
			}
			j := i
			for j < len(chunk) {
				c = chunk[j]
				if c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f' {
					break
				}
				j++
			}
			if j == len(chunk) {
				carry = append(carry, chunk[i:j]...)
				if len(carry) > maxWordBytes {
					carry = carry[:maxWordBytes]
				}
			} else if len(carry) > 0 {
				carry = append(carry, chunk[i:j]...)
				if len(carry) > maxWordBytes {
					carry = carry[:maxWordBytes]
				}
				emit(carry)
				carry = carry[:0]
			} else {
				tok := chunk[i:j]
				if len(tok) > maxWordBytes {
					tok = tok[:maxWordBytes]
				}
				emit(tok)
			}
			i = j
		}
		if err == io.EOF {
			if len(carry) > 0 {
				emit(carry)
			}
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// Vocab is the training vocabulary: SentenceEnd first, then words by
// descending count (ties in order of first appearance).
type Vocab struct {
	Words  []string
	Counts []int64
	// TrainWords is the sum of Counts (the C tool's train_words).
	TrainWords int64
	// CorpusWords counts every token read, SentenceEnd included.
	CorpusWords int64
	index       map[string]int32
}

// Index returns the id of word, or -1.
func (v *Vocab) Index(word []byte) int32 {
	if i, ok := v.index[string(word)]; ok {
		return i
	}
	return -1
}

// Len is the vocabulary size.
func (v *Vocab) Len() int { return len(v.Words) }

// WordCounts returns the vocabulary as file entries (for -save-vocab).
func (v *Vocab) WordCounts() []embeddings.WordCount {
	out := make([]embeddings.WordCount, len(v.Words))
	for i := range v.Words {
		out[i] = embeddings.WordCount{Word: v.Words[i], Count: v.Counts[i]}
	}
	return out
}

// BuildVocab counts the tokens of src and keeps those seen at least minCount
// times (SentenceEnd always), then the maxVocab most frequent (0: no cap).
func BuildVocab(src Source, minCount, maxVocab int) (*Vocab, error) {
	rc, err := src()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	idx := map[string]int32{SentenceEnd: 0}
	words := []string{SentenceEnd}
	counts := []int64{0}
	var total int64
	err = tokenize(rc, func(tok []byte) {
		total++
		if i, ok := idx[string(tok)]; ok {
			counts[i]++
			return
		}
		w := string(tok)
		idx[w] = int32(len(words))
		words = append(words, w)
		counts = append(counts, 1)
	})
	if err != nil {
		return nil, err
	}
	idx = nil
	return newVocab(words, counts, total, minCount, maxVocab), nil
}

func newVocab(words []string, counts []int64, total int64, minCount, maxVocab int) *Vocab {
	order := make([]int32, 0, len(words))
	for i := 1; i < len(words); i++ {
		if counts[i] >= int64(minCount) {
			order = append(order, int32(i))
		}
	}
	sort.SliceStable(order, func(a, b int) bool { return counts[order[a]] > counts[order[b]] })
	if maxVocab > 0 && len(order) > maxVocab-1 {
		order = order[:max(maxVocab-1, 0)]
	}
	v := &Vocab{CorpusWords: total, index: make(map[string]int32, len(order)+1)}
	v.Words = append(v.Words, SentenceEnd)
	v.Counts = append(v.Counts, counts[0])
	for _, i := range order {
		v.Words = append(v.Words, words[i])
		v.Counts = append(v.Counts, counts[i])
	}
	for i, w := range v.Words {
		v.index[w] = int32(i)
		v.TrainWords += v.Counts[i]
	}
	return v
}

// VocabFromCounts builds a Vocab from "word count" entries (a -read-vocab
// file); SentenceEnd is added with count 0 when missing.
func VocabFromCounts(entries []embeddings.WordCount, minCount, maxVocab int) *Vocab {
	words := []string{SentenceEnd}
	counts := []int64{0}
	for _, e := range entries {
		if e.Word == SentenceEnd {
			counts[0] = e.Count
			continue
		}
		words = append(words, e.Word)
		counts = append(counts, e.Count)
	}
	var total int64
	for _, c := range counts {
		total += c
	}
	return newVocab(words, counts, total, minCount, maxVocab)
}
