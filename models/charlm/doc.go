// Command charlm trains a character-level language model — the
// synchronized many-to-many configuration (graph.Synced: an output for every
// input step) — with stacked LSTM, GRU or Elman RNN layers, truncated
// backpropagation through time with the state carried across batches, and
// reports bits per character and perplexity on held-out text; it samples
// text with a temperature after a priming string (one-to-many generation).
//
// Usage:
//
//	go run ./models/charlm                      # demo: ~2 minutes on the embedded corpus
//	go run ./models/charlm train -data FILE -model M [-cell lstm -layers 2 -hidden 128 -steps N | -time 10m]
//	go run ./models/charlm eval -model M -data FILE
//	go run ./models/charlm sample -prime "The Congress" -n 500 -temperature 0.8   # the shipped model
//	go run ./models/charlm sample -model M -prime "The Congress"
//
// Training and the demo also measure a smoothed character n-gram model
// (interpolated Witten–Bell, -ngram order) on the same split, and with
// -torch models/charlm/torch_baseline.py the PyTorch character LSTM of that script (same size, same
// split and batches, trained for the same wall time), so that the held-out
// bits per character can be compared in one run.
//
// The embedded corpus is datasets/corpus (State of the Union addresses,
// public domain); the demo uses its last 2,000,000 characters and holds out
// the last 5% of them. -json prints only the final metrics, as one JSON
// line, on standard output. The model is a library, models/charlm/lm
// (Pretrained, Load, Sample, BitsPerChar, Train).
package main
