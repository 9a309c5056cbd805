package polarity

import (
	"context"
	"errors"
	"github.com/rnnzoo/rnnzoo/train/checkpoint"
	"io"
	"math"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rnnzoo/rnnzoo/datasets/sentiment"
	"github.com/rnnzoo/rnnzoo/graph"
)

// TestPretrained holds the shipped model to its model card: the test
// accuracy on the embedded UCI split's 300 test sentences, loaded from the
// 8-bit file.
func TestPretrained(t *testing.T) {
	start := time.Now()
	m, err := Pretrained()
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("loaded in %v: %v", time.Since(start), m)
	ds, err := sentiment.UCISplit()
	if err != nil {
		t.Fatal(err)
	}
	ev, err := m.Evaluate(sentiment.Texts(ds.Test), sentiment.Labels(ds.Test))
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("test accuracy %.4f, macro-F1 %.4f (%d sentences)", ev.Metrics["accuracy"], ev.Metrics["macro_f1"], int(ev.Weight))
	if acc := ev.Metrics["accuracy"]; acc < 0.82 {
		t.Fatalf("test accuracy %.4f below the model card's floor of 0.82", acc)
	}
	if got := m.Labels(); len(got) != 2 || got[1] != "positive" {
		t.Fatalf("labels %v", got)
	}
}

