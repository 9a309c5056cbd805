package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fakeTrain is a training command: -hidden and -seed, a checkpoint at
// -model, and a final JSON line; -hidden 0 fails at run time.
func fakeTrain(calls *int) func(env *Env, args []string) error {
	return func(env *Env, args []string) error {
		fs, c := Start(env, "fake", "train", "checkpoint to write")
		hidden := fs.Int("hidden", 4, "units")
		seed := fs.Int("seed", 1, "seed")
		resume := fs.Bool("resume", false, "continue -model")
		if err := c.Ready(env, fs, args, true); err != nil {
			return err
		}
		*calls++
		if b, err := os.ReadFile(c.Model); *resume && (err != nil || string(b) != "weights") {
			return fmt.Errorf("-resume without a checkpoint: %v", err)
		}
		if *hidden == 0 {
			return errors.New("no units")
		}
		if err := os.WriteFile(c.Model, []byte("weights"), 0o644); err != nil {
			return err
		}
		return c.Result(env, map[string]any{"loss": float64(*hidden) / float64(*seed), "note": "ok"})
	}
}

func TestSweepable(t *testing.T) {
	calls := 0
	p := &Program{Name: "fake", Default: "train", Commands: []Command{
		{Name: "train", Run: Sweepable("fake", "model", "model.ckpt", fakeTrain(&calls))}, MergeCommand("fake")}}
	dir := t.TempDir()
	run := func(args ...string) (int, string, string) {
		var out, errs bytes.Buffer
		code := p.Run(&Env{Stdout: &out, Stderr: &errs, Ctx: context.Background()}, args)
		return code, out.String(), errs.String()
	}
	grid := []string{"train", "-grid", "hidden=2,4;seed=1..2", "-out", dir}
	for i := 0; i < 2; i++ {
		if code, _, errs := run(append(grid, "-shard", fmt.Sprintf("%d/2", i))...); code != 0 {
			t.Fatalf("shard %d: exit %d: %s", i, code, errs)
		}
	}
	if calls != 4 {
		t.Fatalf("%d runs trained, want 4", calls)
	}
	if code, out, errs := run(append(grid, "-json")...); code != 0 || calls != 4 || !strings.Contains(out, `"skipped":4`) {
		t.Fatalf("a second pass: exit %d, %d runs trained (want none): %s %s", code, calls, out, errs)
	}
	// A run stopped after its checkpoint: the next pass resumes it.
	if err := os.Remove(filepath.Join(dir, "hidden=4,seed=2", "result.json")); err != nil {
		t.Fatal(err)
	}
	if code, _, errs := run(grid...); code != 0 || calls != 5 {
		t.Fatalf("resuming: exit %d, %d runs trained: %s", code, calls, errs)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "hidden=4,seed=2", "log.txt")); !strings.Contains(string(b), `"-resume"]`) {
		t.Fatalf("the stopped run was not resumed:\n%s", b)
	}
	code, out, errs := run("merge", dir)
	if code != 0 || !strings.Contains(out, "3    4       2     2     ok") || !strings.Contains(out, "4 of 4 runs finished") {
		t.Fatalf("merge: exit %d:\n%s%s", code, out, errs)
	}
	if _, err := os.Stat(filepath.Join(dir, "merged.json")); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"train", "-grid", "units=1", "-out", t.TempDir()}, 2, `key "units" is not a flag`},
		{[]string{"train", "-grid", "model=a", "-out", t.TempDir()}, 2, `key "model" is set by the sweep`},
		{[]string{"train", "-grid", "hidden=1"}, 2, "-grid needs -out"},
		{[]string{"train", "-grid", "hidden=x", "-out", t.TempDir()}, 2, `run hidden=x: invalid value`},
		{[]string{"train", "-grid", "hidden=0,1", "-out", t.TempDir()}, 1, "1 of 2 runs failed: hidden=0"},
		{[]string{"train", "-grid", "hidden=2,4;seed=1..2", "-out", dir, "-seed", "3"}, 1, "holds another sweep"},
		{[]string{"train", "-grid", "hidden=1", "-out", t.TempDir(), "-shard", "2/2"}, 2, "-shard 2/2"},
		{[]string{"merge"}, 2, "give the directories"},
		{[]string{"merge", t.TempDir()}, 1, "sweep.json"},
	} {
		code, _, errs := run(c.args...)
		if code != c.code || !strings.Contains(errs, c.want) {
			t.Errorf("%q: exit %d, %q; want exit %d and %q", c.args, code, errs, c.code, c.want)
		}
	}
	if code, out, _ := run("train", "-h"); code != 0 || !strings.Contains(out, "-hidden") || !strings.Contains(out, "-shard string") {
		t.Errorf("train -h: exit %d:\n%s", code, out)
	}
}
