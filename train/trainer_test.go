package train_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/rnnzoo/rnnzoo/train/checkpoint"
	"image/png"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"gorgonia.org/tensor"

	"github.com/rnnzoo/rnnzoo/graph"
	"github.com/rnnzoo/rnnzoo/train"
	_ "github.com/rnnzoo/rnnzoo/train/plots" // Config.PlotDir
)

func blobsConfig(dropout *rand.PCG) train.Config {
	return train.Config{
		Epochs:      4,
		Seed:        3,
		LR:          train.Warmup{Steps: 5, Then: train.Cosine{Base: 0.02, Min: 0.001, Steps: 30}},
		ClipNorm:    0.5,
		Patience:    3,
		Eval:        train.EvalOptions{Classes: 3},
		RandSources: map[string]*rand.PCG{"dropout": dropout},
		Progress:    io.Discard,
		ModelConfig: map[string]int{"hidden": 16},
	}
}

func newBlobsTrainer(t testing.TB, initSeed, dropSeed uint64, mod func(*train.Config)) (*blobs, *train.Trainer) {
	t.Helper()
	drop := rand.NewPCG(dropSeed, 2)
	task, err := newBlobs(1, initSeed, drop)
	if err != nil {
		t.Fatal(err)
	}
	cfg := blobsConfig(drop)
	cfg.Optimizer = train.NewAdam(task.Params())
	if mod != nil {
		mod(&cfg)
	}
	tr, err := train.New(task, cfg)
	if err != nil {
		t.Fatal(err)
	}
	return task, tr
}

func fit(t testing.TB, tr *train.Trainer) *train.Report {
	t.Helper()
	rep, err := tr.Fit()
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// bitsEqual compares float32 slices bit for bit.
func bitsEqual(a, b []float32) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if math.Float32bits(a[i]) != math.Float32bits(b[i]) {
			return false
		}
	}
	return true
}

func sameState(t *testing.T, what string, a, b *train.Trainer, pa, pb *graph.Params) {
	t.Helper()
	for i, p := range pa.All() {
		if !bitsEqual(p.F32(), pb.All()[i].F32()) {
			t.Fatalf("%s: weights of %s differ", what, p.Name)
		}
	}
	sa, sb := a.Optimizer().State(), b.Optimizer().State()
	if sa.Steps != sb.Steps || a.Step() != b.Step() {
		t.Fatalf("%s: steps %d/%d vs %d/%d", what, sa.Steps, a.Step(), sb.Steps, b.Step())
	}
	for i, s := range sa.Slots {
		if !bitsEqual(s.Value.Data().([]float32), sb.Slots[i].Value.Data().([]float32)) {
			t.Fatalf("%s: optimizer slot %s differs", what, s.Name)
		}
	}
	// The whole training state (RNG states, position, step norms, early
	// stopping) is equal too, apart from wall-clock times.
	ja, jb := trainerState(t, a), trainerState(t, b)
	if ja != jb {
		t.Fatalf("%s: training states differ:\n%s\n%s", what, ja, jb)
	}
	ha, hb := a.History(), b.History()
	if len(ha) != len(hb) {
		t.Fatalf("%s: %d log records vs %d", what, len(ha), len(hb))
	}
	for i := range ha {
		ra, rb := ha[i], hb[i]
		ra.Seconds, rb.Seconds = 0, 0
		ja, _ := json.Marshal(ra)
		jb, _ := json.Marshal(rb)
		if !bytes.Equal(ja, jb) {
			t.Fatalf("%s: log record %d differs:\n%s\n%s", what, i, ja, jb)
		}
	}
}

// TestResumeBitIdentical: N updates, save, load into a fresh model (other
// initial weights, other dropout state), M more updates equals N+M updates
// straight, bit for bit: weights, Adam moments, step, schedule, batch
// order, dropout masks and the log. N is once in the middle of an epoch
// and once at its end; the run goes on to the end of training (early
// stopping included).
func TestResumeBitIdentical(t *testing.T) {
	straightTask, straight := newBlobsTrainer(t, 1, 1, nil)
	fit(t, straight)
	for _, n := range []int64{13, 16} {
		path := filepath.Join(t.TempDir(), "run.ckpt")
		firstTask, first := newBlobsTrainer(t, 1, 1, func(c *train.Config) { c.MaxSteps = n })
		if rep := fit(t, first); rep.Steps != n || rep.Stopped != "max-steps" {
			t.Fatalf("interrupted run: %+v", rep)
		}
		if err := first.Save(path); err != nil {
			t.Fatal(err)
		}
		_ = firstTask
		resumedTask, resumed := newBlobsTrainer(t, 99, 42, nil)
		if err := resumed.Resume(path); err != nil {
			t.Fatal(err)
		}
		fit(t, resumed)
		sameState(t, "resumed at "+string(rune('0'+n/10))+string(rune('0'+n%10)), straight, resumed, straightTask.Params(), resumedTask.Params())
	}
}

