// Command sentiment is a many-to-one recurrent sentiment classifier: word
// embeddings (pretrained vectors, frozen or fine-tuned) → LSTM, GRU or
// Elman RNN, optionally bidirectional and stacked → pooling over time
// (last state, max or mean) → softmax over negative/positive.
//
// With no arguments it trains on the embedded UCI Sentiment Labelled
// Sentences (Kotzias et al. 2015; 3,000 sentences, fixed 80/10/10 split),
// prints validation and test accuracy, saves a checkpoint to the user cache
// directory and classifies a few example sentences:
//
//	go run ./models/sentiment
//	go run ./models/sentiment predict "The plot was thin but the actors were wonderful."
//	echo "worst purchase ever" | go run ./models/sentiment predict
//	go run ./models/sentiment train -data ../shared/data/sst2 -dataset sst2 -model sst2.ckpt
//	go run ./models/sentiment eval -model sst2.ckpt -test ../shared/data/sst2/dev.tsv -json
//
// Run it with -h after a subcommand for its flags.
package main
