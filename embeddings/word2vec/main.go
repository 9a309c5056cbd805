package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/rnnzoo/rnnzoo/datasets/corpus"
	"github.com/rnnzoo/rnnzoo/embeddings"
	"github.com/rnnzoo/rnnzoo/embeddings/word2vec/trainer"
)

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "word2vec:", err)
		os.Exit(1)
	}
}

const usage = `usage: word2vec [command] [flags]
commands:
  (none)        demo: train on the embedded corpus and print neighbours
  train         train vectors (C tool flags: -train -output -size -window ...)
  similar       nearest neighbours of words
  analogy       a:b :: c:?
  eval-analogy  accuracy on a questions-words file
  eval-sim      Spearman correlation on word-similarity files
run "word2vec COMMAND -h" for the flags of a command`

func run(args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return demo(stdout, stderr, demoOptions{})
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "train":
		return trainCmd(rest, stdout, stderr)
	case "similar":
		return similarCmd(rest, stdout, stderr)
	case "analogy":
		return analogyCmd(rest, stdout, stderr)
	case "eval-analogy":
		return evalAnalogyCmd(rest, stdout, stderr)
	case "eval-sim":
		return evalSimCmd(rest, stdout, stderr)
	case "demo":
		fs := flag.NewFlagSet("demo", flag.ContinueOnError)
		fs.SetOutput(stderr)
		var o demoOptions
		fs.IntVar(&o.iter, "iter", 5, "iterations")
		fs.IntVar(&o.threads, "threads", 0, "worker goroutines (0: all cores)")
		fs.StringVar(&o.output, "output", "", "vector file (default: a temporary directory)")
		if err := fs.Parse(rest); err != nil {
			return err
		}
		return demo(stdout, stderr, o)
	case "-h", "-help", "--help", "help":
		fmt.Fprintln(stdout, usage)
		return nil
	}
	return fmt.Errorf("unknown command %q\n%s", cmd, usage)
}

type trainFlags struct {
	train, output, saveVocab, readVocab       string
	size, window, hs, negative, threads, iter int
	minCount, maxVocab, cbow, binary          int
	sample, alpha                             float64
	seed                                      uint64
	reproducible, jsonOut, quiet              bool
}

