package translator

import (
	"testing"

	"github.com/rnnzoo/rnnzoo/internal/ckfuzz"
)

// FuzzFromCheckpoint: a checkpoint's configuration and vocabularies,
// whatever they hold, give an error or a model that translates, never a
// panic.
func FuzzFromCheckpoint(f *testing.F) {
	ckfuzz.Loader(f, pretrainedGz, FromCheckpoint, func(m *Model) error {
		_, err := m.Translate([]string{"In the beginning"}, DecodeOptions{Beam: 2, Alpha: 1, MaxOut: 4})
		return err
	}, [2]string{`{"max_len":0,"hidden":-1}`, `{}`}, [2]string{`{"src_vocab":1}`, `{"src":[],"tgt":[]}`})
}