// TestKeepEpochs: each epoch's checkpoint is kept under EpochPath, and
// the run resumed from the kept epoch 2 ends as the straight run.
func TestKeepEpochs(t *testing.T) {
	if got := train.EpochPath("/d/run.ckpt", 7); got != "/d/run-epoch07.ckpt" {
		t.Fatalf("EpochPath: %s", got)
	}
	path := filepath.Join(t.TempDir(), "run.ckpt")
	straightTask, straight := newBlobsTrainer(t, 1, 1, func(c *train.Config) { c.Epochs, c.Patience, c.Checkpoint, c.KeepEpochs = 3, 0, path, true })
	fit(t, straight)
	for e := 1; e <= 3; e++ {
		if _, err := os.Stat(train.EpochPath(path, e)); err != nil {
			t.Fatalf("epoch %d: %v", e, err)
		}
	}
	if _, err := os.Stat(train.EpochPath(path, 4)); err == nil {
		t.Fatal("a fourth epoch's checkpoint")
	}
	resumedTask, resumed := newBlobsTrainer(t, 99, 42, func(c *train.Config) { c.Epochs, c.Patience = 3, 0 })
	if err := resumed.Resume(train.EpochPath(path, 2)); err != nil {
		t.Fatal(err)
	}
	fit(t, resumed)
	sameState(t, "resumed from the kept epoch 2", straight, resumed, straightTask.Params(), resumedTask.Params())
}

