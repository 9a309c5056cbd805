package polarity

import (
	"strings"
	"testing"

	"github.com/rnnzoo/rnnzoo/datasets/text"
	"github.com/rnnzoo/rnnzoo/embeddings"
)

func TestEmbeddingMatrixCoverage(t *testing.T) {
	vecs, err := embeddings.FromMatrix([]string{"good", "bad", "movie"}, []float32{1, 2, 3, 4, 5, 6}, 2)
	if err != nil {
		t.Fatal(err)
	}
	counts := text.Counter{"good": 5, "bad": 3, "plot": 2}
	vocab := counts.Vocab(text.VocabOptions{MinCount: 1})
	m, cov := embeddingMatrix(vocab, vecs, counts, 1)
	if cov.Words != 3 || cov.Found != 2 || cov.Tokens != 10 || cov.TokFound != 8 {
		t.Fatalf("Coverage %+v, want 2 of 3 words and 8 of 10 tokens", cov)
	}
	row := func(w string) []float64 { id := vocab.ID(w); return m[id*2 : id*2+2] }
	if r := row("good"); r[0] != 1 || r[1] != 2 {
		t.Fatalf("row of good %v, want the pretrained [1 2]", r)
	}
	if r := row("plot"); r[0] == 0 && r[1] == 0 {
		t.Fatal("the row of a word without a vector was left at zero")
	}
	if r := m[0:2]; r[0] != 0 || r[1] != 0 {
		t.Fatalf("<pad> row %v, want zeros", r)
	}
	if s := cov.String(); !strings.Contains(s, "2 of 3 words") || !strings.Contains(s, "80.0% of training tokens") {
		t.Fatalf("report %q", s)
	}
}
