package embeddings

import (
	"errors"
	"fmt"
	"io"
	"math"
	"sort"

	"github.com/rnnzoo/rnnzoo/embeddings/internal/vecmath"
)

// Vectors is a set of word vectors of one dimension, in file order (for files
// written by word2vec tools, most frequent words first).
type Vectors struct {
	// Dim is the dimension of every vector.
	Dim int
	// Words holds the words; Words[i] owns Data[i*Dim:(i+1)*Dim].
	Words []string
	// Data is the row-major matrix of vectors, len(Words)*Dim floats.
	Data []float32

	index map[string]int
	unit  []float32 // unit-length copy of Data for cosine queries, built lazily
}

// New returns an empty set of vectors of dimension dim.
func New(dim int) *Vectors {
	return &Vectors{Dim: dim, index: map[string]int{}}
}

// FromMatrix wraps words and a row-major matrix (len(words)*dim floats,
// not copied). It fails on duplicate or empty words or a size mismatch.
func FromMatrix(words []string, data []float32, dim int) (*Vectors, error) {
	if dim <= 0 || len(data) != len(words)*dim {
		return nil, fmt.Errorf("embeddings: %d words × dim %d needs %d floats, got %d", len(words), dim, len(words)*dim, len(data))
	}
	v := &Vectors{Dim: dim, Words: words, Data: data, index: make(map[string]int, len(words))}
	for i, w := range words {
		if err := checkWord(w); err != nil {
			return nil, fmt.Errorf("embeddings: word %d: %w", i, err)
		}
		if _, dup := v.index[w]; dup {
			return nil, fmt.Errorf("embeddings: word %d %q appears twice", i, w)
		}
		v.index[w] = i
	}
	return v, nil
}

func checkWord(w string) error {
	if w == "" {
		return errors.New("empty word")
	}
	for i := 0; i < len(w); i++ {
		if c := w[i]; c == ' ' || c == '\n' || c == '\t' || c == '\r' {
			return fmt.Errorf("word %q contains white space", w)
		}
	}
	return nil
}

// Len is the number of words.
func (v *Vectors) Len() int { return len(v.Words) }

// Add appends a word and a copy of its vector.
func (v *Vectors) Add(word string, vec []float32) error {
	if len(vec) != v.Dim {
		return fmt.Errorf("embeddings: vector for %q has %d values, want %d", word, len(vec), v.Dim)
	}
	if v.index == nil {
		v.index = map[string]int{}
	}
	if _, dup := v.index[word]; dup {
		return fmt.Errorf("embeddings: word %q appears twice", word)
	}
	v.index[word] = len(v.Words)
	v.Words = append(v.Words, word)
	v.Data = append(v.Data, vec...)
	v.unit = nil
	return nil
}

// Index returns the row of word.
func (v *Vectors) Index(word string) (int, bool) {
	i, ok := v.index[word]
	return i, ok
}

// Row returns the vector of row i (a slice of Data, not a copy).
func (v *Vectors) Row(i int) []float32 { return v.Data[i*v.Dim : (i+1)*v.Dim : (i+1)*v.Dim] }

// Vector returns the vector of word (a slice of Data, not a copy).
func (v *Vectors) Vector(word string) ([]float32, bool) {
	i, ok := v.index[word]
	if !ok {
		return nil, false
	}
	return v.Row(i), true
}

// Normalize scales every vector to unit length in place (zero vectors stay).
func (v *Vectors) Normalize() {
	normalizeRows(v.Data, v.Dim)
	v.unit = nil
}

// Truncate keeps the first n words.
func (v *Vectors) Truncate(n int) {
	if n < 0 || n >= len(v.Words) {
		return
	}
	for _, w := range v.Words[n:] {
		delete(v.index, w)
	}
	v.Words = v.Words[:n]
	v.Data = v.Data[:n*v.Dim]
	v.unit = nil
}

func normalizeRows(data []float32, dim int) {
	for o := 0; o+dim <= len(data); o += dim {
		r := data[o : o+dim]
		n := vecmath.Dot(r, r)
		if n > 0 {
			vecmath.Scale(float32(1/math.Sqrt(float64(n))), r)
		}
	}
}

func (v *Vectors) units() []float32 {
	if v.unit == nil {
		u := make([]float32, len(v.Data))
		copy(u, v.Data)
		normalizeRows(u, v.Dim)
		v.unit = u
	}
	return v.unit
}

// Neighbor is a word and its similarity score to a query.
type Neighbor struct {
	Word  string
	Score float32
}

// Cosine returns the cosine similarity of two words.
func (v *Vectors) Cosine(a, b string) (float32, error) {
	ia, ok := v.index[a]
	if !ok {
		return 0, fmt.Errorf("embeddings: %q not in vocabulary", a)
	}
	ib, ok := v.index[b]
	if !ok {
		return 0, fmt.Errorf("embeddings: %q not in vocabulary", b)
	}
	u := v.units()
	return vecmath.Dot(u[ia*v.Dim:(ia+1)*v.Dim], u[ib*v.Dim:(ib+1)*v.Dim]), nil
}

// Nearest returns the k words closest to word by cosine, word excluded.
func (v *Vectors) Nearest(word string, k int) ([]Neighbor, error) {
	i, ok := v.index[word]
	if !ok {
		return nil, fmt.Errorf("embeddings: %q not in vocabulary", word)
	}
	return v.NearestTo(v.Row(i), k, 0, i), nil
}

