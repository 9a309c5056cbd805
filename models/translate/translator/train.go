package translator

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/rnnzoo/rnnzoo/datasets/parallel"
	"github.com/rnnzoo/rnnzoo/datasets/text"
	"github.com/rnnzoo/rnnzoo/graph"
	"github.com/rnnzoo/rnnzoo/train"
)

// Options configure Train.
type Options struct {
	Cell      graph.CellKind      // gru or lstm
	Attention graph.AttentionKind // none, additive, dot or general
	Hidden    int                 // decoder state size
	EncHidden int                 // encoder state size per direction (0: Hidden; Hidden/2 for dot attention)
	Layers    int
	Embed     int     // embedding size
	Dropout   float64 // between layers and before the output layer
	// LabelSmoothing is ε of the training loss; WordDropout the share of
	// source and decoder input tokens replaced by <unk> in training;
	// TeacherForcing the share of decoder inputs that are gold tokens.
	LabelSmoothing, WordDropout, TeacherForcing float64

	Batch              int
	MinCount, MaxVocab int // vocabulary: minimum count, largest size per language
	// Flags are train's settings: Epochs, LR, Schedule (a cosine one ends
	// at LR·LRMin), Clip, Patience (epochs without a better validation
	// BLEU), Seed, Log, Plots, Optimizer …
	train.Flags
	// WarmupMaxLen > 0 first trains WarmupEpochs epochs on the pairs of at
	// most that many tokens a side (attention is learnt quickly on short
	// sentences, and the full run starts past the unigram plateau).
	WarmupMaxLen, WarmupEpochs int
	// MaxOut is the longest translation when validating (greedy BLEU on at
	// most 300 validation pairs after each epoch selects the best weights).
	MaxOut int

	// Checkpoint, if set, receives the training state after every epoch and
	// when ctx is cancelled; with Resume, training continues from it.
	Checkpoint string
	Resume     bool
	// Progress receives the progress display (nil: standard error); Info
	// one line each about the model and the warm-up (nil: nothing).
	Progress, Info io.Writer
}

// DefaultOptions are the defaults of `translate train`: Adam at a
// constant 2e-3 (a cosine schedule ends at lr/20, -lr-min 0.05, as the
// shipped model was trained; against train's lr/100 on the shipped recipe
// cut to 8 epochs it gave validation BLEU 17.26 against 16.28, see
// pretrained/README.md), clipping at 5, 10 epochs, patience 3.
func DefaultOptions() Options {
	f := train.DefaultFlags()
	f.Epochs, f.LR, f.LRMin, f.Patience = 10, 2e-3, 0.05, 3
	return Options{Cell: graph.GRU, Attention: graph.Additive, Hidden: 256, Layers: 1, Embed: 128, Dropout: 0.2,
		TeacherForcing: 1, Batch: 64, MinCount: 2, MaxVocab: 20000, Flags: f, WarmupEpochs: 2, MaxOut: 80}
}

// Register adds the model and training flags to fs, defaulting to o.
func (o *Options) Register(fs *flag.FlagSet) {
	fs.TextVar(&o.Cell, "cell", o.Cell, "recurrent cell: gru or lstm")
	fs.TextVar(&o.Attention, "attention", o.Attention, "attention: none, additive, dot or general")
	fs.IntVar(&o.Hidden, "hidden", o.Hidden, "decoder state size")
	fs.IntVar(&o.EncHidden, "enc-hidden", o.EncHidden, "encoder state size per direction (default: -hidden; -hidden/2 for dot attention)")
	fs.IntVar(&o.Layers, "layers", o.Layers, "stacked layers in the encoder and the decoder")
	fs.IntVar(&o.Embed, "embed", o.Embed, "embedding size")
	fs.Float64Var(&o.Dropout, "dropout", o.Dropout, "dropout between layers and before the output layer")
	fs.Float64Var(&o.LabelSmoothing, "label-smoothing", o.LabelSmoothing, "label smoothing ε of the training loss (0: plain cross-entropy)")
	fs.Float64Var(&o.WordDropout, "word-dropout", o.WordDropout, "in training, replace each source and decoder input token by <unk> with this probability")
	fs.Float64Var(&o.TeacherForcing, "teacher-forcing", o.TeacherForcing, "teacher forcing ratio: the share of decoder inputs that are gold tokens")
	fs.IntVar(&o.Batch, "batch", o.Batch, "batch size")
	fs.IntVar(&o.MinCount, "min-count", o.MinCount, "minimum count of a training token to enter a vocabulary")
	fs.IntVar(&o.MaxVocab, "max-vocab", o.MaxVocab, "largest vocabulary per language, special tokens included")
	fs.IntVar(&o.WarmupMaxLen, "warmup-maxlen", o.WarmupMaxLen, "before the epochs, train on the pairs of at most this many tokens a side (0: no warm-up)")
	fs.IntVar(&o.WarmupEpochs, "warmup-epochs", o.WarmupEpochs, "epochs of the -warmup-maxlen warm-up")
	fs.IntVar(&o.MaxOut, "max-out", o.MaxOut, "longest translation in tokens")
	o.Flags.Register(fs)
}

