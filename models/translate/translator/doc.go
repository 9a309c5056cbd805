// Package translator is rnnzoo's encoder–decoder translator as a library:
// a bidirectional GRU or LSTM encoder reads the source sentence, a GRU or
// LSTM decoder writes the target sentence attending to the encoder states
// (additive, dot or general scores, or none), trained with teacher forcing
// and dropout, decoded greedily or by beam search with length
// normalisation, and scored with corpus BLEU and chrF (package
// metrics/bleu).
//
//	m, err := translator.Pretrained()          // or translator.Load("model.ckpt")
//	out, err := m.Translate([]string{"The Lord is my shepherd."}, translator.DefaultDecodeOptions())
//	a, err := m.Attention("The Lord is my shepherd.", 80) // the attention weights of one sentence
//
// The tokenizer (datasets/text.Tokenize), both vocabularies and the written
// forms of target words travel inside the checkpoint, so Translate takes
// and returns raw text. TrainEvaluate (or LoadData and Train) trains a new
// model on any pairs file (Tatoeba/Anki TSV, Bible verse TSV); the program
// models/translate is flags and wiring over this package.
//
// # Model card: the shipped model (Pretrained)
//
//   - Data: English→Spanish verse pairs of the World English Bible and the
//     Reina-Valera 1909 (both public domain), embedded in datasets/parallel:
//     11,766 training pairs of at most 30 tokens a side, 610 validation
//     pairs, the book of Revelation (72 verses of at most 20 words) held out
//     as the test set.
//   - Architecture: bidirectional GRU encoder 192×2, GRU decoder 192,
//     additive attention, embeddings 96, dropout 0.3; vocabularies of 5,179
//     English and 6,886 Spanish words; 3,282,694 weights.
//   - Training: Adam 5e-3 with a cosine schedule, 3 warm-up epochs on pairs
//     of at most 14 tokens, 20 epochs (65 min on one core); the command is
//     in pretrained/README.md.
//   - Metrics on Revelation, as shipped (8-bit weights): BLEU 12.39 with
//     beam 4 and alpha 0.5 (DefaultDecodeOptions), 10.97 greedy; chrF 33.0 /
//     32.5. On the 610 validation verses: BLEU 20.68 with beam 4.
//     TestPretrained holds beam 4 at ≥ 12 and greedy at ≥ 10.5.
//   - Size: 3.2 MB (pretrained/bible-eng-spa.ckpt.gz: weight matrices in 8
//     bits with a float32 scale per row or column, gzip).
//   - Limits: the language of a 1909 Bible translation; outside it, most
//     words are unknown and the output is poor.
package translator
