package main

import (
	"errors"
	"fmt"
	"io"

	"github.com/rnnzoo/rnnzoo/datasets/sentiment"
	"github.com/rnnzoo/rnnzoo/datasets/text"
	"github.com/rnnzoo/rnnzoo/internal/cli"
	"github.com/rnnzoo/rnnzoo/models/sentiment/polarity"
	"github.com/rnnzoo/rnnzoo/serve/zoo"
	"github.com/rnnzoo/rnnzoo/train"
	_ "github.com/rnnzoo/rnnzoo/train/plots" // -plots
)

func main() { program.Main() }

var program = &cli.Program{
	Name:    "sentiment",
	Summary: "a many-to-one recurrent sentiment classifier (package models/sentiment/polarity)",
	Default: "demo",
	Commands: []cli.Command{
		{Name: "demo", Short: "train on the embedded UCI sentences, evaluate, classify examples", Run: func(e *cli.Env, a []string) error { return cmdTrain(e, "demo", a) }},
		{Name: "train", Short: "train (-data FILE|DIR -dataset uci|sst2|mr) and save a checkpoint", Run: cli.Sweepable("sentiment", "model", "model.ckpt", func(e *cli.Env, a []string) error { return cmdTrain(e, "train", a) })},
		{Name: "eval", Short: "score a labelled file: accuracy, macro-F1, confusion (-model M -test FILE)", Run: cmdEval},
		{Name: "predict", Short: "classify texts given as arguments or one per line on stdin (-model M|builtin)", Run: cmdPredict},
		cli.ExportCommand("sentiment", load),
		cli.ImportCommand("sentiment", load),
		zoo.Command("sentiment", polarity.Kind),
		cli.MergeCommand("sentiment"),
		cli.AverageCommand("sentiment", polarity.FromCheckpoint),
		{Name: "tokens", Short: "the training split as the model tokenises it, one sentence a line", Run: cmdTokens},
	},
}

// examples are classified at the end of the demo.
var examples = []string{
	"This phone is great, I love it.",
	"The food was cold and the service was terrible.",
	"Not bad at all, I would come back.",
	"I would not recommend this movie to anyone.",
	"The battery died after two days.",
}

func load(env *cli.Env, model string) (*polarity.Model, error) {
	return cli.LoadModel(env, "sentiment", model, polarity.Pretrained, polarity.Load)
}

// loadClassifier reads -model: one checkpoint (or builtin), or several
// separated by commas, which classify as a polarity.Ensemble. single is
// the model when there is one.
func loadClassifier(env *cli.Env, spec string) (c polarity.Classifier, single *polarity.Model, err error) {
	names, err := polarity.EnsembleNames(spec)
	if err != nil {
		return nil, nil, cli.Usagef("-model %v", err)
	}
	if names == nil {
		m, err := load(env, spec)
		return m, m, err
	}
	ms := make([]*polarity.Model, len(names))
	for i, n := range names {
		if ms[i], err = load(env, n); err != nil {
			return nil, nil, err
		}
	}
	e, err := polarity.NewEnsemble(ms...)
	return e, nil, err
}

func cmdTrain(env *cli.Env, cmd string, args []string) error {
	fs, c := cli.Start(env, "sentiment", cmd, "checkpoint to write (default: the user cache directory)")
	o := polarity.DefaultOptions()
	o.Register(fs)
	var data, dataset string
	fs.StringVar(&data, "data", "", "data file or directory (default: the embedded UCI sentences)")
	fs.StringVar(&dataset, "dataset", "", "format of -data: uci, sst2 or mr (default: from the path)")
	recipe := func() error { // the data set's best measured recipe, under the flags given
		o.DataDefaults(dataset, data, func(n string) bool { return cli.IsSet(fs, n) })
		return sentiment.CheckFormat(dataset)
	}
	if err := c.Ready(env, fs, args, true, recipe, o.Check); err != nil {
		return err
	}
	out := env.Human(c.JSON)
	ds, err := sentiment.Open(data, dataset, int64(o.Train.Seed))
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "data: %s: %d train, %d validation, %d test sentences\n", ds.Name, len(ds.Train), len(ds.Valid), len(ds.Test))
	if o.Vectors, o.VectorsName, err = polarity.LoadVectors(o.VectorsFile, o.VectorsFormat); err != nil {
		return err
	}
	if o.Checkpoint, err = c.WritePath("sentiment"); err != nil {
		return err
	}
	o.Progress, o.Info = env.Stderr, out
	run := o
	o.Vectors = nil // Train drops them once the embedding is made
	m, res, err := polarity.Train(env.Ctx, polarity.Data{Train: ds.Train, Valid: ds.Valid}, run)
	if err != nil {
		return cli.Interrupted(err, o.Checkpoint)
	}
	metrics := res.Metrics()
	if res.Valid != nil {
		report(out, "validation", res.Valid)
	}
	if len(ds.Test) > 0 {
		ev, err := m.Evaluate(sentiment.Texts(ds.Test), sentiment.Labels(ds.Test))
		if err != nil {
			return err
		}
		metrics["accuracy"], metrics["macro_f1"], metrics["loss"], metrics["examples"] = ev.Metrics["accuracy"], ev.Metrics["macro_f1"], ev.Loss, ev.Weight
		report(out, "test", ev)
	}
	fmt.Fprintf(out, "checkpoint: %s (epochs %d, stopped: %s; %.1f s)\n", o.Checkpoint, res.Report.Epochs, res.Report.Stopped, res.Seconds)
	if cmd == "demo" {
		preds, err := m.Predict(examples)
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "predictions (try: go run ./models/sentiment predict \"your sentence\"):\n")
		for i, s := range examples {
			fmt.Fprintf(out, "  %-8s %.2f  %s\n", preds[i].Name, preds[i].Probabilities[preds[i].Label], s)
		}
	}
	return c.Result(env, metrics)
}

