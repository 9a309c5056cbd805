package translator

import (
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"sync"
	"unicode"

	"github.com/rnnzoo/rnnzoo/datasets/text"
	"github.com/rnnzoo/rnnzoo/graph"
	"github.com/rnnzoo/rnnzoo/train"
	"gorgonia.org/tensor"
)

// Kind is the model kind recorded in this package's checkpoints.
const Kind = "translate"

// Config describes a translator; it is stored as JSON in every checkpoint
// and is all Load needs, with the vocabularies, to rebuild the model.
type Config struct {
	Src       string              `json:"src"` // ISO 639-3 language codes
	Tgt       string              `json:"tgt"`
	Cell      graph.CellKind      `json:"cell"` // gru or lstm
	Attention graph.AttentionKind `json:"attention"`
	EmbedDim  int                 `json:"embed_dim"`
	Hidden    int                 `json:"hidden"`     // decoder state size
	EncHidden int                 `json:"enc_hidden"` // encoder state size per direction
	Layers    int                 `json:"layers"`
	Dropout   float64             `json:"dropout"`
	// LabelSmoothing is ε of the training loss (0: plain cross-entropy).
	LabelSmoothing float64 `json:"label_smoothing,omitempty"`
	MaxLen         int     `json:"max_len"` // longest sentence side in tokens (longer sources are truncated)
	SrcVocab       int     `json:"src_vocab"`
	TgtVocab       int     `json:"tgt_vocab"`
}

// bounds are the padded lengths of the length buckets; a batch's graph has
// one source bound and one target bound (one graph per pair, weights shared).
var bounds = []int{6, 10, 14, 18, 24, 32, 48, 64}

// boundsUpTo returns the bucket bounds for sequences of at most n steps.
func boundsUpTo(n int) []int {
	var b []int
	for _, v := range bounds {
		if v < n {
			b = append(b, v)
		}
	}
	return append(b, n)
}

// bucketOf returns the padded length for a sequence of n steps.
func bucketOf(n, maxLen int) int {
	for _, b := range boundsUpTo(maxLen) {
		if n <= b {
			return b
		}
	}
	return maxLen
}

// Model is an encoder–decoder translator with attention:
//
//	h_s = [→GRU(x_s, →h_{s−1}); ←GRU(x_s, ←h_{s+1})]     (bidirectional encoder over the source words)
//	d_t = GRU(y_{t−1}, d_{t−1})                         (decoder over the previous target word)
//	α_ts = softmax_s score(d_t, h_s),  c_t = Σ_s α_ts·h_s  (attention: additive, dot or general)
//	p(y_t | y_<t, x) = softmax(W·[d_t; c_t] + b)
//
// (LSTM cells in place of GRU when Config.Cell says so). It carries its
// vocabularies, tokenizer (datasets/text.Tokenize) and the written forms of
// target words, so Translate takes and returns raw text. A Model is safe
// for concurrent use: calls are serialised, since its compiled graphs hold
// bound buffers; pass many sentences to one call for throughput.
type Model struct {
	cfg      Config
	ps       *graph.Params
	m        *graph.Seq2Seq
	src, tgt *text.Vocab
	truecase map[string]string // lower-cased target token → its usual written form
	batch    int
	nets     *graph.Cache[[3]int, *graph.Seq2SeqGraph] // (Ts, Tt, graph kind)
	decs     *graph.Cache[[2]int, *graph.Decoder]      // (Ts, rows)
	mu       sync.Mutex                                // serialises the exported verbs
	drop     *rand.PCG                                 // dropout masks
	mix      *rand.PCG                                 // teacher-forcing draws
	tf       float64                                   // teacher forcing ratio
	words    *rand.PCG                                 // word dropout draws
	wordDrop float64                                   // word dropout: the share of input tokens replaced by <unk> in training
	// Metrics are the metrics stored with the weights (may be nil).
	Metrics map[string]float64
}

// New returns an untrained model: cfg with the source and target
// vocabularies (the target's with <bos>/<eos>), the written forms of target
// words (lower-cased token → form, may be nil), the seed of the initial
// weights and of the training draws, and the training batch size.
func New(cfg Config, src, tgt *text.Vocab, truecase map[string]string, seed uint64, batch int) (*Model, error) {
	return newModel(cfg, src, tgt, truecase, seed, batch, tensor.Float32)
}

