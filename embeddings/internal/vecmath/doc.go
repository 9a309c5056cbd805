// Package vecmath holds the float32 vector kernels that the embeddings
// queries and the word2vec trainers spend their time in: dot product, axpy
// and the fused update of negative sampling. On amd64 with AVX2 and FMA they
// run in assembly (8 lanes, several accumulators); elsewhere, or built with
// the purego tag, unrolled Go loops give the same results up to float32
// rounding order.
package vecmath
