package main

import (
	"flag"
	"fmt"
	"path/filepath"
	"time"

	"github.com/rnnzoo/rnnzoo/datasets/corpus"
	"github.com/rnnzoo/rnnzoo/embeddings"
	"github.com/rnnzoo/rnnzoo/embeddings/word2vec/trainer"
	"github.com/rnnzoo/rnnzoo/internal/cli"
)

func main() { program.Main() }

var program = &cli.Program{
	Name:    "word2vec",
	Summary: "CBOW and Skip-gram word vectors, with the C tool's flags (package embeddings/word2vec/trainer)",
	Default: "demo",
	Commands: []cli.Command{
		{Name: "demo", Short: "train CBOW on the embedded corpus and print neighbours and analogies", Run: cmdDemo},
		{Name: "train", Short: "train vectors (C tool flags: -train -output -size -window -cbow -negative ...)", Run: cli.Sweepable("word2vec", "output", "vectors", cmdTrain)},
		cmdSimilar, cmdAnalogy, cmdEvalAnalogy, cmdEvalSim, cli.MergeCommand("word2vec"),
	},
}

func cmdTrain(env *cli.Env, args []string) error {
	fs := cli.Flags(env, "word2vec", "train")
	var f trainer.Flags
	f.Register(fs)
	jsonOut := fs.Bool("json", false, "print a JSON summary on standard output (the progress goes to standard error)")
	quiet := fs.Bool("quiet", false, "no progress output")
	if err := cli.Parse(env, fs, args, false); err != nil {
		return err
	}
	files := f.Files(fs.Args())
	cfg, err := f.Config()
	switch {
	case err != nil:
		return cli.Usagef("%v", err)
	case len(files) == 0:
		return cli.Usagef("-train FILE is required")
	case f.Output == "" && f.SaveVocab == "":
		return cli.Usagef("-output FILE (or -save-vocab FILE) is required")
	}
	if !*quiet {
		cfg.Progress = trainer.ProgressPrinter(env.Stderr)
	}
	src, err := trainer.ExistingFiles(files...)
	if err != nil {
		return err
	}
	t0 := time.Now()
	voc, err := f.Vocab(src, cfg)
	if err != nil {
		return err
	}
	vocabSec := time.Since(t0).Seconds()
	if !*quiet {
		fmt.Fprintf(env.Stderr, "Vocab size: %d\nWords in train file: %d\n", voc.Len(), voc.TrainWords)
	}
	if f.Output == "" {
		return nil
	}
	res, err := trainer.TrainVocab(src, voc, cfg)
	if err != nil {
		return err
	}
	if err := res.Vectors.Save(f.Output, map[bool]embeddings.Format{true: embeddings.Binary, false: embeddings.Text}[f.Binary != 0]); err != nil {
		return err
	}
	res.Stats.VocabSeconds = vocabSec
	if *jsonOut {
		return cli.PrintJSON(env.Stdout, struct {
			Output       string  `json:"output"`
			TotalSeconds float64 `json:"total_seconds"`
			Seed         uint64  `json:"seed"`
			Reproducible bool    `json:"reproducible"`
			CBOW         bool    `json:"cbow"`
			trainer.Stats
		}{f.Output, time.Since(t0).Seconds(), cfg.Seed, cfg.Reproducible, cfg.CBOW, res.Stats})
	}
	return nil
}

// queryCommand is a command that reads a vector file: it has -vectors,
// -format and -json, and setup adds its own flags and returns the check of
// the arguments and the command's work.
func queryCommand(name, short string, setup func(fs *flag.FlagSet) (check func(args []string) error, run func(env *cli.Env, v *embeddings.Vectors, args []string, asJSON bool) error)) cli.Command {
	return cli.Command{Name: name, Short: short, Run: func(env *cli.Env, args []string) error {
		fs := cli.Flags(env, "word2vec", name)
		path := fs.String("vectors", "", "vector file (word2vec text or binary, GloVe, fastText .vec; .gz ok)")
		format := fs.String("format", "auto", "auto, text, binary or glove")
		asJSON := fs.Bool("json", false, "JSON output on standard output")
		check, run := setup(fs)
		if err := cli.Parse(env, fs, args, false); err != nil {
			return err
		}
		f, err := embeddings.ParseFormat(*format)
		if err == nil && *path == "" {
			err = fmt.Errorf("-vectors FILE is required")
		}
		if err == nil {
			err = check(fs.Args())
		}
		if err != nil {
			return cli.Usagef("%v", err)
		}
		v, err := embeddings.Load(*path, f)
		if err != nil {
			return err
		}
		return run(env, v, fs.Args(), *asJSON)
	}}
}

var cmdSimilar = queryCommand("similar", "nearest neighbours of words", func(fs *flag.FlagSet) (func([]string) error, func(*cli.Env, *embeddings.Vectors, []string, bool) error) {
	n := fs.Int("n", 10, "neighbours per word")
	check := func(args []string) error {
		if len(args) == 0 || *n < 1 {
			return fmt.Errorf("give one or more words, and -n ≥ 1")
		}
		return nil
	}
	return check, func(env *cli.Env, v *embeddings.Vectors, words []string, asJSON bool) error {
		all := map[string][]embeddings.Neighbor{}
		for _, w := range words {
			nn, err := v.Nearest(w, *n)
			if err != nil {
				return err
			}
			if all[w] = nn; !asJSON {
				embeddings.WriteNeighbors(env.Stdout, w, nn)
			}
		}
		if asJSON {
			return cli.PrintJSON(env.Stdout, all)
		}
		return nil
	}
})

