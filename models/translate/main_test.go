package main

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"image/png"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/rnnzoo/rnnzoo/blas"
	"github.com/rnnzoo/rnnzoo/datasets/parallel"
	"github.com/rnnzoo/rnnzoo/datasets/text"
)

func TestMain(m *testing.M) {
	if _, err := blas.Setup("auto"); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	os.Exit(m.Run())
}

// A small model trained briefly on 240 short embedded verse pairs, shared
// by the tests below.
var small struct {
	once    sync.Once
	dir     string
	model   string
	log     string
	out     string
	metrics map[string]float64
	err     error
}

func trainSmall(t *testing.T) {
	t.Helper()
	small.once.Do(func() {
		small.dir, small.err = os.MkdirTemp("", "translate-test")
		if small.err != nil {
			return
		}
		small.model = filepath.Join(small.dir, "m.ckpt")
		small.log = filepath.Join(small.dir, "log.jsonl")
		var out, errs bytes.Buffer
		args := []string{"train", "-limit", "240", "-maxlen", "10", "-hidden", "32", "-embed", "16", "-epochs", "6",
			"-batch", "32", "-valid", "0", "-patience", "0", "-lr", "0.01", "-dropout", "0", "-beam", "2", "-max-out", "20",
			"-model", small.model, "-log", small.log, "-json"}
		if small.err = run(args, nil, &out, &errs); small.err != nil {
			small.err = fmt.Errorf("%v\n%s", small.err, errs.String())
			return
		}
		small.out = out.String()
		lines := strings.Split(strings.TrimSpace(small.out), "\n")
		small.err = json.Unmarshal([]byte(lines[len(lines)-1]), &small.metrics)
	})
	if small.err != nil {
		t.Fatal(small.err)
	}
}

// Six epochs over 240 short pairs lower the training loss (mean
// cross-entropy per target token) by at least 2 nats from the first
// epoch's mean to the last's (measured: 4.16 to 1.52; an untrained model
// starts near ln 128 = 4.85 per token, 128 being the target vocabulary).
// With graph.Embedding's U(−0.1, 0.1) word vectors instead of N(0, 1) it
// fell only from 4.15 to 2.91.
func TestTrainingLowersLoss(t *testing.T) {
	trainSmall(t)
	f, err := os.Open(small.log)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var losses []float64
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var r struct {
			Event, Split string
			Loss         float64
		}
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatal(err)
		}
		if r.Event == "epoch" && r.Split == "train" {
			losses = append(losses, r.Loss)
		}
	}
	if len(losses) != 6 {
		t.Fatalf("%d epoch lines in the log", len(losses))
	}
	if drop := losses[0] - losses[5]; !(drop >= 2) {
		t.Fatalf("training loss fell by %.3f (from %.3f to %.3f), want ≥ 2", drop, losses[0], losses[5])
	}
	t.Logf("training loss per epoch: %.3f", losses)
	for _, k := range []string{"bleu", "bleu_beam", "chrf", "pairs"} {
		if v, ok := small.metrics[k]; !ok || math.IsNaN(v) {
			t.Fatalf("metric %s missing from %v", k, small.metrics)
		}
	}
	if small.metrics["pairs"] != 72 {
		t.Fatalf("test pairs %v, want the 72 verses of Revelation", small.metrics["pairs"])
	}
}

var sentences = []string{
	"And God said, Let there be light.",
	"The Lord is my shepherd.",
	"He went into the city.",
	"",
	"Blessed are the poor in spirit, for theirs is the Kingdom of Heaven.",
}