func trainCmd(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("train", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var f trainFlags
	fs.StringVar(&f.train, "train", "", "training text: a file, a comma-separated list, or more files as arguments (gzip ok)")
	fs.StringVar(&f.output, "output", "", "vector file to write")
	fs.IntVar(&f.size, "size", 100, "vector size")
	fs.IntVar(&f.window, "window", 5, "max skip length between words")
	fs.Float64Var(&f.sample, "sample", 1e-3, "subsampling threshold for frequent words (0: off)")
	fs.IntVar(&f.hs, "hs", 0, "1: hierarchical softmax")
	fs.IntVar(&f.negative, "negative", 5, "negative samples (0: off)")
	fs.IntVar(&f.threads, "threads", 0, "worker goroutines (0: all cores)")
	fs.IntVar(&f.iter, "iter", 5, "training iterations")
	fs.IntVar(&f.minCount, "min-count", 5, "discard words seen fewer times")
	fs.IntVar(&f.maxVocab, "max-vocab", 0, "keep at most this many words (0: no cap)")
	fs.Float64Var(&f.alpha, "alpha", 0, "starting learning rate (default 0.025 Skip-gram, 0.05 CBOW)")
	fs.IntVar(&f.cbow, "cbow", 1, "1: CBOW, 0: Skip-gram")
	fs.IntVar(&f.binary, "binary", 0, "1: write the binary format")
	fs.StringVar(&f.saveVocab, "save-vocab", "", "write the vocabulary (word count) to this file")
	fs.StringVar(&f.readVocab, "read-vocab", "", "read the vocabulary from this file instead of counting")
	fs.Uint64Var(&f.seed, "seed", 1, "random seed")
	fs.BoolVar(&f.reproducible, "reproducible", false, "one worker: the same seed gives identical vectors")
	fs.BoolVar(&f.jsonOut, "json", false, "print a JSON summary as the last line of standard output")
	fs.BoolVar(&f.quiet, "quiet", false, "no progress output")
	if err := fs.Parse(args); err != nil {
		return err
	}
	var files []string
	for _, p := range strings.Split(f.train, ",") {
		if p != "" {
			files = append(files, p)
		}
	}
	files = append(files, fs.Args()...)
	if len(files) == 0 {
		return errors.New("train: -train FILE is required")
	}
	for _, p := range files {
		if _, err := os.Stat(p); err != nil {
			return fmt.Errorf("train: %w", err)
		}
	}
	if f.output == "" && f.saveVocab == "" {
		return errors.New("train: -output FILE (or -save-vocab FILE) is required")
	}
	if f.sample == 0 {
		f.sample = -1 // off (the trainer's zero means default)
	}
	if f.negative == 0 {
		f.negative = -1
	}
	cfg := trainer.Config{Dim: f.size, Window: f.window, Sample: f.sample, HS: f.hs != 0, Negative: f.negative,
		Threads: f.threads, Iter: f.iter, MinCount: f.minCount, MaxVocab: f.maxVocab, Alpha: f.alpha,
		CBOW: f.cbow != 0, Seed: f.seed, Reproducible: f.reproducible}
	if !f.quiet {
		cfg.Progress = progressPrinter(stderr)
	}
	src := trainer.Files(files...)
	t0 := time.Now()
	var voc *trainer.Vocab
	var err error
	if f.readVocab != "" {
		fh, err := os.Open(f.readVocab)
		if err != nil {
			return err
		}
		wc, err := embeddings.ReadVocab(fh, f.readVocab)
		fh.Close()
		if err != nil {
			return err
		}
		voc = trainer.VocabFromCounts(wc, f.minCount, f.maxVocab)
	} else {
		voc, err = trainer.BuildVocab(src, max(f.minCount, 1), f.maxVocab)
		if err != nil {
			return err
		}
	}
	vocabSec := time.Since(t0).Seconds()
	if !f.quiet {
		fmt.Fprintf(stderr, "Vocab size: %d\nWords in train file: %d\n", voc.Len(), voc.TrainWords)
	}
	if f.saveVocab != "" {
		if err := embeddings.SaveVocab(f.saveVocab, voc.WordCounts()); err != nil {
			return err
		}
	}
	if f.output == "" {
		return nil
	}
	res, err := trainer.TrainVocab(src, voc, cfg)
	if err != nil {
		return err
	}
	format := embeddings.Text
	if f.binary != 0 {
		format = embeddings.Binary
	}
	if err := res.Vectors.Save(f.output, format); err != nil {
		return err
	}
	res.Stats.VocabSeconds = vocabSec
	if f.jsonOut {
		out := map[string]any{"output": f.output, "vocab_size": res.Stats.VocabSize, "corpus_words": res.Stats.CorpusWords,
			"train_words": res.Stats.TrainWords, "words_trained": res.Stats.WordsTrained, "vocab_seconds": round(vocabSec),
			"train_seconds": round(res.Stats.TrainSeconds), "total_seconds": round(time.Since(t0).Seconds()),
			"words_per_sec": int64(res.Stats.WordsPerSec), "threads": res.Stats.Threads, "seed": f.seed,
			"reproducible": f.reproducible, "cbow": f.cbow != 0}
		return printJSON(stdout, out)
	}
	return nil
}

func round(x float64) float64 { return float64(int64(x*1000+0.5)) / 1000 }

func printJSON(w io.Writer, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintln(w, string(b))
	return err
}

func progressPrinter(w io.Writer) func(trainer.Progress) {
	tty := false
	if f, ok := w.(*os.File); ok {
		if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
			tty = true
		}
	}
	var last time.Time
	return func(p trainer.Progress) {
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

func loadFlag(fs *flag.FlagSet) (*string, *string) {
	v := fs.String("vectors", "", "vector file (word2vec text or binary, GloVe, fastText .vec; .gz ok)")
	f := fs.String("format", "auto", "auto, text, binary or glove")
	return v, f
}

func load(path, format string) (*embeddings.Vectors, error) {
	if path == "" {
		return nil, errors.New("-vectors FILE is required")
	}
	f, err := embeddings.ParseFormat(format)
	if err != nil {
		return nil, err
	}
	return embeddings.Load(path, f)
}

func similarCmd(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("similar", flag.ContinueOnError)
	fs.SetOutput(stderr)
	vp, vf := loadFlag(fs)
	n := fs.Int("n", 10, "neighbours per word")
	js := fs.Bool("json", false, "JSON output")
	if err := fs.Parse(args); err != nil {
		return err
	}
	v, err := load(*vp, *vf)
	if err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return errors.New("similar: give one or more words")
	}
	all := map[string][]embeddings.Neighbor{}
	for _, w := range fs.Args() {
		nn, err := v.Nearest(w, *n)
		if err != nil {
			return err
		}
		all[w] = nn
		if !*js {
			fmt.Fprintf(stdout, "%s:\n", w)
			for _, x := range nn {
				fmt.Fprintf(stdout, "  %-20s %.4f\n", x.Word, x.Score)
			}
		}
	}
	if *js {
		return printJSON(stdout, all)
	}
	return nil
}

func analogyCmd(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("analogy", flag.ContinueOnError)
	fs.SetOutput(stderr)
	vp, vf := loadFlag(fs)
	n := fs.Int("n", 5, "answers to show")
	method := fs.String("method", "3cosadd", "3cosadd or 3cosmul")
	restrict := fs.Int("restrict", 0, "search the N most frequent words only (0: all)")
	js := fs.Bool("json", false, "JSON output")
	if err := fs.Parse(args); err != nil {
		return err
	}
	m, err := embeddings.ParseMethod(*method)
	if err != nil {
		return err
	}
	if fs.NArg() != 3 {
		return errors.New("analogy: give three words a b c (a is to b as c is to ?)")
	}
	v, err := load(*vp, *vf)
	if err != nil {
		return err
	}
	a := fs.Args()
	ans, err := v.Analogy(a[0], a[1], a[2], m, *n, *restrict)
	if err != nil {
		return err
	}
	if *js {
		return printJSON(stdout, ans)
	}
	fmt.Fprintf(stdout, "%s : %s :: %s : ?\n", a[0], a[1], a[2])
	for _, x := range ans {
		fmt.Fprintf(stdout, "  %-20s %.4f\n", x.Word, x.Score)
	}
	return nil
}

func evalAnalogyCmd(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("eval-analogy", flag.ContinueOnError)
	fs.SetOutput(stderr)
	vp, vf := loadFlag(fs)
	q := fs.String("questions", "", "questions-words file")
	method := fs.String("method", "3cosadd", "3cosadd or 3cosmul")
	restrict := fs.Int("restrict", 30000, "use the N most frequent words (0: all), like compute-accuracy")
	cs := fs.Bool("case-sensitive", false, "match words case-sensitively")
	js := fs.Bool("json", false, "print a JSON summary as the last line")
	if err := fs.Parse(args); err != nil {
		return err
	}
	m, err := embeddings.ParseMethod(*method)
	if err != nil {
		return err
	}
	if *q == "" && fs.NArg() == 1 {
		*q = fs.Arg(0)
	}
	if *q == "" {
		return errors.New("eval-analogy: -questions FILE is required")
	}
	secs, err := embeddings.LoadAnalogies(*q)
	if err != nil {
		return err
	}
	v, err := load(*vp, *vf)
	if err != nil {
		return err
	}
	s := v.EvalAnalogies(secs, embeddings.AnalogyOptions{Method: m, Restrict: *restrict, CaseSensitive: *cs})
	for _, sec := range s.Sections {
		fmt.Fprintf(stdout, "%-28s %6.2f%%  (%d/%d answered of %d)\n", sec.Name, 100*sec.Accuracy, sec.Correct, sec.Answered, sec.Total)
	}
	fmt.Fprintf(stdout, "semantic %.2f%%  syntactic %.2f%%\n", 100*s.Semantic, 100*s.Syntactic)
	fmt.Fprintf(stdout, "total accuracy %.2f%% (%d/%d)  coverage %.2f%% (%d/%d questions)\n",
		100*s.Accuracy, s.Correct, s.Answered, 100*s.Coverage, s.Answered, s.Total)
	if *js {
		return printJSON(stdout, map[string]any{"vectors": *vp, "method": m.String(), "restrict": *restrict,
			"accuracy": s.Accuracy, "coverage": s.Coverage, "correct": s.Correct, "answered": s.Answered,
			"total": s.Total, "semantic_accuracy": s.Semantic, "syntactic_accuracy": s.Syntactic, "sections": s.Sections})
	}
	return nil
}

func evalSimCmd(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("eval-sim", flag.ContinueOnError)
	fs.SetOutput(stderr)
	vp, vf := loadFlag(fs)
	js := fs.Bool("json", false, "print a JSON summary as the last line")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return errors.New("eval-sim: give one or more word-similarity files (word1 word2 score)")
	}
	v, err := load(*vp, *vf)
	if err != nil {
		return err
	}
	out := map[string]embeddings.SimilarityScore{}
	for _, p := range fs.Args() {
		pairs, err := embeddings.LoadSimilarity(p)
		if err != nil {
			return err
		}
		s := v.EvalSimilarity(pairs)
		out[filepath.Base(p)] = s
		fmt.Fprintf(stdout, "%-24s spearman %.4f  coverage %.2f%% (%d/%d pairs)\n", filepath.Base(p), s.Spearman, 100*s.Coverage, s.Used, s.Total)
	}
	if *js {
		return printJSON(stdout, out)
	}
	return nil
}

