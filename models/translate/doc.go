// Command translate trains, scores and runs the encoder–decoder translator
// with attention of package models/translate/translator. With no arguments
// it scores the shipped English→Spanish Bible model on the held-out book of
// Revelation, prints verses and draws an attention heat map (-scratch: a
// short training run instead).
//
//	go run ./models/translate predict "The Lord is my shepherd."
//	go run ./models/translate train -data fra-eng.tsv -src fra -tgt eng -maxlen 15 -model M
//	go run ./models/translate eval -model M -test test.tsv -beam 5 -json
//
// -h lists the commands; exit codes 0, 1, 2 (usage), 130 (Ctrl-C).
package main
