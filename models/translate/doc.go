// Command translate is an encoder–decoder translator with attention: a
// bidirectional GRU or LSTM encoder reads the source sentence, a GRU or
// LSTM decoder writes the target sentence, attending to the encoder states
// (additive, dot or general scores, or none), trained with teacher forcing
// (a ratio below 1 mixes in the model's own predictions) and dropout, and
// decoded greedily or by beam search with length normalisation. Sentences
// are bucketed by source and target length (one graph per bucket shape, all
// sharing the weights). Output is scored with corpus BLEU (13a
// tokenisation, as sacrebleu) and chrF from package metrics/bleu.
//
// With no arguments it loads the embedded pretrained English→Spanish model
// (trained on the embedded World English Bible ↔ Reina-Valera 1909 verse
// pairs without the book of Revelation; pretrained/README.md has the
// command that makes it), scores it on Revelation, prints a few held-out
// verses with their translations and writes an attention heat map; with
// -scratch it trains a small model briefly instead:
//
//	go run ./models/translate
//	go run ./models/translate -scratch
//	go run ./models/translate predict "The Lord is my shepherd."
//	go run ./models/translate heatmap -out attn.png "In the beginning God created the heavens and the earth."
//	go run ./models/translate train -data ../shared/data/anki-fra-eng/fra-eng.train.tsv -src fra -tgt eng -maxlen 15 -model fra-eng.ckpt
//	go run ./models/translate eval -model fra-eng.ckpt -test test.tsv -beam 5 -json
//
// Run it with -h after a subcommand for its flags.
package main
