// Command translate trains, evaluates and runs the encoder–decoder
// translator with attention of package models/translate/translator: a
// bidirectional GRU or LSTM encoder, a GRU or LSTM decoder attending to the
// encoder states, greedy or beam-search decoding, scored with corpus BLEU
// and chrF.
//
// With no arguments it loads the shipped English→Spanish model (trained on
// the embedded World English Bible ↔ Reina-Valera 1909 verse pairs without
// the book of Revelation), scores it on Revelation, prints a few held-out
// verses with their translations and writes an attention heat map; with
// -scratch it trains a small model briefly instead:
//
//	go run ./models/translate
//	go run ./models/translate -scratch
//	go run ./models/translate predict "The Lord is my shepherd."
//	go run ./models/translate heatmap -out attn.png "In the beginning God created the heavens and the earth."
//	go run ./models/translate train -data fra-eng.train.tsv -src fra -tgt eng -maxlen 15 -model fra-eng.ckpt
//	go run ./models/translate eval -model fra-eng.ckpt -test test.tsv -beam 5 -json
//
// -h lists the commands, and -h after a command its flags. Exit codes: 0
// success, 1 error, 2 usage error, 130 interrupted (train saves a checkpoint
// that -resume continues).
package main
