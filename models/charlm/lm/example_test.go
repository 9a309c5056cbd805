package lm_test

import (
	"fmt"
	"log"

	"github.com/rnnzoo/rnnzoo/models/charlm/lm"
)

// Load the shipped model, score a sentence and continue a text; nothing is
// trained.
func Example() {
	m, err := lm.Pretrained()
	if err != nil {
		log.Fatal(err)
	}
	bpc, n, err := m.BitsPerChar("The Congress shall have power to lay and collect taxes, duties, imposts and excises.")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%d characters scored, %.1f bits each\n", n, bpc)
	text, err := m.Sample("My fellow citizens", 30, 0, 1) // temperature 0: the most probable character each time
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("My fellow citizens%s\n", text)
	// Output:
	// 83 characters scored, 2.4 bits each
	// My fellow citizens of the world and the programs
}
