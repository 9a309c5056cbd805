package polarity_test

import (
	"fmt"
	"log"

	"github.com/rnnzoo/rnnzoo/models/sentiment/polarity"
)

// Load the shipped model and classify sentences; nothing is trained.
func Example() {
	m, err := polarity.Pretrained()
	if err != nil {
		log.Fatal(err)
	}
	preds, err := m.Predict([]string{
		"I loved every minute of it.",
		"The battery died after two days.",
	})
	if err != nil {
		log.Fatal(err)
	}
	for _, p := range preds {
		fmt.Println(p.Name)
	}
	// Output:
	// positive
	// negative
}
