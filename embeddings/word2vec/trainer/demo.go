package trainer

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/rnnzoo/rnnzoo/embeddings"
)

// Demo is the word2vec program's demo: it trains CBOW (iter passes, the
// given worker count, subsampling 1e-4, seed 1) on src with the text
// lower-cased and its punctuation removed (Simplify), prints the
// vocabulary, the speed, the nearest neighbours of a few words and three
// analogies to out (the progress to progress), and saves the vectors to
// path ("": sotu.bin in a new temporary directory).
func Demo(out, progress io.Writer, src Source, iter, threads int, path string) error {
	if path == "" {
		dir, err := os.MkdirTemp("", "rnnzoo-word2vec-")
		if err != nil {
			return err
		}
		path = filepath.Join(dir, "sotu.bin")
	}
	simple := func() (io.ReadCloser, error) {
		rc, err := src()
		if err != nil {
			return nil, err
		}
		return struct {
			io.Reader
			io.Closer
		}{Simplify(rc), rc}, nil
	}
	res, err := Train(simple, Config{CBOW: true, Iter: iter, Threads: threads, Sample: 1e-4, Seed: 1, Progress: ProgressPrinter(progress)})
	if err != nil {
		return err
	}
	st := res.Stats
	fmt.Fprintf(out, "vocabulary %d words, %d tokens a pass, trained in %.1fs (%.0fk words/s)\n", st.VocabSize, st.CorpusWords, st.TrainSeconds, st.WordsPerSec/1000)
	for _, w := range []string{"war", "economy", "freedom", "president", "america", "tax"} {
		if nn, err := res.Vectors.Nearest(w, 6); err == nil {
			words := make([]string, len(nn))
			for i, x := range nn {
				words[i] = x.Word
			}
			fmt.Fprintf(out, "  %-10s %s\n", w, strings.Join(words, " "))
		}
	}
	for _, q := range [][3]string{{"france", "paris", "england"}, {"good", "better", "bad"}, {"man", "he", "woman"}} {
		if ans, err := res.Vectors.Analogy(q[0], q[1], q[2], embeddings.CosAdd, 1, 0); err == nil {
			fmt.Fprintf(out, "  %s : %s :: %s : %s\n", q[0], q[1], q[2], ans[0].Word)
		}
	}
	if err := res.Vectors.Save(path, embeddings.Auto); err != nil {
		return err
	}
	fmt.Fprintf(out, "saved %s\n", path)
	return nil
}
