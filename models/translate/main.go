package main

import (
	"errors"
	"fmt"
	"path/filepath"
	"time"

	"github.com/rnnzoo/rnnzoo/datasets/parallel"
	"github.com/rnnzoo/rnnzoo/graph"
	"github.com/rnnzoo/rnnzoo/internal/cli"
	"github.com/rnnzoo/rnnzoo/models/translate/translator"
	"github.com/rnnzoo/rnnzoo/serve/zoo"
	_ "github.com/rnnzoo/rnnzoo/train/plots" // -plots
)

func main() { program.Main() }

var program = &cli.Program{
	Name:    "translate",
	Summary: "an encoder–decoder translator with attention (package models/translate/translator)",
	Default: "demo",
	Commands: []cli.Command{
		{Name: "demo", Short: "English→Spanish: the shipped model (or -scratch: a short run) on the held-out book of Revelation", Run: cmdDemo},
		{Name: "train", Short: "train (-data pairs.tsv -src fra -tgt eng; default: the embedded Bible) and score the test pairs", Run: cli.Sweepable("translate", "model", "model.ckpt", cmdTrain)},
		{Name: "eval", Short: "BLEU and chrF of a model on a pairs file (-test FILE) or train's validation split (-valid-split)", Run: cmdEval},
		{Name: "predict", Short: "translate sentences given as arguments or one per line on stdin", Run: cmdPredict},
		{Name: "heatmap", Short: "the attention weights of one sentence as a PNG heat map", Run: cmdHeatmap},
		cli.ExportCommand("translate", load),
		cli.ImportCommand("translate", load),
		zoo.Command("translate", translator.Kind),
		cli.MergeCommand("translate"),
		cli.AverageCommand("translate", translator.FromCheckpoint),
	},
}

func load(env *cli.Env, model string) (*translator.Model, error) {
	return cli.LoadModel(env, "translate", model, translator.Pretrained, translator.Load)
}

func cmdTrain(env *cli.Env, args []string) error {
	fs, c := cli.Start(env, "translate", "train", "checkpoint to write (default: the user cache directory)")
	o, d := translator.DefaultOptions(), translator.DefaultDataOptions()
	o.Register(fs)
	d.Register(fs)
	dec := translator.DecodeOptions{Beam: 1, Alpha: 1, MaxOut: o.MaxOut}
	fs.IntVar(&dec.Beam, "beam", 1, "beam width for the final test scores (1: greedy only)")
	fs.Float64Var(&dec.Alpha, "alpha", 1, "beam search length normalisation: score / length^alpha")
	fs.BoolVar(&o.Resume, "resume", false, "continue the training state saved in -model (same data and flags; -epochs may grow)")
	// -max-out bounds the validation and the test translations alike.
	sameMaxOut := func() error { dec.MaxOut = o.MaxOut; return dec.Check() }
	if err := c.Ready(env, fs, args, true, o.Check, sameMaxOut, d.Check); err != nil {
		return err
	}
	_, metrics, err := trainWith(env, c, d, o, dec)
	if err != nil || !c.JSON {
		return err
	}
	return cli.PrintJSON(env.Stdout, metrics)
}

func trainWith(env *cli.Env, c *cli.Common, d translator.DataOptions, o translator.Options, dec translator.DecodeOptions) (*translator.Model, map[string]float64, error) {
	var err error
	if o.Checkpoint, err = c.WritePath("translate"); err != nil {
		return nil, nil, err
	}
	o.Progress, o.Info = env.Stderr, env.Human(c.JSON)
	fmt.Fprintf(o.Info, "checkpoint: %s\n", o.Checkpoint)
	m, metrics, err := translator.TrainEvaluate(env.Ctx, d, o, dec)
	if errors.Is(err, translator.ErrInWarmUp) {
		return nil, nil, err
	}
	return m, metrics, cli.Interrupted(err, o.Checkpoint)
}

func cmdEval(env *cli.Env, args []string) error {
	fs, c := cli.Start(env, "translate", "eval", cli.ReadModelHelp)
	dec, d := translator.DecodeOptions{Beam: 1, Alpha: 1, MaxOut: 80}, translator.DefaultDataOptions()
	dec.Register(fs)
	validSplit := d.RegisterEval(fs)
	if err := c.Ready(env, fs, args, true, dec.Check, func() error { return d.CheckEval(*validSplit) }); err != nil {
		return err
	}
	m, err := load(env, c.Model)
	if err != nil {
		return err
	}
	cfg := m.Config()
	d.Src, d.Tgt, d.MaxLen = cfg.Src, cfg.Tgt, cfg.MaxLen
	pairs, name, err := translator.EvalPairs(d, *validSplit)
	if err != nil {
		return err
	}
	s, err := m.Evaluate(pairs, dec)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Human(c.JSON), "%s, beam %d: BLEU %.2f (lower-cased %.2f), chrF %.2f, %d pairs\n  %v\n", name, dec.Beam, s.BLEU, s.BLEULower, s.ChrF, len(pairs), s.Detail)
	return c.Result(env, map[string]float64{"bleu": s.BLEU, "bleu_lc": s.BLEULower, "chrf": s.ChrF, "pairs": float64(len(pairs)), "beam": float64(dec.Beam)})
}

