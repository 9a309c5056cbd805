package polarity

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/rnnzoo/rnnzoo/datasets/text"
	"github.com/rnnzoo/rnnzoo/embeddings"
	"github.com/rnnzoo/rnnzoo/embeddings/pretrained"
)

// Coverage says how much of a vocabulary pretrained vectors cover.
type Coverage struct {
	Words, Found     int
	Tokens, TokFound int // over the training text, counting repeats
}

// embeddingMatrix builds the vocab × dim initial embedding: the pretrained
// vector of every word the file has (trying the word, then its lower-case
// form), and for the others random rows drawn from N(μ, σ²) per dimension
// of the pretrained vectors, so that they look like the rest; <pad> is 0.
func embeddingMatrix(vocab *text.Vocab, vecs *embeddings.Vectors, counts map[string]int, seed uint64) ([]float64, Coverage) {
	D := vecs.Dim
	V := vocab.Size()
	m := make([]float64, V*D)
	mean, std := make([]float64, D), make([]float64, D)
	n := vecs.Len()
	for i := 0; i < n; i++ {
		for d, v := range vecs.Row(i) {
			mean[d] += float64(v)
		}
	}
	for d := range mean {
		mean[d] /= float64(max(n, 1))
	}
	for i := 0; i < n; i++ {
		for d, v := range vecs.Row(i) {
			x := float64(v) - mean[d]
			std[d] += x * x
		}
	}
	for d := range std {
		std[d] = math.Sqrt(std[d] / float64(max(n, 1)))
	}
	rng := rand.New(rand.NewPCG(seed, 0xe3b))
	var cov Coverage
	for id := 0; id < V; id++ {
		w := vocab.Token(id)
		row := m[id*D : (id+1)*D]
		if id == 0 { // <pad>
			continue
		}
		if !vocab.IsSpecial(id) {
			cov.Words++
			cov.Tokens += counts[w]
		}
		v, ok := vecs.Vector(w)
		if ok {
			if !vocab.IsSpecial(id) {
				cov.Found++
				cov.TokFound += counts[w]
			}
			for d := range row {
				row[d] = float64(v[d])
			}
			continue
		}
		for d := range row {
			row[d] = mean[d] + std[d]*rng.NormFloat64()
		}
	}
	return m, cov
}

func (c Coverage) String() string {
	return fmt.Sprintf("pretrained vectors cover %d of %d words (%.1f%%) and %.1f%% of training tokens; the other rows start from N(mean, std²) of the pretrained vectors",
		c.Found, c.Words, 100*float64(c.Found)/float64(max(c.Words, 1)), 100*float64(c.TokFound)/float64(max(c.Tokens, 1)))
}

// LoadVectors reads the initial word vectors named as the sentiment
// program's -vectors flag names them: "builtin" (package
// embeddings/pretrained), "none" or "" (a random embedding: nil), or a
// vector file in format (embeddings.ParseFormat: auto, text, binary, glove,
// wink). It returns the vectors and the name the checkpoint records.
func LoadVectors(spec, format string) (*embeddings.Vectors, string, error) {
	switch spec {
	case "none", "":
		return nil, "none", nil
	case "builtin":
		v, err := pretrained.Shared()
		return v, "builtin (" + pretrained.File + ")", err
	}
	f, err := embeddings.ParseFormat(format)
	if err != nil {
		return nil, "", err
	}
	v, err := embeddings.Load(spec, f)
	return v, spec, err
}
