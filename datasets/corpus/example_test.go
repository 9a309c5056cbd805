package corpus_test

import (
	"bufio"
	"fmt"

	"github.com/rnnzoo/rnnzoo/datasets/corpus"
)

func ExampleOpen() {
	rc, err := corpus.Open()
	if err != nil {
		panic(err)
	}
	defer rc.Close()
	sc := bufio.NewScanner(rc)
	sc.Split(bufio.ScanWords)
	for i := 0; i < 6 && sc.Scan(); i++ {
		fmt.Print(sc.Text(), " ")
	}
	fmt.Println()
	// Output: Fellow-Citizens of the Senate and House
}
