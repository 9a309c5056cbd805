package main

import (
	"errors"
	"fmt"
	"os"

	"github.com/rnnzoo/rnnzoo/datasets/images"
	"github.com/rnnzoo/rnnzoo/internal/cli"
	"github.com/rnnzoo/rnnzoo/models/imagecols/cols"
	"github.com/rnnzoo/rnnzoo/serve/zoo"
	_ "github.com/rnnzoo/rnnzoo/train/plots" // -plots
)

func main() { program.Main() }

var program = &cli.Program{
	Name:    "imagecols",
	Summary: "images as sequences of pixel columns, classified (many-to-one) and generated column by column (one-to-many); package models/imagecols/cols",
	Default: "demo",
	Commands: []cli.Command{
		{Name: "demo", Short: "train on the embedded 8×8 digits, evaluate, show predictions", Run: func(e *cli.Env, a []string) error { return cmdTrain(e, "demo", a) }},
		{Name: "train", Short: "train a classifier (-dataset digits|mnist|fashion, -data DIR)", Run: cli.Sweepable("imagecols", "model", "model.ckpt", func(e *cli.Env, a []string) error { return cmdTrain(e, "train", a) })},
		{Name: "eval", Short: "a classifier's accuracy and confusion matrix on the test set", Run: cmdEval},
		{Name: "predict", Short: "classify the images of IDX or PNG files", Run: cmdPredict},
		{Name: "generate", Short: "train or load the conditional generator and write a PNG grid", Run: cmdGenerate},
		cli.ExportCommand("imagecols", exportLoad),
		cli.ImportCommand("imagecols", exportLoad),
		zoo.Command("imagecols", cols.Kind),
		cli.MergeCommand("imagecols"),
		cli.AverageCommand("imagecols", cols.FromCheckpoint),
	},
}

// exportLoad reads the -model of export, a file: there is one shipped or
// cached model per data set and kind, so a default would be a guess.
func exportLoad(env *cli.Env, model string) (*cols.Model, error) {
	if model == "" || model == "builtin" {
		return nil, cli.Usagef("-model FILE is required (imagecols keeps a model per data set and kind)")
	}
	return cols.Load(model)
}

func cmdTrain(env *cli.Env, cmd string, args []string) error {
	fs, c := cli.Start(env, "imagecols", cmd, "checkpoint to write (default: in the cache directory)")
	d := cols.Data{}
	d.Register(fs)
	show := fs.Int("show", map[bool]int{true: 6}[cmd == "demo"], "show this many test images with their predictions")
	o := cols.DefaultOptions(cols.Digits)
	o.Register(fs, false)
	if err := c.Ready(env, fs, args, true, d.Check, func() error { o.DataDefaults(d.Dataset, func(n string) bool { return cli.IsSet(fs, n) }); return nil }, o.Check); err != nil {
		return err
	}
	trainSet, test, err := d.Load()
	if err != nil {
		return err
	}
	if o.Checkpoint, err = cols.ModelPath(c.Model, cols.KindClassifier, d.Dataset, o); err != nil {
		return err
	}
	o.Progress, o.Info = env.Stderr, env.Stderr
	clf, res, err := cols.TrainClassifier(env.Ctx, d.Dataset, trainSet, o)
	if err != nil {
		return cli.Interrupted(err, o.Checkpoint)
	}
	ev, err := clf.Evaluate(test, o.Batch)
	if err != nil {
		return err
	}
	out, rep := env.Human(c.JSON), res.Report
	if rep.BestEpoch > 0 {
		fmt.Fprintf(out, "selected epoch %d of %d by validation accuracy %.2f%%\n", rep.BestEpoch, rep.Epochs, 100*rep.Metrics["accuracy"])
	}
	if res.ValidViews != nil {
		fmt.Fprintf(out, "validation accuracy %.2f%% averaged over the views of %s\n", 100*res.ValidViews.Metrics["accuracy"], clf.Config.TestAugment)
	}
	fmt.Fprintf(out, "test accuracy %.2f%% (%d images), loss %.4f, macro-F1 %.4f after %d epochs (%d updates) in %.1fs\n",
		100*ev.Metrics["accuracy"], test.N, ev.Loss, ev.Metrics["macro_f1"], rep.Epochs, rep.Steps, res.Seconds)
	if err := clf.DrawSample(out, test, *show, o.Seed); err != nil {
		return err
	}
	fmt.Fprintf(out, "checkpoint: %s\n", o.Checkpoint)
	return c.Result(env, res.Summary(ev))
}

