package translator

import (
	"flag"
	"fmt"

	"github.com/rnnzoo/rnnzoo/datasets/parallel"
	"github.com/rnnzoo/rnnzoo/datasets/text"
	"github.com/rnnzoo/rnnzoo/graph"
	"github.com/rnnzoo/rnnzoo/metrics/bleu"
	"github.com/rnnzoo/rnnzoo/train"
)

// Dataset is a translation direction's training, validation and test
// pairs.
type Dataset struct {
	Name               string
	Src, Tgt           string // ISO 639-3 codes
	Train, Valid, Test []parallel.Pair
	TrainAll           int // training pairs before length filtering
}

// DataOptions say where the pairs come from and how to split them.
type DataOptions struct {
	Data, Test, Format string  // pairs files (Anki or Bible TSV) and their format ("": detected)
	Src, Tgt           string  // direction ("": English to the other language, or the file's order)
	TestBook           string  // Bible book held out as the test set ("": Revelation)
	Holdout            float64 // test fraction held out of Data when there is no Test
	// Valid is held out of the training pairs for validation (grouped by
	// first-column sentence): a fraction (< 1) or a number of pairs, as
	// -valid means in every program (train.HoldOut); none below 20 pairs.
	Valid  float64
	MaxLen int // training pairs with a longer side are dropped
	Limit  int // use at most this many training pairs (0: all)
	Seed   int64
}

// otherLang is the non-English language of a direction ("" if none).
func otherLang(src, tgt string) string {
	for _, l := range []string{src, tgt} {
		if l = parallel.NormLang(l); l != "" && l != parallel.English {
			return l
		}
	}
	return ""
}

func loadBitext(path, format, src, tgt string) (*parallel.Bitext, error) {
	if format != "" && format != parallel.FormatAnki && format != parallel.FormatBible {
		return nil, fmt.Errorf("unknown format %q (want anki or bible)", format)
	}
	return parallel.Load(path, format, otherLang(src, tgt))
}

// LoadData reads and splits the pairs: the embedded Bible verses by
// default (Revelation held out), else -data with -test or a seeded
// hold-out by English sentence (or by book for a Bible file).
func LoadData(o DataOptions) (*Dataset, error) {
	var trainB, testB *parallel.Bitext
	var err error
	name := "embedded WEB↔RV1909 Bible verses"
	if o.Data == "" {
		if o.Src == "" {
			o.Src = parallel.English
		}
		if o.Tgt == "" {
			o.Tgt = parallel.Spanish
		}
		if trainB, testB, err = parallel.BibleSplit(o.TestBook); err != nil {
			return nil, err
		}
	} else {
		name = o.Data
		all, err := loadBitext(o.Data, o.Format, o.Src, o.Tgt)
		if err != nil {
			return nil, err
		}
		switch {
		case o.Test != "":
			trainB = all
		case len(all.Books()) > 1:
			book := o.TestBook
			if book == "" {
				book = parallel.DefaultTestBook
			}
			if trainB, testB, err = all.SplitBook(book); err != nil {
				return nil, err
			}
		default:
			if trainB, testB, err = all.HoldOut(o.Holdout, o.Seed); err != nil {
				return nil, err
			}
		}
	}
	if o.Test != "" {
		if testB, err = loadBitext(o.Test, o.Format, o.Src, o.Tgt); err != nil {
			return nil, err
		}
	}
	ds := &Dataset{Name: name}
	if trainB.Len() == 0 {
		return nil, fmt.Errorf("%s: no training pairs", name)
	}
	// Validation: a small seeded hold-out of the training pairs, grouped
	// by their first-column sentence like the test hold-out.
	var validB *parallel.Bitext
	if o.Valid > 0 && trainB.Len() >= 20 {
		frac, err := train.HoldOut(o.Valid, trainB.Len(), "pairs")
		if err != nil {
			return nil, err
		}
		if trainB, validB, err = trainB.HoldOut(frac, o.Seed+1); err != nil {
			return nil, err
		}
	}
	if ds.Train, err = trainB.Pairs(o.Src, o.Tgt); err != nil {
		return nil, err
	}
	if len(ds.Train) > 0 {
		ds.Src, ds.Tgt = parallel.NormLang(o.Src), parallel.NormLang(o.Tgt)
		if ds.Src == "" || ds.Tgt == "" {
			si := 0
			if ds.Src == trainB.Langs[1] {
				si = 1
			}
			ds.Src, ds.Tgt = trainB.Langs[si], trainB.Langs[1-si]
		}
	}
	if validB != nil {
		if ds.Valid, err = validB.Pairs(ds.Src, ds.Tgt); err != nil {
			return nil, err
		}
	}
	if testB != nil {
		if ds.Test, err = testB.Pairs(ds.Src, ds.Tgt); err != nil {
			return nil, err
		}
	}
	ds.TrainAll = len(ds.Train)
	ds.Train = parallel.FilterLength(ds.Train, o.MaxLen, text.Tokenize)
	if o.Limit > 0 && len(ds.Train) > o.Limit {
		ds.Train = ds.Train[:o.Limit]
	}
	if len(ds.Train) == 0 {
		return nil, fmt.Errorf("%s: no training pair has both sides within %d tokens", name, o.MaxLen)
	}
	return ds, nil
}