// TestAverageEpochs: the run ends with the float32 mean of its last two
// epochs' weights (computed here from the kept files), validated once
// more; an interrupted and resumed run ends the same; Patience and a
// missing checkpoint path are refused.
func TestAverageEpochs(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "run.ckpt")
	avgCfg := func(p string) func(c *train.Config) {
		return func(c *train.Config) { c.Epochs, c.Patience, c.Checkpoint, c.AverageEpochs = 3, 0, p, 2 }
	}
	task, tr := newBlobsTrainer(t, 1, 1, avgCfg(path))
	rep := fit(t, tr)
	var kept []*blobs
	for _, e := range []int{2, 3} {
		ck, err := checkpoint.Read(train.EpochPath(path, e))
		if err != nil {
			t.Fatal(err)
		}
		b, _ := newBlobs(1, 7, rand.NewPCG(1, 2))
		if err := ck.LoadParams(b.Params()); err != nil {
			t.Fatal(err)
		}
		kept = append(kept, b)
	}
	for k, p := range task.Params().All() {
		a, b := kept[0].Params().All()[k].F32(), kept[1].Params().All()[k].F32()
		for j, v := range p.F32() {
			if want := float32((float64(a[j]) + float64(b[j])) / 2); v != want {
				t.Fatalf("%s[%d]: %g, want the mean %g", p.Name, j, v, want)
			}
		}
	}
	got := task.Params().All()[0].F32()
	ev, err := train.Evaluate(task.NumValid(), task.EvalBatch, train.EvalOptions{Classes: 3})
	if err != nil {
		t.Fatal(err)
	}
	h := tr.History()
	last := h[len(h)-1]
	if last.Event != "average" || last.Averaged != 2 || ev.Loss != rep.Metrics["loss"] || ev.Metrics["accuracy"] != rep.Metrics["accuracy"] {
		t.Fatalf("last record %+v, report %v, re-evaluation %v %v", last, rep.Metrics, ev.Loss, ev.Metrics)
	}
	// Interrupted in epoch 3, resumed: the same end.
	path2 := filepath.Join(dir, "run2.ckpt")
	_, first := newBlobsTrainer(t, 1, 1, func(c *train.Config) { avgCfg(path2)(c); c.MaxSteps = 13 })
	if rep := fit(t, first); rep.Stopped != "max-steps" {
		t.Fatalf("interrupted: %+v", rep)
	}
	resumedTask, resumed := newBlobsTrainer(t, 99, 42, avgCfg(path2))
	if err := resumed.Resume(path2); err != nil {
		t.Fatal(err)
	}
	fit(t, resumed)
	if !bitsEqual(resumedTask.Params().All()[0].F32(), got) {
		t.Fatal("the resumed run's average differs")
	}
	// Without KeepEpochs only the window's weights stay.
	if _, err := os.Stat(train.EpochPath(path, 1)); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("epoch 1 outside the window: %v", err)
	}
	// The finished run resumed as it was averages nothing again; resumed
	// for a fourth epoch it goes on from epoch 3's own weights, as a
	// straight four-epoch run does.
	againTask, again := newBlobsTrainer(t, 99, 42, avgCfg(path))
	if err := again.Resume(path); err != nil {
		t.Fatal(err)
	}
	fit(t, again)
	if n := len(again.History()); n != len(h) || !bitsEqual(againTask.Params().All()[0].F32(), got) {
		t.Fatalf("resuming the finished run: %d records (was %d)", n, len(h))
	}
	four := func(p string) func(c *train.Config) { return func(c *train.Config) { avgCfg(p)(c); c.Epochs = 4 } }
	longerTask, longer := newBlobsTrainer(t, 99, 42, four(path))
	if err := longer.Resume(path); err != nil {
		t.Fatal(err)
	}
	fit(t, longer)
	straightTask, straight := newBlobsTrainer(t, 1, 1, four(filepath.Join(dir, "run4.ckpt")))
	fit(t, straight)
	if !bitsEqual(longerTask.Params().All()[0].F32(), straightTask.Params().All()[0].F32()) {
		t.Fatal("resumed for a fourth epoch: not the straight four-epoch run's average")
	}
	// A resumed run whose window misses a file stops before training.
	os.Remove(train.EpochPath(path2, 3))
	_, missing := newBlobsTrainer(t, 99, 42, four(path2))
	if err := missing.Resume(path2); err != nil {
		t.Fatal(err)
	}
	if _, err := missing.Fit(); err == nil || !strings.Contains(err.Error(), "epoch 3") {
		t.Fatalf("a missing epoch file: %v", err)
	}
	for _, bad := range []func(*train.Config){
		func(c *train.Config) { avgCfg(path)(c); c.Patience = 2 },
		func(c *train.Config) { avgCfg("")(c) },
	} {
		task, _ := newBlobs(1, 1, rand.NewPCG(1, 2))
		cfg := blobsConfig(rand.NewPCG(1, 2))
		cfg.Optimizer = train.NewAdam(task.Params())
		bad(&cfg)
		if _, err := train.New(task, cfg); err == nil {
			t.Errorf("config %+v accepted", cfg)
		}
	}
}

func TestSameSeedSameWeights(t *testing.T) {
	ta, a := newBlobsTrainer(t, 1, 1, func(c *train.Config) { c.Epochs = 2 })
	tb, b := newBlobsTrainer(t, 1, 1, func(c *train.Config) { c.Epochs = 2 })
	fit(t, a)
	fit(t, b)
	sameState(t, "same seed", a, b, ta.Params(), tb.Params())
	tc, c := newBlobsTrainer(t, 1, 1, func(c *train.Config) { c.Epochs = 2; c.Seed = 4 })
	fit(t, c)
	if bitsEqual(ta.Params().All()[0].F32(), tc.Params().All()[0].F32()) {
		t.Fatal("another shuffling seed gave the same weights")
	}
}

// TestRestoredBestMatchesReport re-evaluates the restored weights.
func TestRestoredBestMatchesReport(t *testing.T) {
	task, tr := newBlobsTrainer(t, 1, 1, func(c *train.Config) { c.Epochs = 12; c.Patience = 2 })
	rep := fit(t, tr)
	ev, err := train.Evaluate(task.NumValid(), task.EvalBatch, train.EvalOptions{Classes: 3})
	if err != nil {
		t.Fatal(err)
	}
	if ev.Loss != rep.Metrics["loss"] || ev.Metrics["accuracy"] != rep.Metrics["accuracy"] {
		t.Fatalf("report %v, re-evaluation %v %v", rep.Metrics, ev.Loss, ev.Metrics)
	}
}

// scripted is a one-parameter task whose validation losses follow a script
// and whose gradient can be poisoned at a given update.
type scripted struct {
	ps      *graph.Params
	w, b    *graph.Param
	val     []float64
	evals   int
	updates int
	nanAt   int // update at which b's gradient gets a NaN (−1: never)
	nanLoss bool
}