func cmdPredict(env *cli.Env, args []string) error {
	fs, c := cli.Start(env, "translate", "predict", cli.ReadModelHelp)
	dec := translator.DecodeOptions{Beam: 1, Alpha: 1, MaxOut: 80}
	dec.Register(fs)
	if err := c.Ready(env, fs, args, false, dec.Check); err != nil {
		return err
	}
	lines, err := cli.Texts(fs.Args(), env.Stdin)
	if err != nil {
		return err
	}
	if len(lines) == 0 {
		return cli.Usagef("no sentence given: pass them as arguments or one per line on standard input")
	}
	m, err := load(env, c.Model)
	if err != nil {
		return err
	}
	outs, err := m.Translate(lines, dec)
	if err != nil {
		return err
	}
	for i, s := range outs {
		if err := c.Print(env, s, map[string]any{"text": lines[i], "translation": s, "ids": m.EncodeSource(lines[i])}); err != nil {
			return err
		}
	}
	return nil
}

func cmdHeatmap(env *cli.Env, args []string) error {
	fs, c := cli.Start(env, "translate", "heatmap", cli.ReadModelHelp)
	out := fs.String("out", "attention.png", "PNG file to write")
	maxOut := fs.Int("max-out", 80, "longest translation in tokens")
	oneSentence := func() error {
		if fs.NArg() != 1 {
			return fmt.Errorf(`give one sentence, e.g. heatmap -out attn.png "The Lord is my shepherd."`)
		}
		return cli.Positive(map[string]*int{"max-out": maxOut})()
	}
	if err := c.Ready(env, fs, args, false, oneSentence); err != nil {
		return err
	}
	m, err := load(env, c.Model)
	if err != nil {
		return err
	}
	a, err := m.ReportHeatmap(env.Human(c.JSON), fs.Arg(0), "", *out, *maxOut)
	if err != nil {
		return err
	}
	return c.Result(env, map[string]any{"text": fs.Arg(0), "translation": a.Translation, "out": *out, "rows": len(a.Out), "cols": len(a.Src)})
}

func cmdDemo(env *cli.Env, args []string) error {
	fs, c := cli.Start(env, "translate", "demo", "unused by the demo")
	scratch := fs.Bool("scratch", false, "train a small model briefly (verses of at most 14 tokens) instead of loading the shipped one")
	o, dec := translator.DefaultOptions(), translator.DefaultDecodeOptions()
	fs.IntVar(&o.Epochs, "epochs", 4, "epochs of the -scratch run")
	fs.Uint64Var(&o.Seed, "seed", 1, "seed of the -scratch run")
	dec.Register(fs)
	show := fs.Int("show", 5, "held-out verses to print")
	heat := fs.String("heatmap", "", "attention heat map PNG of the first verse shown (default: the cache directory)")
	if err := c.Ready(env, fs, args, true, dec.Check, o.Check); err != nil {
		return err
	}
	start, out := time.Now(), env.Human(c.JSON)
	test, _, err := translator.EvalPairs(translator.DataOptions{}, false)
	if err != nil {
		return err
	}
	var m *translator.Model
	var metrics map[string]float64
	modelPath, err := (&cli.Common{}).WritePath("translate")
	if err != nil {
		return err
	}
	if *scratch {
		o.Hidden, o.Embed, o.MaxVocab, o.Patience, c.Model = 128, 64, 4000, 0, modelPath
		if m, metrics, err = trainWith(env, c, translator.DataOptions{MaxLen: 14}, o, dec); err != nil {
			return err
		}
	} else {
		if m, err = translator.Pretrained(); err != nil {
			return err
		}
		fmt.Fprintf(out, "model: the shipped %v\ntest: %d verses of %s (held out of training)\n", m, len(test), parallel.DefaultTestBook)
		if metrics, err = m.Score(out, test, dec); err != nil {
			return err
		}
		m.Metrics = metrics
		if err := m.Save(modelPath, false); err != nil {
			return err
		}
		fmt.Fprintf(out, "checkpoint: %s (for predict, eval and heatmap)\n", modelPath)
	}
	if n := min(*show, len(test)); n > 0 {
		if err := m.WriteExamples(out, test[:n], dec); err != nil {
			return err
		}
		if *heat == "" {
			*heat = filepath.Join(filepath.Dir(modelPath), "attention.png")
		}
		if m.Config().Attention != graph.NoAttention {
			if _, err := m.ReportHeatmap(out, test[0].Src, test[0].Ref+": ", *heat, dec.MaxOut); err != nil {
				return err
			}
		}
	}
	fmt.Fprintf(out, "try: go run ./models/translate predict \"The Lord is my shepherd.\"   (%.1f s)\n", time.Since(start).Seconds())
	metrics["seconds"] = time.Since(start).Seconds()
	return c.Result(env, metrics)
}