// buildVocabs counts the training pairs: the source vocabulary, the target
// vocabulary (with <bos>/<eos>) and the target's written forms.
func buildVocabs(pairs []parallel.Pair, minCount, maxSize int) (src, tgt *text.Vocab, truecase map[string]string) {
	sc, tc := text.NewCounter(), text.NewCounter()
	var tgts []string
	for _, p := range pairs {
		sc.Add(text.Tokenize(p.Src))
		tc.Add(text.Tokenize(p.Tgt))
		tgts = append(tgts, p.Tgt)
	}
	src = sc.Vocab(text.VocabOptions{MinCount: minCount, MaxSize: maxSize})
	tgt = tc.Vocab(text.VocabOptions{MinCount: minCount, MaxSize: maxSize, BOSEOS: true})
	truecase = learnTruecase(tgts)
	for w := range truecase {
		if !tgt.Has(w) {
			delete(truecase, w)
		}
	}
	return src, tgt, truecase
}

// split is one data split encoded and cut into batches of one (source,
// target) bucket each.
type split struct {
	pairs   []parallel.Pair
	ex      []example
	batches []text.Batch
}

func (t *Model) newSplit(pairs []parallel.Pair, seed int64) (*split, error) {
	s := &split{pairs: pairs, ex: make([]example, len(pairs))}
	sb, tb := boundsUpTo(t.cfg.MaxLen), boundsUpTo(t.cfg.MaxLen+1)
	keys := make([]int, len(pairs))
	for i, p := range pairs {
		e := example{src: t.encodeSrc(p.Src), tgt: t.encodeTgt(p.Tgt)}
		s.ex[i] = e
		keys[i] = indexOf(sb, bucketOf(len(e.src), t.cfg.MaxLen))*len(tb) + indexOf(tb, bucketOf(len(e.tgt), t.cfg.MaxLen+1))
	}
	if len(pairs) == 0 {
		return s, nil
	}
	// One "length" per (source, target) bucket pair, so that every batch
	// holds examples of one graph shape.
	ids := make([]int, len(sb)*len(tb))
	for i := range ids {
		ids[i] = i
	}
	var err error
	s.batches, err = text.Bucket(keys, text.BucketOptions{BatchSize: t.batch, Bounds: ids, Seed: seed})
	return s, err
}

func indexOf(xs []int, v int) int {
	for i, x := range xs {
		if x == v {
			return i
		}
	}
	return len(xs) - 1
}

func (s *split) batch(i int) []example {
	b := s.batches[i]
	out := make([]example, len(b.Indices))
	for k, j := range b.Indices {
		out[k] = s.ex[j]
	}
	return out
}

// task adapts the translator to train.Task.
type task struct {
	t            *Model
	train, valid *split
}

func (k *task) Params() *graph.Params { return k.t.ps }
func (k *task) NumTrain() int         { return len(k.train.batches) }
func (k *task) NumValid() int {
	if k.valid == nil {
		return 0
	}
	return len(k.valid.batches)
}
func (k *task) TrainBatch(i int) (train.Result, error) { return k.t.step(k.train.batch(i), true) }
func (k *task) EvalBatch(i int) (train.Result, error)  { return k.t.step(k.valid.batch(i), false) }

// Scores are the corpus metrics of a set of translations.
type Scores struct {
	BLEU, BLEULower, ChrF float64
	Detail                bleu.Result
	Hyps                  []string
	Seconds               float64
}

// evaluate translates the sources of pairs and scores them against the
// targets: BLEU (13a, cased, sacrebleu's default smoothing), BLEU
// lower-cased and chrF.
func (t *Model) evaluate(pairs []parallel.Pair, o DecodeOptions) (*Scores, error) {
	srcs := make([]string, len(pairs))
	refs := make([]string, len(pairs))
	for i, p := range pairs {
		srcs[i], refs[i] = p.Src, p.Tgt
	}
	hyps, err := t.translate(srcs, o)
	if err != nil {
		return nil, err
	}
	s := &Scores{Hyps: hyps}
	if s.Detail, err = bleu.Corpus(hyps, [][]string{refs}, bleu.Options{Smooth: bleu.Exp}); err != nil {
		return nil, err
	}
	s.BLEU = s.Detail.Score
	lc, err := bleu.Corpus(hyps, [][]string{refs}, bleu.Options{Smooth: bleu.Exp, Lowercase: true})
	if err != nil {
		return nil, err
	}
	s.BLEULower = lc.Score
	if s.ChrF, err = bleu.ChrF(hyps, [][]string{refs}); err != nil {
		return nil, err
	}
	return s, nil
}

