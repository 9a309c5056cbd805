package trainer

import (
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/rnnzoo/rnnzoo/embeddings"
	"github.com/rnnzoo/rnnzoo/embeddings/internal/vecmath"
)

// Config holds the training settings. Zero values take the defaults noted
// (those of the C tool unless said otherwise).
type Config struct {
	Dim      int     // vector size (-size), default 100
	Window   int     // max context distance (-window), default 5
	Sample   float64 // subsampling threshold (-sample), default 1e-3; negative disables
	HS       bool    // hierarchical softmax (-hs)
	Negative int     // negative samples (-negative), default 5; negative disables
	Threads  int     // worker goroutines (-threads), default GOMAXPROCS
	// Iter is the number of passes over the corpus (-iter). The default is
	// the winner of the time-to-accuracy race of RESULTS.md: 3 for
	// Skip-gram, 2 for CBOW (gensim's one pass takes longer than these, and
	// scores lower); the C tool's default is 5. Iter, Alpha and Schedule
	// left zero give each mode's winning run.
	Iter     int
	MinCount int // drop rarer words (-min-count), default 5
	MaxVocab int // keep at most this many words, SentenceEnd included (0: no cap)
	// Alpha is the starting learning rate (-alpha), default 0.04 Skip-gram,
	// 0.075 CBOW (the time-to-accuracy winners; the C tool's are 0.025 and
	// 0.05).
	Alpha float64
	// Schedule shapes the learning rate from Alpha down to AlphaEnd×Alpha
	// over the run (-alpha-schedule): Linear (the C tool's) or Cosine; the
	// default is Cosine for Skip-gram and Linear for CBOW.
	Schedule Schedule
	// Pairwise trains Skip-gram pair by pair as the C tool does, each
	// context word with its own draw of negatives (-shared-negatives=false).
	// By default Skip-gram with negative sampling trains a window at a time
	// with one draw of negatives shared by its context words (HogBatch, see
	// skipGramShared): 1.4× the words per second here at the same accuracy
	// per pass (RESULTS.md). With hierarchical softmax, pairs are trained one
	// by one either way.
	Pairwise bool
	// AlphaEnd is the last learning rate as a fraction of Alpha
	// (-alpha-end), default 1e-4 (the C tool's floor).
	AlphaEnd float64
	CBOW     bool   // CBOW instead of Skip-gram (-cbow)
	Seed     uint64 // seed of every random draw (0 is a valid seed)
	// Reproducible trains with one worker so that the same Seed gives the
	// same vectors bit for bit.
	Reproducible bool
	// Progress, when set, is called about once a second and at the end.
	Progress func(Progress)
}

// Progress reports training progress.
type Progress struct {
	Iter        int     // current iteration, from 1
	Fraction    float64 // of all iterations
	Alpha       float64 // current learning rate
	Words       int64   // corpus tokens processed so far (all iterations)
	WordsPerSec float64 // since training started
	Done        bool
}

// Stats summarise a run.
type Stats struct {
	VocabSize    int     `json:"vocab_size"`
	CorpusWords  int64   `json:"corpus_words"`
	TrainWords   int64   `json:"train_words"`
	WordsTrained int64   `json:"words_trained"` // tokens after subsampling, all iterations
	VocabSeconds float64 `json:"vocab_seconds"`
	TrainSeconds float64 `json:"train_seconds"`
	WordsPerSec  float64 `json:"words_per_sec"` // corpus tokens per second of training
	Threads      int     `json:"threads"`
}

// Result is a trained model.
type Result struct {
	Vectors *embeddings.Vectors // input vectors (syn0), rows in Vocab order
	Vocab   *Vocab
	Stats   Stats
}

