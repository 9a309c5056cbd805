// Package images reads image classification data for the sequence models:
// IDX files (MNIST, Fashion-MNIST) and the embedded scikit-learn 8x8 digits.
//
// A Set holds N images of H×W pixels as float32 in [0, 1], row-major, with
// integer labels. A recurrent model reads an image as a sequence: Columns
// gives W steps of H pixels (left to right), Rows gives H steps of W pixels,
// and SequenceBatch lays a batch out time-major for a graph.
//
// Digits (the default, embedded) are the 1,797 8×8 images that scikit-learn
// ships (BSD-3; UCI optdigits test part, CC BY 4.0), taken from Debian's
// python3-sklearn by `go generate` (see gen_digits.sh), with a fixed seeded
// 80/20 train/test split (DigitsSplit).
//
// MNIST and Fashion-MNIST are looked up, in order, in a directory given by
// the caller (a -data flag), in the rnnzoo cache directory, and for
// Fashion-MNIST in /usr/share/datasets/fashion-mnist (Debian package
// dataset-fashion-mnist). Open can download them into the cache, each file
// checked by the SHA-256 of its decompressed content; tests never do.
package images