func newScripted(val []float64) *scripted {
	ps := graph.NewParams(tensor.Float64, 1)
	s := &scripted{ps: ps, val: val, nanAt: -1}
	s.w = ps.FromValues("w", tensor.Shape{1}, []float64{10})
	s.b = ps.New("b", tensor.Shape{2, 2}, nil)
	return s
}

func (s *scripted) Params() *graph.Params { return s.ps }
func (s *scripted) NumTrain() int         { return 2 }
func (s *scripted) TrainBatch(int) (train.Result, error) {
	s.w.GradF64()[0] += 1
	loss := 1.0
	if s.updates == s.nanAt {
		if s.nanLoss {
			loss = math.NaN()
		} else {
			s.b.GradF64()[2] = math.NaN()
		}
	}
	s.updates++
	return train.Result{Loss: loss}, nil
}
func (s *scripted) NumValid() int { return 1 }
func (s *scripted) EvalBatch(int) (train.Result, error) {
	v := s.val[min(s.evals, len(s.val)-1)]
	s.evals++
	return train.Result{Loss: v}, nil
}

func TestEarlyStoppingRestoresBest(t *testing.T) {
	task := newScripted([]float64{3, 2, 2.5, 2.6, 2.7, 1})
	path := filepath.Join(t.TempDir(), "es.ckpt")
	cfg := train.Config{Epochs: 10, Patience: 3, LR: train.Constant(0.5), Progress: io.Discard, Checkpoint: path}
	cfg.Optimizer = train.NewSGD(task.ps, 0)
	tr, err := train.New(task, cfg)
	if err != nil {
		t.Fatal(err)
	}
	rep := fit(t, tr)
	// Each epoch moves w by −1 (2 updates of 0.5); the best validation is
	// epoch 2, patience runs out after epoch 5.
	if rep.Stopped != "early-stopping" || rep.Epochs != 5 || rep.BestEpoch != 2 || rep.Metrics["loss"] != 2 {
		t.Fatalf("report %+v", rep)
	}
	if w := task.w.F64()[0]; w != 8 {
		t.Fatalf("restored weight %v, want 8 (after epoch 2)", w)
	}
	// The final checkpoint holds the best weights, and resuming it does
	// not train further.
	again := newScripted([]float64{0})
	cfg.Optimizer = train.NewSGD(again.ps, 0)
	tr2, _ := train.New(again, cfg)
	if err := tr2.Resume(path); err != nil {
		t.Fatal(err)
	}
	rep2 := fit(t, tr2)
	if again.w.F64()[0] != 8 || again.updates != 0 || rep2.Stopped != "early-stopping" || rep2.Metrics["loss"] != 2 {
		t.Fatalf("resumed a finished run: w %v, %d updates, %+v", again.w.F64(), again.updates, rep2)
	}
}

func TestNaNGuardNamesParameterAndKeepsCheckpoint(t *testing.T) {
	for _, nanLoss := range []bool{false, true} {
		path := filepath.Join(t.TempDir(), "nan.ckpt")
		task := newScripted([]float64{1})
		task.nanAt, task.nanLoss = 5, nanLoss
		tr, err := train.New(task, train.Config{Epochs: 10, Checkpoint: path, SaveEvery: 1, Progress: io.Discard})
		if err != nil {
			t.Fatal(err)
		}
		_, err = tr.Fit()
		var nf *train.NonFiniteError
		if !errors.As(err, &nf) || nf.Step != 5 {
			t.Fatalf("got %v", err)
		}
		if nanLoss {
			if nf.What != "loss" || !strings.Contains(err.Error(), "step 5: the loss is NaN") {
				t.Fatalf("loss NaN: %v", err)
			}
		} else if nf.What != "gradient" || nf.Param != "b" || nf.Index != 2 ||
			!strings.Contains(err.Error(), `gradient of "b" is NaN at flat index 2 (shape [2 2])`) {
			t.Fatalf("gradient NaN: %v", err)
		}
		// The last checkpoint is the good one after 5 updates.
		again := newScripted([]float64{1})
		tr2, _ := train.New(again, train.Config{Epochs: 10, Progress: io.Discard})
		if err := tr2.Resume(path); err != nil {
			t.Fatalf("last checkpoint unreadable: %v", err)
		}
		// Adam moves w by about lr = 1e-3 per update.
		if w := again.w.F64()[0]; tr2.Step() != 5 || math.Abs(w-(10-5e-3)) > 1e-6 {
			t.Fatalf("checkpoint at step %d, w %v", tr2.Step(), again.w.F64())
		}
		if err := train.CheckFinite(again.ps.All(), false); err != nil {
			t.Fatal(err)
		}
	}
}

