package main

import (
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/rnnzoo/rnnzoo/graph"
	"github.com/rnnzoo/rnnzoo/internal/cli"
	"github.com/rnnzoo/rnnzoo/models/charlm/lm"
	"github.com/rnnzoo/rnnzoo/serve/zoo"
	"github.com/rnnzoo/rnnzoo/train"
)

func main() { program.Main() }

var program = &cli.Program{
	Name:    "charlm",
	Summary: "a character language model with truncated BPTT (package models/charlm/lm)",
	Default: "demo",
	Commands: []cli.Command{
		{Name: "demo", Short: "train briefly (600 updates) on the State of the Union addresses, score, sample", Run: func(e *cli.Env, a []string) error { return cmdTrain(e, "demo", a) }},
		{Name: "train", Short: "train on a UTF-8 text (-data FILE; default: the embedded addresses)", Run: cli.Sweepable("charlm", "model", "model.ckpt", func(e *cli.Env, a []string) error { return cmdTrain(e, "train", a) })},
		{Name: "eval", Short: "bits per character of a model on a text", Run: cmdEval},
		{Name: "sample", Short: "write text after a priming string", Run: cmdSample},
		cli.ExportCommand("charlm", load),
		cli.ImportCommand("charlm", load),
		zoo.Command("charlm", lm.Kind),
		cli.MergeCommand("charlm"),
		cli.AverageCommand("charlm", lm.FromCheckpoint),
	},
}

func load(env *cli.Env, model string) (*lm.Model, error) {
	return cli.LoadModel(env, "charlm", model, lm.Pretrained, lm.Load)
}

func cmdTrain(env *cli.Env, cmd string, args []string) error {
	fs, c := cli.Start(env, "charlm", cmd, "checkpoint to write (default: the user cache directory)")
	data := fs.String("data", "", "UTF-8 text file (default: the embedded corpus)")
	maxChars := fs.Int("maxchars", 2000000, "use only the last this many characters of the text (0: all)")
	valid := fs.Float64("valid", 0.05, train.ValidHelp("characters")+", from the end of the text")
	cfg := lm.Config{Cell: graph.LSTM, Seed: 1}
	fs.TextVar(&cfg.Cell, "cell", graph.LSTM, "lstm, gru or rnn")
	fs.IntVar(&cfg.Layers, "layers", 2, "stacked recurrent layers")
	fs.IntVar(&cfg.Hidden, "hidden", 128, "hidden units per layer")
	fs.IntVar(&cfg.Embed, "embed", 32, "character embedding size")
	fs.Float64Var(&cfg.EmbedStd, "embed-std", 1, "initial embedding drawn from N(0, std²) (0: U(−0.1, 0.1))")
	fs.Float64Var(&cfg.Dropout, "dropout", 0, "dropout between layers and before the output")
	fs.Uint64Var(&cfg.Seed, "seed", 1, "seed of the weights, dropout and sampling")
	tc := lm.DefaultTrainConfig()
	fs.IntVar(&tc.Batch, "batch", tc.Batch, "parallel streams per batch")
	fs.IntVar(&tc.BPTT, "bptt", tc.BPTT, "steps per batch (truncated BPTT length)")
	tc.RegisterOnly(fs, lm.TrainFlags...) // -steps 0: demo 600, train 5000
	fs.DurationVar(&tc.Time, "time", 0, "stop training after this long (e.g. 90s; the run then depends on the machine's speed)")
	fs.IntVar(&tc.EvalEvery, "eval-every", tc.EvalEvery, "updates between held-out evaluations")
	ngram := fs.Int("ngram", 5, "order of the n-gram baseline (0: skip)")
	torch := fs.String("torch", "", "also train the PyTorch baseline (this script, e.g. models/charlm/torch_baseline.py) for the same time; needs python3 with torch")
	python := fs.String("python", "python3", "Python interpreter for -torch")
	samples := fs.Int("samples", 3, "samples to print after training")
	temp := fs.Float64("temperature", 0.7, "temperature of the printed samples")
	logPath := fs.String("log", "", "JSONL file of the evaluations during training")
	fs.BoolVar(&tc.Resume, "resume", false, "continue the training state saved in -model (after Ctrl-C; same flags)")
	check := func() error {
		if *valid <= 0 || tc.Batch < 1 || tc.BPTT < 1 || *maxChars < 0 || *samples < 0 {
			return fmt.Errorf("-valid must be positive, -batch and -bptt at least 1, -maxchars and -samples not negative")
		}
		if tc.MaxSteps == 0 && tc.Time == 0 {
			tc.MaxSteps = map[bool]int64{true: 600, false: 5000}[cmd == "demo"]
		}
		return errors.Join(train.CheckValid(*valid), tc.Check())
	}
	if err := c.Ready(env, fs, args, true, check); err != nil {
		return err
	}
	out := env.Human(c.JSON)
	text, name, err := lm.LoadText(*data, *maxChars)
	if err != nil {
		return err
	}
	validFrac, err := train.HoldOut(*valid, len(text), "characters")
	if err != nil {
		return cli.Usagef("%v", err)
	}
	trText, vaText := lm.Split(text, validFrac)
	vocab := lm.NewVocab(trText, 255)
	trIDs, vaIDs := vocab.Encode(trText), vocab.Encode(vaText)
	fmt.Fprintf(out, "charlm: %s\n%d characters (%d training, %d held out), %d distinct characters\n", name, len(text), len(trText), len(vaText), vocab.Size()-1)
	m, err := lm.NewModel(cfg, vocab)
	if err != nil {
		return cli.Usagef("%v", err)
	}
	fmt.Fprintf(out, "model: %d×%s %d, embedding %d, %d weights; batch %d streams × %d steps, %s %g (%s), clip %g\n",
		cfg.Layers, cfg.Cell, cfg.Hidden, cfg.Embed, m.Params.Count(), tc.Batch, tc.BPTT, tc.Optimizer, tc.LR, tc.Schedule, tc.Clip)
	if *logPath != "" {
		f, err := os.Create(*logPath)
		if err != nil {
			return err
		}
		defer f.Close()
		tc.JSONL = f
	}
	if tc.Checkpoint, err = c.WritePath("charlm"); err != nil {
		return err
	}
	tc.Progress = out
	rep, err := m.Train(env.Ctx, trIDs, vaIDs, tc)
	if err != nil {
		return cli.Interrupted(err, tc.Checkpoint)
	}
	final := map[string]float64{"bpc": rep.ValidBPC, "perplexity": rep.ValidPPL, "nll": rep.ValidNLL,
		"steps": float64(rep.Steps), "train_seconds": rep.Seconds, "chars_seen": float64(rep.Chars), "valid_chars": float64(rep.ValidSize)}
	fmt.Fprintf(out, "\n%s after %d updates (%.0fs, %d characters seen): held-out %.3f bits/char, perplexity %.2f (%d characters)\n",
		cfg.Cell, rep.Steps, rep.Seconds, rep.Chars, rep.ValidBPC, rep.ValidPPL, rep.ValidSize)
	if *ngram > 0 {
		start := time.Now()
		ng, err := lm.NewNGram(trIDs, *ngram, vocab.Size())
		if err != nil {
			return err
		}
		bpc := ng.BitsPerChar(vaIDs)
		fmt.Fprintf(out, "baseline %d-gram (interpolated Witten–Bell, all %d training characters): held-out %.3f bits/char (%.0fs)\n",
			*ngram, len(trIDs), bpc, time.Since(start).Seconds())
		final["ngram_bpc"], final["ngram_order"] = bpc, float64(*ngram)
	}
	if *torch != "" {
		tb, err := lm.TorchBaseline(*python, *torch, text, validFrac, cfg, tc, rep.Seconds, env.Stderr)
		if err != nil {
			return fmt.Errorf("torch baseline: %w", err)
		}
		fmt.Fprintf(out, "baseline PyTorch (same split and batches, %.0fs, %v updates): held-out %.3f bits/char\n", tb["train_seconds"], tb["steps"], tb["bpc"])
		final["torch_bpc"], final["torch_steps"] = tb["bpc"], tb["steps"]
	}
	path := tc.Checkpoint
	m.Metrics = map[string]float64{"bpc": rep.ValidBPC, "perplexity": rep.ValidPPL, "steps": float64(rep.Steps)}
	if err := m.Save(path, false); err != nil {
		return err
	}
	fmt.Fprintf(out, "checkpoint: %s\n", path)
	primes := []string{"The Congress", "My fellow citizens", "In the year"}
	for i := 0; i < *samples; i++ {
		prime := primes[i%len(primes)]
		s, err := m.Sample(prime, 200, *temp, cfg.Seed+uint64(i))
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "\nsample %d (temperature %g): %s%s\n", i+1, *temp, prime, s)
	}
	return c.Result(env, final)
}

