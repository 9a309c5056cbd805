// Command external is a user's program in a module of its own: it imports
// rnnzoo's model packages as any Go program would (go.mod replaces the
// module with this checkout), loads each shipped model and runs its verb.
// .ci/run builds and runs it; it exits non-zero if anything fails.
package main

import (
	"fmt"
	"log"

	"github.com/rnnzoo/rnnzoo/datasets/images"
	"github.com/rnnzoo/rnnzoo/models/imagecols/cols"
	"github.com/rnnzoo/rnnzoo/models/sentiment/polarity"
	"github.com/rnnzoo/rnnzoo/models/translate/translator"
)

func main() {
	m, err := polarity.Pretrained()
	if err != nil {
		log.Fatal(err)
	}
	preds, err := m.Predict([]string{"I loved every minute of it.", "The battery died after two days."})
	if err != nil {
		log.Fatal(err)
	}
	if preds[0].Name != "positive" || preds[1].Name != "negative" {
		log.Fatalf("sentiment: %+v", preds)
	}
	fmt.Println("sentiment:", preds[0].Name, preds[1].Name)

	tr, err := translator.Pretrained()
	if err != nil {
		log.Fatal(err)
	}
	out, err := tr.Translate([]string{"The Lord is my shepherd."}, translator.DefaultDecodeOptions())
	if err != nil || out[0] == "" {
		log.Fatalf("translate: %q, %v", out, err)
	}
	fmt.Println("translate:", out[0])

	for _, name := range cols.PretrainedNames() {
		clf, err := cols.Pretrained(name)
		if err != nil {
			log.Fatal(err)
		}
		blank := make([]float32, clf.Config.H*clf.Config.W)
		p, err := clf.Classify([][]float32{blank})
		if err != nil || len(p[0].Probs) != clf.Config.Classes {
			log.Fatalf("imagecols %s: %+v, %v", name, p, err)
		}
		fmt.Printf("imagecols %s: a blank image reads as %s (%.2f)\n", name, p[0].Name, p[0].Prob)
	}
	_, test, err := images.DigitsSplit()
	if err != nil {
		log.Fatal(err)
	}
	digits, err := cols.Pretrained("digits")
	if err != nil {
		log.Fatal(err)
	}
	if p, err := digits.Classify([][]float32{test.Image(0)}); err != nil || p[0].Class != test.Labels[0] {
		log.Fatalf("imagecols digits: %+v, %v", p, err)
	}
}