func TestLogPlotsProgressAndDiagnostics(t *testing.T) {
	dir := t.TempDir()
	log := filepath.Join(dir, "train.jsonl")
	var out bytes.Buffer
	drop := rand.NewPCG(1, 2)
	task, err := newBlobs(1, 1, drop)
	if err != nil {
		t.Fatal(err)
	}
	wrapped := &stepNormTask{blobs: task}
	cfg := blobsConfig(drop)
	cfg.Epochs, cfg.Patience = 3, 0
	cfg.Log, cfg.PlotDir, cfg.Progress, cfg.ParamGradNorms = log, dir, &out, true
	cfg.LogEvery = 4
	tr, err := train.New(wrapped, cfg)
	if err != nil {
		t.Fatal(err)
	}
	wrapped.tr = tr
	fit(t, tr)
	f, err := os.Open(log)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var recs []map[string]any
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("bad JSONL line %q: %v", sc.Text(), err)
		}
		recs = append(recs, m)
	}
	// 8 updates per epoch: two step lines before each epoch line.
	var steps []map[string]any
	var rest []map[string]any
	for _, r := range recs {
		if r["event"] == "step" {
			steps = append(steps, r)
		} else {
			rest = append(rest, r)
		}
	}
	if len(steps) != 6 || steps[5]["step"].(float64) != 24 || steps[0]["lr"] == nil || steps[0]["grad_norm_mean"] == nil {
		t.Fatalf("step lines %v", steps)
	}
	if recs[2]["event"] != "epoch" || len(tr.History()) != 6 {
		t.Fatalf("step lines misplaced or in History: %v", recs[:3])
	}
	recs = rest
	if len(recs) != 6 {
		t.Fatalf("%d log lines, want 6", len(recs))
	}
	for i, r := range recs {
		want := []string{"epoch", "eval"}[i%2]
		if r["event"] != want {
			t.Fatalf("line %d is %v, want %s", i, r["event"], want)
		}
		if want == "epoch" {
			for _, k := range []string{"lr", "grad_norm_mean", "grad_norm_max", "clipped_share", "param_grad_norms", "step_norms", "loss", "seconds"} {
				if _, ok := r[k]; !ok {
					t.Fatalf("epoch line lacks %s: %v", k, r)
				}
			}
			sn := r["step_norms"].(map[string]any)["lstm"].([]any)
			if len(sn) != 3 || sn[0].(float64) != 1.5 || sn[2].(float64) != 3 {
				t.Fatalf("step norms %v, want [1.5 2.5 3]", sn)
			}
		} else {
			m := r["metrics"].(map[string]any)
			if _, ok := m["accuracy"]; !ok {
				t.Fatalf("eval line lacks accuracy: %v", r)
			}
			if _, ok := r["confusion"]; !ok {
				t.Fatalf("eval line lacks the confusion matrix: %v", r)
			}
		}
	}
	for _, name := range []string{"loss.png", "accuracy.png", "gradnorm.png", "stepnorms-lstm.png"} {
		pf, err := os.Open(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(pf)
		pf.Close()
		if err != nil || img.Bounds().Dx() < 100 {
			t.Fatalf("%s is not a valid PNG: %v", name, err)
		}
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 3 || !strings.HasPrefix(lines[0], "epoch 1/3") || !strings.Contains(lines[2], "val_loss") {
		t.Fatalf("plain progress lines:\n%s", out.String())
	}
}

// stepNormTask reports made-up per-time-step norms, as a recurrent layer
// would, alternating [1 2 3] and [2 3].
type stepNormTask struct {
	*blobs
	tr *train.Trainer
	n  int
}

func (s *stepNormTask) TrainBatch(i int) (train.Result, error) {
	if s.n%2 == 0 {
		s.tr.StepNorms("lstm", []float64{1, 2, 3})
	} else {
		s.tr.StepNorms("lstm", []float64{2, 3})
	}
	s.n++
	return s.blobs.TrainBatch(i)
}

// TestWriteDemoRun writes the JSONL log and PNG curves of a short real run
// into $RNNZOO_TRAIN_DEMO_DIR (skipped when unset):
//
//	RNNZOO_TRAIN_DEMO_DIR=/tmp/train-demo go test ./train -run TestWriteDemoRun -v
func TestWriteDemoRun(t *testing.T) {
	dir := os.Getenv("RNNZOO_TRAIN_DEMO_DIR")
	if dir == "" {
		t.Skip("set RNNZOO_TRAIN_DEMO_DIR to write the demo run's log and plots")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	os.Remove(filepath.Join(dir, "train.jsonl"))
	_, tr := newBlobsTrainer(t, 1, 1, func(c *train.Config) {
		c.Epochs, c.Patience, c.Monitor = 30, 5, "loss"
		c.LR = train.Warmup{Steps: 8, Then: train.Cosine{Base: 0.01, Min: 0.001, Steps: 240}}
		c.ClipNorm = 1
		c.Log, c.PlotDir, c.Checkpoint = filepath.Join(dir, "train.jsonl"), dir, filepath.Join(dir, "blobs.ckpt")
		c.Progress = os.Stderr
	})
	rep := fit(t, tr)
	t.Logf("stopped by %s after %d epochs, best epoch %d, metrics %v", rep.Stopped, rep.Epochs, rep.BestEpoch, rep.Metrics)
}

// trainerState saves tr and returns its training state as JSON, without
// the history and the timings.
func trainerState(t *testing.T, tr *train.Trainer) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "state.ckpt")
	if err := tr.Save(path); err != nil {
		t.Fatal(err)
	}
	c, err := checkpoint.Read(path)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(c.Trainer, &m); err != nil {
		t.Fatal(err)
	}
	delete(m, "history")
	delete(m["acc"].(map[string]any), "seconds")
	delete(m, "train_seconds") // wall-clock time
	for _, k := range []string{"shuffle", "sources"} {
		if m[k] == nil {
			t.Fatalf("state lacks %s", k)
		}
	}
	b, _ := json.Marshal(m)
	return string(b)
}