func cmdEval(env *cli.Env, args []string) error {
	fs, c := cli.Start(env, "charlm", "eval", cli.ReadModelHelp)
	data := fs.String("data", "", "UTF-8 text to score (default: the held-out part of the embedded demo text)")
	batch := fs.Int("batch", 32, "parallel streams")
	bptt := fs.Int("bptt", 64, "steps per batch")
	if err := c.Ready(env, fs, args, true, cli.Positive(map[string]*int{"batch": batch, "bptt": bptt})); err != nil {
		return err
	}
	m, err := load(env, c.Model)
	if err != nil {
		return err
	}
	text, _, err := lm.LoadText(*data, 0)
	if err != nil {
		return err
	}
	if *data == "" {
		_, text = lm.Split(text[max(0, len(text)-2000000):], 0.05)
	}
	nll, n, err := m.Evaluate(m.Vocab.Encode(text), *batch, *bptt)
	if err != nil {
		return err
	}
	bpc := train.BitsPerChar(nll)
	return c.Print(env, fmt.Sprintf("%d characters: %.3f bits/char, perplexity %.2f", n, bpc, train.Perplexity(nll)),
		map[string]float64{"bpc": bpc, "perplexity": train.Perplexity(nll), "chars": float64(n)})
}

func cmdSample(env *cli.Env, args []string) error {
	fs, c := cli.Start(env, "charlm", "sample", cli.ReadModelHelp)
	prime := fs.String("prime", "", "text the model reads before it writes")
	n := fs.Int("n", 500, "characters to generate")
	temp := fs.Float64("temperature", 0.8, "softmax temperature (0: always the most probable character)")
	seed := fs.Uint64("seed", 1, "seed of the sampling")
	if err := c.Ready(env, fs, args, true); err != nil {
		return err
	}
	if *n < 0 || *n > lm.MaxSample || *temp < 0 {
		return cli.Usagef("-n must be in 0..%d and -temperature not negative", lm.MaxSample)
	}
	m, err := load(env, c.Model)
	if err != nil {
		return err
	}
	s, err := m.Sample(*prime, *n, *temp, *seed)
	if err != nil {
		return err
	}
	return c.Print(env, *prime+s, map[string]string{"prime": *prime, "text": s})
}
