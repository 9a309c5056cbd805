package main

import (
	"github.com/rnnzoo/rnnzoo/embeddings"
	"github.com/rnnzoo/rnnzoo/embeddings/pretrained"
)

// builtinVectors returns the word vectors shipped with rnnzoo (embedded in
// the binary; see package pretrained for how they were trained).
func builtinVectors() (*embeddings.Vectors, string, error) {
	v, err := pretrained.Shared()
	if err != nil {
		return nil, "", err
	}
	return v, "builtin (" + pretrained.File + ")", nil
}