// TestResumeEveryOptimizer repeats the resume test for each optimizer and
// schedule kind.
func TestResumeEveryOptimizer(t *testing.T) {
	cases := []struct {
		name string
		opt  func(*graph.Params) train.Optimizer
		lr   train.Schedule
	}{
		{"sgd-nesterov", func(ps *graph.Params) train.Optimizer {
			o := train.NewSGD(ps, 0.9)
			o.Nesterov, o.WeightDecay = true, 1e-4
			return o
		}, train.StepDecay{Base: 0.05, Every: 10, Gamma: 0.5}},
		{"rmsprop-momentum", func(ps *graph.Params) train.Optimizer {
			o := train.NewRMSProp(ps)
			o.Momentum = 0.5
			return o
		}, train.Constant(0.003)},
		{"adamw", func(ps *graph.Params) train.Optimizer { return train.NewAdamW(ps, 0.05) },
			train.Cosine{Base: 0.02, Min: 0, Steps: 25}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			mod := func(steps int64) func(*train.Config) {
				return func(cfg *train.Config) {
					cfg.Epochs, cfg.MaxSteps, cfg.LR = 3, steps, c.lr
				}
			}
			build := func(initSeed, dropSeed uint64, steps int64) (*blobs, *train.Trainer) {
				drop := rand.NewPCG(dropSeed, 2)
				task, err := newBlobs(1, initSeed, drop)
				if err != nil {
					t.Fatal(err)
				}
				cfg := blobsConfig(drop)
				mod(steps)(&cfg)
				cfg.Optimizer = c.opt(task.Params())
				tr, err := train.New(task, cfg)
				if err != nil {
					t.Fatal(err)
				}
				return task, tr
			}
			sTask, straight := build(1, 1, 0)
			fit(t, straight)
			_, first := build(1, 1, 11)
			fit(t, first)
			path := filepath.Join(t.TempDir(), "opt.ckpt")
			if err := first.Save(path); err != nil {
				t.Fatal(err)
			}
			rTask, resumed := build(5, 6, 0)
			if err := resumed.Resume(path); err != nil {
				t.Fatal(err)
			}
			fit(t, resumed)
			sameState(t, c.name, straight, resumed, sTask.Params(), rTask.Params())
		})
	}
}

