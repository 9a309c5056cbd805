package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/rnnzoo/rnnzoo/blas"
	"github.com/rnnzoo/rnnzoo/datasets/corpus"
	"github.com/rnnzoo/rnnzoo/models/charlm/internal/lm"
	"github.com/rnnzoo/rnnzoo/train"
)

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "charlm:", err)
		os.Exit(1)
	}
}

func run(args []string, stdout, stderr io.Writer) error {
	cmd := "demo"
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "demo", "train":
		return trainCmd(cmd, args, stdout, stderr)
	case "eval":
		return evalCmd(args, stdout, stderr)
	case "sample":
		return sampleCmd(args, stdout, stderr)
	}
	return fmt.Errorf("unknown command %q (want train, eval or sample)", cmd)
}

// loadText reads a UTF-8 file, or the embedded corpus when path is empty,
// keeping the last maxChars characters (0: all).
func loadText(path string, maxChars int) ([]rune, string, error) {
	var b []byte
	name := path
	if path == "" {
		rc, err := corpus.Open()
		if err != nil {
			return nil, "", err
		}
		defer rc.Close()
		if b, err = io.ReadAll(rc); err != nil {
			return nil, "", err
		}
		name = "embedded corpus: " + corpus.Name
	} else {
		var err error
		if b, err = os.ReadFile(path); err != nil {
			return nil, "", err
		}
	}
	text := []rune(string(b))
	if maxChars > 0 && len(text) > maxChars {
		text = text[len(text)-maxChars:]
	}
	return text, name, nil
}

