// Package text turns sentences into the integer sequences a recurrent model
// reads: a tokenizer (English, French, Spanish and other Latin-script
// languages), a vocabulary with special tokens, and length bucketing.
//
// Tokenize lower-cases, splits punctuation off, keeps numbers such as 3.5
// and 1,000 and hyphenated words together, splits English clitics the way
// the Penn Treebank does ("don't" → "do" "n't", "it's" → "it" "'s") and
// French elisions after the apostrophe ("l'homme" → "l'" "homme"). It works
// on Unicode letters and marks, so "¿Qué pasó?" gives "¿" "qué" "pasó" "?".
// Detokenize undoes it closely enough for display and BLEU.
//
// A Vocab maps tokens to ids: <pad> is always 0 and <unk> 1, then <bos> and
// <eos> when asked for, then the tokens by falling count (ties in byte
// order), cut by a minimum count and a maximum size. It saves to and loads
// from JSON so that a checkpoint carries it.
//
// Bucket groups example indices into batches of similar length (by
// boundaries, one padded length per bucket, suiting one static graph per
// bucket), shuffled by a seed; PadBatch lays a batch out with its mask.
package text
