// Package lm is the character-level language model of models/charlm: a
// character vocabulary, the text laid out as parallel streams for
// truncated backpropagation through time, a stacked LSTM/GRU/RNN on
// graph.Synced trained with the state carried across batches, held-out
// bits per character and perplexity, sampling with a temperature after a
// priming string, and a smoothed character n-gram baseline
// (interpolated Witten–Bell).
package lm
