// Package polarity is rnnzoo's sentiment classifier as a library: a
// many-to-one recurrent network that reads a text and says whether it is
// negative or positive, with the probability of each.
//
//	m, err := polarity.Pretrained()          // or polarity.Load("model.ckpt")
//	preds, err := m.Predict([]string{"I loved it."})
//	fmt.Println(preds[0].Name, preds[0].Probabilities)
//
// The tokenizer (datasets/text.Tokenize), the vocabulary, the truncation
// length and the label names travel inside the checkpoint, so Predict takes
// raw text. Train trains a new model on any labelled texts
// (datasets/sentiment reads the UCI, SST-2 and MR formats), cancellably;
// the program models/sentiment is flags and wiring over this package.
// Ensemble averages the probabilities of several models trained apart
// (LoadEnsemble("a.ckpt", "b.ckpt", …)); on SST-2 three BiLSTMs score about
// a point above each alone (models/sentiment/RESULTS.md).
//
// # Model card: the shipped model (Pretrained)
//
//   - Data: UCI Sentiment Labelled Sentences (Kotzias et al., KDD 2015;
//     amazon, imdb and yelp, 3,000 sentences; licence CC BY 4.0), embedded in
//     datasets/sentiment with its fixed 80/10/10 split: 2,400 train, 300
//     validation, 300 test.
//   - Architecture: word embeddings 100-d initialised from the shipped
//     Skip-gram vectors (embeddings/pretrained) and fine-tuned → one
//     bidirectional LSTM layer, 128 units per direction → max pooling over
//     time → dropout 0.4 → linear → softmax over negative/positive.
//     Vocabulary 21,487 words (the training words plus the vectors' 20,000
//     most frequent); 2,383,710 weights.
//   - Training: Adam at 2e-3, batches of 32, clipping at 5, up to 12
//     epochs, stopped early after 6 with the best validation accuracy
//     (epoch 2) kept (seed 1, the pure-Go kernels). Another BLAS sums in
//     another order: with OpenBLAS, seed 1 ends at a loss that differs in
//     the sixth digit and scores the same.
//   - Metrics (held-out test split, 300 sentences): accuracy 0.867,
//     macro-F1 0.865, as shipped (8-bit weights) and before quantisation;
//     validation accuracy 0.830. TestPretrained holds it at ≥ 0.82.
//   - Size: 2.4 MB (pretrained/uci-bilstm.ckpt.gz: weight matrices in 8 bits
//     with a float32 scale per row or column, gzip). Pretrained decodes it in
//     about 0.2 s.
//   - Limits: short English product and film reviews; 300 test sentences
//     give a standard error of about 2 points.
//
// To make it again (go generate in this directory runs the same):
//
//	RNNZOO_BLAS=go go run ./models/sentiment train -seed 1 -model /tmp/sent.ckpt
//	go run ./models/sentiment export -model /tmp/sent.ckpt -int8 -out models/sentiment/polarity/pretrained/uci-bilstm.ckpt.gz
package polarity

//go:generate sh -c "cd ../../.. && RNNZOO_BLAS=go go run ./models/sentiment train -seed 1 -model /tmp/rnnzoo-sentiment.ckpt && go run ./models/sentiment export -model /tmp/rnnzoo-sentiment.ckpt -int8 -out models/sentiment/polarity/pretrained/uci-bilstm.ckpt.gz"