func (c *Config) fill() error {
	if c.Dim == 0 {
		c.Dim = 100
	}
	if c.Window == 0 {
		c.Window = 5
	}
	if c.Sample == 0 {
		c.Sample = 1e-3
	}
	if c.Negative == 0 {
		c.Negative = 5
	}
	if c.Negative < 0 {
		c.Negative = 0
	}
	if c.Threads <= 0 {
		c.Threads = runtime.GOMAXPROCS(0)
	}
	if c.Iter == 0 {
		c.Iter = 3
		if c.CBOW {
			c.Iter = 2
		}
	}
	if c.MinCount == 0 {
		c.MinCount = 5
	}
	if c.Alpha == 0 {
		c.Alpha = 0.04
		if c.CBOW {
			c.Alpha = 0.075
		}
	}
	if c.Schedule == DefaultSchedule {
		c.Schedule = Cosine
		if c.CBOW {
			c.Schedule = Linear
		}
	}
	if c.AlphaEnd == 0 {
		c.AlphaEnd = 1e-4
	}
	switch {
	case c.Dim < 1 || c.Dim > 1<<14:
		return fmt.Errorf("word2vec: size %d out of range 1..16384", c.Dim)
	case c.Window < 1:
		return fmt.Errorf("word2vec: window %d must be at least 1", c.Window)
	case c.Iter < 1:
		return fmt.Errorf("word2vec: iter %d must be at least 1", c.Iter)
	case c.MinCount < 1:
		c.MinCount = 1
	case c.Alpha <= 0:
		return fmt.Errorf("word2vec: alpha %v must be positive", c.Alpha)
	case !(c.AlphaEnd > 0 && c.AlphaEnd <= 1):
		return fmt.Errorf("word2vec: alpha-end %v must be in (0, 1]", c.AlphaEnd)
	case c.Schedule != Linear && c.Schedule != Cosine: // DefaultSchedule is resolved above
		return fmt.Errorf("word2vec: unknown learning-rate schedule %d", c.Schedule)
	}
	if !c.HS && c.Negative == 0 {
		return errors.New("word2vec: neither hierarchical softmax (-hs 1) nor negative sampling (-negative > 0) is on")
	}
	if c.Reproducible {
		c.Threads = 1
	}
	return nil
}

// Train builds the vocabulary from src, then trains.
func Train(src Source, cfg Config) (*Result, error) {
	if err := cfg.fill(); err != nil {
		return nil, err
	}
	t0 := time.Now()
	voc, err := BuildVocab(src, cfg.MinCount, cfg.MaxVocab)
	if err != nil {
		return nil, err
	}
	res, err := TrainVocab(src, voc, cfg)
	if err != nil {
		return nil, err
	}
	res.Stats.VocabSeconds = time.Since(t0).Seconds() - res.Stats.TrainSeconds
	return res, nil
}

const (
	jobWords    = 10000
	maxSentence = 1000
)

type job struct {
	words []int32 // kept word ids, sentences back to back
	ends  []int32 // end offset of each sentence in words
	start int64   // corpus tokens read before this job (all iterations)
	raw   int64   // corpus tokens in this job (in-vocabulary, SentenceEnd included)
	seq   uint64
	iter  int
}

type model struct {
	cfg     Config
	dim     int
	syn0    []float32
	syn1neg []float32
	syn1    []float32
	alias   aliasTable
	huff    huffman
	keep    []uint64
	total   float64 // Iter*TrainWords+1, for the learning rate
	alpha0  float32
}

