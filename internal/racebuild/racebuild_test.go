package racebuild_test

import (
	"fmt"

	"github.com/rnnzoo/rnnzoo/internal/racebuild"
)

func Example() {
	fmt.Println(racebuild.Enabled == raceOn)
	// Output: true
}