// newModel is New with weights of the given type (float64 for comparisons
// with runtimes that compute in float64).
func newModel(cfg Config, src, tgt *text.Vocab, truecase map[string]string, seed uint64, batch int, dt tensor.Dtype) (*Model, error) {
	kind, att := cfg.Cell, cfg.Attention
	switch {
	case kind != graph.GRU && kind != graph.LSTM:
		return nil, fmt.Errorf("cell %v: the translator takes gru or lstm", cfg.Cell)
	case att < graph.NoAttention || att > graph.General:
		return nil, fmt.Errorf("attention kind %d", int(att))
	case cfg.Hidden < 1 || cfg.EncHidden < 1 || cfg.EmbedDim < 1 || cfg.Layers < 1:
		return nil, fmt.Errorf("hidden %d, encoder hidden %d, embedding %d and layers %d must be positive", cfg.Hidden, cfg.EncHidden, cfg.EmbedDim, cfg.Layers)
	case !(cfg.Dropout >= 0 && cfg.Dropout < 1): // NaN too
		return nil, fmt.Errorf("dropout %v outside [0, 1)", cfg.Dropout)
	case cfg.MaxLen < 2:
		return nil, fmt.Errorf("maximum length %d is too short", cfg.MaxLen)
	case batch < 1:
		return nil, fmt.Errorf("batch size %d", batch)
	case src == nil || tgt == nil:
		return nil, fmt.Errorf("a translator needs both vocabularies")
	case src.Size() != cfg.SrcVocab || tgt.Size() != cfg.TgtVocab:
		return nil, fmt.Errorf("vocabularies have %d and %d tokens, the config says %d and %d", src.Size(), tgt.Size(), cfg.SrcVocab, cfg.TgtVocab)
	case tgt.BOSID() < 0 || tgt.EOSID() < 0:
		return nil, fmt.Errorf("the target vocabulary has no <bos>/<eos>")
	}
	ps := graph.NewParams(dt, seed)
	m, err := graph.NewSeq2Seq(ps, "s2s", graph.Seq2SeqConfig{
		Src: graph.InputConfig{Vocab: cfg.SrcVocab, EmbedDim: cfg.EmbedDim},
		Tgt: graph.InputConfig{Vocab: cfg.TgtVocab, EmbedDim: cfg.EmbedDim},
		Encoder: graph.StackConfig{Kind: kind, Hidden: cfg.EncHidden, Layers: cfg.Layers, Bidirectional: true,
			Merge: graph.Concat, Dropout: cfg.Dropout},
		Decoder:        graph.StackConfig{Kind: kind, Hidden: cfg.Hidden, Layers: cfg.Layers, Dropout: cfg.Dropout},
		Attention:      att,
		Dropout:        cfg.Dropout,
		LabelSmoothing: cfg.LabelSmoothing,
	})
	if err != nil {
		return nil, err
	}
	// Word vectors start as N(0, 1), as in PyTorch's nn.Embedding, not
	// graph.Embedding's U(−0.1, 0.1): with vectors that small the GRU's
	// input projection is ~20× weaker than its recurrent one, the decoder
	// barely sees the previous word or the context, and training sat on
	// the unigram plateau (5.3 nats per token) for over 1,000 updates.
	// With N(0, 1) the loss leaves it within the first 100.
	initEmbeddings(ps, seed)
	t := &Model{cfg: cfg, ps: ps, m: m, src: src, tgt: tgt, truecase: truecase, batch: batch, tf: 1,
		drop: ps.Source("dropout", seed, 0xd509), mix: ps.Source("teacher-forcing", seed, 0x7f), words: ps.Source("word-dropout", seed, 0x30d)}
	t.nets = graph.NewCache(0, func(k [3]int) (*graph.Seq2SeqGraph, error) {
		switch k[2] {
		case trainGraph:
			return t.m.Compile(k[0], k[1], t.batch, true, rand.New(t.drop))
		case logitsGraph:
			return t.m.Compile(k[0], k[1], t.batch, false, nil)
		}
		return t.m.CompileLoss(k[0], k[1], t.batch)
	})
	t.decs = graph.NewCache(0, func(k [2]int) (*graph.Decoder, error) {
		d, err := t.m.NewDecoder(k[0], k[1])
		if err != nil {
			return nil, err
		}
		// Never write <pad>, <unk> or <bos>: a reference has none of them.
		d.Ban = []int{text.PadID, text.UnkID, t.tgt.BOSID()}
		return d, nil
	})
	return t, nil
}

// Config returns the model's configuration.
func (t *Model) Config() Config { return t.cfg }

// Vocabs returns the source and target vocabularies (do not modify them).
func (t *Model) Vocabs() (src, tgt *text.Vocab) { return t.src, t.tgt }

