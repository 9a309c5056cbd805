package polarity

import (
	"encoding/json"
	"runtime"
	"strings"
	"testing"

	"github.com/rnnzoo/rnnzoo/internal/ckfuzz"
	"github.com/rnnzoo/rnnzoo/train/checkpoint"
)

// FuzzFromCheckpoint: a checkpoint's configuration and vocabulary, whatever
// they hold, give an error or a model that predicts, never a panic.
func FuzzFromCheckpoint(f *testing.F) {
	ckfuzz.Loader(f, pretrainedGz, FromCheckpoint, func(m *Model) error {
		_, err := m.Predict([]string{"a b c", ""})
		return err
	}, [2]string{`{"max_len":0}`, `{"words":["<pad>"]}`}, [2]string{`{"classes":1}`, `{}`}, [2]string{`null`, `{"words":null}`})
}

// A configuration edited to claim far larger layers than the file's
// tensors is refused before anything is allocated; a vocabulary that does
// not match the embedding is refused too.
func TestFromCheckpointChecksTheConfigAgainstTheFile(t *testing.T) {
	base, err := checkpoint.DecodeGzip(pretrainedGz)
	if err != nil {
		t.Fatal(err)
	}
	edit := func(key string, v any) *checkpoint.Checkpoint {
		var c map[string]any
		if err := json.Unmarshal(base.Config, &c); err != nil {
			t.Fatal(err)
		}
		c[key] = v
		b, _ := json.Marshal(c)
		ck := *base
		ck.Config = b
		return &ck
	}
	var m0, m1 runtime.MemStats
	runtime.ReadMemStats(&m0)
	_, err = FromCheckpoint(edit("hidden", 1000000))
	runtime.ReadMemStats(&m1)
	if err == nil || !strings.Contains(err.Error(), "asks for at least") {
		t.Fatalf("hidden 1,000,000: %v", err)
	}
	if grew := m1.TotalAlloc - m0.TotalAlloc; grew > 64<<20 {
		t.Fatalf("allocated %d MB to refuse it", grew>>20)
	}
	if _, err := FromCheckpoint(edit("vocab", 21486)); err == nil || !strings.Contains(err.Error(), "the vocabulary has 21487 words, the model config 21486") {
		t.Fatalf("vocab 21486: %v", err)
	}
}
