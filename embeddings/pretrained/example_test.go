package pretrained_test

import (
	"fmt"

	"github.com/rnnzoo/rnnzoo/embeddings/pretrained"
)

func ExampleLoad() {
	v, err := pretrained.Load()
	if err != nil {
		fmt.Println(err)
		return
	}
	_, good := v.Index("good")
	_, bad := v.Index("terrible")
	fmt.Println(v.Dim, good, bad)
	// Output: 100 true true
}