// EvalPairs returns pairs to score and their name: with validSplit, the
// validation pairs that LoadData(d) holds out of d.Data (the embedded Bible
// when empty; d.Seed and d.Valid as train had them); else the pairs of
// d.Test (only book d.TestBook of a Bible file, when set); else, with
// neither, the embedded Bible's held-out book (Revelation). The direction
// is d.Src→d.Tgt; only when both are empty is it English→Spanish.
func EvalPairs(d DataOptions, validSplit bool) ([]parallel.Pair, string, error) {
	if d.Src == "" && d.Tgt == "" {
		d.Src, d.Tgt = parallel.English, parallel.Spanish
	}
	if validSplit {
		ds, err := LoadData(d)
		if err != nil {
			return nil, "", err
		}
		return ds.Valid, ds.Name + ", validation split", nil
	}
	var b *parallel.Bitext
	var err error
	name := d.Test
	if d.Test == "" {
		if _, b, err = parallel.BibleSplit(d.TestBook); err != nil {
			return nil, "", err
		}
		name = "the embedded Bible's held-out book"
	} else {
		if b, err = loadBitext(d.Test, d.Format, d.Src, d.Tgt); err != nil {
			return nil, "", err
		}
		if d.TestBook != "" {
			if _, b, err = b.SplitBook(d.TestBook); err != nil {
				return nil, "", err
			}
		}
	}
	pairs, err := b.Pairs(d.Src, d.Tgt)
	if err == nil && len(pairs) == 0 {
		err = fmt.Errorf("%s: no pairs", name)
	}
	return pairs, name, err
}

// Register adds the flags of where the pairs come from and how they are
// split (-data -test -format -src -tgt -test-book -holdout -valid -maxlen
// -limit), with the defaults of DefaultDataOptions.
func (d *DataOptions) Register(fs *flag.FlagSet) {
	fs.StringVar(&d.Data, "data", d.Data, "pairs file: Anki TSV (English<TAB>other) or Bible TSV (ref<TAB>English<TAB>Spanish) (default: the embedded Bible verses)")
	fs.StringVar(&d.Test, "test", d.Test, "test pairs file (default: -test-book of a Bible file, else -holdout of -data)")
	fs.StringVar(&d.Format, "format", d.Format, "format of -data and -test: anki or bible (default: detected)")
	fs.StringVar(&d.Src, "src", d.Src, "source language, e.g. eng, spa, fra (default: eng for the Bible, else the file's first column)")
	fs.StringVar(&d.Tgt, "tgt", d.Tgt, "target language (default: the other one)")
	fs.StringVar(&d.TestBook, "test-book", d.TestBook, "Bible book held out as the test set (default: Revelation)")
	fs.Float64Var(&d.Holdout, "holdout", d.Holdout, "fraction of -data held out as the test set by English sentence, when there is no -test")
	fs.Float64Var(&d.Valid, "valid", d.Valid, train.ValidHelp("pairs"))
	fs.IntVar(&d.MaxLen, "maxlen", d.MaxLen, "drop training pairs with a side longer than this many tokens (sources to translate are cut at max(this, 60) tokens)")
	fs.IntVar(&d.Limit, "limit", d.Limit, "use at most this many training pairs (0: all)")
}

// DefaultDataOptions are the defaults of `translate train`: 3% held out
// for testing when there is no test file, 5% of the training pairs for
// validation (the shipped model's split), sentences of at most 20 tokens.
func DefaultDataOptions() DataOptions {
	return DataOptions{Holdout: 0.03, Valid: 0.05, MaxLen: 20, Seed: 1}
}

// Check reports data options that cannot make a data set.
func (d *DataOptions) Check() error {
	switch {
	case d.MaxLen < 2:
		return fmt.Errorf("maxlen %d, want ≥ 2", d.MaxLen)
	case d.Holdout < 0 || d.Holdout >= 1:
		return fmt.Errorf("holdout %v outside [0, 1)", d.Holdout)
	case train.CheckValid(d.Valid) != nil:
		return train.CheckValid(d.Valid)
	case d.Limit < 0:
		return fmt.Errorf("-limit %d must not be negative", d.Limit)
	}
	return nil
}

// RegisterEval adds the flags of the pairs an evaluation scores: -test,
// -format, -test-book, and -valid-split (returned) with -data, -seed and
// -valid, which name the validation split that train held out.
func (d *DataOptions) RegisterEval(fs *flag.FlagSet) *bool {
	fs.StringVar(&d.Test, "test", d.Test, "pairs file to score (Anki or Bible TSV; -test-book: one book of it)")
	fs.StringVar(&d.Format, "format", d.Format, "format of -test: anki or bible (default: detected)")
	fs.StringVar(&d.TestBook, "test-book", d.TestBook, "score only this book of a Bible file")
	fs.StringVar(&d.Data, "data", d.Data, "with -valid-split: the training pairs file train read")
	fs.Int64Var(&d.Seed, "seed", d.Seed, "with -valid-split: train's -seed")
	fs.Float64Var(&d.Valid, "valid", d.Valid, "with -valid-split: train's -valid")
	return fs.Bool("valid-split", false, "score the validation pairs train holds out of -data (default: the embedded Bible) with the same -seed and -valid, instead of -test")
}

// CheckEval reports evaluation options that name no pairs.
func (d *DataOptions) CheckEval(validSplit bool) error {
	if d.Test == "" && !validSplit {
		return fmt.Errorf("-test FILE (or -valid-split) is required")
	}
	return nil
}