type demoOptions struct {
	iter, threads int
	output        string
}

// demo trains Skip-gram on the embedded corpus and prints neighbours.
func demo(stdout, stderr io.Writer, o demoOptions) error {
	if o.iter == 0 {
		o.iter = 5
	}
	src := func() (io.ReadCloser, error) {
		rc, err := corpus.Open()
		if err != nil {
			return nil, err
		}
		return struct {
			io.Reader
			io.Closer
		}{trainer.Simplify(rc), rc}, nil
	}
	fmt.Fprintf(stdout, "word2vec demo: CBOW, %d iterations on %s\n(%s; lower-cased, punctuation removed)\n", o.iter, corpus.Name, corpus.License)
	cfg := trainer.Config{CBOW: true, Iter: o.iter, Threads: o.threads, Sample: 1e-4, Seed: 1, Progress: progressPrinter(stderr)}
	res, err := trainer.Train(src, cfg)
	if err != nil {
		return err
	}
	st := res.Stats
	fmt.Fprintf(stdout, "vocabulary %d words, %d tokens a pass, trained in %.1fs (%.0fk words/s)\n",
		st.VocabSize, st.CorpusWords, st.TrainSeconds, st.WordsPerSec/1000)
	for _, w := range []string{"war", "economy", "freedom", "president", "america", "tax"} {
		nn, err := res.Vectors.Nearest(w, 6)
		if err != nil {
			continue
		}
		words := make([]string, len(nn))
		for i, x := range nn {
			words[i] = x.Word
		}
		fmt.Fprintf(stdout, "  %-10s %s\n", w, strings.Join(words, " "))
	}
	for _, q := range [][3]string{{"france", "paris", "england"}, {"good", "better", "bad"}, {"man", "he", "woman"}} {
		ans, err := res.Vectors.Analogy(q[0], q[1], q[2], embeddings.CosAdd, 1, 0)
		if err == nil {
			fmt.Fprintf(stdout, "  %s : %s :: %s : %s\n", q[0], q[1], q[2], ans[0].Word)
		}
	}
	out := o.output
	if out == "" {
		dir, err := os.MkdirTemp("", "rnnzoo-word2vec-")
		if err != nil {
			return err
		}
		out = filepath.Join(dir, "sotu.bin")
	}
	if err := res.Vectors.Save(out, embeddings.Auto); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "saved %s\n", out)
	return nil
}