var cmdAnalogy = queryCommand("analogy", "a : b :: c : ?", func(fs *flag.FlagSet) (func([]string) error, func(*cli.Env, *embeddings.Vectors, []string, bool) error) {
	n := fs.Int("n", 5, "answers to show")
	method := fs.String("method", "3cosadd", "3cosadd or 3cosmul")
	restrict := fs.Int("restrict", 0, "search the N most frequent words only (0: all)")
	var m embeddings.Method
	check := func(args []string) (err error) {
		if m, err = embeddings.ParseMethod(*method); err == nil && len(args) != 3 {
			err = fmt.Errorf("give three words a b c (a is to b as c is to ?)")
		}
		return err
	}
	return check, func(env *cli.Env, v *embeddings.Vectors, a []string, asJSON bool) error {
		ans, err := v.Analogy(a[0], a[1], a[2], m, *n, *restrict)
		if err != nil {
			return err
		}
		if asJSON {
			return cli.PrintJSON(env.Stdout, ans)
		}
		embeddings.WriteNeighbors(env.Stdout, fmt.Sprintf("%s : %s :: %s : ?", a[0], a[1], a[2]), ans)
		return nil
	}
})

var cmdEvalAnalogy = queryCommand("eval-analogy", "accuracy on a questions-words file", func(fs *flag.FlagSet) (func([]string) error, func(*cli.Env, *embeddings.Vectors, []string, bool) error) {
	questions := fs.String("questions", "", "questions-words file (or the one argument)")
	method := fs.String("method", "3cosadd", "3cosadd or 3cosmul")
	restrict := fs.Int("restrict", 30000, "use the N most frequent words (0: all), like compute-accuracy")
	cs := fs.Bool("case-sensitive", false, "match words case-sensitively")
	var m embeddings.Method
	check := func(args []string) (err error) {
		if *questions == "" && len(args) == 1 {
			*questions = args[0]
		}
		if m, err = embeddings.ParseMethod(*method); err == nil && *questions == "" {
			err = fmt.Errorf("-questions FILE is required")
		}
		return err
	}
	return check, func(env *cli.Env, v *embeddings.Vectors, _ []string, asJSON bool) error {
		secs, err := embeddings.LoadAnalogies(*questions)
		if err != nil {
			return err
		}
		s := v.EvalAnalogies(secs, embeddings.AnalogyOptions{Method: m, Restrict: *restrict, CaseSensitive: *cs})
		if s.Write(env.Human(asJSON)); !asJSON {
			return nil
		}
		return cli.PrintJSON(env.Stdout, struct {
			Method   string `json:"method"`
			Restrict int    `json:"restrict"`
			embeddings.AnalogyScore
		}{m.String(), *restrict, s})
	}
})

var cmdEvalSim = queryCommand("eval-sim", "Spearman correlation on word-similarity files", func(fs *flag.FlagSet) (func([]string) error, func(*cli.Env, *embeddings.Vectors, []string, bool) error) {
	check := func(args []string) error {
		if len(args) == 0 {
			return fmt.Errorf("give one or more word-similarity files (word1 word2 score)")
		}
		return nil
	}
	return check, func(env *cli.Env, v *embeddings.Vectors, files []string, asJSON bool) error {
		out := map[string]embeddings.SimilarityScore{}
		for _, p := range files {
			pairs, err := embeddings.LoadSimilarity(p)
			if err != nil {
				return err
			}
			s := v.EvalSimilarity(pairs)
			out[filepath.Base(p)] = s
			fmt.Fprintf(env.Human(asJSON), "%-24s spearman %.4f  coverage %.2f%% (%d/%d pairs)\n", filepath.Base(p), s.Spearman, 100*s.Coverage, s.Used, s.Total)
		}
		if asJSON {
			return cli.PrintJSON(env.Stdout, out)
		}
		return nil
	}
})

func cmdDemo(env *cli.Env, args []string) error {
	fs := cli.Flags(env, "word2vec", "demo")
	iter := fs.Int("iter", 5, "iterations")
	threads := fs.Int("threads", 0, "worker goroutines (0: all cores)")
	output := fs.String("output", "", "vector file (default: sotu.bin in a temporary directory)")
	if err := cli.Parse(env, fs, args, true); err != nil {
		return err
	}
	if *iter < 1 || *threads < 0 {
		return cli.Usagef("-iter must be at least 1 and -threads not negative")
	}
	fmt.Fprintf(env.Stdout, "word2vec demo: CBOW, %d iterations on %s\n(%s; lower-cased, punctuation removed)\n", *iter, corpus.Name, corpus.License)
	return trainer.Demo(env.Stdout, env.Stderr, corpus.Open, *iter, *threads, *output)
}