// loadClassifier reads -model: a checkpoint, "builtin" (the shipped model of
// the data set), or "" (the cache's LSTM checkpoint of the data set, else
// the shipped one).
func loadClassifier(env *cli.Env, c *cli.Common, dataset string) (*cols.Classifier, error) {
	return cli.LoadModelFile(env, "imagecols", dataset+"-lstm.ckpt", c.Model, func() (*cols.Classifier, error) { return cols.Pretrained(dataset) }, cols.LoadClassifier)
}

func cmdEval(env *cli.Env, args []string) error {
	fs, c := cli.Start(env, "imagecols", "eval", "checkpoint, or builtin: the shipped model of -dataset (default: the cache's, else builtin)")
	d := cols.Data{}
	d.Register(fs)
	batch := fs.Int("batch", 64, "batch size")
	views := fs.String("test-augment", "", "test-time augmentation, as train's -test-augment (default: the model's)")
	if err := c.Ready(env, fs, args, true, d.Check, cli.Positive(map[string]*int{"batch": batch})); err != nil {
		return err
	}
	clf, err := loadClassifier(env, c, d.Dataset)
	if err != nil {
		return err
	}
	if cli.IsSet(fs, "test-augment") {
		if err := clf.SetTestAugment(*views); err != nil {
			return cli.Usagef("-test-augment: %v", err)
		}
	}
	if !cli.IsSet(fs, "dataset") && !cli.IsSet(fs, "data") {
		d.Dataset = clf.Config.Dataset
	}
	_, test, err := d.Load()
	if err != nil {
		return err
	}
	ev, err := clf.Evaluate(test, *batch)
	if err != nil {
		return err
	}
	out := env.Human(c.JSON)
	fmt.Fprintf(out, "%s test (%d images): accuracy %.2f%%, loss %.4f, macro-F1 %.4f\n", d.Dataset, test.N, 100*ev.Metrics["accuracy"], ev.Loss, ev.Metrics["macro_f1"])
	ev.Confusion.Format(out, clf.Config.ClassNames)
	s := ev.Summary()
	return c.Result(env, map[string]any{"accuracy": s["accuracy"], "loss": s["loss"], "macro_f1": s["macro_f1"], "examples": s["examples"], "confusion": ev.Confusion})
}

func cmdPredict(env *cli.Env, args []string) error {
	fs, c := cli.Start(env, "imagecols", "predict", "checkpoint, or builtin: the shipped model of -dataset (default: the cache's, else builtin)")
	dataset := fs.String("dataset", cols.Digits, "data set of the default or builtin model: digits, mnist or fashion")
	invert := fs.String("invert", "auto", "PNG: auto (invert when the background is light), yes or no")
	limit := fs.Int("limit", 0, "classify only the first N images of an IDX file (0: all)")
	show := fs.Int("show", 0, "draw this many images as text")
	inputs := func() error {
		if fs.NArg() == 0 || *limit < 0 {
			return fmt.Errorf("give IDX (N×H×W uint8, gzip or raw) or PNG files, and -limit ≥ 0")
		}
		return errors.Join(cols.CheckInvert(*invert), (&cols.Data{Dataset: *dataset}).Check())
	}
	if err := c.Ready(env, fs, args, false, inputs); err != nil {
		return err
	}
	clf, err := loadClassifier(env, c, *dataset)
	if err != nil {
		return err
	}
	cfg := &clf.Config
	names, imgs, err := cols.ReadImages(fs.Args(), cfg, *invert, *limit)
	if err != nil {
		return err
	}
	preds, err := clf.Classify(imgs)
	if err != nil {
		return err
	}
	for i, p := range preds {
		if err := c.Print(env, fmt.Sprintf("%s\t%s\t%.4f", names[i], p.Name, p.Prob), map[string]any{"input": names[i], "class": p.Class, "name": p.Name, "prob": p.Prob}); err != nil {
			return err
		}
		if i < *show {
			fmt.Fprint(env.Human(c.JSON), images.ASCII(imgs[i], cfg.H, cfg.W))
		}
	}
	return nil
}