// Check reports the first option that cannot train a model, naming it as
// its flag is named.
func (o *Options) Check() error {
	if err := o.Flags.Check(); err != nil {
		return err
	}
	switch {
	case o.Cell != graph.GRU && o.Cell != graph.LSTM:
		return fmt.Errorf("cell %v: the translator takes gru or lstm", o.Cell)
	case o.Batch < 1:
		return fmt.Errorf("batch %d, want ≥ 1", o.Batch)
	case o.Hidden < 1 || o.EncHidden < 0 || o.Layers < 1 || o.Embed < 1:
		return fmt.Errorf("hidden %d, enc-hidden %d, layers %d and embed %d: sizes must be at least 1", o.Hidden, o.EncHidden, o.Layers, o.Embed)
	case !(o.Dropout >= 0 && o.Dropout < 1): // NaN too
		return fmt.Errorf("dropout %v outside [0, 1)", o.Dropout)
	case !(o.TeacherForcing >= 0 && o.TeacherForcing <= 1):
		return fmt.Errorf("teacher forcing ratio %v outside [0, 1]", o.TeacherForcing)
	case !(o.WordDropout >= 0 && o.WordDropout < 1):
		return fmt.Errorf("word dropout %v outside [0, 1)", o.WordDropout)
	case !(o.LabelSmoothing >= 0 && o.LabelSmoothing < 1):
		return fmt.Errorf("label smoothing %v outside [0, 1)", o.LabelSmoothing)
	case o.MaxOut < 1:
		return fmt.Errorf("max-out %d, want ≥ 1", o.MaxOut)
	case o.WarmupMaxLen < 0 || (o.WarmupMaxLen > 0 && o.WarmupEpochs < 1):
		return fmt.Errorf("warmup-maxlen %d and warmup-epochs %d", o.WarmupMaxLen, o.WarmupEpochs)
	}
	return nil
}

// ErrInWarmUp marks a Train cancelled during the warm-up on short pairs,
// before the first checkpoint: nothing was saved, and a new run starts
// from the beginning.
var ErrInWarmUp = errors.New("translator: interrupted in the warm-up, before any checkpoint")

// Result is what Train reports besides the model.
type Result struct {
	Report  *train.Report
	Seconds float64
}