// report prints an evaluation's line: accuracy, macro-F1, loss, count.
func report(out io.Writer, what string, ev *train.Eval) {
	fmt.Fprintf(out, "%s: accuracy %.4f, macro-F1 %.4f, loss %.4f (%d sentences)\n", what, ev.Metrics["accuracy"], ev.Metrics["macro_f1"], ev.Loss, int(ev.Weight))
}

func cmdEval(env *cli.Env, args []string) error {
	fs, c := cli.Start(env, "sentiment", "eval", "checkpoint, or builtin, or several checkpoints separated by commas that vote as an ensemble (default: the one the demo saved, else builtin)")
	test := fs.String("test", "", "labelled file or directory to score")
	format := fs.String("dataset", "", "format of -test: uci, sst2 or mr (default: from the path)")
	testAndFormat := func() error {
		if *test == "" {
			return errors.New("-test FILE is required")
		}
		return sentiment.CheckFormat(*format)
	}
	if err := c.Ready(env, fs, args, true, testAndFormat); err != nil {
		return err
	}
	m, _, err := loadClassifier(env, c.Model)
	if err != nil {
		return err
	}
	ex, err := sentiment.Load(*test, *format)
	if err != nil {
		return err
	}
	ev, err := m.Evaluate(sentiment.Texts(ex), sentiment.Labels(ex))
	if err != nil {
		return err
	}
	out := env.Human(c.JSON)
	report(out, *test, ev)
	fmt.Fprintf(out, "confusion (rows gold, columns predicted): %v\n", ev.Confusion)
	return c.Result(env, ev.Summary())
}

func cmdPredict(env *cli.Env, args []string) error {
	fs, c := cli.Start(env, "sentiment", "predict", "checkpoint, or builtin for the shipped model, or several checkpoints separated by commas that vote as an ensemble (default: the one the demo saved, else builtin)")
	if err := c.Ready(env, fs, args, false); err != nil {
		return err
	}
	lines, err := cli.Texts(fs.Args(), env.Stdin)
	if err != nil {
		return err
	}
	if len(lines) == 0 {
		return cli.Usagef("no text given: pass them as arguments or one per line on standard input")
	}
	m, single, err := loadClassifier(env, c.Model)
	if err != nil {
		return err
	}
	preds, err := m.Predict(lines)
	if err != nil {
		return err
	}
	var ids [][]int
	if single != nil { // the ids fed to the model, for other runtimes (an ensemble's members differ)
		ids = single.Encode(lines)
	}
	for i, s := range lines {
		p := preds[i]
		fields := map[string]any{"text": s, "label": p.Name, "probabilities": p.Probabilities}
		if ids != nil {
			fields["ids"] = ids[i]
		}
		if err := c.Print(env, fmt.Sprintf("%s\t%.4f\t%s", p.Name, p.Probabilities[p.Label], s), fields); err != nil {
			return err
		}
	}
	return nil
}

// cmdTokens writes the training split (only: validation and test must not
// reach the vectors) as the model tokenises it, one sentence a line, to
// train word vectors on text of the same domain.
func cmdTokens(env *cli.Env, args []string) error {
	fs := cli.Flags(env, "sentiment", "tokens")
	data := fs.String("data", "", "data file or directory (default: the embedded UCI sentences)")
	format := fs.String("dataset", "", "format of -data: uci, sst2 or mr (default: from the path)")
	seed := fs.Uint64("seed", 1, "seed of the split, for data sets that are split here (UCI, MR)")
	if err := cli.Parse(env, fs, args, true); err != nil {
		return err
	}
	if err := sentiment.CheckFormat(*format); err != nil {
		return cli.Usagef("%v", err)
	}
	ds, err := sentiment.Open(*data, *format, int64(*seed))
	if err != nil {
		return err
	}
	return text.WriteTokenized(env.Stdout, sentiment.Texts(ds.Train))
}
