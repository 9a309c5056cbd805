// Package trainer trains word2vec embeddings: CBOW (context mean) and
// Skip-gram, with negative sampling (unigram^0.75 distribution, drawn in O(1)
// by an alias table) and/or hierarchical softmax (Huffman tree built as the
// C tool builds it), frequent-word subsampling with the C tool's formula,
// min-count and max-vocab, windows shrunk at random, and a learning rate that
// falls over all iterations, linearly to 1/10000 of its start as in the C
// tool, or as Schedule and AlphaEnd say. The default number of iterations
// (3 Skip-gram, 2 CBOW) is the one that wins the time-to-accuracy race
// against gensim's single pass (RESULTS.md): one pass leaves the vectors far
// from trained, and a lower floor of the learning rate did not make up for
// it (-alpha-end 0.5: analogy accuracy 7.41% → 5.77% Skip-gram, 5.92% →
// 5.58% CBOW).
//
// Skip-gram with negative sampling trains a window at a time with one draw
// of negatives for all its context words (Ji et al.'s HogBatch), over
// four-row vector kernels, or, with Pairwise, pair by pair as the C tool
// does (each context word with its own draw of negatives); RESULTS.md
// compares the two: the window at a time is the faster at the same
// accuracy per pass, and the default.
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
//
// Scaling to many cores: the hot loop touches nothing shared but the two
// weight matrices. Each worker owns its generator (seeded per chunk, not
// shared), its scratch vectors and its window buffers, allocated by the
// worker itself; the progress counters are added to once per chunk of
// 10,000 words, not per word; chunks are handed out through a channel of
// reusable buffers by one reader. What grows with the core count is the
// reader's share (one goroutine tokenises for all) and, as for every
// Hogwild trainer, the cache-line traffic on the rows of frequent words,
// which the shared negatives lower by fetching a window's output rows once.
package trainer
