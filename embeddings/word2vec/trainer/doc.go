// Package trainer trains word2vec embeddings: CBOW (context mean) and
// Skip-gram, with negative sampling (unigram^0.75 distribution, drawn in O(1)
// by an alias table) and/or hierarchical softmax (Huffman tree built as the
// C tool builds it), frequent-word subsampling with the C tool's formula,
// min-count and max-vocab, windows shrunk at random, and a learning rate that
// falls linearly to 1/10000 of its start over all iterations.
//
// Input is plain text tokenised like the C tool: words are separated by
// spaces, tabs and newlines, carriage returns are ignored, and every newline
// is the sentence end "</s>" (vocabulary entry 0, as in the C tool's files).
// Sentences longer than 1000 words are cut. Corpora are streamed from one or
// many files (gzip detected from the content), never loaded whole: one pass
// builds the vocabulary, then each iteration streams the text again.
//
// Threads: with Threads > 1 the workers update the shared matrices without
// locks (Hogwild, as the C tool and gensim do), which is fast but not
// bit-reproducible: the order in which workers see each other's writes
// changes from run to run. With Reproducible set (or Threads == 1) a single
// worker trains, and the same Seed, corpus and settings give identical
// vectors on every run. Either way every random draw (subsampling, window
// shrink, negatives) comes from a generator seeded by (Seed, iteration, chunk
// number), and the learning rate depends only on the position in the corpus,
// so threads change only the interleaving of updates.
package trainer