// TrainVocab trains on src with a given vocabulary.
func TrainVocab(src Source, voc *Vocab, cfg Config) (*Result, error) {
	if err := cfg.fill(); err != nil {
		return nil, err
	}
	if voc.Len() < 2 {
		return nil, fmt.Errorf("word2vec: vocabulary has %d words after min-count %d; need at least one word besides %s", voc.Len()-1, cfg.MinCount, SentenceEnd)
	}
	v, d := voc.Len(), cfg.Dim
	m := &model{cfg: cfg, dim: d, alpha0: float32(cfg.Alpha)}
	m.syn0 = make([]float32, v*d)
	r := newRNG(cfg.Seed, 0x5eed)
	for i := range m.syn0 {
		m.syn0[i] = (float32(r.next()>>40)/(1<<24) - 0.5) / float32(d)
	}
	if cfg.Negative > 0 {
		m.syn1neg = make([]float32, v*d)
		m.alias = newAliasTable(voc.Counts, 0.75)
	}
	if cfg.HS {
		m.syn1 = make([]float32, v*d)
		m.huff = newHuffman(voc.Counts)
	}
	m.keep = keepThresholds(voc.Counts, voc.TrainWords, cfg.Sample)
	m.total = float64(cfg.Iter)*float64(voc.TrainWords) + 1

	jobs := make(chan *job, 2*cfg.Threads)
	free := make(chan *job, 3*cfg.Threads+1)
	for i := 0; i < cap(free); i++ {
		free <- &job{words: make([]int32, 0, jobWords+maxSentence), ends: make([]int32, 0, 64)}
	}
	var done, trained atomic.Int64
	var iterNow atomic.Int64
	start := time.Now()
	var wg sync.WaitGroup
	for t := 0; t < cfg.Threads; t++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			w := newWorker(m)
			for j := range jobs {
				w.run(j)
				done.Add(j.raw)
				trained.Add(int64(len(j.words)))
				free <- j
			}
		}()
	}
	stopProgress := make(chan struct{})
	var progWG sync.WaitGroup
	report := func(fin bool) {
		if cfg.Progress == nil {
			return
		}
		n := done.Load()
		el := time.Since(start).Seconds()
		p := Progress{Iter: int(iterNow.Load()) + 1, Words: n, Fraction: float64(n) / m.total, Done: fin}
		p.Alpha = float64(m.alphaAt(n))
		if el > 0 {
			p.WordsPerSec = float64(n) / el
		}
		cfg.Progress(p)
	}
	if cfg.Progress != nil {
		progWG.Add(1)
		go func() {
			defer progWG.Done()
			tick := time.NewTicker(time.Second)
			defer tick.Stop()
			for {
				select {
				case <-tick.C:
					report(false)
				case <-stopProgress:
					return
				}
			}
		}()
	}
	readErr := m.feed(src, voc, jobs, free, &iterNow)
	close(jobs)
	wg.Wait()
	close(stopProgress)
	progWG.Wait()
	if readErr != nil {
		return nil, readErr
	}
	report(true)
	el := time.Since(start).Seconds()
	vecs, err := embeddings.FromMatrix(voc.Words, m.syn0, d)
	if err != nil {
		return nil, err
	}
	st := Stats{VocabSize: v, CorpusWords: voc.CorpusWords, TrainWords: voc.TrainWords, WordsTrained: trained.Load(),
		TrainSeconds: el, Threads: cfg.Threads}
	if el > 0 {
		st.WordsPerSec = float64(done.Load()) / el
	}
	return &Result{Vectors: vecs, Vocab: voc, Stats: st}, nil
}

// alphaAt is the learning rate after words corpus tokens (of all
// iterations) have been read.
func (m *model) alphaAt(words int64) float32 {
	return m.cfg.Schedule.at(m.alpha0, float32(m.cfg.AlphaEnd), float64(words)/m.total)
}

// feed streams the corpus Iter times, subsampling and cutting it into jobs.
func (m *model) feed(src Source, voc *Vocab, jobs chan<- *job, free <-chan *job, iterNow *atomic.Int64) error {
	var read int64
	var seq uint64
	for it := 0; it < m.cfg.Iter; it++ {
		iterNow.Store(int64(it))
		rc, err := src()
		if err != nil {
			return err
		}
		r := newRNG(m.cfg.Seed, uint64(it), 0x5ab5a3)
		j := <-free
		reset := func() {
			j.words, j.ends, j.raw, j.start, j.seq, j.iter = j.words[:0], j.ends[:0], 0, read, seq, it
			seq++
		}
		reset()
		sentStart := 0
		endSentence := func() {
			if len(j.words) > sentStart {
				j.ends = append(j.ends, int32(len(j.words)))
			}
			sentStart = len(j.words)
			if len(j.words) >= jobWords {
				jobs <- j
				j = <-free
				reset()
				sentStart = 0
			}
		}
		err = tokenize(rc, func(tok []byte) {
			id := voc.Index(tok)
			if id < 0 {
				return
			}
			read++
			j.raw++
			if id == 0 {
				endSentence()
				return
			}
			if uint64(uint32(r.next())) >= m.keep[id] {
				return
			}
			j.words = append(j.words, id)
			if len(j.words)-sentStart >= maxSentence {
				endSentence()
			}
		})
		rc.Close()
		if err != nil {
			return err
		}
		if len(j.words) > sentStart {
			j.ends = append(j.ends, int32(len(j.words)))
		}
		jobs <- j
	}
	return nil
}

