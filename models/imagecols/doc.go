// Command imagecols reads an image as a sequence of pixel columns and
// classifies it with a recurrent network (many-to-one), and runs the idea
// backwards: a conditional generator writes digits column by column
// (one-to-many).
//
// With no arguments it trains an LSTM on the embedded scikit-learn 8×8
// digits, prints the test accuracy on their fixed 20% split, shows a few
// test images with the predicted labels and saves a checkpoint in the
// rnnzoo cache directory:
//
//	go run ./models/imagecols
//
// Subcommands:
//
//	train     train a classifier (-dataset digits|mnist|fashion, -data DIR)
//	eval      accuracy, macro-F1 and confusion matrix of a checkpoint on a test split
//	predict   classify the images of an IDX file or PNG files
//	generate  train (or load) the conditional generator and write a PNG grid,
//	          one row per class
//
// Common flags: -data, -dataset, -model (a checkpoint, or builtin: the
// shipped classifier of -dataset), -epochs, -batch, -cell lstm|gru|rnn,
// -bidirectional, -layers, -hidden, -rows (read rows instead of columns),
// -seed, -threads, -blas, -json (standard output holds only JSON lines;
// other text goes to standard error). `imagecols -h` lists the commands
// and `imagecols <command> -h` their flags. Exit codes: 0 success, 1
// error, 2 usage error, 130 interrupted (train saves a checkpoint that
// -resume continues).
//
// Examples:
//
//	go run ./models/imagecols train -data DIR -dataset mnist
//	go run ./models/imagecols eval -model builtin -dataset fashion
//	go run ./models/imagecols predict -model builtin -dataset mnist digit.png
//	go run ./models/imagecols generate -out digits.png
//
// The models live in package models/imagecols/cols; graph builds the
// networks and train runs the loop (Adam, warm-up and cosine schedule, global-norm
// clipping, safetensors checkpoints).
package main