// TestConcurrentPredict: goroutines sharing one model get the answers one
// goroutine gets (run under -race in CI).
func TestConcurrentPredict(t *testing.T) {
	m, err := Pretrained()
	if err != nil {
		t.Fatal(err)
	}
	texts := []string{"great value, works perfectly", "it broke after a day", "", "meh", strings.Repeat("long and boring ", 50)}
	want, err := m.Predict(texts)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for r := 0; r < 3; r++ {
				got, err := m.Predict(texts[g%len(texts):])
				if err != nil {
					errs <- err
					return
				}
				for i, p := range got {
					w := want[g%len(texts)+i]
					if p.Label != w.Label || p.Probabilities[0] != w.Probabilities[0] {
						errs <- errors.New("a concurrent prediction differs")
						return
					}
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
}

// TestTrainCancelResume: a cancelled Train leaves a checkpoint that Load
// reads and that Resume continues to the same weights as an uninterrupted
// run; the checkpoint names its kind.
func TestTrainCancelResume(t *testing.T) {
	ds, err := sentiment.UCISplit()
	if err != nil {
		t.Fatal(err)
	}
	data := Data{Train: ds.Train[:400], Valid: ds.Valid[:64]}
	opts := DefaultOptions()
	opts.Model.Cell, opts.Model.Hidden, opts.Model.Bidirectional, opts.Model.EmbedDim = graph.GRU, 8, false, 16
	opts.Train.Epochs, opts.Train.Patience = 2, 0
	opts.Progress = io.Discard
	straight, _, err := Train(context.Background(), data, opts)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	opts.Checkpoint = filepath.Join(dir, "m.ckpt")
	// Cancel when the first epoch's line is printed: training stops before
	// the first update of epoch 2.
	ctx, cancel := context.WithCancel(context.Background())
	opts.Progress = cancelOnWrite(cancel)
	if _, res, err := Train(ctx, data, opts); !errors.Is(err, context.Canceled) || res.Report.Stopped != "canceled" || res.Report.Epochs != 1 {
		t.Fatalf("cancelled Train: %v, %+v", err, res.Report)
	}
	opts.Progress = io.Discard
	ck, err := checkpoint.Read(opts.Checkpoint)
	if err != nil || ck.Kind != Kind {
		t.Fatalf("checkpoint kind %q, %v", ck.Kind, err)
	}
	opts.Resume = true
	resumed, _, err := Train(context.Background(), data, opts)
	if err != nil {
		t.Fatal(err)
	}
	a, b := straight.Params().All(), resumed.Params().All()
	for i := range a {
		x, y := a[i].F32(), b[i].F32()
		for j := range x {
			if x[j] != y[j] {
				t.Fatalf("%s[%d]: %v resumed, %v straight", a[i].Name, j, y[j], x[j])
			}
		}
	}
	loaded, err := Load(opts.Checkpoint)
	if err != nil {
		t.Fatal(err)
	}
	p1, _ := resumed.Predict([]string{"fine"})
	p2, _ := loaded.Predict([]string{"fine"})
	if p1[0].Probabilities[1] != p2[0].Probabilities[1] {
		t.Fatalf("loaded model predicts %v, trained %v", p2[0], p1[0])
	}
}

type cancelOnWrite context.CancelFunc

func (c cancelOnWrite) Write(p []byte) (int, error) {
	c()
	return len(p), nil
}

func TestLoadRefusesOtherKinds(t *testing.T) {
	m, err := Pretrained()
	if err != nil {
		t.Fatal(err)
	}
	ck, err := checkpoint.New(m.Params(), m.Config(), map[string]any{"words": m.Vocab()}, nil)
	if err != nil {
		t.Fatal(err)
	}
	ck.Kind = "translate"
	path := filepath.Join(t.TempDir(), "t.ckpt")
	if err := ck.Write(path); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(path); err == nil || !strings.Contains(err.Error(), "holds a translate model, not a sentiment model") {
		t.Fatalf("Load of a translate checkpoint: %v", err)
	}
}

func TestConfigValidate(t *testing.T) {
	c := DefaultConfig()
	c.Vocab = 10
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	for _, mod := range []func(*Config){
		func(c *Config) { c.MaxLen = 0 },
		func(c *Config) { c.Hidden = -1 },
		func(c *Config) { c.Classes = 3 },
		func(c *Config) { c.Dropout = 1 },
	} {
		bad := c
		mod(&bad)
		if bad.Validate() == nil {
			t.Errorf("%+v accepted", bad)
		}
	}
}

// TestWarmupKeepsAnswers: after Warmup, predictions are those of a model
// that was not warmed up.
func TestWarmupKeepsAnswers(t *testing.T) {
	a, err := Pretrained()
	if err != nil {
		t.Fatal(err)
	}
	b, err := Pretrained()
	if err != nil {
		t.Fatal(err)
	}
	if err := b.Warmup(); err != nil {
		t.Fatal(err)
	}
	texts := []string{"a fine film", "dull , slow and far too long", ""}
	pa, err := a.Predict(texts)
	if err != nil {
		t.Fatal(err)
	}
	pb, err := b.Predict(texts)
	if err != nil {
		t.Fatal(err)
	}
	for i := range pa {
		for c := range pa[i].Probabilities {
			if pa[i].Probabilities[c] != pb[i].Probabilities[c] {
				t.Errorf("text %d class %d: %v after Warmup, %v without", i, c, pb[i].Probabilities[c], pa[i].Probabilities[c])
			}
		}
	}
}

// TestPretrainedModelCard: the shipped model scores on the embedded UCI
// test split what its model card (the package doc) says: accuracy and
// macro-F1 0.867 and 0.865.
func TestPretrainedModelCard(t *testing.T) {
	m, err := Pretrained()
	if err != nil {
		t.Fatal(err)
	}
	ds, err := sentiment.UCISplit()
	if err != nil {
		t.Fatal(err)
	}
	ev, err := m.Evaluate(sentiment.Texts(ds.Test), sentiment.Labels(ds.Test))
	if err != nil {
		t.Fatal(err)
	}
	if a, f := ev.Metrics["accuracy"], ev.Metrics["macro_f1"]; math.Abs(a-0.8667) > 5e-4 || math.Abs(f-0.8653) > 5e-4 {
		t.Errorf("shipped model: accuracy %.4f, macro-F1 %.4f on the UCI test split; the model card says 0.867 and 0.865", a, f)
	}
}

// DataDefaults sets the SST-2 recipe's parts whose flags were not given,
// and nothing for other data sets.
func TestDataDefaults(t *testing.T) {
	o := DefaultOptions()
	o.DataDefaults("sst2", "", func(f string) bool { return f == "lr" })
	if o.Model.Hidden != 256 || o.Model.Layers != 2 || o.Model.Dropout != 0.5 || o.Train.Epochs != 3 || o.Train.Patience != 0 || o.Train.AverageEpochs != 3 || o.Train.LR != DefaultOptions().Train.LR {
		t.Fatalf("sst2 with -lr given: %+v %+v", o.Model, o.Train)
	}
	// -patience given keeps the best epoch instead of the average.
	p := DefaultOptions()
	p.Train.Patience = 2
	p.DataDefaults("sst2", "", func(f string) bool { return f == "patience" })
	if p.Train.Patience != 2 || p.Train.AverageEpochs != 0 || p.Train.Check() != nil {
		t.Fatalf("sst2 with -patience 2: %+v", p.Train)
	}
	u := DefaultOptions()
	u.DataDefaults("uci", "", func(string) bool { return false })
	if d := DefaultOptions(); u.Model.Hidden != d.Model.Hidden || u.Model.Dropout != d.Model.Dropout || u.Train != d.Train {
		t.Fatalf("uci changed the defaults: %+v", u.Model)
	}
}
