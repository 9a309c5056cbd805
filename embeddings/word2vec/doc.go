// Command word2vec trains word vectors (CBOW and Skip-gram) and queries and
// evaluates vector files.
//
//	go run ./embeddings/word2vec            # demo: train on the embedded corpus, show neighbours
//	go run ./embeddings/word2vec train -train corpus.txt -output vec.bin -binary 1 \
//	    -size 100 -window 5 -negative 5 -hs 0 -sample 1e-4 -min-count 5 -iter 1 -threads 2 -cbow 0
//	go run ./embeddings/word2vec similar -vectors vec.bin king queen
//	go run ./embeddings/word2vec analogy -vectors vec.bin man king woman
//	go run ./embeddings/word2vec eval-analogy -vectors vec.bin -questions questions-words.txt
//	go run ./embeddings/word2vec eval-sim -vectors vec.bin ws353.txt simlex.txt
//
// The train flags keep the C tool's names and defaults (-cbow 1, -size 100,
// -window 5, -sample 1e-3, -negative 5, -hs 0, -iter 5, -min-count 5; -alpha
// 0.05 for CBOW and 0.025 for Skip-gram), plus -max-vocab, -seed,
// -reproducible, -read-vocab, -json and -quiet. -train takes one file, a
// comma-separated list, or further files as arguments; gzip files are read
// as such. With -threads above 1 training is lock-free across goroutines and
// not bit-reproducible; -reproducible trains on one worker so that a seed
// gives identical vectors. With -json the last line of standard output is a
// JSON summary. The training itself is package
// github.com/rnnzoo/rnnzoo/embeddings/word2vec/trainer.
package main