// Params returns the model's weights.
func (t *Model) Params() *graph.Params { return t.ps }

// Graph kinds of translator.net.
const (
	lossGraph   = iota // evaluation, the loss alone
	trainGraph         // training: forward and backward, dropout
	logitsGraph        // evaluation with the logits (for predictions)
)

func (t *Model) net(Ts, Tt, kind int) (*graph.Seq2SeqGraph, error) {
	return t.nets.Get([3]int{Ts, Tt, kind})
}

func (t *Model) decoder(Ts, rows int) (*graph.Decoder, error) { return t.decs.Get([2]int{Ts, rows}) }

// example is one encoded pair: source ids, and target ids ending with
// <eos> (no <bos>).
type example struct {
	src, tgt []int
}

// maxSrcTokens is the longest source a translation reads (as the PyTorch
// anchor, which truncates test sources at 60 tokens); training pairs are
// filtered to MaxLen, so longer sources are only met when translating.
const maxSrcTokens = 60

// srcMax is the longest source in tokens: MaxLen, or maxSrcTokens if more.
func (t *Model) srcMax() int { return max(t.cfg.MaxLen, maxSrcTokens) }

// encodeSrc tokenizes and maps a source sentence (at least one token,
// truncated to srcMax).
func (t *Model) encodeSrc(s string) []int {
	ids := t.src.Encode(text.Tokenize(s), false, false)
	if len(ids) == 0 {
		ids = []int{text.UnkID}
	}
	if len(ids) > t.srcMax() {
		ids = ids[:t.srcMax()]
	}
	return ids
}

func (t *Model) encodeTgt(s string) []int {
	ids := t.tgt.Encode(text.Tokenize(s), false, false)
	if len(ids) > t.cfg.MaxLen {
		ids = ids[:t.cfg.MaxLen]
	}
	return append(ids, t.tgt.EOSID())
}

// step runs one batch (at most t.batch examples) through the graph of its
// bucket: forward and backward when training. With a teacher forcing
// ratio below 1, a first teacher-forced pass of the evaluation graph gives
// the model's own predictions, and each decoder input after <bos> is the
// gold token with probability ratio, else that prediction (graph.MixTeacherForcing).
func (t *Model) step(batch []example, training bool) (train.Result, error) {
	Ts, Tt := 1, 1
	for _, e := range batch {
		Ts, Tt = max(Ts, len(e.src)), max(Tt, len(e.tgt))
	}
	Ts, Tt = bucketOf(Ts, t.cfg.MaxLen), bucketOf(Tt, t.cfg.MaxLen+1)
	srcs := make([][]int, len(batch))
	tgtIn := make([][]int, len(batch))
	tgts := make([][]int, len(batch))
	ntok := 0
	for i, e := range batch {
		srcs[i] = e.src
		tgts[i] = e.tgt
		tgtIn[i] = append([]int{t.tgt.BOSID()}, e.tgt[:len(e.tgt)-1]...)
		ntok += len(e.tgt)
	}
	if training && t.tf < 1 {
		pred, err := t.predictTeacherForced(Ts, Tt, srcs, tgtIn, tgts)
		if err != nil {
			return train.Result{}, err
		}
		tgtIn = graph.MixTeacherForcing(tgtIn, pred, t.tf, rand.New(t.mix))
	}
	if training && t.wordDrop > 0 {
		rng := rand.New(t.words)
		srcs = dropWords(srcs, t.wordDrop, 0, rng)
		tgtIn = dropWords(tgtIn, t.wordDrop, 1, rng)
	}
	kind := lossGraph
	if training {
		kind = trainGraph
	}
	g, err := t.net(Ts, Tt, kind)
	if err != nil {
		return train.Result{}, err
	}
	g.Src.SetTokens(srcs)
	g.TgtIn.SetTokens(tgtIn)
	g.SetTargets(tgts)
	if err := g.Net.Run(); err != nil {
		return train.Result{}, err
	}
	return train.Result{Loss: g.Net.LossValue(), Weight: float64(ntok)}, nil
}

// dropWords returns copies of seqs in which each token from position skip
// on is replaced by <unk> with probability p (word dropout, Gal and
// Ghahramani 2016; Sennrich and Zhang 2019): the model learns not to lean
// on any single word, and meets <unk> in training as it will in use.
func dropWords(seqs [][]int, p float64, skip int, rng *rand.Rand) [][]int {
	out := make([][]int, len(seqs))
	for i, s := range seqs {
		c := append([]int(nil), s...)
		for j := skip; j < len(c); j++ {
			if rng.Float64() < p {
				c[j] = text.UnkID
			}
		}
		out[i] = c
	}
	return out
}

