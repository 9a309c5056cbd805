// Command external is a user's program in a module of its own: it imports
// rnnzoo's model packages as any Go program would (go.mod replaces the
// module with this checkout), loads each shipped model and runs its verb.
// .ci/run builds and runs it; it exits non-zero if anything fails.
package main

import (
	"fmt"
	"log"

	"context"

	"github.com/rnnzoo/rnnzoo/datasets/images"
	"github.com/rnnzoo/rnnzoo/models/charlm/lm"
	"github.com/rnnzoo/rnnzoo/models/gradflow/flow"
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

	clm, err := lm.Pretrained()
	if err != nil {
		log.Fatal(err)
	}
	text, err := clm.Sample("My fellow citizens", 40, 0.7, 1)
	if err != nil {
		log.Fatal(err)
	}
	bpc, n, err := clm.BitsPerChar("The Congress shall assemble at least once in every year.")
	if err != nil || bpc <= 0 || bpc > 8 {
		log.Fatalf("charlm: %v bits per character over %d, %v", bpc, n, err)
	}
	fmt.Printf("charlm: My fellow citizens%s (%.2f bits per character)\n", text, bpc)

	g := flow.QuickGrid()
	g.Tasks, g.Cells, g.Lengths, g.ProfileLengths = []string{flow.Adding}, []string{"lstm"}, []int{5}, nil
	g.Run.Steps, g.Run.Hidden = 10, 4
	_, runs, err := flow.Grid(context.Background(), g, nil, nil)
	if err != nil || len(runs) != 2 {
		log.Fatalf("gradflow: %d runs, %v", len(runs), err)
	}
	fmt.Printf("gradflow: %d runs, final test MSE %.3f\n", len(runs), runs[0].Metric)
}
