package corpus

import (
	"bufio"
	"testing"
)

func TestOpenCounts(t *testing.T) {
	rc, err := Open()
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	sc := bufio.NewScanner(rc)
	sc.Buffer(make([]byte, 1<<20), 1<<22)
	sc.Split(bufio.ScanWords)
	words := 0
	for sc.Scan() {
		words++
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if words != Words {
		t.Fatalf("words = %d, want %d", words, Words)
	}
}