func TestTaskFuncs(t *testing.T) {
	s := newScripted([]float64{1})
	task := train.TaskFuncs{ParamSet: s.ps, Train: 3, TrainFn: s.TrainBatch, Valid: 1, EvalFn: s.EvalBatch}
	tr, err := train.New(task, train.Config{Epochs: 2, Progress: io.Discard})
	if err != nil {
		t.Fatal(err)
	}
	if rep := fit(t, tr); rep.Steps != 6 || s.evals != 2 {
		t.Fatalf("report %+v, %d evaluations", rep, s.evals)
	}
}

// An infinite metric (perplexity of a loss of 1000) is logged as
// non-finite instead of breaking the log or the checkpoint.
func TestNonFiniteMetricsLogged(t *testing.T) {
	dir := t.TempDir()
	task := newScripted([]float64{1000, 1})
	tr, err := train.New(task, train.Config{Epochs: 2, Patience: 2, Monitor: "perplexity", Progress: io.Discard,
		Eval: train.EvalOptions{LanguageModel: true}, Log: filepath.Join(dir, "log.jsonl"), Checkpoint: filepath.Join(dir, "c.ckpt")})
	if err != nil {
		t.Fatal(err)
	}
	rep := fit(t, tr)
	ev := rep.History[1]
	if len(ev.NonFinite) != 1 || ev.NonFinite[0] != "metrics.perplexity=+Inf" || ev.Best {
		t.Fatalf("first evaluation %+v", ev)
	}
	if rep.BestEpoch != 2 || rep.Metrics["perplexity"] != math.E {
		t.Fatalf("report %+v", rep)
	}
	b, _ := os.ReadFile(filepath.Join(dir, "log.jsonl"))
	if !strings.Contains(string(b), `"non_finite":["metrics.perplexity=+Inf"]`) {
		t.Fatalf("log:\n%s", b)
	}
}

// epochTask is a scripted task that records the epochs it is told start
// and the epoch each of its batches was trained in.
type epochTask struct {
	*scripted
	starts  []int
	current int
	seen    []int
	failAt  int
}

func (e *epochTask) StartEpoch(epoch int) error {
	if epoch == e.failAt {
		return errors.New("no data")
	}
	e.starts = append(e.starts, epoch)
	e.current = epoch
	return nil
}

func (e *epochTask) TrainBatch(i int) (train.Result, error) {
	e.seen = append(e.seen, e.current)
	return e.scripted.TrainBatch(i)
}

// A task implementing EpochStarter is told each epoch before its first
// batch, again (same number) when a resumed run continues an epoch, and
// its error stops Fit.
func TestEpochStarter(t *testing.T) {
	task := &epochTask{scripted: newScripted([]float64{1}), failAt: -1}
	tr, err := train.New(task, train.Config{Epochs: 3, Progress: io.Discard})
	if err != nil {
		t.Fatal(err)
	}
	fit(t, tr)
	if want := "[0 1 2] [0 0 1 1 2 2]"; fmt.Sprint(task.starts, " ", task.seen) != want {
		t.Fatalf("starts %v, batches in epochs %v; want %s", task.starts, task.seen, want)
	}

	// Stop in the middle of epoch 2 (0-based 1), resume in a fresh trainer.
	dir := t.TempDir()
	ckpt := filepath.Join(dir, "c.ckpt")
	a := &epochTask{scripted: newScripted([]float64{1}), failAt: -1}
	tr, _ = train.New(a, train.Config{Epochs: 3, MaxSteps: 3, Progress: io.Discard})
	fit(t, tr)
	if err := tr.Save(ckpt); err != nil {
		t.Fatal(err)
	}
	b := &epochTask{scripted: newScripted([]float64{1}), failAt: -1}
	tr, _ = train.New(b, train.Config{Epochs: 3, Progress: io.Discard})
	if err := tr.Resume(ckpt); err != nil {
		t.Fatal(err)
	}
	fit(t, tr)
	if got := fmt.Sprint(a.starts, b.starts, b.seen); got != "[0 1] [1 2] [1 2 2]" {
		t.Fatalf("before/after resume: starts and batch epochs %s", got)
	}

	c := &epochTask{scripted: newScripted([]float64{1}), failAt: 1}
	tr, _ = train.New(c, train.Config{Epochs: 3, Progress: io.Discard})
	if _, err := tr.Fit(); err == nil || !strings.Contains(err.Error(), "starting epoch 2: no data") {
		t.Fatalf("error %v", err)
	}
}

// cancelAfter cancels its context once n training batches have run.
type cancelAfter struct {
	*blobs
	n      int
	cancel context.CancelFunc
}

