package cols

import (
	"bytes"
	"fmt"
	"github.com/rnnzoo/rnnzoo/train/checkpoint"
	"image/png"
	"io"
	"math"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/rnnzoo/rnnzoo/datasets"
	"github.com/rnnzoo/rnnzoo/datasets/images"
	"github.com/rnnzoo/rnnzoo/graph"
	"github.com/rnnzoo/rnnzoo/train"
)

func digits(t *testing.T) (tr, test *images.Set) {
	t.Helper()
	tr, test, err := images.DigitsSplit()
	if err != nil {
		t.Fatal(err)
	}
	return tr, test
}

func smallConfig(kind string, s *images.Set) Config {
	return Config{Kind: kind, Dataset: "digits", H: s.H, W: s.W, Cell: graph.LSTM, Layers: 1, Hidden: 32, Classes: s.Classes}
}

// fitClassifier trains a small LSTM on the first n training digits.
func fitClassifier(t *testing.T, cfg Config, n, epochs int) (*Classifier, *images.Set) {
	t.Helper()
	tr, test := digits(t)
	sub := tr.Subset(seq(0, n))
	clf, err := NewClassifier(cfg, 1)
	if err != nil {
		t.Fatal(err)
	}
	task, err := clf.NewTask(sub, nil, 32, 1)
	if err != nil {
		t.Fatal(err)
	}
	trainer, err := train.New(task, train.Config{
		Epochs: epochs, Seed: 1, ClipNorm: 5, Optimizer: train.NewAdam(clf.Params),
		LR: train.Constant(5e-3), Progress: io.Discard,
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := trainer.Fit(); err != nil {
		t.Fatal(err)
	}
	return clf, test
}

// A small column LSTM trained for a few seconds on 600 of the digits
// classifies the 359 test digits with at least 85% accuracy (it reaches
// about 92%; chance is 10%).
func TestClassifierLearnsDigitsSubset(t *testing.T) {
	tr, _ := digits(t)
	clf, test := fitClassifier(t, smallConfig(KindClassifier, tr), 600, 20)
	ev, err := clf.Evaluate(test, 64)
	if err != nil {
		t.Fatal(err)
	}
	acc := ev.Metrics["accuracy"]
	t.Logf("test accuracy %.3f after 20 epochs on 600 images", acc)
	if acc < 0.85 {
		t.Errorf("test accuracy %.3f, want ≥ 0.85", acc)
	}
	if ev.Confusion.Total() != test.N {
		t.Errorf("confusion matrix counts %d images, want %d", ev.Confusion.Total(), test.N)
	}
}

// Rows and columns give the same sequence shapes for square images and
// the right pixel at each step.
func TestSequenceLayout(t *testing.T) {
	cfg := Config{H: 2, W: 3}
	img := []float32{1, 2, 3, 4, 5, 6} // rows (1 2 3), (4 5 6)
	x := make([]float32, 3*2*2)        // T=3, B=2, F=2
	cfg.writeSeq(x, 2, 1, img)
	want := []float32{0, 0, 1, 4, 0, 0, 2, 5, 0, 0, 3, 6}
	if !equal(x, want) {
		t.Errorf("columns: got %v, want %v", x, want)
	}
	cfg.Rows = true
	x = make([]float32, 2*1*3)
	cfg.writeSeq(x, 1, 0, img)
	if !equal(x, img) {
		t.Errorf("rows: got %v, want %v", x, img)
	}
	for _, rows := range []bool{false, true} {
		cfg.Rows = rows
		T, F := cfg.Steps(), cfg.Features()
		x := make([]float32, T*F)
		cfg.writeSeq(x, 1, 0, img)
		seq := make([][]float64, T)
		for s := range seq {
			for f := 0; f < F; f++ {
				seq[s] = append(seq[s], float64(x[s*F+f]))
			}
		}
		if back := cfg.imageFromSeq(seq); !equal(back, img) {
			t.Errorf("rows=%v: round trip gave %v", rows, back)
		}
	}
}

func equal(a, b []float32) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// A checkpoint written with train's format loads back into a model that
// predicts exactly as the original.
// saveAndLoad writes clf to a checkpoint file and loads it back.
func saveAndLoad(t *testing.T, clf *Classifier) *Model {
	t.Helper()
	path := filepath.Join(t.TempDir(), "m.ckpt")
	ck, err := checkpoint.New(clf.Params, clf.Config, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := ck.Write(path); err != nil {
		t.Fatal(err)
	}
	m, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestCheckpointRoundTrip(t *testing.T) {
	tr, _ := digits(t)
	cfg := smallConfig(KindClassifier, tr)
	cfg.Rows = true
	cfg.Cell = graph.GRU
	cfg.Bidirectional = true
	clf, test := fitClassifier(t, cfg, 64, 1)
	m := saveAndLoad(t, clf)
	if m.Classifier == nil || !m.Config.Rows || m.Config.Cell != graph.GRU || !m.Config.Bidirectional {
		t.Fatalf("loaded config %+v", m.Config)
	}
	imgs := [][]float32{test.Image(0), test.Image(1), test.Image(2)}
	a, err := clf.Predict(imgs, 4)
	if err != nil {
		t.Fatal(err)
	}
	b, err := m.Classifier.Predict(imgs, 8)
	if err != nil {
		t.Fatal(err)
	}
	for i := range a {
		if a[i].Class != b[i].Class || math.Abs(a[i].Prob-b[i].Prob) > 1e-6 {
			t.Errorf("image %d: %+v before saving, %+v after loading", i, a[i], b[i])
		}
	}
}

// With Config.TestAugment, Predict and Evaluate average the probabilities
// of the single-view classifier over every view, computed here by hand;
// the setting survives a checkpoint, and "none" gives the single view.
func TestTestAugment(t *testing.T) {
	tr, _ := digits(t)
	clf, test := fitClassifier(t, smallConfig(KindClassifier, tr), 128, 2)
	sub := test.Subset(seq(0, 40))
	imgs := make([][]float32, sub.N)
	for i := range imgs {
		imgs[i] = sub.Image(i)
	}
	single, err := clf.Predict(imgs, 16)
	if err != nil {
		t.Fatal(err)
	}
	views := images.Augment{Shift: 1, Flip: true}.Views()
	want := make([][]float64, len(imgs))
	for _, v := range views {
		moved := make([][]float32, len(imgs))
		for i, img := range imgs {
			moved[i] = images.Transform(nil, img, sub.H, sub.W, v.DY, v.DX, v.Flip)
		}
		p, err := clf.Predict(moved, 16)
		if err != nil {
			t.Fatal(err)
		}
		for i := range p {
			if want[i] == nil {
				want[i] = make([]float64, len(p[i].Probs))
			}
			for k, q := range p[i].Probs {
				want[i][k] += q / float64(len(views))
			}
		}
	}
	if err := clf.SetTestAugment("shift1,flip"); err != nil {
		t.Fatal(err)
	}
	if err := clf.SetTestAugment("turn"); err == nil || clf.Config.TestAugment != "shift1,flip" {
		t.Fatalf("SetTestAugment(turn): %v, left %q", err, clf.Config.TestAugment)
	}
	loaded := saveAndLoad(t, clf).Classifier
	got, err := loaded.Predict(imgs, 16)
	if err != nil {
		t.Fatal(err)
	}
	nll, hits, changed := 0.0, 0, 0
	for i := range got {
		for k := range want[i] {
			if math.Abs(got[i].Probs[k]-want[i][k]) > 1e-6 {
				t.Fatalf("image %d class %d: %g averaged, want %g", i, k, got[i].Probs[k], want[i][k])
			}
		}
		if got[i].Probs[got[i].Class] < slices.Max(want[i]) {
			t.Fatalf("image %d: class %d is not the most probable of the mean", i, got[i].Class)
		}
		if got[i].Class != single[i].Class {
			changed++
		}
		if got[i].Class == sub.Labels[i] {
			hits++
		}
		nll -= math.Log(want[i][sub.Labels[i]]) / float64(len(got))
	}
	ev, err := loaded.Evaluate(sub, 16)
	if err != nil {
		t.Fatal(err)
	}
	if ev.Metrics["accuracy"] != float64(hits)/float64(sub.N) || math.Abs(ev.Loss-nll) > 1e-6 {
		t.Fatalf("Evaluate: accuracy %g loss %g, want %g and %g", ev.Metrics["accuracy"], ev.Loss, float64(hits)/float64(sub.N), nll)
	}
	t.Logf("%d views changed %d of %d predictions", len(views), changed, len(got))
	if err := loaded.SetTestAugment("none"); err != nil {
		t.Fatal(err)
	}
	again, err := loaded.Predict(imgs, 16)
	if err != nil {
		t.Fatal(err)
	}
	for i := range again {
		if again[i].Class != single[i].Class || math.Abs(again[i].Prob-single[i].Prob) > 1e-6 {
			t.Fatalf("none, image %d: %+v, the single view %+v", i, again[i], single[i])
		}
	}
	// An unlabelled image (label −1) is an error, not a panic.
	if err := loaded.SetTestAugment("flip"); err != nil {
		t.Fatal(err)
	}
	unlabelled := sub.Subset(seq(0, 2))
	unlabelled.Labels = []int{-1, -1}
	if _, err := loaded.Evaluate(unlabelled, 16); err == nil {
		t.Fatal("labels −1 evaluated")
	}
}

func TestConfigErrors(t *testing.T) {
	base := Config{Kind: KindClassifier, H: 8, W: 8, Cell: graph.LSTM, Layers: 1, Hidden: 8, Classes: 10}
	cases := []struct {
		edit func(*Config)
		want string
	}{
		{func(c *Config) { c.Cell = graph.CellKind(7) }, "cell 7"},
		{func(c *Config) { c.Layers = 0 }, "-layers"},
		{func(c *Config) { c.Hidden = -1 }, "-hidden"},
		{func(c *Config) { c.Dropout = 1 }, "-dropout"},
		{func(c *Config) { c.Kind = "x" }, "kind"},
		{func(c *Config) { c.Kind = KindGenerator; c.Bidirectional = true }, "bidirectional"},
		{func(c *Config) { c.TestAugment = "rotate" }, "test augmentation"},
	}
	for _, tc := range cases {
		c := base
		tc.edit(&c)
		err := c.Validate()
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: error %v, want one mentioning %q", c, err, tc.want)
		}
	}
	if err := base.Validate(); err != nil {
		t.Errorf("valid config refused: %v", err)
	}
	clf, err := NewClassifier(base, 1)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := clf.Predict([][]float32{make([]float32, 10)}, 4); err == nil {
		t.Error("an image of the wrong size was accepted")
	}
	big := &images.Set{Name: "big", N: 1, H: 28, W: 28, Pixels: make([]float32, 784), Labels: []int{0}, Classes: 10}
	if _, err := clf.Evaluate(big, 4); err == nil || !strings.Contains(err.Error(), "28×28") {
		t.Errorf("a 28×28 set for an 8×8 model: error %v", err)
	}
}

func TestStyles(t *testing.T) {
	// A vertical bar has no slant; a diagonal from top-left to bottom-right
	// has slant 1 (x grows with y).
	bar := make([]float32, 16)
	diag := make([]float32, 16)
	for y := 0; y < 4; y++ {
		bar[y*4+1] = 1
		diag[y*4+y] = 1
	}
	if s := Styles(bar, 4, 4); s[0] != 0 || s[1] != 0.25 || s[2] != 0 {
		t.Errorf("bar styles %v", s)
	}
	if s := Styles(diag, 4, 4); math.Abs(s[0]-1) > 1e-12 {
		t.Errorf("diagonal slant %v, want 1", s[0])
	}
	if s := Styles(make([]float32, 16), 4, 4); s[0] != 0 || s[1] != 0 {
		t.Errorf("blank image styles %v", s)
	}
}

// The generator trains briefly and draws one image per condition, values
// in [0, 1], which make a valid PNG grid.
func TestGeneratorWritesPNG(t *testing.T) {
	tr, _ := digits(t)
	cfg := smallConfig(KindGenerator, tr)
	cfg.StyleMean, cfg.StyleStd = StyleStats(tr)
	gen, err := NewGenerator(cfg, 1)
	if err != nil {
		t.Fatal(err)
	}
	task, err := gen.NewTask(tr.Subset(seq(0, 128)), nil, 32, 1)
	if err != nil {
		t.Fatal(err)
	}
	trainer, err := train.New(task, train.Config{Epochs: 2, Seed: 1, ClipNorm: 5, LR: train.Constant(3e-3), Progress: io.Discard})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := trainer.Fit()
	if err != nil {
		t.Fatal(err)
	}
	if first, last := rep.History[0].Loss, rep.History[len(rep.History)-1].Loss; !(last < first) {
		t.Errorf("generator loss did not fall: %v then %v", first, last)
	}
	const cols = 3
	grid, err := gen.Grid(tr, cols, 1)
	if err != nil {
		t.Fatal(err)
	}
	if len(grid) != cfg.Classes*cols {
		t.Fatalf("%d images, want %d", len(grid), cfg.Classes*cols)
	}
	for _, img := range grid {
		for _, v := range img {
			if !(v >= 0 && v <= 1) {
				t.Fatalf("pixel %v outside [0, 1]", v)
			}
		}
	}
	var buf bytes.Buffer
	if err := images.WriteGridPNG(&buf, grid, cfg.H, cfg.W, cols, 2); err != nil {
		t.Fatal(err)
	}
	pic, err := png.Decode(&buf)
	if err != nil {
		t.Fatalf("not a valid PNG: %v", err)
	}
	if b := pic.Bounds(); b.Dx() < cols*cfg.W*2 || b.Dy() < cfg.Classes*cfg.H*2 {
		t.Errorf("PNG is %v, too small for %d×%d cells", b, cfg.Classes, cols)
	}
}

// With Reshuffle the batches of every epoch hold every training image once,
// in a composition that changes from epoch to epoch and depends only on the
// seed and the epoch; Augment changes the images the same way for the same
// (seed, epoch, batch) and differently in another epoch, and leaves the
// training set itself alone.
func TestTaskReshuffleAndAugment(t *testing.T) {
	tr, _ := digits(t)
	sub := tr.Subset(seq(0, 100))
	orig := append([]float32(nil), sub.Pixels...)
	clf, err := NewClassifier(smallConfig(KindClassifier, tr), 1)
	if err != nil {
		t.Fatal(err)
	}
	newTask := func() *Task {
		task, err := clf.NewTask(sub, nil, 32, 7)
		if err != nil {
			t.Fatal(err)
		}
		task.Reshuffle = true
		task.Augment = images.Augment{Shift: 1, Flip: true}
		return task
	}
	a, b := newTask(), newTask()
	var _ train.EpochStarter = a
	first := fmt.Sprint(a.batches)
	compositions := map[string]bool{}
	for _, e := range []int{0, 1, 2, 1} {
		if err := a.StartEpoch(e); err != nil {
			t.Fatal(err)
		}
		if e == 0 && fmt.Sprint(a.batches) != first {
			t.Fatal("epoch 0 changed NewTask's batches")
		}
		seen := make([]int, sub.N)
		for _, bt := range a.batches {
			for _, k := range bt {
				seen[k]++
			}
		}
		for k, n := range seen {
			if n != 1 {
				t.Fatalf("epoch %d: image %d is in %d batches", e, k, n)
			}
		}
		compositions[fmt.Sprint(a.batches)] = true
	}
	if len(compositions) != 3 {
		t.Fatalf("%d distinct compositions in epochs 0, 1, 2, 1; want 3", len(compositions))
	}

	// Augmentation: same epoch and batch, same images (in a second task).
	b.StartEpoch(1)
	ia, la := a.trainImages(2)
	ia = clone(ia)
	ib, lb := b.trainImages(2)
	if fmt.Sprint(ia, la) != fmt.Sprint(ib, lb) {
		t.Fatal("two tasks at epoch 1 augment batch 2 differently")
	}
	changed := 0
	for j, img := range ia {
		if fmt.Sprint(img) != fmt.Sprint(sub.Image(a.batches[2][j])) {
			changed++
		}
	}
	if changed < len(ia)/2 {
		t.Fatalf("only %d of %d images changed by shift1,flip", changed, len(ia))
	}
	a.StartEpoch(2)
	a.batches[2] = b.batches[2] // the same images, another epoch's draws
	if ic, _ := a.trainImages(2); fmt.Sprint(ic) == fmt.Sprint(ia) {
		t.Fatal("epoch 2 drew the same changes as epoch 1")
	}
	if fmt.Sprint(sub.Pixels) != fmt.Sprint(orig) {
		t.Fatal("augmentation wrote into the training set")
	}
	// Without augmentation the images are the training set's.
	b.Augment = images.Augment{}
	if ic, _ := b.trainImages(0); &ic[0][0] != &sub.Image(b.batches[0][0])[0] {
		t.Fatal("an unaugmented batch copies its images")
	}
}

func clone(imgs [][]float32) [][]float32 {
	out := make([][]float32, len(imgs))
	for i, v := range imgs {
		out[i] = append([]float32(nil), v...)
	}
	return out
}

// TestPretrained holds each shipped classifier to its model card's floor
// on its test set (the data sets that are not on this machine are
// skipped), and checks that goroutines sharing one model agree with one.
func TestPretrained(t *testing.T) {
	floors := map[string]float64{Digits: 0.975, images.MNIST: 0.992, images.Fashion: 0.903}
	for _, name := range PretrainedNames() {
		clf, err := Pretrained(name)
		if err != nil {
			t.Fatal(err)
		}
		var test *images.Set
		if raceEnabled && name != Digits {
			t.Logf("%s: accuracy checked in the run without -race", name)
			continue
		}
		if name == Digits {
			_, test, err = images.DigitsSplit()
		} else {
			d := Data{Dataset: name}
			if name == images.MNIST {
				d.Dir, err = datasets.SharedPath("data/mnist")
				if err != nil {
					t.Logf("%s: no shared MNIST (%v): accuracy not checked", name, err)
					continue
				}
			}
			_, test, err = d.Load()
		}
		if err != nil {
			t.Logf("%s: test set not found (%v): accuracy not checked", name, err)
			continue
		}
		ev, err := clf.Evaluate(test, 256)
		if err != nil {
			t.Fatal(err)
		}
		acc := ev.Metrics["accuracy"]
		t.Logf("%s: test accuracy %.4f on %d images", name, acc, test.N)
		if acc < floors[name] {
			t.Errorf("%s: test accuracy %.4f below the model card's %.3f", name, acc, floors[name])
		}
	}
	if _, err := Pretrained("cifar"); err == nil {
		t.Error("an unknown data set was accepted")
	}
}

func TestConcurrentClassify(t *testing.T) {
	clf, err := Pretrained(Digits)
	if err != nil {
		t.Fatal(err)
	}
	_, test, err := images.DigitsSplit()
	if err != nil {
		t.Fatal(err)
	}
	imgs := make([][]float32, 100)
	for i := range imgs {
		imgs[i] = test.Image(i)
	}
	want, err := clf.Classify(imgs)
	if err != nil {
		t.Fatal(err)
	}
	errs := make(chan error, 6)
	for g := 0; g < 6; g++ {
		go func() {
			got, err := clf.Classify(imgs[g:])
			for i := 0; err == nil && i < len(got); i++ {
				if got[i].Class != want[g+i].Class || got[i].Prob != want[g+i].Prob {
					err = fmt.Errorf("goroutine %d, image %d: %+v, want %+v", g, i, got[i], want[g+i])
				}
			}
			errs <- err
		}()
	}
	for g := 0; g < 6; g++ {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
}
