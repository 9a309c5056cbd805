package lm

import (
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
