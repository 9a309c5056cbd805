package text

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sort"

	"github.com/rnnzoo/rnnzoo/internal/atomicfile"
)

// The special tokens and their fixed ids.
const (
	Pad = "<pad>"
	Unk = "<unk>"
	BOS = "<bos>"
	EOS = "<eos>"

	PadID = 0
	UnkID = 1
)

// VocabOptions says how BuildVocab cuts the vocabulary.
type VocabOptions struct {
	// MinCount drops tokens seen fewer times (values below 1 mean 1).
	MinCount int
	// MaxSize bounds the vocabulary size, special tokens included
	// (0: no bound).
	MaxSize int
	// BOSEOS adds <bos> (id 2) and <eos> (id 3), for sequence generation.
	BOSEOS bool
}

// Vocab maps tokens to ids and back. Build one with BuildVocab or
// NewCounter().Vocab, or read one with LoadVocab.
type Vocab struct {
	tokens []string
	counts []int
	index  map[string]int
	bos    int
	eos    int
}

// Counter counts tokens.
type Counter map[string]int

// NewCounter returns an empty Counter.
func NewCounter() Counter { return Counter{} }

// Add counts the tokens of one sentence.
func (c Counter) Add(tokens []string) {
	for _, t := range tokens {
		c[t]++
	}
}

// BuildVocab counts sentences and builds a vocabulary from the counts.
func BuildVocab(sentences [][]string, opt VocabOptions) *Vocab {
	c := NewCounter()
	for _, s := range sentences {
		c.Add(s)
	}
	return c.Vocab(opt)
}

// Vocab builds the vocabulary: specials first, then the tokens by falling
// count with ties in byte order, without tokens below MinCount, cut to
// MaxSize. Tokens spelled like a special token are not added twice.
func (c Counter) Vocab(opt VocabOptions) *Vocab {
	v := &Vocab{index: map[string]int{}, bos: -1, eos: -1}
	v.add(Pad, 0)
	v.add(Unk, 0)
	if opt.BOSEOS {
		v.bos = v.add(BOS, 0)
		v.eos = v.add(EOS, 0)
	}
	type tc struct {
		tok string
		n   int
	}
	var all []tc
	for t, n := range c {
		if n >= max(opt.MinCount, 1) {
			if _, special := v.index[t]; !special {
				all = append(all, tc{t, n})
			}
		}
	}
	sort.Slice(all, func(i, j int) bool {
		if all[i].n != all[j].n {
			return all[i].n > all[j].n
		}
		return all[i].tok < all[j].tok
	})
	for _, x := range all {
		if opt.MaxSize > 0 && len(v.tokens) >= opt.MaxSize {
			break
		}
		v.add(x.tok, x.n)
	}
	return v
}

func (v *Vocab) add(tok string, n int) int {
	id := len(v.tokens)
	v.tokens = append(v.tokens, tok)
	v.counts = append(v.counts, n)
	v.index[tok] = id
	return id
}

// Size is the number of ids, specials included.
func (v *Vocab) Size() int { return len(v.tokens) }

// ID returns the id of tok, UnkID when it is unknown.
func (v *Vocab) ID(tok string) int {
	if id, ok := v.index[tok]; ok {
		return id
	}
	return UnkID
}

// Has reports whether tok has its own id.
func (v *Vocab) Has(tok string) bool { _, ok := v.index[tok]; return ok }

// Token returns the token of id, <unk> when id is out of range.
func (v *Vocab) Token(id int) string {
	if id < 0 || id >= len(v.tokens) {
		return Unk
	}
	return v.tokens[id]
}

// Tokens returns the tokens in id order (do not modify).
func (v *Vocab) Tokens() []string { return v.tokens }

// Count returns the training count of id (0 for specials).
func (v *Vocab) Count(id int) int {
	if id < 0 || id >= len(v.counts) {
		return 0
	}
	return v.counts[id]
}

// BOSID and EOSID return the ids of <bos> and <eos>, or -1 when the
// vocabulary has none.
func (v *Vocab) BOSID() int { return v.bos }

// EOSID: see BOSID.
func (v *Vocab) EOSID() int { return v.eos }

