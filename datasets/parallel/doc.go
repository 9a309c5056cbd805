// Package parallel reads sentence pairs for translation.
//
// A Bitext holds aligned sentences in two languages (ISO 639-3 codes such
// as "eng", "fra", "spa"), each pair with a reference (its file and line, or
// its Bible verse). Pairs(src, tgt) turns it into source/target pairs in
// either direction.
//
// Formats (the -format flag values):
//
//   - "anki": Tatoeba/Anki TSV from manythings.org,
//     English<TAB>other[<TAB>attribution]; the other language is named by
//     the caller or taken from the file name (fra-eng.txt, spa.txt, ...).
//   - "bible": Book C:V<TAB>English<TAB>Spanish.
//
// The default data set is embedded: 12,456 verse pairs of the World English
// Bible and the Reina-Valera 1909 (both public domain), extracted from
// Debian's sword-text-web and sword-text-sparv by gen_bible.go (`go
// generate`), at most 20 words a side, verse 1 of the Psalms dropped (the
// Spanish side carries the superscription there). BibleSplit keeps one
// book, Revelation by default, as the test set.
//
// Load detects the format of a file; HoldOut splits off a seeded fraction
// of pairs by their English sentence, so that the alternative translations
// of one sentence stay on one side. Malformed lines give errors naming the
// file, line and field.
package parallel
