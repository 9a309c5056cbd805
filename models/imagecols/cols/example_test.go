package cols_test

import (
	"fmt"
	"log"

	"github.com/rnnzoo/rnnzoo/datasets/images"
	"github.com/rnnzoo/rnnzoo/models/imagecols/cols"
)

// Load a shipped classifier and classify test images; nothing is trained.
func Example() {
	clf, err := cols.Pretrained("digits")
	if err != nil {
		log.Fatal(err)
	}
	_, test, err := images.DigitsSplit()
	if err != nil {
		log.Fatal(err)
	}
	preds, err := clf.Classify([][]float32{test.Image(0), test.Image(1), test.Image(2)})
	if err != nil {
		log.Fatal(err)
	}
	for i, p := range preds {
		fmt.Printf("predicted %s, labelled %s\n", p.Name, test.ClassName(test.Labels[i]))
	}
	// Output:
	// predicted 1, labelled 1
	// predicted 2, labelled 2
	// predicted 6, labelled 6
}