// IsSpecial reports whether id is <pad>, <unk>, <bos> or <eos>.
func (v *Vocab) IsSpecial(id int) bool {
	return id == PadID || id == UnkID || (id >= 0 && (id == v.bos || id == v.eos))
}

// Encode maps tokens to ids, with <bos> first and <eos> last when asked
// and the vocabulary has them.
func (v *Vocab) Encode(tokens []string, addBOS, addEOS bool) []int {
	ids := make([]int, 0, len(tokens)+2)
	if addBOS && v.bos >= 0 {
		ids = append(ids, v.bos)
	}
	for _, t := range tokens {
		ids = append(ids, v.ID(t))
	}
	if addEOS && v.eos >= 0 {
		ids = append(ids, v.eos)
	}
	return ids
}

// Decode maps ids to tokens, stopping at <eos> and leaving out <pad> and
// <bos> (an <unk> stays, so that it shows).
func (v *Vocab) Decode(ids []int) []string {
	out := make([]string, 0, len(ids))
	for _, id := range ids {
		if v.eos >= 0 && id == v.eos {
			break
		}
		if id == PadID || (v.bos >= 0 && id == v.bos) {
			continue
		}
		out = append(out, v.Token(id))
	}
	return out
}

// Coverage returns the fraction of tokens of sentences that have their own
// id (not <unk>).
func (v *Vocab) Coverage(sentences [][]string) float64 {
	known, total := 0, 0
	for _, s := range sentences {
		for _, t := range s {
			total++
			if v.Has(t) {
				known++
			}
		}
	}
	if total == 0 {
		return 0
	}
	return float64(known) / float64(total)
}

type vocabJSON struct {
	Format string   `json:"format"`
	Tokens []string `json:"tokens"`
	Counts []int    `json:"counts"`
}

const vocabFormat = "rnnzoo-vocab-1"

// MarshalJSON writes {"format", "tokens" in id order, "counts"}.
func (v *Vocab) MarshalJSON() ([]byte, error) {
	return json.Marshal(vocabJSON{Format: vocabFormat, Tokens: v.tokens, Counts: v.counts})
}

// UnmarshalJSON reads what MarshalJSON wrote and checks it: <pad> at 0,
// <unk> at 1, no repeated token, counts matching tokens.
func (v *Vocab) UnmarshalJSON(b []byte) error {
	var j vocabJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return fmt.Errorf("vocab: %w", err)
	}
	if j.Format != vocabFormat {
		return fmt.Errorf("vocab: format %q, want %q", j.Format, vocabFormat)
	}
	if len(j.Tokens) < 2 || j.Tokens[PadID] != Pad || j.Tokens[UnkID] != Unk {
		return fmt.Errorf("vocab: tokens must start with %s, %s", Pad, Unk)
	}
	if j.Counts != nil && len(j.Counts) != len(j.Tokens) {
		return fmt.Errorf("vocab: %d counts for %d tokens", len(j.Counts), len(j.Tokens))
	}
	nv := Vocab{index: make(map[string]int, len(j.Tokens)), bos: -1, eos: -1}
	for i, t := range j.Tokens {
		if _, dup := nv.index[t]; dup {
			return fmt.Errorf("vocab: token %q at ids %d and %d", t, nv.index[t], i)
		}
		n := 0
		if j.Counts != nil {
			n = j.Counts[i]
		}
		nv.add(t, n)
	}
	if id, ok := nv.index[BOS]; ok {
		nv.bos = id
	}
	if id, ok := nv.index[EOS]; ok {
		nv.eos = id
	}
	*v = nv
	return nil
}

// WriteJSON writes the vocabulary as JSON.
func (v *Vocab) WriteJSON(w io.Writer) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	_, err = w.Write(append(b, '\n'))
	return err
}

// ReadVocab reads a vocabulary written by WriteJSON.
func ReadVocab(r io.Reader) (*Vocab, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	v := new(Vocab)
	if err := v.UnmarshalJSON(b); err != nil {
		return nil, err
	}
	return v, nil
}

// Save writes the vocabulary to path atomically (temporary file, rename).
func (v *Vocab) Save(path string) error { return atomicfile.Write(path, v.WriteJSON) }

// LoadVocab reads a vocabulary file written by Save; errors name the file.
func LoadVocab(path string) (*Vocab, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	v, err := ReadVocab(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return v, nil
}
