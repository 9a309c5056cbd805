package translator

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"github.com/rnnzoo/rnnzoo/train/checkpoint"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/rnnzoo/rnnzoo/datasets/parallel"
	"github.com/rnnzoo/rnnzoo/datasets/text"
	"github.com/rnnzoo/rnnzoo/graph"
	"github.com/rnnzoo/rnnzoo/internal/blastest"
)

func TestMain(m *testing.M) { blastest.Main(m) }

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
		o := DefaultOptions()
		o.Hidden, o.Embed, o.Epochs, o.Batch, o.Patience, o.LR, o.Dropout = 32, 16, 6, 32, 0, 0.01, 0
		o.Checkpoint, o.Log, o.Progress = small.model, small.log, io.Discard
		var info bytes.Buffer
		o.Info = &info
		d := DataOptions{Limit: 240, MaxLen: 10, Seed: 1}
		_, small.metrics, small.err = TrainEvaluate(context.Background(), d, o, DecodeOptions{Beam: 2, Alpha: 1, MaxOut: 20})
		small.out = info.String()
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
	tr, err := Load(small.model)
	if err != nil {
		t.Fatal(err)
	}
	greedy, err := tr.translate(sentences, DecodeOptions{Beam: 1, MaxOut: 20})
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
	wide, err := tr.translate(sentences, DecodeOptions{Beam: 3, Alpha: 1, MaxOut: 20})
	if err != nil || len(wide) != len(sentences) {
		t.Fatalf("beam 3: %v, %d outputs", err, len(wide))
	}
}