func (c *cancelAfter) TrainBatch(i int) (train.Result, error) {
	if c.n--; c.n == 0 {
		c.cancel()
	}
	return c.blobs.TrainBatch(i)
}

// TestFitContextCancelResumes: a run cancelled through its context saves a
// checkpoint from which Resume continues exactly as an uninterrupted run,
// and a missing plot directory is created.
func TestFitContextCancelResumes(t *testing.T) {
	straightTask, straight := newBlobsTrainer(t, 1, 1, nil)
	fit(t, straight)

	dir := t.TempDir()
	path := filepath.Join(dir, "run.ckpt")
	drop := rand.NewPCG(1, 2)
	task, err := newBlobs(1, 1, drop)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	cfg := blobsConfig(drop)
	cfg.Optimizer = train.NewAdam(task.Params())
	cfg.Checkpoint, cfg.PlotDir = path, filepath.Join(dir, "new", "plots")
	tr, err := train.New(&cancelAfter{blobs: task, n: 11, cancel: cancel}, cfg)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := tr.FitContext(ctx)
	if !errors.Is(err, context.Canceled) || rep == nil || rep.Stopped != "canceled" || rep.Steps != 11 {
		t.Fatalf("cancelled run: report %+v, error %v", rep, err)
	}
	resumedTask, resumed := newBlobsTrainer(t, 99, 42, nil)
	if err := resumed.Resume(path); err != nil {
		t.Fatal(err)
	}
	fit(t, resumed)
	sameState(t, "resumed after cancel", straight, resumed, straightTask.Params(), resumedTask.Params())
	if _, err := os.Stat(filepath.Join(dir, "new", "plots", "loss.png")); err != nil {
		t.Errorf("the plot directory was not created: %v", err)
	}
}

// TestParamsSourcesAreSaved: a random source registered with the model's
// Params is saved and restored without being listed in Config.RandSources,
// and a second source of the same name is refused.
func TestParamsSourcesAreSaved(t *testing.T) {
	mk := func(seed uint64) (*blobs, *rand.PCG, *train.Trainer) {
		task, err := newBlobs(1, 1, nil)
		if err != nil {
			t.Fatal(err)
		}
		src := task.Params().Source("noise", seed, 3)
		tr, err := train.New(task, train.Config{Epochs: 1, Progress: io.Discard})
		if err != nil {
			t.Fatal(err)
		}
		return task, src, tr
	}
	_, a, tra := mk(1)
	a.Uint64()
	path := filepath.Join(t.TempDir(), "s.ckpt")
	if err := tra.Save(path); err != nil {
		t.Fatal(err)
	}
	_, b, trb := mk(99)
	if err := trb.Resume(path); err != nil {
		t.Fatal(err)
	}
	if a.Uint64() != b.Uint64() {
		t.Fatal("the Params' source was not restored")
	}
	task, _, _ := mk(1)
	if _, err := train.New(task, train.Config{RandSources: map[string]*rand.PCG{"noise": rand.NewPCG(1, 1)}, Progress: io.Discard}); err == nil {
		t.Fatal("two sources of one name accepted")
	}
}

// TestHookEveryAndTimeBudget: Hook is called every Every updates with the
// mean loss of those updates, and can stop training; a time budget ends it.
func TestHookEveryAndTimeBudget(t *testing.T) {
	var steps []int64
	_, tr := newBlobsTrainer(t, 1, 1, func(c *train.Config) {
		c.Every = 5
		c.Hook = func(r train.Record) (bool, error) {
			if r.Event != "interval" || !(r.Loss > 0) || r.Weight == 0 || *r.GradNormMean <= 0 {
				return false, fmt.Errorf("interval record %+v", r)
			}
			steps = append(steps, r.Step)
			return r.Step >= 15, nil
		}
	})
	rep := fit(t, tr)
	if rep.Stopped != "hook" || rep.Steps != 15 || fmt.Sprint(steps) != "[5 10 15]" {
		t.Fatalf("stopped %q after %d updates, hook at %v", rep.Stopped, rep.Steps, steps)
	}
	_, tr = newBlobsTrainer(t, 1, 1, func(c *train.Config) { c.TimeBudget = time.Nanosecond })
	if rep := fit(t, tr); rep.Stopped != "time" || rep.Steps != 1 {
		t.Fatalf("time budget: stopped %q after %d updates", rep.Stopped, rep.Steps)
	}
}
