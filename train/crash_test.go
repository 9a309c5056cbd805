package train_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/rnnzoo/rnnzoo/train"
	"github.com/rnnzoo/rnnzoo/train/checkpoint"
)

// crashEnv names the checkpoint a TestCrashHelper subprocess trains into.
const crashEnv = "RNNZOO_CRASH_CHECKPOINT"

// TestCrashHelper is the subprocess of TestCrashConsistency: it resumes the
// checkpoint when there is one and trains, saving after every update,
// until it is killed (or, with RNNZOO_CRASH_STEPS, until that many
// updates are made).
func TestCrashHelper(t *testing.T) {
	path := os.Getenv(crashEnv)
	if path == "" {
		t.Skip("run by TestCrashConsistency")
	}
	var steps int64 = 1 << 40
	if s := os.Getenv("RNNZOO_CRASH_STEPS"); s != "" {
		if err := json.Unmarshal([]byte(s), &steps); err != nil {
			t.Fatal(err)
		}
	}
	_, tr := newBlobsTrainer(t, 1, 1, func(c *train.Config) {
		c.Epochs, c.MaxSteps, c.Patience, c.SaveEvery, c.Checkpoint = 1<<30, steps, 0, 1, path
	})
	if _, err := os.Stat(path); err == nil {
		if err := tr.Resume(path); err != nil {
			t.Fatal(err)
		}
	}
	fit(t, tr)
}

// recordedStep is the trainer step a checkpoint records.
func recordedStep(t *testing.T, ck *checkpoint.Checkpoint) int64 {
	t.Helper()
	var st struct {
		Step int64 `json:"step"`
	}
	if err := json.Unmarshal(ck.Trainer, &st); err != nil {
		t.Fatalf("trainer state: %v", err)
	}
	return st.Step
}

func tempFiles(t *testing.T, dir string) []string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var tmp []string
	for _, e := range ents {
		if strings.Contains(e.Name(), ".tmp-") {
			tmp = append(tmp, e.Name())
		}
	}
	return tmp
}

// A training process killed with SIGKILL at seeded random moments (0–200
// ms after its first save of the run), again
// and again, always leaves a checkpoint that loads and resumes at the
// update it records; the steps only grow; after the next save no temporary
// file of a killed save is left.
func TestCrashConsistency(t *testing.T) {
	if runtime.GOOS == "windows" || runtime.GOOS == "plan9" {
		t.Skip("needs SIGKILL")
	}
	if testing.Short() {
		t.Skip("-short: the crash test starts 30 processes")
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "run.ckpt")
	rng := rand.New(rand.NewPCG(7, 11))
	run := func(steps int64, kill time.Duration) {
		cmd := exec.Command(os.Args[0], "-test.run=^TestCrashHelper$", "-test.count=1")
		cmd.Env = append(os.Environ(), crashEnv+"="+path)
		if steps > 0 {
			cmd.Env = append(cmd.Env, fmt.Sprintf("RNNZOO_CRASH_STEPS=%d", steps))
		}
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		var before time.Time
		if st, err := os.Stat(path); err == nil {
			before = st.ModTime()
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		if kill == 0 {
			if err := cmd.Wait(); err != nil {
				t.Fatalf("helper: %v\n%s", err, out.String())
			}
			return
		}
		// Kill at a random moment after the run has saved at least once,
		// however slowly the machine starts it.
		for deadline := time.Now().Add(2 * time.Minute); ; time.Sleep(2 * time.Millisecond) {
			if st, err := os.Stat(path); err == nil && !st.ModTime().Equal(before) {
				break
			}
			if time.Now().After(deadline) {
				_ = cmd.Process.Kill()
				t.Fatalf("the helper saved nothing in 2 minutes:\n%s", out.String())
			}
		}
		time.Sleep(kill)
		_ = cmd.Process.Kill() // SIGKILL
		_ = cmd.Wait()
	}
	var last int64 = -1
	sawTemp := false
	for i := 0; i < 30; i++ {
		run(0, time.Duration(rng.IntN(200))*time.Millisecond)
		if len(tempFiles(t, dir)) > 0 {
			sawTemp = true
		}
		ck, err := checkpoint.Read(path)
		if err != nil {
			t.Fatalf("kill %d: the checkpoint does not load: %v", i, err)
		}
		step := recordedStep(t, ck)
		if step < last {
			t.Fatalf("kill %d: the checkpoint went back from step %d to %d", i, last, step)
		}
		_, tr := newBlobsTrainer(t, 1, 1, func(c *train.Config) { c.Epochs, c.Patience = 1<<30, 0 })
		if err := tr.Resume(path); err != nil {
			t.Fatalf("kill %d at step %d: resume: %v", i, step, err)
		}
		if tr.Step() != step {
			t.Fatalf("kill %d: resumed at step %d, the checkpoint records %d", i, tr.Step(), step)
		}
		last = step
	}
	if last <= 0 {
		t.Fatalf("no checkpoint in 30 runs (last step %d)", last)
	}
	// One more run that ends by itself: its saves leave no temporary file.
	run(last+3, 0)
	if tmp := tempFiles(t, dir); len(tmp) > 0 {
		t.Fatalf("temporary files after a clean save: %v", tmp)
	}
	t.Logf("30 kills; the checkpoint reached step %d; a killed save left a temporary file: %v", last, sawTemp)
}

// FuzzResume: the trainer state a checkpoint carries, whatever it holds,
// is refused by Resume with an error or resumes a run that trains on,
// never a panic.
func FuzzResume(f *testing.F) {
	dir := f.TempDir()
	good := filepath.Join(dir, "good.ckpt")
	_, tr := newBlobsTrainer(f, 1, 1, func(c *train.Config) { c.MaxSteps = 7 })
	if _, err := tr.Fit(); err != nil {
		f.Fatal(err)
	}
	if err := tr.Save(good); err != nil {
		f.Fatal(err)
	}
	base, err := checkpoint.Read(good)
	if err != nil {
		f.Fatal(err)
	}
	f.Add([]byte(base.Trainer))
	f.Add([]byte(`{"epoch":0,"pos":3,"step":3,"perm":[9,9,9]}`))
	f.Add([]byte(`{"epoch":-1,"pos":-5,"step":-2}`))
	f.Add([]byte(`{"optim":{"kind":"sgd"}}`))
	f.Add([]byte(`null`))
	f.Fuzz(func(t *testing.T, state []byte) {
		ck := *base
		ck.Trainer = state
		p := filepath.Join(dir, "fuzz.ckpt")
		if err := ck.Write(p); err != nil {
			return
		}
		_, tr := newBlobsTrainer(t, 1, 1, func(c *train.Config) { c.MaxSteps = 9 })
		if err := tr.Resume(p); err != nil {
			return
		}
		_, _ = tr.Fit()
	})
}