// The checkpoint written by train, re-read (and written again as weights
// alone, plain and gzip-compressed), translates exactly as the model that
// was trained; predict prints the same.
func TestCheckpointRoundTrip(t *testing.T) {
	trainSmall(t)
	a, err := Load(small.model)
	if err != nil {
		t.Fatal(err)
	}
	want, err := a.translate(sentences, DecodeOptions{Beam: 2, Alpha: 1, MaxOut: 20})
	if err != nil {
		t.Fatal(err)
	}
	// The translations the training run printed for the test set equal
	// those of the re-read model.
	exported := filepath.Join(small.dir, "w.ckpt")
	if err := a.Save(exported, false); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(exported)
	if err != nil {
		t.Fatal(err)
	}
	gz := filepath.Join(small.dir, "w.ckpt.gz")
	if err := a.Save(gz, false); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{small.model, exported, gz} {
		b, err := Load(path)
		if err != nil {
			t.Fatal(err)
		}
		got, err := b.translate(sentences, DecodeOptions{Beam: 2, Alpha: 1, MaxOut: 20})
		if err != nil {
			t.Fatal(err)
		}
		for i := range want {
			if got[i] != want[i] {
				t.Fatalf("%s: sentence %d: %q, want %q", path, i, got[i], want[i])
			}
		}
	}
	// The 8-bit export's tensor data are at most 31% of the float32 data
	// (8 bits of 32, plus a float32 scale per row or column), and its
	// translations mostly agree with the float32 model's. The file sizes
	// are compared only loosely: in a model this small the header (its
	// vocabularies, 7 kB) is a tenth of the file.
	q8 := filepath.Join(small.dir, "q8.ckpt")
	if err := a.Save(q8, true); err != nil {
		t.Fatal(err)
	}
	qst, err := os.Stat(q8)
	if err != nil {
		t.Fatal(err)
	}
	dataBytes := func(path string) int {
		ck, err := checkpoint.Read(path)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, tt := range ck.Tensors {
			n += len(tt.Data)
		}
		return n
	}
	if r := float64(dataBytes(q8)) / float64(dataBytes(exported)); r > 0.31 {
		t.Errorf("8-bit tensor data are %.3f of the float32 data", r)
	}
	if r := float64(qst.Size()) / float64(len(raw)); r > 0.4 {
		t.Errorf("8-bit export is %d bytes, %.2f of the float32 %d", qst.Size(), r, len(raw))
	}
	qm, err := Load(q8)
	if err != nil {
		t.Fatal(err)
	}
	qout, err := qm.translate(sentences, DecodeOptions{Beam: 2, Alpha: 1, MaxOut: 20})
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
	am, err := Average([]string{small.model, exported})
	if err != nil {
		t.Fatal(err)
	}
	if aout, err := am.translate(sentences, DecodeOptions{Beam: 2, Alpha: 1, MaxOut: 20}); err != nil || strings.Join(aout, "|") != strings.Join(want, "|") {
		t.Fatalf("averaged model: %q, %v; want %q", aout, err, want)
	}
	other := filepath.Join(small.dir, "other.ckpt")
	if p, err := Pretrained(); err != nil || p.Save(other, true) != nil {
		t.Fatal(err)
	}
	if _, err := Average([]string{small.model, other}); err == nil || !strings.Contains(err.Error(), "is not the model of") {
		t.Fatalf("averaging two different models: %v", err)
	}
	// The same model scores the test set as training reported.
	s, err := a.evaluate(mustRevelation(t), DecodeOptions{Beam: 1, MaxOut: 20})
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

// Training with a teacher forcing ratio below 1 and an LSTM with dot
// attention runs and gives a finite loss.
func TestTeacherForcingAndOtherCells(t *testing.T) {
	dir := t.TempDir()
	o := DefaultOptions()
	o.Hidden, o.Embed, o.Epochs, o.Batch, o.TeacherForcing = 16, 8, 1, 32, 0.5
	o.Cell, o.Attention, o.Layers, o.LabelSmoothing, o.WordDropout = graph.LSTM, graph.Dot, 2, 0.1, 0.2
	o.Checkpoint, o.Progress = filepath.Join(dir, "m.ckpt"), io.Discard
	var info bytes.Buffer
	o.Info = &info
	if _, _, err := TrainEvaluate(context.Background(), DataOptions{Limit: 64, MaxLen: 8, Seed: 1}, o, DecodeOptions{Beam: 1, MaxOut: 5}); err != nil {
		t.Fatal(err)
	}
	m, err := Load(o.Checkpoint)
	if err != nil {
		t.Fatal(err)
	}
	if m.cfg.LabelSmoothing != 0.1 || m.cfg.Cell != graph.LSTM || m.cfg.Attention != graph.Dot {
		t.Errorf("checkpoint config: %+v", m.cfg)
	}
	if !strings.Contains(info.String(), "encoder 8×2") {
		t.Fatalf("dot attention should halve the encoder size:\n%s", info.String())
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

func TestTruecase(t *testing.T) {
	tc := learnTruecase([]string{"And God said to Moses.", "Then God spoke.", "I am God, said I.", "the god of the city"})
	if tc["god"] != "God" || tc["moses"] != "Moses" || tc["i"] != "I" || tc["said"] != "" {
		t.Fatalf("truecase table %v", tc)
	}
	tr := &Model{truecase: tc}
	if got := tr.detokenize([]string{"and", "god", "said", ":", "i", "am", ".", "¿", "who", "?"}); got != "And God said: I am. ¿Who?" {
		t.Fatalf("detokenize: %q", got)
	}
}

// The embedded pretrained model, when the build has one, loads and
// translates; the demo path runs on it (scores, examples, heat map).
func TestPretrained(t *testing.T) {
	tr, err := Pretrained()
	if err != nil {
		t.Fatal(err)
	}
	if tr.cfg.Src != "eng" || tr.cfg.Tgt != "spa" {
		t.Fatalf("pretrained direction %s→%s", tr.cfg.Src, tr.cfg.Tgt)
	}
	out, err := tr.translate([]string{"The Lord is my shepherd."}, DecodeOptions{Beam: 1, MaxOut: 20})
	if err != nil || len(out) != 1 || out[0] == "" {
		t.Fatalf("translation %q, %v", out, err)
	}
	st, err := os.Stat(PretrainedFile)
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
	s, err := tr.evaluate(test, DecodeOptions{Beam: 1, MaxOut: 80})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("pretrained, Revelation, greedy: %v", s.Detail)
	if len(test) != 72 || !(s.BLEU >= pretrainedBLEUFloor) {
		t.Fatalf("BLEU %.2f on %d verses, want ≥ %v on 72", s.BLEU, len(test), pretrainedBLEUFloor)
	}
	// The demo's decoding, beam 4 and alpha 0.5, must hold the issue's
	// target of 12 (measured 12.39).
	bs, err := tr.evaluate(test, DecodeOptions{Beam: 4, Alpha: 0.5, MaxOut: 80})
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
	trainRun := func(want string, mod func(*Options)) {
		t.Helper()
		o := DefaultOptions()
		o.Hidden, o.Embed, o.Batch, o.Patience, o.WarmupMaxLen, o.WarmupEpochs = 16, 8, 32, 0, 6, 1
		o.Progress = io.Discard
		var info bytes.Buffer
		o.Info = &info
		mod(&o)
		if _, _, err := TrainEvaluate(context.Background(), DataOptions{Limit: 160, MaxLen: 10, Seed: 1}, o, DecodeOptions{Beam: 1, MaxOut: 12}); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(info.String(), want) {
			t.Fatalf("no %q line:\n%s", want, info.String())
		}
	}
	a, b := filepath.Join(dir, "a.ckpt"), filepath.Join(dir, "b.ckpt")
	trainRun("warm-up: ", func(o *Options) { o.Epochs, o.Checkpoint = 2, a })
	trainRun("warm-up: ", func(o *Options) { o.Epochs, o.Checkpoint = 1, b })
	trainRun("resumed: ", func(o *Options) { o.Epochs, o.Checkpoint, o.Resume = 2, b, true })
	var outs [2][]string
	for i, path := range []string{a, b} {
		m, err := Load(path)
		if err != nil {
			t.Fatal(err)
		}
		if outs[i], err = m.Translate(sentences, DecodeOptions{Beam: 1, MaxOut: 12}); err != nil {
			t.Fatal(err)
		}
	}
	if fmt.Sprint(outs[0]) != fmt.Sprint(outs[1]) {
		t.Fatalf("two epochs: %q\none + resumed one: %q", outs[0], outs[1])
	}
	trainRun("warm-up: ", func(o *Options) { o.Epochs, o.Schedule, o.Checkpoint = 1, "cosine", filepath.Join(dir, "c.ckpt") })
	o := DefaultOptions()
	o.Schedule = "linear"
	if err := o.Check(); err == nil {
		t.Fatal("unknown schedule accepted")
	}
}

// TestConcurrentTranslate: goroutines sharing one model get the
// translations one goroutine gets (run under -race in CI).
func TestConcurrentTranslate(t *testing.T) {
	m, err := Pretrained()
	if err != nil {
		t.Fatal(err)
	}
	o := DecodeOptions{Beam: 2, Alpha: 0.5, MaxOut: 20}
	want, err := m.Translate(sentences, o)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got, err := m.Translate(sentences[g%2:], o)
			if err == nil && fmt.Sprint(got) != fmt.Sprint(want[g%2:]) {
				err = fmt.Errorf("goroutine %d: %q, want %q", g, got, want[g%2:])
			}
			if err == nil && g == 3 {
				_, err = m.Attention(sentences[0], 20)
			}
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
}