type worker struct {
	m     *model
	neu1  []float32
	neu1e []float32
	pairs []pair
	negs  []int32
	r     rng
	// skipGramShared's window: context ids, the centre word and its
	// negatives (and the next window's), scores, input gradients.
	ctx            []int32
	outs, nextOuts []int32
	scores, grads  []float32
	inRows         [][]float32 // the window's input rows (syn0)
	outRows        [][]float32 // its output rows (syn1neg), padded to 4
}

func newWorker(m *model) *worker {
	k1, win := max(m.cfg.Negative, 0)+1, m.cfg.Window
	return &worker{m: m, neu1: make([]float32, m.dim), neu1e: make([]float32, m.dim),
		pairs: make([]pair, 0, 2*maxSentence*win), negs: make([]int32, 2*max(m.cfg.Negative, 1)),
		ctx: make([]int32, 0, 2*win+3), outs: make([]int32, k1), nextOuts: make([]int32, k1),
		inRows: make([][]float32, 0, 2*win+3), outRows: make([][]float32, 0, k1+3),
		scores: make([]float32, (2*win+3)*k1), grads: make([]float32, k1*m.dim)}
}

func (w *worker) run(j *job) {
	if raceEnabled {
		raceMu.Lock()
		defer raceMu.Unlock()
	}
	w.r = newRNG(w.m.cfg.Seed, uint64(j.iter), j.seq)
	alpha := w.m.alphaAt(j.start)
	from := int32(0)
	for _, end := range j.ends {
		sen := j.words[from:end]
		from = end
		switch {
		case w.m.cfg.CBOW:
			w.cbow(sen, alpha)
		case !w.m.cfg.Pairwise && w.m.cfg.Negative > 0 && !w.m.cfg.HS:
			w.skipGramShared(sen, alpha)
		default:
			w.skipGram(sen, alpha)
		}
	}
}

type pair struct{ in, out int32 }

// skipGram trains on the (context → centre word) pairs of one sentence. The
// negatives of the next pair are drawn one pair ahead and their rows
// prefetched, so the memory latency of the random rows overlaps the work.
func (w *worker) skipGram(sen []int32, alpha float32) {
	m := w.m
	d := m.dim
	win := m.cfg.Window
	neg := m.cfg.Negative
	syn0, syn1neg := m.syn0, m.syn1neg
	neu1e := w.neu1e
	pairs := w.pairs[:0]
	for a, word := range sen {
		b := int(w.r.intn(uint32(win)))
		lo, hi := max(a-win+b, 0), min(a+win-b, len(sen)-1)
		for c := lo; c <= hi; c++ {
			if c != a {
				pairs = append(pairs, pair{sen[c], word})
			}
		}
	}
	w.pairs = pairs
	negs := w.negs
	if neg > 0 && len(pairs) > 0 {
		for k := 0; k < neg; k++ {
			negs[k] = m.alias.draw(&w.r)
		}
	}
	for p, pr := range pairs {
		o := int(pr.in) * d
		l1 := syn0[o : o+d : o+d]
		clear(neu1e)
		if m.cfg.HS {
			w.hs(l1, pr.out, alpha)
		}
		if neg > 0 {
			cur := negs[(p&1)*neg : (p&1)*neg+neg]
			if p+1 < len(pairs) {
				nx := negs[((p+1)&1)*neg : ((p+1)&1)*neg+neg]
				for k := range nx {
					t := m.alias.draw(&w.r)
					nx[k] = t
					vecmath.Prefetch(syn1neg[int(t)*d : int(t)*d+d])
				}
				q := pairs[p+1]
				vecmath.Prefetch(syn0[int(q.in)*d : int(q.in)*d+d])
				vecmath.Prefetch(syn1neg[int(q.out)*d : int(q.out)*d+d])
			}
			for k := -1; k < neg; k++ {
				target, label := pr.out, float32(1)
				if k >= 0 {
					target, label = cur[k], 0
					if target == pr.out {
						continue
					}
				}
				t := int(target) * d
				l2 := syn1neg[t : t+d : t+d]
				f := vecmath.Dot(l1, l2)
				var g float32
				if f > maxExp {
					g = (label - 1) * alpha
				} else if f < -maxExp {
					g = label * alpha
				} else {
					g = (label - sigmoid(f)) * alpha
				}
				vecmath.Update(g, l1, l2, neu1e)
			}
		}
		vecmath.Axpy(1, neu1e, l1)
	}
}

