package trainer

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"os"
	"runtime"
	"sort"
	"sync"

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
// The text is cut into chunks at white space and counted by several
// goroutines; ties in count keep the order of first appearance, as a single
// pass would.
func BuildVocab(src Source, minCount, maxVocab int) (*Vocab, error) {
	rc, err := src()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	workers := min(runtime.GOMAXPROCS(0), 4)
	type chunk struct {
		buf []byte
		seq int
	}
	chunks := make(chan chunk, workers)
	free := make(chan []byte, workers+2)
	for i := 0; i < cap(free); i++ {
		free <- make([]byte, 0, 1<<20)
	}
	counts := make([]*localCounts, workers)
	var wg sync.WaitGroup
	for w := range counts {
		lc := &localCounts{index: map[string]int32{}}
		counts[w] = lc
		wg.Add(1)
		go func() {
			defer wg.Done()
			for c := range chunks {
				pos := int64(c.seq) << 32
				tokenize(bytes.NewReader(c.buf), func(tok []byte) {
					lc.add(tok, pos)
					pos++
				})
				free <- c.buf[:0]
			}
		}()
	}
	readErr := splitChunks(rc, free, func(buf []byte, seq int) { chunks <- chunk{buf, seq} })
	close(chunks)
	wg.Wait()
	if readErr != nil {
		return nil, readErr
	}
	// Merge: total counts, and the first position of each word.
	idx := map[string]int32{SentenceEnd: 0}
	words := []string{SentenceEnd}
	total := []int64{0}
	first := []int64{-1}
	var corpus int64
	for _, lc := range counts {
		for i, w := range lc.words {
			corpus += lc.counts[i]
			j, ok := idx[w]
			if !ok {
				j = int32(len(words))
				idx[w] = j
				words = append(words, w)
				total = append(total, 0)
				first = append(first, lc.first[i])
			}
			total[j] += lc.counts[i]
			first[j] = min(first[j], lc.first[i])
		}
	}
	// Order by first appearance, so that the stable sort by count breaks
	// ties as a sequential count would.
	order := make([]int, len(words)-1)
	for i := range order {
		order[i] = i + 1
	}
	sort.Slice(order, func(a, b int) bool { return first[order[a]] < first[order[b]] })
	w2 := []string{SentenceEnd}
	c2 := []int64{total[0]}
	for _, i := range order {
		w2 = append(w2, words[i])
		c2 = append(c2, total[i])
	}
	return newVocab(w2, c2, corpus, minCount, maxVocab), nil
}

type localCounts struct {
	index  map[string]int32
	words  []string
	counts []int64
	first  []int64
}

func (lc *localCounts) add(tok []byte, pos int64) {
	if i, ok := lc.index[string(tok)]; ok {
		lc.counts[i]++
		return
	}
	w := string(tok)
	lc.index[w] = int32(len(lc.words))
	lc.words = append(lc.words, w)
	lc.counts = append(lc.counts, 1)
	lc.first = append(lc.first, pos)
}

// splitChunks reads r into buffers of about 1 MiB that end at white space
// (a token is never cut, unless it is longer than a buffer) and hands them
// out in order.
func splitChunks(r io.Reader, free <-chan []byte, emit func(buf []byte, seq int)) error {
	var carry []byte
	seq := 0
	for {
		buf := <-free
		buf = append(buf[:0], carry...)
		carry = carry[:0]
		n, err := io.ReadFull(r, buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			if len(buf) > 0 {
				emit(buf, seq)
			}
			return nil
		}
		if err != nil {
			return err
		}
		cut := len(buf)
		for cut > 0 && !isSep(buf[cut-1]) {
			cut--
		}
		if cut > 0 {
			carry = append(carry, buf[cut:]...)
			buf = buf[:cut]
		}
		emit(buf, seq)
		seq++
	}
}

func isSep(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'
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

// ExistingFiles is Files after checking that every path can be opened.
func ExistingFiles(paths ...string) (Source, error) {
	for _, p := range paths {
		f, err := os.Open(p)
		if err != nil {
			return nil, err
		}
		f.Close()
	}
	return Files(paths...), nil
}

// ReadVocabFile reads a vocabulary written by SaveVocab (the C tool's
// -save-vocab format, "word count" per line) and keeps the words as
// VocabFromCounts does.
func ReadVocabFile(path string, minCount, maxVocab int) (*Vocab, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	wc, err := embeddings.ReadVocab(fh, path)
	if err != nil {
		return nil, err
	}
	return VocabFromCounts(wc, minCount, maxVocab), nil
}
