package bleu_test

import (
	"fmt"
	"log"

	"github.com/rnnzoo/rnnzoo/metrics/bleu"
)

// Corpus BLEU of two translations against one reference each, with
// sacrebleu's 13a tokenisation. By hand: clipped n-gram matches 13/15,
// 9/13, 7/11 and 5/9, 15 hypothesis tokens against 14 reference tokens
// (no brevity penalty): 100·(13/15·9/13·7/11·5/9)^¼ = 67.87.
func ExampleCorpus() {
	hyps := []string{"The cat sat on the mat.", "There is a dog in the garden."}
	refs := [][]string{{"The cat sat on the mat.", "A dog is in the garden."}}
	r, err := bleu.Corpus(hyps, refs, bleu.Options{})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("BLEU %.2f, brevity penalty %.3f, %d/%d unigrams matched\n", r.Score, r.BP, r.Matches[0], r.Totals[0])
	fmt.Println(bleu.Tokenize13a("A dog, in the garden."))
	// Output:
	// BLEU 67.87, brevity penalty 1.000, 13/15 unigrams matched
	// [A dog , in the garden .]
}

// chrF (character n-grams up to 6, β = 2) of the same translations.
func ExampleChrF() {
	hyps := []string{"The cat sat on the mat.", "There is a dog in the garden."}
	refs := [][]string{{"The cat sat on the mat.", "A dog is in the garden."}}
	f, err := bleu.ChrF(hyps, refs)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("chrF %.2f\n", f)
	// Output: chrF 83.58
}
