// Package datasets holds what every data family of rnnzoo shares: finding the
// shared development data, the user cache directory, checked downloads, and
// deterministic seeded shuffles and splits.
//
// The data families live in sub-packages:
//
//   - datasets/images: IDX files (MNIST, Fashion-MNIST) and the embedded
//     scikit-learn 8x8 digits;
//   - datasets/text: tokenizer, vocabulary and length bucketing;
//   - datasets/sentiment: labelled sentences (UCI embedded, SST-2, MR);
//   - datasets/parallel: sentence pairs (Tatoeba/Anki TSV, embedded
//     World English Bible / Reina-Valera 1909 verses);
//   - datasets/tasks: the adding problem and the copy-memory task;
//   - datasets/corpus: plain-text corpora for word2vec and language models.
//
// Offline first: every family has an embedded default, a reader for the full
// public format and, for users with a network, a download checked by SHA-256
// into CacheDir. Tests never download; tests that use the shared data call
// SharedPath and skip when it reports ErrNoShared.
//
// Shuffles use a small generator of their own (splitmix64) so that a seed
// gives the same order on every Go release and platform.
package datasets