// predictTeacherForced returns each row's argmax predictions of the
// evaluation graph fed the gold prefix; the gradients that run adds are
// cleared.
func (t *Model) predictTeacherForced(Ts, Tt int, srcs, tgtIn, tgts [][]int) ([][]int, error) {
	g, err := t.net(Ts, Tt, logitsGraph)
	if err != nil {
		return nil, err
	}
	g.Src.SetTokens(srcs)
	g.TgtIn.SetTokens(tgtIn)
	g.SetTargets(tgts)
	if err := g.Net.Run(); err != nil {
		return nil, err
	}
	t.ps.ZeroGrad()
	logits := g.Net.Output(0).Data().([]float32)
	V, B := t.cfg.TgtVocab, t.batch
	pred := make([][]int, len(srcs))
	for i := range srcs {
		for s := 0; s < len(tgtIn[i]); s++ {
			row := logits[(s*B+i)*V : (s*B+i+1)*V]
			best := 0
			for j, v := range row {
				if v > row[best] {
					best = j
				}
			}
			pred[i] = append(pred[i], best)
		}
	}
	return pred, nil
}

// decodeLimit is the longest output for a source of n tokens: 1.5·n + 5
// (a translation that has not ended by then is cut), at most maxOut.
func (t *Model) decodeLimit(n, maxOut int) int {
	return min(maxOut, n+n/2+5)
}

// greedy translates encoded sources (token ids out, no <bos>/<eos>).
func (t *Model) greedy(srcs [][]int, maxOut int) ([][]int, error) {
	out := make([][]int, 0, len(srcs))
	for lo := 0; lo < len(srcs); lo += t.batch {
		chunk := srcs[lo:min(lo+t.batch, len(srcs))]
		Ts := 1
		for _, s := range chunk {
			Ts = max(Ts, len(s))
		}
		d, err := t.decoder(bucketOf(Ts, t.srcMax()), t.batch)
		if err != nil {
			return nil, err
		}
		res, err := graph.Greedy(d, chunk, t.tgt.BOSID(), t.tgt.EOSID(), t.decodeLimit(Ts, maxOut))
		if err != nil {
			return nil, err
		}
		// Each sentence has the length limit of its own source.
		for i, r := range res {
			if n := t.decodeLimit(len(chunk[i]), maxOut); len(r) > n {
				res[i] = r[:n]
			}
		}
		out = append(out, res...)
	}
	return out, nil
}

