package main

import (
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"runtime"
	"time"

	"github.com/rnnzoo/rnnzoo/blas"
	"github.com/rnnzoo/rnnzoo/datasets/parallel"
)

// The demo's short training run (-scratch): a small model on the verse
// pairs of at most scratchMaxLen tokens a side.
const scratchMaxLen = 14

func cmdDemo(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("translate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	scratch := fs.Bool("scratch", false, "train a small model briefly instead of loading the embedded one")
	epochs := fs.Int("epochs", 4, "epochs of the -scratch run")
	beam := fs.Int("beam", 4, "beam width: above 1, the book is also scored and the verses shown with beam search (1: greedy only)")
	alpha := fs.Float64("alpha", 0.5, "beam search length normalisation: score / length^alpha (0.5 scored best on validation verses)")
	show := fs.Int("show", 5, "held-out verses to print")
	heat := fs.String("heatmap", "", "attention heat map PNG of the first verse shown (default: the cache directory)")
	seed := fs.Uint64("seed", 1, "seed of the -scratch run")
	threads := fs.Int("threads", 0, "GOMAXPROCS (0: all cores)")
	jsonOut := fs.Bool("json", false, "print the final metrics as one JSON line last")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q (try: translate predict \"%s\")", fs.Arg(0), fs.Arg(0))
	}
	if *threads > 0 {
		runtime.GOMAXPROCS(*threads)
	}
	if *beam < 1 || *show < 0 || *epochs < 1 {
		return fmt.Errorf("beam %d, show %d and epochs %d: out of range", *beam, *show, *epochs)
	}
	start := time.Now()
	_, testB, err := parallel.BibleSplit("")
	if err != nil {
		return err
	}
	test, err := testB.Pairs(parallel.English, parallel.Spanish)
	if err != nil {
		return err
	}
	var t *translator
	metrics := map[string]float64{}
	modelPath, err := defaultModelPath()
	if err != nil {
		return err
	}
	if *scratch || !hasPretrained() {
		if !*scratch {
			fmt.Fprintln(stdout, "this build has no pretrained model: training a small one briefly")
		}
		f := &trainFlags{}
		fl := flag.NewFlagSet("scratch", flag.ContinueOnError)
		f.register(fl)
		f.hidden, f.embed, f.maxVocab, f.maxLen = 128, 64, 4000, scratchMaxLen
		f.epochs, f.patience, f.valid, f.seed = *epochs, 0, 0, *seed
		f.beam, f.alpha, f.model = *beam, *alpha, modelPath
		if t, metrics, err = trainModel(f, stdout, stderr); err != nil {
			return err
		}
	} else {
		if t, err = loadModel(builtinModel); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "model: the embedded pretrained %v\nBLAS: %v (set RNNZOO_BLAS=go|gonum|openblas to choose)\n", t, blas.Current())
		fmt.Fprintf(stdout, "test: %d verses of %s (held out of training)\n", len(test), parallel.DefaultTestBook)
		if err := t.scoreTest(test, *beam, *alpha, 80, metrics, stdout); err != nil {
			return err
		}
		if err := t.export(modelPath, metrics, false); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "checkpoint: %s (for predict, eval and heatmap)\n", modelPath)
	}
	n := min(*show, len(test))
	if n > 0 {
		srcs := make([]string, n)
		for i := range srcs {
			srcs[i] = test[i].Src
		}
		outs, err := t.translate(srcs, decodeOpts{Beam: *beam, Alpha: *alpha, MaxOut: 80})
		if err != nil {
			return err
		}
		how := "greedy"
		if *beam > 1 {
			how = fmt.Sprintf("beam %d", *beam)
		}
		fmt.Fprintf(stdout, "\nheld-out verses (%s):\n", how)
		for i := range srcs {
			fmt.Fprintf(stdout, "  %s\n  EN  %s\n  ES  %s\n  MT  %s\n\n", test[i].Ref, test[i].Src, test[i].Tgt, outs[i])
		}
		if t.m.Attn != nil {
			path := *heat
			if path == "" {
				path = filepath.Join(filepath.Dir(modelPath), "attention.png")
			}
			a, err := t.attend(srcs[0], 80)
			if err != nil {
				return err
			}
			if err := writeHeatmap(a, fmt.Sprintf("%s: %s attention", test[0].Ref, t.cfg.Attention), path); err != nil {
				return err
			}
			fmt.Fprintf(stdout, "attention heat map of %s: %s\n", test[0].Ref, path)
		}
	}
	fmt.Fprintf(stdout, "try: go run ./models/translate predict \"The Lord is my shepherd.\"   (%.1f s)\n", time.Since(start).Seconds())
	metrics["seconds"] = time.Since(start).Seconds()
	if *jsonOut {
		return printJSON(stdout, metrics)
	}
	return nil
}