func cmdGenerate(env *cli.Env, args []string) error {
	fs, c := cli.Start(env, "imagecols", "generate", "generator checkpoint (default: in the cache directory)")
	d := cols.Data{}
	d.Register(fs)
	o := cols.DefaultOptions(cols.Digits)
	o.Dropout = 0
	o.Register(fs, true)
	outPath := fs.String("out", "imagecols-generated.png", "PNG file for the grid (one row per class)")
	perClass := fs.Int("cols", 8, "images per class: the mean style, then the styles of random training images")
	scale := fs.Int("scale", 0, "pixels per image pixel (default: 8 for 8×8 images, 2 otherwise)")
	retrain := fs.Bool("retrain", false, "train even if the checkpoint exists")
	judge := fs.String("classifier", "", "classifier checkpoint that scores the generated images (default: the cached <dataset>-lstm.ckpt, else the shipped one; \"none\": skip)")
	sizes := func() (err error) {
		if *perClass < 1 || *perClass > 100 || *scale < 0 || *scale > 64 {
			err = fmt.Errorf("-cols must be in 1..100 and -scale in 0..64")
		}
		return err
	}
	if err := c.Ready(env, fs, args, true, d.Check, o.Check, sizes); err != nil {
		return err
	}
	trainSet, test, err := d.Load()
	if err != nil {
		return err
	}
	path, err := cols.ModelPath(c.Model, cols.KindGenerator, d.Dataset, o)
	if err != nil {
		return err
	}
	out, summary := env.Human(c.JSON), map[string]float64{}
	var gen *cols.Generator
	if _, statErr := os.Stat(path); statErr == nil && !*retrain && !o.Resume {
		if gen, err = cols.LoadGenerator(path); err != nil {
			return err
		}
		fmt.Fprintf(env.Stderr, "loaded %s (-retrain trains a new one)\n", path)
	} else {
		o.Checkpoint, o.Progress, o.Info = path, env.Stderr, env.Stderr
		var res *cols.Result
		if gen, res, err = cols.TrainGenerator(env.Ctx, d.Dataset, trainSet, o); err != nil {
			return cli.Interrupted(err, path)
		}
		summary["epochs"], summary["train_seconds"], summary["train_loss"] = float64(res.Report.Epochs), res.Seconds, res.Report.Metrics["loss"]
		fmt.Fprintf(out, "trained the generator: %d epochs in %.1fs, checkpoint %s\n", res.Report.Epochs, res.Seconds, path)
	}
	if summary["test_bce"], err = gen.Loss(test, o.Batch); err != nil {
		return err
	}
	grid, err := gen.WriteGrid(*outPath, trainSet, *perClass, *scale, int64(o.Seed))
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "test BCE per pixel (teacher forced) %.4f; wrote %s: %d classes × %d images (first column: mean style)\n",
		summary["test_bce"], *outPath, gen.Config.Classes, *perClass)
	summary["images"] = float64(len(grid))
	if *judge != "none" {
		clf, err := loadClassifier(env, &cli.Common{Model: *judge}, d.Dataset)
		if err != nil {
			return fmt.Errorf("-classifier: %w", err)
		}
		if summary["classifier_agreement"], err = gen.Agreement(clf, grid, *perClass); err != nil {
			return err
		}
		fmt.Fprintf(out, "the classifier gives %.1f%% of the generated images the class they were drawn for\n", 100*summary["classifier_agreement"])
	}
	return c.Result(env, summary)
}