// Beam search with one hypothesis takes the most probable token at every
// step, so it must give the greedy translation, through the program's own
// decoding path (batched greedy decoder against the 1-row beam decoder).
func TestBeamOneEqualsGreedy(t *testing.T) {
	trainSmall(t)
	tr, err := loadModel(small.model)
	if err != nil {
		t.Fatal(err)
	}
	greedy, err := tr.translate(sentences, decodeOpts{Beam: 1, MaxOut: 20})
	if err != nil {
		t.Fatal(err)
	}
	srcs := make([][]int, len(sentences))
	for i, s := range sentences {
		srcs[i] = tr.encodeSrc(s)
	}
	for _, alpha := range []float64{0, 1} {
		ids, err := tr.beam(srcs, 1, alpha, 20)
		if err != nil {
			t.Fatal(err)
		}
		for i, s := range ids {
			if b := tr.detokenize(tr.tgt.Decode(s)); b != greedy[i] {
				t.Fatalf("sentence %d, alpha %g: greedy %q, beam 1 %q", i, alpha, greedy[i], b)
			}
		}
	}
	// A wider beam scores at least as well as greedy on its own objective
	// only in general, so just check it runs and gives text.
	wide, err := tr.translate(sentences, decodeOpts{Beam: 3, Alpha: 1, MaxOut: 20})
	if err != nil || len(wide) != len(sentences) {
		t.Fatalf("beam 3: %v, %d outputs", err, len(wide))
	}
}

// The checkpoint written by train, re-read (and written again as weights
// alone, plain and gzip-compressed), translates exactly as the model that
// was trained; predict prints the same.
func TestCheckpointRoundTrip(t *testing.T) {
	trainSmall(t)
	a, err := loadModel(small.model)
	if err != nil {
		t.Fatal(err)
	}
	want, err := a.translate(sentences, decodeOpts{Beam: 2, Alpha: 1, MaxOut: 20})
	if err != nil {
		t.Fatal(err)
	}
	// The translations the training run printed for the test set equal
	// those of the re-read model.
	exported := filepath.Join(small.dir, "w.ckpt")
	var out, errs bytes.Buffer
	if err := run([]string{"export", "-model", small.model, "-out", exported}, nil, &out, &errs); err != nil {
		t.Fatalf("%v\n%s", err, errs.String())
	}
	raw, err := os.ReadFile(exported)
	if err != nil {
		t.Fatal(err)
	}
	gz := filepath.Join(small.dir, "w.ckpt.gz")
	if err := os.WriteFile(gz, gzipBytes(t, raw), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{small.model, exported, gz} {
		b, err := loadModel(path)
		if err != nil {
			t.Fatal(err)
		}
		got, err := b.translate(sentences, decodeOpts{Beam: 2, Alpha: 1, MaxOut: 20})
		if err != nil {
			t.Fatal(err)
		}
		for i := range want {
			if got[i] != want[i] {
				t.Fatalf("%s: sentence %d: %q, want %q", path, i, got[i], want[i])
			}
		}
	}
	// The 8-bit export is at most 35% of the float32 file, and its
	// translations mostly agree with the float32 model's.
	q8 := filepath.Join(small.dir, "q8.ckpt")
	if err := run([]string{"export", "-model", small.model, "-out", q8, "-int8"}, nil, &out, &errs); err != nil {
		t.Fatalf("%v\n%s", err, errs.String())
	}
	qst, err := os.Stat(q8)
	if err != nil {
		t.Fatal(err)
	}
	if r := float64(qst.Size()) / float64(len(raw)); r > 0.35 {
		t.Errorf("8-bit export is %d bytes, %.2f of the float32 %d", qst.Size(), r, len(raw))
	}
	qm, err := loadModel(q8)
	if err != nil {
		t.Fatal(err)
	}
	qout, err := qm.translate(sentences, decodeOpts{Beam: 2, Alpha: 1, MaxOut: 20})
	if err != nil {
		t.Fatal(err)
	}
	same := 0
	for i := range want {
		if qout[i] == want[i] {
			same++
		}
	}
	t.Logf("8-bit model: %d of %d translations unchanged", same, len(want))
	if 2*same < len(want) {
		t.Errorf("8-bit model: only %d of %d translations unchanged:\n%q\n%q", same, len(want), qout, want)
	}
	// The mean of a checkpoint with itself is that checkpoint; checkpoints
	// of different models are refused.
	avg := filepath.Join(small.dir, "avg.ckpt")
	if err := run([]string{"average", "-out", avg, small.model, exported}, nil, &out, &errs); err != nil {
		t.Fatalf("%v\n%s", err, errs.String())
	}
	am, err := loadModel(avg)
	if err != nil {
		t.Fatal(err)
	}
	if aout, err := am.translate(sentences, decodeOpts{Beam: 2, Alpha: 1, MaxOut: 20}); err != nil || strings.Join(aout, "|") != strings.Join(want, "|") {
		t.Fatalf("averaged model: %q, %v; want %q", aout, err, want)
	}
	if hasPretrained() {
		err := run([]string{"average", "-out", avg, small.model, builtinModel}, nil, &out, &errs)
		if err == nil || !strings.Contains(err.Error(), "differs") {
			t.Fatalf("averaging two different models: %v", err)
		}
	}
	out.Reset()
	if err := run(append([]string{"predict", "-model", gz, "-beam", "2", "-max-out", "20"}, sentences...), nil, &out, &errs); err != nil {
		t.Fatal(err)
	}
	if got := strings.Split(strings.TrimRight(out.String(), "\n"), "\n"); strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("predict printed %q, want %q", got, want)
	}
	// The same model scores the test set as training reported.
	s, err := a.evaluate(mustRevelation(t), decodeOpts{Beam: 1, MaxOut: 20})
	if err != nil {
		t.Fatal(err)
	}
	if s.BLEU != small.metrics["bleu"] {
		t.Fatalf("re-read model: BLEU %v, training reported %v", s.BLEU, small.metrics["bleu"])
	}
}

