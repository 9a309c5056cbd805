// Package graph holds the recurrent building blocks of rnnzoo on Gorgonia
// expression graphs.
//
// A model's weights live in a Params set. A Builder builds one static
// graph (one batch size and sequence length) over it, and Compile turns it
// into a Net; every Net built from the same Params shares the weights, so a
// model keeps one graph per length bucket and one optimizer. Net.Run runs
// forward and backward and adds the gradients into each Param.Grad.
//
// The pieces:
//
//   - Cell: Elman RNN (σ = tanh, sigmoid or relu), LSTM and GRU, with their
//     equations in its doc comment; Cell.Step builds one step op by op.
//   - Recurrent: a cell over a sequence [T,B,F] with a mask [T,B] (padded
//     steps carry the state), an optional initial state, forwards or
//     reversed. By default it is one fused op whose backward pass through
//     time is written by hand over BLAS; Builder.Reference selects the
//     op-by-op unrolled graph that the fused op is tested against.
//   - Bidirectional (merge by concat, sum or mean) and Stack (layers with
//     seeded dropout between them).
//   - Embedding (pretrained, frozen or fine-tuned), Linear, Attention
//     (additive, dot, general, with a source mask), CrossEntropy,
//     LogSoftmax, MSE, BCEWithLogits and MaskedPool.
//   - The four configurations of the RNN theory: ManyToOne (a sequence to
//     one output), OneToMany (one input to a sequence, outputs fed back),
//     Seq2Seq (encoder–decoder with attention, Decoder for greedy and beam
//     search) and Synced (one output per input step).
//
// Threads: besides the matrix products (package blas), the fused output
// loss (its softmax rows and bias gradient) and the attention's forward
// pass split their independent rows over GOMAXPROCS goroutines (package
// internal/parallel); every sum keeps its serial order, so a step gives the
// same bits at any thread count (TestSeq2SeqSameBitsAcrossThreads).
//
// Gorgonia v0.9.18 defects are routed around here: its last-axis SoftMax,
// LogSumExp and Dropout are not used; this package computes softmax,
// log-sum-exp and dropout with its own ops.
package graph
