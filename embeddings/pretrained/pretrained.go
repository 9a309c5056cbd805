package pretrained

import (
	_ "embed"
	"sync"
	"weak"

	"github.com/rnnzoo/rnnzoo/embeddings"
)

// File is the name of the embedded vector file.
const File = "debian17m-sg100.q8.gz"

//go:embed debian17m-sg100.q8.gz
var data []byte

// Info describes the embedded vectors.
var Info = struct {
	Name, Corpus, Licence, Settings string
	Words, Dim                      int
	// Analogy accuracy on questions-words.txt (restrict 30000, 3CosAdd,
	// case-insensitive), before and after 8-bit quantisation, and the share of
	// the 19,544 questions answered.
	AnalogyFloat32, AnalogyQuantised, AnalogyCoverage float64
	// Spearman's rho on WS-353 (all), before and after quantisation, and
	// its mean over the 11 word-similarity sets of eval-word-vectors
	// (MC-30, MTurk-287 and -771, RG-65, RW, SimVerb-3500, VERB-143,
	// WS-353 all, relatedness and similarity, YP-130).
	WS353Float32, WS353Quantised     float64
	MeanRhoFloat32, MeanRhoQuantised float64
}{
	Name:     "debian17m-sg100",
	Corpus:   "17,005,207-word English corpus built from registry packages (datasets/DATA.md; Debian documentation and dictionaries, npm State of the Union and Moby-Dick), lower-cased, no punctuation",
	Licence:  "vectors are derived data of the rnnzoo project (Apache-2.0); see NOTICE for the corpus sources",
	Settings: "skip-gram, size 100, window 5, negative 5, sample 1e-4, min-count 5, iter 3, alpha 0.04 on a cosine schedule, pair by pair (-shared-negatives=false), seed 1, 2 threads",
	Words:    72215, Dim: 100,
	// Measured with `go run ./embeddings/word2vec eval-analogy` and `eval-sim`
	// (the same counts as gensim's evaluate_word_analogies gives).
	AnalogyFloat32:   1913.0 / 8660, // 22.09%
	AnalogyQuantised: 1914.0 / 8660, // 22.10%
	AnalogyCoverage:  8660.0 / 19544,
	WS353Float32:     0.6544,
	WS353Quantised:   0.6543,
	MeanRhoFloat32:   0.5534,
	MeanRhoQuantised: 0.5533,
}

var (
	sharedMu sync.Mutex
	shared   weak.Pointer[embeddings.Vectors]
)

// Load decodes the embedded vectors into a fresh float32 set the caller may
// modify.
func Load() (*embeddings.Vectors, error) {
	return embeddings.DecodeQ8Bytes(data, File)
}

// Shared returns one decoded set, shared by all callers: read it, do not
// modify it. It is decoded on first use and kept while a caller holds it;
// once none does, the garbage collector may free it (32 MB), and a later
// call decodes it again.
func Shared() (*embeddings.Vectors, error) {
	sharedMu.Lock()
	defer sharedMu.Unlock()
	if v := shared.Value(); v != nil {
		return v, nil
	}
	v, err := Load()
	if err != nil {
		return nil, err
	}
	shared = weak.Make(v)
	return v, nil
}

// Compressed returns the embedded file's bytes (do not modify).
func Compressed() []byte { return data }
