package main

import "github.com/rnnzoo/rnnzoo/embeddings"

// builtinVectors returns the word vectors shipped with rnnzoo, or none
// while they are not there.
func builtinVectors() (*embeddings.Vectors, string, error) {
	return nil, "none (no vectors are shipped yet)", nil
}
