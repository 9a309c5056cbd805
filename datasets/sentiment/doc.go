// Package sentiment reads sentences labelled with their polarity (0
// negative, 1 positive) for the sentiment classifier.
//
// Formats (the format names are the -dataset flag values):
//
//   - "uci": UCI Sentiment Labelled Sentences (Amazon, IMDB, Yelp; Kotzias
//     et al. 2015), either as JSON arrays of {"text", "class"} (the last,
//     empty record of each file is dropped) or as the original
//     sentence<TAB>label .txt files. The 3,000 sentences are embedded
//     (from the npm package sentiment@5.0.2, see gen_uci.sh) and are the
//     default data set, with a fixed seeded 80/10/10 split (UCISplit).
//   - "sst2": SST-2 TSV files, in the GLUE layout (sentence<TAB>label) or
//     label first (label<TAB>sentence), with or without a header, LF or
//     CRLF line ends. A directory holds train.tsv, dev.tsv and maybe a
//     labelled test.tsv.
//   - "mr": MR sentence polarity v1.0 (Pang and Lee 2005),
//     rt-polarity.pos and rt-polarity.neg, one sentence a line, in UTF-8
//     or in the original Latin-1 (Windows-1252), decided line by line.
//
// Load reads one file (or the files of a directory) into examples; Open
// gives train/validation/test sets, the data set's own partition where it
// has one, else a seeded 80/10/10 split. An empty format is detected from
// the path. Malformed input gives an error naming the file, line and
// field; no input makes a reader panic.
package sentiment