// NearestTo returns the k words closest by cosine to vec among the first
// restrict words (all when restrict <= 0), skipping the rows in exclude.
func (v *Vectors) NearestTo(vec []float32, k, restrict int, exclude ...int) []Neighbor {
	q := make([]float32, v.Dim)
	copy(q, vec)
	normalizeRows(q, v.Dim)
	u := v.units()
	n := v.limit(restrict)
	top := newTopK(k)
	for i := 0; i < n; i++ {
		if contains(exclude, i) {
			continue
		}
		top.push(i, vecmath.Dot(q, u[i*v.Dim:(i+1)*v.Dim]))
	}
	return top.result(v.Words)
}

func (v *Vectors) limit(restrict int) int {
	if restrict <= 0 || restrict > len(v.Words) {
		return len(v.Words)
	}
	return restrict
}

func contains(s []int, x int) bool {
	for _, y := range s {
		if y == x {
			return true
		}
	}
	return false
}

// Method selects the analogy objective.
type Method int

const (
	// CosAdd answers a:b :: c:? with argmax cos(d, b−a+c) (Mikolov et al. 2013).
	CosAdd Method = iota
	// CosMul answers with argmax cos'(d,b)·cos'(d,c)/(cos'(d,a)+0.001), where
	// cos' = (cos+1)/2 (Levy and Goldberg 2014).
	CosMul
)

func (m Method) String() string {
	if m == CosMul {
		return "3cosmul"
	}
	return "3cosadd"
}

// ParseMethod parses "3cosadd"/"add" or "3cosmul"/"mul".
func ParseMethod(s string) (Method, error) {
	switch s {
	case "3cosadd", "cosadd", "add":
		return CosAdd, nil
	case "3cosmul", "cosmul", "mul":
		return CosMul, nil
	}
	return 0, fmt.Errorf("embeddings: unknown analogy method %q (want 3cosadd or 3cosmul)", s)
}

// Analogy answers a:b :: c:? with the k best words among the first restrict
// words (all when restrict <= 0), the three query words excluded.
func (v *Vectors) Analogy(a, b, c string, m Method, k, restrict int) ([]Neighbor, error) {
	var idx [3]int
	for j, w := range [3]string{a, b, c} {
		i, ok := v.index[w]
		if !ok {
			return nil, fmt.Errorf("embeddings: %q not in vocabulary", w)
		}
		idx[j] = i
	}
	return v.analogyIdx(idx[0], idx[1], idx[2], m, k, restrict, nil), nil
}

// analogyIdx scores rows; buf, when not nil, is a Dim-sized scratch slice.
func (v *Vectors) analogyIdx(ia, ib, ic int, m Method, k, restrict int, buf []float32) []Neighbor {
	u := v.units()
	d := v.Dim
	ua, ub, uc := u[ia*d:(ia+1)*d], u[ib*d:(ib+1)*d], u[ic*d:(ic+1)*d]
	n := v.limit(restrict)
	top := newTopK(k)
	if m == CosAdd {
		q := buf
		if q == nil {
			q = make([]float32, d)
		}
		for i := range q {
			q[i] = ub[i] - ua[i] + uc[i]
		}
		for i := 0; i < n; i++ {
			if i == ia || i == ib || i == ic {
				continue
			}
			top.push(i, vecmath.Dot(q, u[i*d:(i+1)*d]))
		}
	} else {
		for i := 0; i < n; i++ {
			if i == ia || i == ib || i == ic {
				continue
			}
			r := u[i*d : (i+1)*d]
			ca := (vecmath.Dot(r, ua) + 1) / 2
			cb := (vecmath.Dot(r, ub) + 1) / 2
			cc := (vecmath.Dot(r, uc) + 1) / 2
			top.push(i, cb*cc/(ca+0.001))
		}
	}
	return top.result(v.Words)
}

// topK keeps the k best (index, score) pairs, ties to the lower index.
type topK struct {
	k     int
	idx   []int
	score []float32
}

func newTopK(k int) *topK {
	if k < 1 {
		k = 1
	}
	return &topK{k: k}
}

func (t *topK) push(i int, s float32) {
	if len(t.idx) == t.k && s <= t.score[t.k-1] {
		return
	}
	p := len(t.idx)
	if p < t.k {
		t.idx = append(t.idx, 0)
		t.score = append(t.score, 0)
	} else {
		p = t.k - 1
	}
	for p > 0 && t.score[p-1] < s {
		t.idx[p], t.score[p] = t.idx[p-1], t.score[p-1]
		p--
	}
	t.idx[p], t.score[p] = i, s
}

func (t *topK) result(words []string) []Neighbor {
	out := make([]Neighbor, len(t.idx))
	for j, i := range t.idx {
		out[j] = Neighbor{Word: words[i], Score: t.score[j]}
	}
	return out
}

// SortByFrequency is a helper for callers that hold counts: it reorders v
// so that words with larger counts come first (stable), as word2vec files are.
func (v *Vectors) SortByFrequency(count func(word string) int64) {
	n := len(v.Words)
	perm := make([]int, n)
	for i := range perm {
		perm[i] = i
	}
	sort.SliceStable(perm, func(a, b int) bool { return count(v.Words[perm[a]]) > count(v.Words[perm[b]]) })
	words := make([]string, n)
	data := make([]float32, len(v.Data))
	for j, i := range perm {
		words[j] = v.Words[i]
		copy(data[j*v.Dim:(j+1)*v.Dim], v.Row(i))
		v.index[words[j]] = j
	}
	v.Words, v.Data, v.unit = words, data, nil
}

// WriteNeighbors writes "word:" and then each neighbour with its score, one
// a line, as the similar command prints them.
func WriteNeighbors(w io.Writer, word string, nn []Neighbor) {
	fmt.Fprintf(w, "%s:\n", word)
	for _, x := range nn {
		fmt.Fprintf(w, "  %-20s %.4f\n", x.Word, x.Score)
	}
}
