// Command sentiment trains, evaluates and runs the many-to-one sentiment
// classifier of package models/sentiment/polarity: word embeddings
// (pretrained vectors, frozen or fine-tuned) → LSTM, GRU or Elman RNN,
// optionally bidirectional and stacked → pooling over time (last state, max
// or mean) → softmax over negative/positive.
//
// With no arguments it trains on the embedded UCI Sentiment Labelled
// Sentences (Kotzias et al. 2015; 3,000 sentences, fixed 80/10/10 split),
// prints validation and test accuracy, saves a checkpoint to the user cache
// directory and classifies a few example sentences:
//
//	go run ./models/sentiment
//	go run ./models/sentiment predict "The plot was thin but the actors were wonderful."
//	go run ./models/sentiment predict -model builtin "shipped model, nothing trained"
//	echo "worst purchase ever" | go run ./models/sentiment predict
//	go run ./models/sentiment train -data DIR -dataset sst2 -model sst2.ckpt
//	go run ./models/sentiment eval -model sst2.ckpt -test DIR/dev.tsv -json
//	go run ./models/sentiment eval -model a.ckpt,b.ckpt,c.ckpt -test DIR/dev.tsv  # an ensemble
//
// On SST-2 (-dataset sst2, or a directory with train.tsv and dev.tsv) train
// runs the best measured recipe (polarity.Options.DataDefaults); a flag
// given replaces its part.
//
// -h lists the commands, and -h after a command its flags. Exit codes: 0
// success, 1 error, 2 usage error, 130 interrupted (train saves a checkpoint
// that -resume continues).
package main
