// Package checkpoint reads and writes rnnzoo's checkpoints: one safetensors
// file holding a model's weights, its kind and configuration, its
// vocabularies and metrics, and (when written by package train) the
// training state that resumes a run bit for bit. It is apart from package
// train so that a program that only loads a model and predicts links no
// training, plotting or terminal code.
//
// Read and Decode verify every length, offset, dtype, shape and the
// SHA-256 of the data, refusing a damaged file with an error wrapping
// ErrCorrupt; Write replaces a file atomically. Names ending in ".gz" are
// gzip-compressed. A model package rebuilds its model from a Checkpoint
// with Load (a file) or LoadEmbedded (its shipped weights), and writes its
// weights with WriteWeights (optionally in 8 bits, see Quantize8).
package checkpoint