// Train builds the vocabularies from ds.Train, trains a model (after the
// optional warm-up on short pairs) and selects the epoch by greedy BLEU on
// ds.Valid when it has pairs. maxLen is the longest sentence side the
// model is built for (DataOptions.MaxLen). Cancelling ctx stops after the
// update under way, saves a resumable checkpoint to opts.Checkpoint (when
// set) and returns the model so far with ctx's error (during the warm-up,
// nothing is saved and the error wraps ErrInWarmUp).
func Train(ctx context.Context, ds *Dataset, maxLen int, opts Options) (*Model, *Result, error) {
	start := time.Now()
	if err := opts.Check(); err != nil {
		return nil, nil, fmt.Errorf("translator: %w", err)
	}
	if len(ds.Train) == 0 {
		return nil, nil, fmt.Errorf("translator: %s: no training pairs", ds.Name)
	}
	info := opts.Info
	if info == nil {
		info = io.Discard
	}
	srcV, tgtV, tc := buildVocabs(ds.Train, opts.MinCount, opts.MaxVocab)
	encHidden := opts.EncHidden
	if encHidden == 0 {
		encHidden = opts.Hidden
		if opts.Attention == graph.Dot {
			encHidden = opts.Hidden / 2
		}
	}
	cfg := Config{Src: ds.Src, Tgt: ds.Tgt, Cell: opts.Cell, Attention: opts.Attention, EmbedDim: opts.Embed,
		Hidden: opts.Hidden, EncHidden: encHidden, Layers: opts.Layers, Dropout: opts.Dropout, LabelSmoothing: opts.LabelSmoothing,
		MaxLen: maxLen, SrcVocab: srcV.Size(), TgtVocab: tgtV.Size()}
	t, err := New(cfg, srcV, tgtV, tc, opts.Seed, opts.Batch)
	if err != nil {
		return nil, nil, err
	}
	t.tf, t.wordDrop = opts.TeacherForcing, opts.WordDropout
	fmt.Fprintf(info, "model: %v\n", t)
	k := &task{t: t}
	if k.train, err = t.newSplit(ds.Train, int64(opts.Seed)); err != nil {
		return nil, nil, err
	}
	if len(ds.Valid) > 0 {
		if k.valid, err = t.newSplit(ds.Valid, int64(opts.Seed)); err != nil {
			return nil, nil, err
		}
	}
	monitor := "loss"
	var extra func() (map[string]float64, error)
	if k.valid != nil {
		monitor = "bleu"
		// Greedy BLEU on (at most 300 of) the validation pairs after each
		// epoch, for early stopping and the best weights.
		vb := ds.Valid[:min(len(ds.Valid), 300)]
		extra = func() (map[string]float64, error) {
			s, err := t.evaluate(vb, DecodeOptions{Beam: 1, MaxOut: opts.MaxOut})
			if err != nil {
				return nil, err
			}
			return map[string]float64{"bleu": s.BLEU, "chrf": s.ChrF}, nil
		}
	}
	tcfg, err := opts.Flags.Config(t.ps, len(k.train.batches))
	if err != nil {
		return nil, nil, fmt.Errorf("translator: %w", err)
	}
	opt := tcfg.Optimizer
	tcfg.Monitor, tcfg.Eval, tcfg.Progress = monitor, train.EvalOptions{Extra: extra}, opts.Progress
	tcfg.Checkpoint, tcfg.ModelKind, tcfg.ModelConfig, tcfg.Vocabs = opts.Checkpoint, Kind, cfg, t.vocabs()
	tr, err := train.New(k, tcfg)
	if err != nil {
		return nil, nil, err
	}
	if opts.Resume {
		if opts.Checkpoint == "" {
			return nil, nil, fmt.Errorf("translator: resume needs a checkpoint path")
		}
		if err := tr.Resume(opts.Checkpoint); err != nil {
			return nil, nil, err
		}
		fmt.Fprintf(info, "resumed: %s at update %d\n", opts.Checkpoint, tr.Step())
	} else if opts.WarmupMaxLen > 0 {
		if err := t.warmUp(ctx, ds.Train, opt, opts, info); err != nil {
			return nil, nil, err
		}
	}
	res := &Result{}
	res.Report, err = tr.FitContext(ctx)
	res.Seconds = time.Since(start).Seconds()
	if err != nil {
		return t, res, err
	}
	t.Metrics = res.Report.Metrics
	return t, res, nil
}

// warmUp trains on the short training pairs alone before the main run;
// the optimizer's moments carry over.
func (t *Model) warmUp(ctx context.Context, pairs []parallel.Pair, opt train.Optimizer, o Options, info io.Writer) error {
	short := parallel.FilterLength(pairs, o.WarmupMaxLen, text.Tokenize)
	if len(short) == 0 {
		return fmt.Errorf("translator: warm-up: no training pair within %d tokens", o.WarmupMaxLen)
	}
	sp, err := t.newSplit(short, int64(o.Seed)+7)
	if err != nil {
		return err
	}
	start := time.Now()
	tr, err := train.New(&task{t: t, train: sp}, train.Config{
		Epochs: o.WarmupEpochs, Seed: o.Seed + 7, ClipNorm: o.Clip,
		Optimizer: opt, LR: train.Constant(o.LR), Progress: o.Progress,
	})
	if err != nil {
		return err
	}
	rep, err := tr.FitContext(ctx)
	if err != nil {
		if ctx.Err() != nil {
			return errors.Join(ErrInWarmUp, err)
		}
		return err
	}
	fmt.Fprintf(info, "warm-up: %d pairs of at most %d tokens, %d epochs, %d steps, loss %.3f, %.1f s\n",
		len(short), o.WarmupMaxLen, rep.Epochs, rep.Steps, rep.Metrics["loss"], time.Since(start).Seconds())
	return nil
}