// hs runs hierarchical softmax for input l1 and output word, accumulating
// the input gradient in w.neu1e.
func (w *worker) hs(l1 []float32, word int32, alpha float32) {
	m := w.m
	d := m.dim
	code, point := m.huff.codes[word], m.huff.points[word]
	for k, p := range point {
		o := int(p) * d
		l2 := m.syn1[o : o+d : o+d]
		f := vecmath.Dot(l1, l2)
		if f <= -maxExp || f >= maxExp {
			continue
		}
		g := (1 - float32(code[k]) - sigmoid(f)) * alpha
		vecmath.Update(g, l1, l2, w.neu1e)
	}
}

func (w *worker) cbow(sen []int32, alpha float32) {
	m := w.m
	d := m.dim
	win := m.cfg.Window
	neg := m.cfg.Negative
	syn0, syn1neg := m.syn0, m.syn1neg
	neu1, neu1e := w.neu1, w.neu1e
	negs := w.negs
	if neg > 0 && len(sen) > 0 {
		for k := 0; k < neg; k++ {
			negs[k] = m.alias.draw(&w.r)
		}
	}
	for a, word := range sen {
		b := int(w.r.intn(uint32(win)))
		lo, hi := max(a-win+b, 0), min(a+win-b, len(sen)-1)
		if hi == lo { // only the word itself
			continue
		}
		clear(neu1)
		for c := lo; c <= hi; c++ {
			if c != a {
				o := int(sen[c]) * d
				vecmath.Axpy(1, syn0[o:o+d:o+d], neu1)
			}
		}
		vecmath.Scale(1/float32(hi-lo), neu1)
		clear(neu1e)
		if m.cfg.HS {
			w.hs(neu1, word, alpha)
		}
		if neg > 0 {
			cur := negs[(a&1)*neg : (a&1)*neg+neg]
			if a+1 < len(sen) {
				nx := negs[((a+1)&1)*neg : ((a+1)&1)*neg+neg]
				for k := range nx {
					t := m.alias.draw(&w.r)
					nx[k] = t
					vecmath.Prefetch(syn1neg[int(t)*d : int(t)*d+d])
				}
				q := int(sen[a+1]) * d
				vecmath.Prefetch(syn1neg[q : q+d])
			}
			for k := -1; k < neg; k++ {
				target, label := word, float32(1)
				if k >= 0 {
					target, label = cur[k], 0
					if target == word {
						continue
					}
				}
				t := int(target) * d
				l2 := syn1neg[t : t+d : t+d]
				f := vecmath.Dot(neu1, l2)
				var g float32
				if f > maxExp {
					g = (label - 1) * alpha
				} else if f < -maxExp {
					g = label * alpha
				} else {
					g = (label - sigmoid(f)) * alpha
				}
				vecmath.Update(g, neu1, l2, neu1e)
			}
		}
		for c := lo; c <= hi; c++ {
			if c != a {
				o := int(sen[c]) * d
				vecmath.Axpy(1, neu1e, syn0[o:o+d:o+d])
			}
		}
	}
}

// ProgressPrinter returns a Config.Progress that writes the C tool's
// progress line to w: rewritten in place on a terminal, else one line
// every 10 seconds and one at the end.
func ProgressPrinter(w io.Writer) func(Progress) {
	tty := false
	if f, ok := w.(*os.File); ok {
		if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
			tty = true
		}
	}
	var last time.Time
	return func(p Progress) {
		line := fmt.Sprintf("Alpha: %f  Progress: %.2f%%  Words/sec: %.1fk", p.Alpha, 100*p.Fraction, p.WordsPerSec/1000)
		switch {
		case tty && p.Done:
			fmt.Fprintf(w, "\r%s\n", line)
		case tty:
			fmt.Fprintf(w, "\r%s  ", line)
		case p.Done || time.Since(last) >= 10*time.Second:
			fmt.Fprintln(w, line)
			last = time.Now()
		}
	}
}
