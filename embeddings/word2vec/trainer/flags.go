package trainer

import (
	"flag"
	"fmt"
	"strings"

	"github.com/rnnzoo/rnnzoo/embeddings"
)

// Flags are the word2vec C tool's training flags, spelled as it spells
// them (-train -output -size -window -sample -hs -negative -threads -iter
// -min-count -alpha -cbow -binary -save-vocab -read-vocab), plus -max-vocab,
// -seed and -reproducible. Register them, parse, then call Config.
type Flags struct {
	Train, Output, SaveVocab, ReadVocab string
	Schedule                            string
	shared                              bool
	HS, CBOW, Binary                    int
	cfg                                 Config
}

// Register adds the flags to fs with the C tool's defaults.
func (f *Flags) Register(fs *flag.FlagSet) {
	c := &f.cfg
	fs.StringVar(&f.Train, "train", "", "training text: a file, a comma-separated list, or more files as arguments (gzip ok)")
	fs.StringVar(&f.Output, "output", "", "vector file to write")
	fs.IntVar(&c.Dim, "size", 100, "vector size")
	fs.IntVar(&c.Window, "window", 5, "max skip length between words")
	fs.Float64Var(&c.Sample, "sample", 1e-3, "subsampling threshold for frequent words (0: off)")
	fs.IntVar(&f.HS, "hs", 0, "1: hierarchical softmax")
	fs.IntVar(&c.Negative, "negative", 5, "negative samples (0: off)")
	fs.IntVar(&c.Threads, "threads", 0, "worker goroutines (0: all cores)")
	fs.IntVar(&c.Iter, "iter", 0, "training iterations (default 3 Skip-gram, 2 CBOW)")
	fs.IntVar(&c.MinCount, "min-count", 5, "discard words seen fewer times")
	fs.IntVar(&c.MaxVocab, "max-vocab", 0, "keep at most this many words (0: no cap)")
	fs.Float64Var(&c.Alpha, "alpha", 0, "starting learning rate (default 0.04 Skip-gram, 0.075 CBOW; the C tool's: 0.025, 0.05)")
	fs.Float64Var(&c.AlphaEnd, "alpha-end", 0, "last learning rate as a fraction of -alpha (default 1e-4)")
	fs.StringVar(&f.Schedule, "alpha-schedule", "", "learning-rate schedule from -alpha to -alpha-end: linear or cosine (default cosine Skip-gram, linear CBOW)")
	fs.BoolVar(&f.shared, "shared-negatives", true, "Skip-gram: one draw of negatives per window, shared by its context words (HogBatch); false: per pair, as the C tool")
	fs.IntVar(&f.CBOW, "cbow", 1, "1: CBOW, 0: Skip-gram")
	fs.IntVar(&f.Binary, "binary", 0, "1: write the binary format")
	fs.StringVar(&f.SaveVocab, "save-vocab", "", "write the vocabulary (word count) to this file")
	fs.StringVar(&f.ReadVocab, "read-vocab", "", "read the vocabulary from this file instead of counting")
	fs.Uint64Var(&c.Seed, "seed", 1, "random seed")
	fs.BoolVar(&c.Reproducible, "reproducible", false, "one worker: the same seed gives identical vectors")
}

// Files are the training files: -train (comma-separated) and more.
func (f *Flags) Files(more []string) []string {
	var files []string
	for _, p := range strings.Split(f.Train, ",") {
		if p != "" {
			files = append(files, p)
		}
	}
	return append(files, more...)
}

// Config checks the parsed flags and returns the trainer configuration.
func (f *Flags) Config() (Config, error) {
	c := f.cfg
	if c.Dim < 1 || c.Window < 1 || c.Iter < 0 || c.Threads < 0 || c.Negative < 0 || c.MinCount < 0 || c.MaxVocab < 0 || c.Sample < 0 || c.Alpha < 0 {
		return c, fmt.Errorf("-size and -window must be at least 1; -iter, -threads, -negative, -min-count, -max-vocab, -sample and -alpha not negative")
	}
	if c.AlphaEnd < 0 || c.AlphaEnd > 1 {
		return c, fmt.Errorf("-alpha-end %v must be in 0..1 (0: the default)", c.AlphaEnd)
	}
	s, err := ParseSchedule(f.Schedule)
	if err != nil {
		return c, fmt.Errorf("-alpha-schedule: %v", err)
	}
	c.Schedule = s
	c.Pairwise = !f.shared
	if c.Sample == 0 {
		c.Sample = -1 // off (the trainer's zero means default)
	}
	if c.Negative == 0 {
		c.Negative = -1
	}
	c.HS, c.CBOW = f.HS != 0, f.CBOW != 0
	return c, nil
}

// Vocab is the vocabulary of the flags: read from -read-vocab, or counted
// in src; written to -save-vocab when it is set.
func (f *Flags) Vocab(src Source, c Config) (*Vocab, error) {
	var voc *Vocab
	var err error
	if f.ReadVocab != "" {
		voc, err = ReadVocabFile(f.ReadVocab, c.MinCount, c.MaxVocab)
	} else {
		voc, err = BuildVocab(src, max(c.MinCount, 1), c.MaxVocab)
	}
	if err != nil {
		return nil, err
	}
	if f.SaveVocab != "" {
		if err := embeddings.SaveVocab(f.SaveVocab, voc.WordCounts()); err != nil {
			return nil, err
		}
	}
	return voc, nil
}
