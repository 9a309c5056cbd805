package trainer_test

import (
	"fmt"
	"io"
	"strings"

	"github.com/rnnzoo/rnnzoo/embeddings/word2vec/trainer"
)

func ExampleTrain() {
	text := strings.Repeat("the cat sat on the mat\nthe dog sat on the log\n", 50)
	src := func() (io.ReadCloser, error) { return io.NopCloser(strings.NewReader(text)), nil }
	res, err := trainer.Train(src, trainer.Config{Dim: 10, MinCount: 1, Iter: 2, Reproducible: true, Seed: 1})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(res.Vectors.Words, res.Vectors.Dim, res.Stats.CorpusWords)
	// Output: [</s> the sat on cat mat dog log] 10 700
}

func ExampleKeepProbability() {
	// A word making up 10% of a 1M-word corpus, with -sample 1e-4.
	fmt.Printf("%.4f\n", trainer.KeepProbability(100000, 1000000, 1e-4))
	// Output: 0.0326
}