func trainCmd(cmd string, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("charlm "+cmd, flag.ContinueOnError)
	fs.SetOutput(stderr)
	data := fs.String("data", "", "UTF-8 text file (default: the embedded corpus)")
	maxChars := fs.Int("maxchars", 2000000, "use only the last this many characters of the text (0: all)")
	validFrac := fs.Float64("valid", 0.05, "share of the text (its end) held out")
	model := fs.String("model", "", "checkpoint to write (default: a file in the temporary directory)")
	cell := fs.String("cell", "lstm", "lstm, gru or rnn")
	layers := fs.Int("layers", 2, "stacked recurrent layers")
	hidden := fs.Int("hidden", 128, "hidden units per layer")
	embed := fs.Int("embed", 32, "character embedding size")
	embedStd := fs.Float64("embed-std", 1, "initial embedding drawn from N(0, std²) (0: U(−0.1, 0.1))")
	dropout := fs.Float64("dropout", 0, "dropout between layers and before the output")
	batch := fs.Int("batch", 32, "parallel streams per batch")
	bptt := fs.Int("bptt", 64, "steps per batch (truncated BPTT length)")
	steps := fs.Int("steps", 0, "updates (default: demo 600, train 5000)")
	budget := fs.Duration("time", 0, "stop training after this long (e.g. 90s; the run then depends on the machine's speed)")
	lr := fs.Float64("lr", 0.003, "Adam learning rate")
	clip := fs.Float64("clip", 5, "global-norm clipping threshold (0: off)")
	seed := fs.Uint64("seed", 1, "seed of the weights, dropout and sampling")
	evalEvery := fs.Int("eval-every", 200, "updates between held-out evaluations")
	ngram := fs.Int("ngram", 5, "order of the n-gram baseline (0: skip)")
	torch := fs.Bool("torch", false, "also train the PyTorch baseline for the same time (needs python3 with torch)")
	torchScript := fs.String("torch-script", filepath.Join("models", "charlm", "torch_baseline.py"), "the PyTorch baseline script")
	python := fs.String("python", "python3", "Python interpreter for -torch")
	samples := fs.Int("samples", 3, "samples to print after training")
	temp := fs.Float64("temperature", 0.7, "temperature of the printed samples")
	logPath := fs.String("log", "", "JSONL file of the evaluations during training")
	blasName := fs.String("blas", "auto", "BLAS: auto, go, gonum, openblas")
	asJSON := fs.Bool("json", false, "print the final metrics as one JSON object on the last line")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	if *steps == 0 && *budget == 0 {
		*steps = 5000
		if cmd == "demo" {
			*steps = 600
		}
	}
	if *validFrac <= 0 || *validFrac >= 1 {
		return fmt.Errorf("-valid must be in (0,1)")
	}
	info, err := blas.Setup(*blasName)
	if err != nil {
		return err
	}
	text, name, err := loadText(*data, *maxChars)
	if err != nil {
		return err
	}
	trText, vaText := lm.Split(text, *validFrac)
	vocab := lm.NewVocab(trText, 255)
	trIDs, vaIDs := vocab.Encode(trText), vocab.Encode(vaText)
	fmt.Fprintf(stdout, "charlm: %s\n%d characters (%d training, %d held out), %d distinct characters; BLAS %v\n",
		name, len(text), len(trText), len(vaText), vocab.Size()-1, info)
	cfg := lm.Config{Cell: *cell, Layers: *layers, Hidden: *hidden, Embed: *embed, Dropout: *dropout, Seed: *seed, EmbedStd: *embedStd}
	m, err := lm.NewModel(cfg, vocab)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "model: %d×%s %d, embedding %d, %d weights; batch %d streams × %d steps, Adam %g, clip %g\n",
		*layers, *cell, *hidden, *embed, m.Params.Count(), *batch, *bptt, *lr, *clip)
	var jsonl io.Writer
	if *logPath != "" {
		f, err := os.Create(*logPath)
		if err != nil {
			return err
		}
		defer f.Close()
		jsonl = f
	}
	rep, err := m.Train(trIDs, vaIDs, lm.TrainConfig{
		Batch: *batch, BPTT: *bptt, Steps: *steps, Time: *budget, LR: *lr, Clip: *clip,
		EvalEvery: *evalEvery, Log: stdout, JSONL: jsonl,
	})
	if err != nil {
		return err
	}
	final := map[string]any{
		"bpc": round(rep.ValidBPC), "perplexity": round(rep.ValidPPL), "nll": round(rep.ValidNLL),
		"steps": rep.Steps, "train_seconds": round(rep.Seconds), "chars_seen": rep.Chars, "valid_chars": rep.ValidSize,
	}
	fmt.Fprintf(stdout, "\n%s after %d updates (%.0fs, %d characters seen): held-out %.3f bits/char, perplexity %.2f (%d characters)\n",
		*cell, rep.Steps, rep.Seconds, rep.Chars, rep.ValidBPC, rep.ValidPPL, rep.ValidSize)
	if *ngram > 0 {
		start := time.Now()
		ng, err := lm.NewNGram(trIDs, *ngram, vocab.Size())
		if err != nil {
			return err
		}
		bpc := ng.BitsPerChar(vaIDs)
		fmt.Fprintf(stdout, "baseline %d-gram (interpolated Witten–Bell, all %d training characters): held-out %.3f bits/char, perplexity %.2f (%.0fs)\n",
			*ngram, len(trIDs), bpc, train.Perplexity(bpc*0.6931471805599453), time.Since(start).Seconds())
		final["ngram_bpc"] = round(bpc)
		final["ngram_order"] = *ngram
	}
	if *torch {
		tb, err := torchBaseline(*python, *torchScript, text, *validFrac, cfg, *batch, *bptt, *lr, *clip, rep.Seconds, stderr)
		if err != nil {
			return fmt.Errorf("torch baseline: %w", err)
		}
		fmt.Fprintf(stdout, "baseline PyTorch %d×%s %d (same split and batches, %.0fs, %v updates): held-out %.3f bits/char\n",
			*layers, *cell, *hidden, tb["train_seconds"], tb["steps"], tb["bpc"])
		final["torch_bpc"] = tb["bpc"]
		final["torch_steps"] = tb["steps"]
	}
	path := *model
	if path == "" {
		dir := filepath.Join(os.TempDir(), "rnnzoo-charlm")
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
		path = filepath.Join(dir, "model.ckpt")
	}
	metrics := map[string]float64{"bpc": rep.ValidBPC, "perplexity": rep.ValidPPL, "steps": float64(rep.Steps)}
	if err := m.Save(path, metrics); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "checkpoint: %s\n", path)
	primes := []string{"The Congress", "My fellow citizens", "In the year"}
	for i := 0; i < *samples; i++ {
		prime := primes[i%len(primes)]
		s, err := m.Sample(prime, 200, *temp, *seed+uint64(i))
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "\nsample %d (temperature %g): %s%s\n", i+1, *temp, prime, s)
	}
	if *asJSON {
		b, _ := json.Marshal(final)
		fmt.Fprintln(stdout, string(b))
	}
	return nil
}