func mustRevelation(t *testing.T) []parallel.Pair {
	t.Helper()
	_, test, err := parallel.BibleSplit("")
	if err != nil {
		t.Fatal(err)
	}
	p, err := test.Pairs("eng", "spa")
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// eval -json ends with one JSON line holding the BLEU and the number of
// pairs; heatmap writes a PNG.
func TestEvalJSONAndHeatmap(t *testing.T) {
	trainSmall(t)
	dir := t.TempDir()
	pairs := filepath.Join(dir, "spa.txt")
	if err := os.WriteFile(pairs, []byte("The Lord is my shepherd.\tJehová es mi pastor.\nHe went into the city.\tY entró en la ciudad.\n\nAnd God said.\tY dijo Dios.\tsome attribution\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	var out, errs bytes.Buffer
	if err := run([]string{"eval", "-model", small.model, "-test", pairs, "-json"}, nil, &out, &errs); err != nil {
		t.Fatalf("%v\n%s", err, errs.String())
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	var m map[string]float64
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &m); err != nil {
		t.Fatalf("last line is not JSON: %q", lines[len(lines)-1])
	}
	if m["pairs"] != 3 || math.IsNaN(m["bleu"]) || m["bleu"] < 0 || m["bleu"] > 100 {
		t.Fatalf("eval metrics %v", m)
	}
	// -valid-split scores the validation pairs a default train run holds
	// out of the embedded Bible: 610 verses.
	out.Reset()
	if err := run([]string{"eval", "-model", small.model, "-valid-split", "-max-out", "5", "-json"}, nil, &out, &errs); err != nil {
		t.Fatalf("%v\n%s", err, errs.String())
	}
	lines = strings.Split(strings.TrimSpace(out.String()), "\n")
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &m); err != nil || m["pairs"] != 610 {
		t.Fatalf("eval -valid-split: %v, %v", m, err)
	}
	png1 := filepath.Join(dir, "a.png")
	out.Reset()
	if err := run([]string{"heatmap", "-model", small.model, "-out", png1, "-max-out", "12", "He went into the city."}, nil, &out, &errs); err != nil {
		t.Fatalf("%v\n%s", err, errs.String())
	}
	f, err := os.Open(png1)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	if b := img.Bounds(); b.Dx() < 100 || b.Dy() < 100 {
		t.Fatalf("heat map is %v", b)
	}
}

// Training with a teacher forcing ratio below 1 and an LSTM with dot
// attention runs and gives a finite loss.
func TestTeacherForcingAndOtherCells(t *testing.T) {
	var out, errs bytes.Buffer
	dir := t.TempDir()
	args := []string{"train", "-limit", "64", "-maxlen", "8", "-hidden", "16", "-embed", "8", "-epochs", "1",
		"-batch", "32", "-valid", "0", "-teacher-forcing", "0.5", "-cell", "lstm", "-attention", "dot", "-layers", "2",
		"-label-smoothing", "0.1", "-word-dropout", "0.2",
		"-max-out", "5", "-model", filepath.Join(dir, "m.ckpt"), "-json"}
	if err := run(args, nil, &out, &errs); err != nil {
		t.Fatalf("%v\n%s", err, errs.String())
	}
	m, err := loadModel(filepath.Join(dir, "m.ckpt"))
	if err != nil {
		t.Fatal(err)
	}
	if m.cfg.LabelSmoothing != 0.1 {
		t.Errorf("checkpoint config: label smoothing %v, want 0.1", m.cfg.LabelSmoothing)
	}
	if !strings.Contains(out.String(), "encoder 8×2") {
		t.Fatalf("dot attention should halve the encoder size:\n%s", out.String())
	}
}

// Word dropout replaces about p of the tokens after the first skip ones
// by <unk>, the same ones for the same seed, without touching its input.
func TestDropWords(t *testing.T) {
	seqs := make([][]int, 200)
	for i := range seqs {
		seqs[i] = make([]int, 50)
		for j := range seqs[i] {
			seqs[i][j] = 5 + j
		}
	}
	a := dropWords(seqs, 0.25, 1, rand.New(rand.NewPCG(1, 2)))
	b := dropWords(seqs, 0.25, 1, rand.New(rand.NewPCG(1, 2)))
	dropped := 0
	for i := range a {
		if a[i][0] != 5 {
			t.Fatalf("row %d: the first token was dropped", i)
		}
		for j, v := range a[i] {
			if seqs[i][j] != 5+j {
				t.Fatal("dropWords changed its input")
			}
			if v != b[i][j] {
				t.Fatal("the same seed dropped other words")
			}
			if v == text.UnkID {
				dropped++
			} else if v != 5+j {
				t.Fatalf("token %d became %d", 5+j, v)
			}
		}
	}
	if share := float64(dropped) / (200 * 49); share < 0.23 || share > 0.27 {
		t.Errorf("dropped %.3f of the words, want 0.25", share)
	}
}

func TestBadInputs(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.tsv")
	if err := os.WriteFile(bad, []byte("only one field\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"frobnicate"},
		{"train", "-cell", "transformer"},
		{"train", "-cell", "rnn", "-limit", "10"},
		{"train", "-attention", "bilinear", "-limit", "10"},
		{"train", "-teacher-forcing", "2"},
		{"train", "-dropout", "1", "-limit", "10"},
		{"train", "-data", bad},
		{"train", "-data", filepath.Join(dir, "missing.tsv")},
		{"train", "-format", "csv", "-data", bad},
		{"train", "-src", "deu", "-limit", "10"},
		{"eval", "-model", filepath.Join(dir, "missing.ckpt"), "-test", bad},
		{"eval"},
		{"predict", "-model", bad, "hello"},
		{"heatmap"},
		{"export", "-model", bad},
		{"-beam", "0"},
		{"surplus", "args"},
	} {
		var out, errs bytes.Buffer
		if err := run(args, strings.NewReader(""), &out, &errs); err == nil {
			t.Errorf("%v: no error", args)
		}
	}
}

func TestTruecase(t *testing.T) {
	tc := learnTruecase([]string{"And God said to Moses.", "Then God spoke.", "I am God, said I.", "the god of the city"})
	if tc["god"] != "God" || tc["moses"] != "Moses" || tc["i"] != "I" || tc["said"] != "" {
		t.Fatalf("truecase table %v", tc)
	}
	tr := &translator{truecase: tc}
	if got := tr.detokenize([]string{"and", "god", "said", ":", "i", "am", ".", "¿", "who", "?"}); got != "And God said: I am. ¿Who?" {
		t.Fatalf("detokenize: %q", got)
	}
}

func gzipBytes(t *testing.T, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write(b); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// The embedded pretrained model, when the build has one, loads and
// translates; the demo path runs on it (scores, examples, heat map).
func TestPretrained(t *testing.T) {
	if !hasPretrained() {
		t.Skip("this build has no embedded pretrained model (see pretrained/README.md)")
	}
	tr, err := loadModel(builtinModel)
	if err != nil {
		t.Fatal(err)
	}
	if tr.cfg.Src != "eng" || tr.cfg.Tgt != "spa" {
		t.Fatalf("pretrained direction %s→%s", tr.cfg.Src, tr.cfg.Tgt)
	}
	out, err := tr.translate([]string{"The Lord is my shepherd."}, decodeOpts{Beam: 1, MaxOut: 20})
	if err != nil || len(out) != 1 || out[0] == "" {
		t.Fatalf("translation %q, %v", out, err)
	}
	st, err := os.Stat("pretrained/bible-eng-spa.ckpt.gz")
	if err != nil || st.Size() > 5<<20 {
		t.Fatalf("pretrained file: %v, %v", st, err)
	}
	// Greedy BLEU on the held-out book (Revelation's 72 verses of at most
	// 20 words, a few seconds): the floor is the score measured when the
	// file was made (see pretrained/README.md), rounded down.
	_, testB, err := parallel.BibleSplit("")
	if err != nil {
		t.Fatal(err)
	}
	test, err := testB.Pairs(parallel.English, parallel.Spanish)
	if err != nil {
		t.Fatal(err)
	}
	s, err := tr.evaluate(test, decodeOpts{Beam: 1, MaxOut: 80})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("pretrained, Revelation, greedy: %v", s.Detail)
	if len(test) != 72 || !(s.BLEU >= pretrainedBLEUFloor) {
		t.Fatalf("BLEU %.2f on %d verses, want ≥ %v on 72", s.BLEU, len(test), pretrainedBLEUFloor)
	}
	// The demo's decoding, beam 4 and alpha 0.5, must hold the issue's
	// target of 12 (measured 12.39).
	bs, err := tr.evaluate(test, decodeOpts{Beam: 4, Alpha: 0.5, MaxOut: 80})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("pretrained, Revelation, beam 4: %v", bs.Detail)
	if !(bs.BLEU >= 12) {
		t.Fatalf("beam 4 BLEU %.2f on Revelation, want ≥ 12", bs.BLEU)
	}
}

// pretrainedBLEUFloor is the least greedy BLEU the embedded model must
// score on Revelation (measured 10.97 with its 8-bit weights).
const pretrainedBLEUFloor = 10.5

// A run stopped after one epoch and resumed for a second translates
// exactly as a two-epoch run (with a warm-up on the short pairs first);
// the cosine schedule trains.
func TestWarmupAndResume(t *testing.T) {
	dir := t.TempDir()
	common := []string{"train", "-limit", "160", "-maxlen", "10", "-hidden", "16", "-embed", "8", "-batch", "32",
		"-valid", "0", "-patience", "0", "-warmup-maxlen", "6", "-warmup-epochs", "1", "-max-out", "12"}
	trainRun := func(want string, extra ...string) {
		t.Helper()
		var out, errs bytes.Buffer
		if err := run(append(append([]string{}, common...), extra...), nil, &out, &errs); err != nil {
			t.Fatalf("%v\n%s", err, errs.String())
		}
		if !strings.Contains(out.String(), want) {
			t.Fatalf("no %q line:\n%s", want, out.String())
		}
	}
	a, b := filepath.Join(dir, "a.ckpt"), filepath.Join(dir, "b.ckpt")
	trainRun("warm-up: ", "-epochs", "2", "-model", a)
	trainRun("warm-up: ", "-epochs", "1", "-model", b)
	trainRun("resumed: ", "-epochs", "2", "-model", b, "-resume")
	var outs [2][]string
	for i, path := range []string{a, b} {
		m, err := loadModel(path)
		if err != nil {
			t.Fatal(err)
		}
		if outs[i], err = m.translate(sentences, decodeOpts{Beam: 1, MaxOut: 12}); err != nil {
			t.Fatal(err)
		}
	}
	if fmt.Sprint(outs[0]) != fmt.Sprint(outs[1]) {
		t.Fatalf("two epochs: %q\none + resumed one: %q", outs[0], outs[1])
	}
	trainRun("warm-up: ", "-epochs", "1", "-schedule", "cosine", "-model", filepath.Join(dir, "c.ckpt"))
	var errs bytes.Buffer
	if err := run(append(append([]string{}, common...), "-schedule", "step", "-model", filepath.Join(dir, "d.ckpt")), nil, io.Discard, &errs); err == nil {
		t.Fatal("unknown schedule accepted")
	}
}
