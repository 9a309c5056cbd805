// Package ckfuzz fuzzes the loaders of model checkpoints: it takes a
// model package's shipped checkpoint, replaces its configuration and its
// vocabularies with what the fuzzer makes of them, and requires that the
// package's FromCheckpoint either refuses the result with an error or
// builds a model that then predicts without panicking. The checkpoint's
// checksum does not protect these fields from a loader's point of view:
// a file can be written with any content by anyone, so the loader must
// check what it builds on.
package ckfuzz

import (
	"encoding/json"
	"testing"

	"github.com/rnnzoo/rnnzoo/train/checkpoint"
)

// Loader runs the fuzz target. gz is the shipped checkpoint, from builds
// the model, use runs its verb once (an error is fine, a panic is not).
// The fuzzed input is a configuration and a vocabularies object (JSON:
// vocabulary name to value); empty vocabularies keep the shipped ones, so
// that the corpus stays small (a shipped vocabulary is hundreds of
// kilobytes, too big to mutate quickly). seeds are extra (config, vocabs)
// pairs.
func Loader[M any](f *testing.F, gz []byte, from func(*checkpoint.Checkpoint) (M, error), use func(M) error, seeds ...[2]string) {
	base, err := checkpoint.DecodeGzip(gz)
	if err != nil {
		f.Fatal(err)
	}
	f.Add([]byte(base.Config), []byte{})
	for _, s := range seeds {
		f.Add([]byte(s[0]), []byte(s[1]))
	}
	f.Fuzz(func(t *testing.T, config, vocabs []byte) {
		c := *base
		c.Config = json.RawMessage(config)
		if len(vocabs) > 0 {
			c.Vocabs = nil
			if err := json.Unmarshal(vocabs, &c.Vocabs); err != nil {
				return
			}
		}
		m, err := from(&c)
		if err != nil {
			return
		}
		_ = use(m)
	})
}