func round(v float64) float64 {
	return float64(int64(v*10000+0.5)) / 10000
}

// torchBaseline runs the PyTorch script on the same text and settings and
// returns its final JSON line.
func torchBaseline(python, script string, text []rune, validFrac float64, cfg lm.Config, batch, bptt int, lr, clip, seconds float64, stderr io.Writer) (map[string]float64, error) {
	if _, err := os.Stat(script); err != nil {
		return nil, fmt.Errorf("%w (run from the repository root or set -torch-script)", err)
	}
	f, err := os.CreateTemp("", "charlm-text-*.txt")
	if err != nil {
		return nil, err
	}
	defer os.Remove(f.Name())
	if _, err := f.WriteString(string(text)); err != nil {
		f.Close()
		return nil, err
	}
	if err := f.Close(); err != nil {
		return nil, err
	}
	c := exec.Command(python, script, "--data", f.Name(), "--valid", fmt.Sprint(validFrac),
		"--cell", cfg.Cell, "--layers", fmt.Sprint(cfg.Layers), "--hidden", fmt.Sprint(cfg.Hidden),
		"--embed", fmt.Sprint(cfg.Embed), "--batch", fmt.Sprint(batch), "--bptt", fmt.Sprint(bptt),
		"--lr", fmt.Sprint(lr), "--clip", fmt.Sprint(clip), "--seconds", fmt.Sprint(seconds),
		"--seed", fmt.Sprint(cfg.Seed), "--threads", "1")
	c.Stderr = stderr
	out, err := c.Output()
	if err != nil {
		return nil, err
	}
	var last string
	sc := bufio.NewScanner(strings.NewReader(string(out)))
	for sc.Scan() {
		if l := strings.TrimSpace(sc.Text()); l != "" {
			last = l
		}
	}
	var res map[string]float64
	if err := json.Unmarshal([]byte(last), &res); err != nil {
		return nil, fmt.Errorf("last line %q: %w", last, err)
	}
	return res, nil
}

func evalCmd(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("charlm eval", flag.ContinueOnError)
	fs.SetOutput(stderr)
	model := fs.String("model", "", "checkpoint (required)")
	data := fs.String("data", "", "UTF-8 text to score (default: the held-out part of the embedded demo text)")
	batch := fs.Int("batch", 32, "parallel streams")
	bptt := fs.Int("bptt", 64, "steps per batch")
	asJSON := fs.Bool("json", false, "print the metrics as JSON on the last line")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *model == "" {
		return errors.New("eval needs -model")
	}
	m, _, err := lm.Load(*model)
	if err != nil {
		return err
	}
	var text []rune
	if *data == "" {
		all, _, err := loadText("", 2000000)
		if err != nil {
			return err
		}
		_, text = lm.Split(all, 0.05)
	} else if text, _, err = loadText(*data, 0); err != nil {
		return err
	}
	nll, n, err := m.Evaluate(m.Vocab.Encode(text), *batch, *bptt)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%d characters: %.3f bits/char, perplexity %.2f\n", n, train.BitsPerChar(nll), train.Perplexity(nll))
	if *asJSON {
		b, _ := json.Marshal(map[string]any{"bpc": round(train.BitsPerChar(nll)), "perplexity": round(train.Perplexity(nll)), "chars": n})
		fmt.Fprintln(stdout, string(b))
	}
	return nil
}

func sampleCmd(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("charlm sample", flag.ContinueOnError)
	fs.SetOutput(stderr)
	model := fs.String("model", "", "checkpoint (required)")
	prime := fs.String("prime", "", "text the model reads before it writes")
	n := fs.Int("n", 500, "characters to generate")
	temp := fs.Float64("temperature", 0.8, "softmax temperature (0: always the most probable character)")
	seed := fs.Uint64("seed", 1, "seed of the sampling")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *model == "" {
		return errors.New("sample needs -model")
	}
	if *n < 0 {
		return errors.New("-n must not be negative")
	}
	m, _, err := lm.Load(*model)
	if err != nil {
		return err
	}
	s, err := m.Sample(*prime, *n, *temp, *seed)
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, *prime+s)
	return nil
}
