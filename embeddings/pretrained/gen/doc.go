// Command gen quantises a word2vec vector file into the format that package
// pretrained embeds, and reports what the quantisation costs.
//
//	go run ./embeddings/pretrained/gen -in vectors.bin -out embeddings/pretrained/debian17m-sg100.q8.gz
package main
