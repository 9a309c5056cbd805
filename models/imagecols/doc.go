// Command imagecols reads images as sequences of pixel columns: it trains,
// scores and runs the classifier (many-to-one) and the column-by-column
// generator (one-to-many) of package models/imagecols/cols. With no
// arguments it trains an LSTM on the embedded 8×8 digits and draws test
// digits with their predictions.
//
//	go run ./models/imagecols train -data DIR -dataset mnist -bidirectional
//	go run ./models/imagecols eval -model builtin -dataset fashion
//	go run ./models/imagecols predict -model builtin -dataset mnist digit.png
//	go run ./models/imagecols generate -out digits.png
//
// -model builtin is the shipped classifier of -dataset. -h lists the
// commands; exit codes 0, 1, 2 (usage), 130 (Ctrl-C).
package main
