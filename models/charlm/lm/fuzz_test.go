package lm

import (
	"bytes"
	"strings"
	"testing"

	"github.com/rnnzoo/rnnzoo/internal/ckfuzz"
)

// FuzzFromCheckpoint: a checkpoint's configuration and character
// vocabulary, whatever they hold, give an error or a model that samples and
// scores, never a panic.
func FuzzFromCheckpoint(f *testing.F) {
	ckfuzz.Loader(f, pretrainedGz, FromCheckpoint, func(m *Model) error {
		if _, err := m.Sample("The ", 5, 0.5, 1); err != nil {
			return err
		}
		_, _, err := m.BitsPerChar("The Congress")
		return err
	}, [2]string{`{"layers":0}`, `{"chars":[]}`}, [2]string{`{"hidden":1}`, `{"chars":["a","a"]}`})
}

// FuzzReadText: any bytes are UTF-8 text (whose characters a vocabulary
// encodes and decodes back) or an error naming the place.
func FuzzReadText(f *testing.F) {
	f.Add([]byte("Mr. Speaker, the state of the Union is strong."), 0)
	f.Add([]byte("caf\xc3\xa9 \xff tail"), 3)
	f.Add([]byte(""), 5)
	f.Fuzz(func(t *testing.T, data []byte, maxChars int) {
		text, err := ReadText("fuzz.txt", bytes.NewReader(data), maxChars)
		if err != nil {
			if !strings.Contains(err.Error(), "fuzz.txt") {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		if maxChars > 0 && len(text) > maxChars {
			t.Fatalf("%d characters kept of at most %d", len(text), maxChars)
		}
		v := NewVocab(text, 255)
		ids := v.Encode(text)
		if len(ids) != len(text) {
			t.Fatalf("%d ids for %d characters", len(ids), len(text))
		}
		for _, id := range ids {
			if id < 0 || id >= v.Size() {
				t.Fatalf("id %d outside the vocabulary of %d", id, v.Size())
			}
		}
	})
}