// Score translates the test pairs greedily and, with dec.Beam > 1, with
// beam search too, writes one line per decoding to w (nil: nowhere) and
// returns the scores: "bleu", "bleu_lc", "chrf", "pairs" and, with a beam,
// "bleu_beam", "bleu_beam_lc", "chrf_beam", "beam".
func (t *Model) Score(w io.Writer, test []parallel.Pair, dec DecodeOptions) (map[string]float64, error) {
	if w == nil {
		w = io.Discard
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	metrics := map[string]float64{"pairs": float64(len(test))}
	for _, o := range []DecodeOptions{{Beam: 1, MaxOut: dec.MaxOut}, dec} {
		if err := o.Check(); err != nil {
			return nil, err
		}
		start := time.Now()
		s, err := t.evaluate(test, o)
		if err != nil {
			return nil, err
		}
		how, key := "greedy", ""
		if o.Beam > 1 {
			how, key = fmt.Sprintf("beam %d (alpha %g)", o.Beam, o.Alpha), "_beam"
			metrics["beam"] = float64(o.Beam)
		}
		metrics["bleu"+key], metrics["bleu"+key+"_lc"], metrics["chrf"+key] = s.BLEU, s.BLEULower, s.ChrF
		fmt.Fprintf(w, "test, %s: BLEU %.2f (lower-cased %.2f), chrF %.2f, %d pairs, %.1f s\n  %v\n",
			how, s.BLEU, s.BLEULower, s.ChrF, len(test), time.Since(start).Seconds(), s.Detail)
		if dec.Beam <= 1 {
			break
		}
	}
	return metrics, nil
}

// WriteExamples translates the sources of pairs and writes each pair with
// its reference and translation, for a person to read.
func (t *Model) WriteExamples(w io.Writer, pairs []parallel.Pair, dec DecodeOptions) error {
	srcs := make([]string, len(pairs))
	for i := range srcs {
		srcs[i] = pairs[i].Src
	}
	outs, err := t.Translate(srcs, dec)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "\nheld-out pairs (beam %d):\n", dec.Beam)
	for i, p := range pairs {
		fmt.Fprintf(w, "  %s\n  %s  %s\n  %s  %s\n  MT   %s\n\n", p.Ref, strings.ToUpper(t.cfg.Src), p.Src, strings.ToUpper(t.cfg.Tgt), p.Tgt, outs[i])
	}
	return nil
}

// Evaluate translates the sources of pairs and scores them against the
// targets: BLEU (13a, cased, sacrebleu's default smoothing), BLEU
// lower-cased and chrF.
func (t *Model) Evaluate(pairs []parallel.Pair, o DecodeOptions) (*Scores, error) {
	if err := o.Check(); err != nil {
		return nil, err
	}
	if len(pairs) == 0 {
		return nil, fmt.Errorf("translator: no pairs to evaluate")
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.evaluate(pairs, o)
}

// TrainEvaluate is the whole experiment of `translate train`: it loads and
// splits the pairs that d names (d.Seed is set from opts.Seed), trains with
// opts, and scores the test pairs greedily and with dec (beam search when
// dec.Beam > 1); opts.MaxOut bounds the validation translations and
// dec.MaxOut the test ones. It returns the model and the metrics: "train_seconds",
// "epochs", "steps", "valid_bleu" (when there is validation), and Score's.
// Lines for a person go to opts.Info.
func TrainEvaluate(ctx context.Context, d DataOptions, opts Options, dec DecodeOptions) (*Model, map[string]float64, error) {
	info := opts.Info
	if info == nil {
		info = io.Discard
	}
	d.Seed = int64(opts.Seed)
	ds, err := LoadData(d)
	if err != nil {
		return nil, nil, err
	}
	fmt.Fprintf(info, "data: %s, %s→%s: %d training pairs (of %d, sides ≤ %d tokens), %d validation, %d test\n",
		ds.Name, ds.Src, ds.Tgt, len(ds.Train), ds.TrainAll, d.MaxLen, len(ds.Valid), len(ds.Test))
	m, res, err := Train(ctx, ds, d.MaxLen, opts)
	if err != nil {
		return nil, nil, err
	}
	rep := res.Report
	metrics := map[string]float64{"train_seconds": res.Seconds, "epochs": float64(rep.Epochs), "steps": float64(rep.Steps)}
	if v, ok := rep.Metrics["bleu"]; ok {
		metrics["valid_bleu"] = v
	}
	fmt.Fprintf(info, "trained: %d epochs, %d steps, stopped: %s, %.1f s\n", rep.Epochs, rep.Steps, rep.Stopped, res.Seconds)
	if len(ds.Test) > 0 {
		s, err := m.Score(info, ds.Test, dec)
		if err != nil {
			return nil, nil, err
		}
		for k, v := range s {
			metrics[k] = v
		}
	}
	return m, metrics, nil
}
