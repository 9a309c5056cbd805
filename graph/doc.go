// Package graph holds the recurrent building blocks of rnnzoo on Gorgonia
// expression graphs: cells (Elman RNN, LSTM, GRU), sequence layers,
// bidirectional and stacked wrappers, embeddings, attention, losses, the four
// RNN configurations, and fused recurrent ops with a hand-written backward
// pass through time.
package graph
