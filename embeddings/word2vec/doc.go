// Command word2vec trains word vectors (CBOW, Skip-gram) with the C tool's
// flags and defaults (package embeddings/word2vec/trainer, whose Flags
// documents them), and queries and evaluates vector files:
//
//	go run ./embeddings/word2vec            # demo: train on the embedded corpus, show neighbours
//	go run ./embeddings/word2vec train -train corpus.txt -output vec.bin -binary 1 -cbow 0 -iter 1
//	go run ./embeddings/word2vec eval-analogy -vectors vec.bin questions-words.txt
//
// -h lists the commands; -reproducible trains on one worker, bit for bit.
package main
