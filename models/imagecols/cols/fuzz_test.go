package cols

import (
	"testing"

	"github.com/rnnzoo/rnnzoo/internal/ckfuzz"
)

// FuzzFromCheckpoint: a checkpoint's configuration, whatever it holds,
// gives an error or a model that classifies, never a panic.
func FuzzFromCheckpoint(f *testing.F) {
	gz, err := pretrainedFS.ReadFile(pretrainedFile(Digits))
	if err != nil {
		f.Fatal(err)
	}
	ckfuzz.Loader(f, gz, FromCheckpoint, func(m *Model) error {
		if m.Classifier == nil {
			return nil
		}
		_, err := m.Classifier.Classify([][]float32{make([]float32, m.Config.H*m.Config.W)})
		return err
	}, [2]string{`{"kind":"classifier","h":0,"w":8}`, `{}`}, [2]string{`{"kind":"generator","classes":0}`, `{}`})
}