// beam translates encoded sources one by one with a beam of k hypotheses
// and length normalisation alpha.
func (t *Model) beam(srcs [][]int, k int, alpha float64, maxOut int) ([][]int, error) {
	out := make([][]int, len(srcs))
	for i, s := range srcs {
		d, err := t.decoder(bucketOf(len(s), t.srcMax()), k)
		if err != nil {
			return nil, err
		}
		if out[i], err = graph.BeamSearch(d, s, t.tgt.BOSID(), t.tgt.EOSID(), t.decodeLimit(len(s), maxOut), alpha); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// DecodeOptions say how to translate: greedy (Beam ≤ 1) or beam search.
type DecodeOptions struct {
	Beam   int
	Alpha  float64 // length normalisation: a hypothesis scores log p / length^Alpha
	MaxOut int     // longest output in tokens (each sentence also stops at 1.5·source + 5)
}

// DefaultDecodeOptions are the demo's: beam 4, alpha 0.5 (the best on the
// Bible model's validation verses), at most 80 tokens.
func DefaultDecodeOptions() DecodeOptions { return DecodeOptions{Beam: 4, Alpha: 0.5, MaxOut: 80} }

// Register adds -beam, -alpha and -max-out to fs, defaulting to o.
func (o *DecodeOptions) Register(fs *flag.FlagSet) {
	fs.IntVar(&o.Beam, "beam", o.Beam, "beam width (1: greedy)")
	fs.Float64Var(&o.Alpha, "alpha", o.Alpha, "beam search length normalisation: score / length^alpha")
	fs.IntVar(&o.MaxOut, "max-out", o.MaxOut, "longest translation in tokens")
}

// Check reports options that cannot decode.
func (o *DecodeOptions) Check() error {
	if o.Beam < 1 || o.MaxOut < 1 || o.Alpha < 0 || math.IsNaN(o.Alpha) {
		return fmt.Errorf("beam %d, max-out %d and alpha %v: beam and max-out must be at least 1, alpha ≥ 0", o.Beam, o.MaxOut, o.Alpha)
	}
	return nil
}

// Translate turns source sentences into target sentences. An empty
// sentence reads as one unknown word.
func (t *Model) Translate(sentences []string, o DecodeOptions) ([]string, error) {
	if err := o.Check(); err != nil {
		return nil, err
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.translate(sentences, o)
}

// translate is Translate without the lock.
func (t *Model) translate(sentences []string, o DecodeOptions) ([]string, error) {
	srcs := make([][]int, len(sentences))
	for i, s := range sentences {
		srcs[i] = t.encodeSrc(s)
	}
	var ids [][]int
	var err error
	if o.Beam > 1 {
		ids, err = t.beam(srcs, o.Beam, o.Alpha, o.MaxOut)
	} else {
		ids, err = t.greedy(srcs, o.MaxOut)
	}
	if err != nil {
		return nil, err
	}
	out := make([]string, len(ids))
	for i, s := range ids {
		out[i] = t.detokenize(t.tgt.Decode(s))
	}
	return out, nil
}

// detokenize writes target tokens as text: <unk> is left out (no
// reference contains it), each word takes its usual written form (learnt
// from the training targets), a capital letter starts the text and
// follows a sentence end, then text.Detokenize joins the tokens.
func (t *Model) detokenize(toks []string) string {
	out := make([]string, 0, len(toks))
	start := true
	for _, w := range toks {
		if w == text.Unk {
			continue
		}
		if c, ok := t.truecase[w]; ok {
			w = c
		}
		if start && isWord(w) && !strings.HasPrefix(w, "<") {
			w = capitalize(w)
			start = false
		}
		if w == "." || w == "?" || w == "!" {
			start = true
		}
		out = append(out, w)
	}
	return text.Detokenize(out)
}

func isWord(s string) bool {
	for _, r := range s {
		if unicode.IsLetter(r) {
			return true
		}
	}
	return false
}

func capitalize(s string) string {
	rs := []rune(s)
	for i, r := range rs {
		if unicode.IsLetter(r) {
			rs[i] = unicode.ToUpper(r)
			break
		}
	}
	return string(rs)
}

// learnTruecase maps each lower-cased target token to the written form it
// takes most often away from the start of a sentence, when that form is
// not the lower-case one ("god" → "God", "i" → "I").
func learnTruecase(sentences []string) map[string]string {
	counts := map[string]map[string]int{}
	cased := text.Tokenizer{KeepCase: true}
	for _, s := range sentences {
		ct := cased.Tokenize(s)
		lt := text.Tokenize(s)
		if len(ct) != len(lt) {
			continue
		}
		for i := 1; i < len(ct); i++ {
			if p := lt[i-1]; p == "." || p == "?" || p == "!" || p == "¿" || p == "¡" || p == "\"" || p == ":" {
				continue
			}
			m := counts[lt[i]]
			if m == nil {
				m = map[string]int{}
				counts[lt[i]] = m
			}
			m[ct[i]]++
		}
	}
	out := map[string]string{}
	for low, forms := range counts {
		best, bn := low, forms[low]
		for f, n := range forms {
			if n > bn || (n == bn && f < best && best != low) {
				best, bn = f, n
			}
		}
		if best != low {
			out[low] = best
		}
	}
	return out
}

// String describes the model.
func (t *Model) String() string {
	cell := strings.ToUpper(t.cfg.Cell.String())
	return fmt.Sprintf("%s→%s: bidirectional %s encoder %d×2, %s decoder %d, %s attention, %d layer(s), embeddings %d, vocabularies %d/%d, dropout %g (%d weights)",
		t.cfg.Src, t.cfg.Tgt, cell, t.cfg.EncHidden, cell, t.cfg.Hidden,
		t.cfg.Attention, t.cfg.Layers, t.cfg.EmbedDim, t.cfg.SrcVocab, t.cfg.TgtVocab, t.cfg.Dropout, t.ps.Count())
}

// initEmbeddings draws the embedding matrices from N(0, 1).
func initEmbeddings(ps *graph.Params, seed uint64) {
	rng := rand.New(rand.NewPCG(seed, 0xe3b))
	for _, p := range ps.All() {
		if !strings.HasSuffix(p.Name, ".embed.E") || p.Frozen {
			continue
		}
		switch w := p.Value.Data().(type) {
		case []float32:
			for i := range w {
				w[i] = float32(rng.NormFloat64())
			}
		case []float64:
			for i := range w {
				w[i] = rng.NormFloat64()
			}
		}
	}
}
