package translator_test

import (
	"fmt"
	"log"

	"github.com/rnnzoo/rnnzoo/models/translate/translator"
)

// Load the shipped English→Spanish model and translate; nothing is
// trained.
func Example() {
	m, err := translator.Pretrained()
	if err != nil {
		log.Fatal(err)
	}
	out, err := m.Translate([]string{"And God said, Let there be light."}, translator.DefaultDecodeOptions())
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(out[0])
	// Output: Y dijo Dios, y dijo allí la luz.
}
