package main

import (
	"fmt"
	"math"

	"github.com/rnnzoo/rnnzoo/datasets/parallel"
	"github.com/rnnzoo/rnnzoo/datasets/text"
	"github.com/rnnzoo/rnnzoo/graph"
	"github.com/rnnzoo/rnnzoo/metrics/bleu"
	"github.com/rnnzoo/rnnzoo/train"
)

// dataset is a translation direction's training, validation and test
// pairs.
type dataset struct {
	name                string
	src, tgt            string
	train, valid, test  []parallel.Pair
	trainAll, testWhole int // before length filtering
}

// dataOptions say where the pairs come from and how to split them.
type dataOptions struct {
	data, test, format string
	src, tgt           string
	testBook           string
	holdout            float64 // test fraction held out of -data when there is no -test
	validMax           int     // at most this many validation pairs, held out of the training pairs
	maxLen             int     // training pairs with a longer side are dropped
	limit              int     // use at most this many training pairs (0: all)
	seed               int64
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

// loadData reads and splits the pairs: the embedded Bible verses by
// default (Revelation held out), else -data with -test or a seeded
// hold-out by English sentence (or by book for a Bible file).
func loadData(o dataOptions) (*dataset, error) {
	var trainB, testB *parallel.Bitext
	var err error
	name := "embedded WEB↔RV1909 Bible verses"
	if o.data == "" {
		if o.src == "" {
			o.src = parallel.English
		}
		if o.tgt == "" {
			o.tgt = parallel.Spanish
		}
		if trainB, testB, err = parallel.BibleSplit(o.testBook); err != nil {
			return nil, err
		}
	} else {
		name = o.data
		all, err := loadBitext(o.data, o.format, o.src, o.tgt)
		if err != nil {
			return nil, err
		}
		switch {
		case o.test != "":
			trainB = all
		case len(all.Books()) > 1:
			book := o.testBook
			if book == "" {
				book = parallel.DefaultTestBook
			}
			if trainB, testB, err = all.SplitBook(book); err != nil {
				return nil, err
			}
		default:
			if trainB, testB, err = all.HoldOut(o.holdout, o.seed); err != nil {
				return nil, err
			}
		}
	}
	if o.test != "" {
		if testB, err = loadBitext(o.test, o.format, o.src, o.tgt); err != nil {
			return nil, err
		}
	}
	ds := &dataset{name: name}
	if trainB.Len() == 0 {
		return nil, fmt.Errorf("%s: no training pairs", name)
	}
	// Validation: a small seeded hold-out of the training pairs, grouped
	// by their first-column sentence like the test hold-out.
	var validB *parallel.Bitext
	if o.validMax > 0 && trainB.Len() >= 20 {
		frac := math.Min(0.05, float64(o.validMax)/float64(trainB.Len()))
		if trainB, validB, err = trainB.HoldOut(frac, o.seed+1); err != nil {
			return nil, err
		}
	}
	if ds.train, err = trainB.Pairs(o.src, o.tgt); err != nil {
		return nil, err
	}
	if len(ds.train) > 0 {
		ds.src, ds.tgt = parallel.NormLang(o.src), parallel.NormLang(o.tgt)
		if ds.src == "" || ds.tgt == "" {
			si := 0
			if ds.src == trainB.Langs[1] {
				si = 1
			}
			ds.src, ds.tgt = trainB.Langs[si], trainB.Langs[1-si]
		}
	}
	if validB != nil {
		if ds.valid, err = validB.Pairs(ds.src, ds.tgt); err != nil {
			return nil, err
		}
	}
	if testB != nil {
		if ds.test, err = testB.Pairs(ds.src, ds.tgt); err != nil {
			return nil, err
		}
	}
	ds.trainAll = len(ds.train)
	ds.train = parallel.FilterLength(ds.train, o.maxLen, text.Tokenize)
	if o.limit > 0 && len(ds.train) > o.limit {
		ds.train = ds.train[:o.limit]
	}
	if len(ds.train) == 0 {
		return nil, fmt.Errorf("%s: no training pair has both sides within %d tokens", name, o.maxLen)
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

func (t *translator) newSplit(pairs []parallel.Pair, seed int64) (*split, error) {
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
	t            *translator
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

// scores are the corpus metrics of a set of translations.
type scores struct {
	BLEU, BLEULower, ChrF float64
	Detail                bleu.Result
	Hyps                  []string
	Seconds               float64
}

// evaluate translates the sources of pairs and scores them against the
// targets: BLEU (13a, cased, sacrebleu's default smoothing), BLEU
// lower-cased and chrF.
func (t *translator) evaluate(pairs []parallel.Pair, o decodeOpts) (*scores, error) {
	srcs := make([]string, len(pairs))
	refs := make([]string, len(pairs))
	for i, p := range pairs {
		srcs[i], refs[i] = p.Src, p.Tgt
	}
	hyps, err := t.translate(srcs, o)
	if err != nil {
		return nil, err
	}
	s := &scores{Hyps: hyps}
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
