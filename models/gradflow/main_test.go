package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rnnzoo/rnnzoo/internal/cli"
	"github.com/rnnzoo/rnnzoo/models/gradflow/flow"
)

// The whole program on a tiny grid: files, tables, the -json line, and
// replot of the run directory.
func TestQuickPlumbing(t *testing.T) {
	dir := t.TempDir()
	var out, errs bytes.Buffer
	args := []string{"-out", dir, "-tasks", "adding,copy", "-cells", "rnn-tanh,lstm",
		"-lengths", "3,4", "-steps", "2", "-hidden", "3", "-batch", "2", "-blas", "go", "-json"}
	if code := program.Run(&cli.Env{Stdout: &out, Stderr: &errs}, args); code != 0 {
		t.Fatalf("exit %d: %s", code, errs.String())
	}
	for _, f := range []string{"runs.jsonl", "summary.json", "gradnorm_init_adding.png", "gradnorm_train_copy.png",
		"success_adding.png", "metric_copy.png", "preclip_adding.png"} {
		if st, err := os.Stat(filepath.Join(dir, f)); err != nil || st.Size() == 0 {
			t.Errorf("%s missing or empty: %v", f, err)
		}
	}
	var final struct {
		Runs    int                `json:"runs"`
		Success map[string]float64 `json:"success"`
	}
	if err := json.Unmarshal(out.Bytes(), &final); err != nil {
		t.Fatalf("-json: stdout %q is not one JSON line: %v", out.String(), err)
	}
	if final.Runs != 2*2*2*2 || len(final.Success) != 2*2*2*2 {
		t.Fatalf("final line %+v", final)
	}
	b, err := os.ReadFile(filepath.Join(dir, "runs.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(b), "\n"); n != 16+2*2*2 {
		t.Fatalf("runs.jsonl has %d lines", n)
	}
	out.Reset()
	if code := program.Run(&cli.Env{Stdout: &out, Stderr: &errs}, []string{"replot", "-out", dir}); code != 0 || !strings.Contains(out.String(), "16 of 16 runs finished") {
		t.Fatalf("replot: exit %d:\n%s", code, out.String())
	}
}

func TestBadFlags(t *testing.T) {
	for _, args := range [][]string{
		{"-cells", "elman"}, {"-tasks", "sort"}, {"-lengths", "1"}, {"-clip", "-1"}, {"run", "extra"}, {"-steps", "-3", "-hidden", "0"},
		{"replot"}, {"merge"}, {"-grid", "cell=elman"}, {"-grid", "width=3"}, {"-grid", "T=x"}, {"-shard", "4/4", "-out", "x"}, {"-shard", "1/2"},
	} {
		if code := program.Run(&cli.Env{Stdout: io.Discard, Stderr: io.Discard}, args); code != 2 {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
}

// tinyGrid is a grid of 16 runs and 8 initialisation profiles that trains
// in about a second.
var tinyGrid = []string{"-tasks", "adding,copy", "-cells", "rnn-tanh,lstm", "-lengths", "3,4", "-steps", "20", "-hidden", "3", "-batch", "2", "-blas", "go"}

// Four shards (one of them told its index by Slurm's variables) merged
// give what one process writes: the same runs with the same numbers, the
// same summary, tables and figures. Stopping a shard and starting it again
// runs only what it had not finished.
func TestShardsMergeToOneProcess(t *testing.T) {
	run := func(args ...string) string {
		t.Helper()
		var out, errs bytes.Buffer
		if code := program.Run(&cli.Env{Stdout: &out, Stderr: &errs}, args); code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, errs.String())
		}
		return out.String()
	}
	single, merged := t.TempDir(), t.TempDir()
	wantTables := run(append([]string{"-out", single}, tinyGrid...)...)
	var shards []string
	for i := 0; i < 4; i++ {
		dir := t.TempDir()
		shards = append(shards, dir)
		if i == 2 {
			t.Setenv("SLURM_ARRAY_TASK_ID", "2")
			t.Setenv("SLURM_ARRAY_TASK_COUNT", "4")
			run(append([]string{"-out", dir, "-workers", "1"}, tinyGrid...)...)
			os.Unsetenv("SLURM_ARRAY_TASK_ID")
			continue
		}
		run(append([]string{"-out", dir, "-shard", fmt.Sprintf("%d/4", i)}, tinyGrid...)...)
	}
	var errs bytes.Buffer
	if code := program.Run(&cli.Env{Stdout: io.Discard, Stderr: &errs}, []string{"merge", "-out", merged, shards[0], shards[1], shards[3]}); code != 1 || !strings.Contains(errs.String(), "6 of 24 units have no result") {
		t.Fatalf("merge without shard 2: exit %d, %s", code, errs.String())
	}
	// A stopped shard: one finished run lost, the shard started again.
	units, _ := filepath.Glob(filepath.Join(shards[1], "runs", "kind=run,*.json"))
	if len(units) != 4 {
		t.Fatalf("shard 1 wrote %d runs, want 4 of the 16", len(units))
	}
	os.Remove(units[0])
	if out := run(append([]string{"-out", shards[1], "-shard", "1/4", "-json"}, tinyGrid...)...); !strings.Contains(out, `"ran":1,`) || !strings.Contains(out, `"skipped":5`) {
		t.Fatalf("restarted shard: %s", out)
	}
	gotTables := run(append([]string{"merge", "-out", merged}, shards...)...)
	cut := func(s string) string { // the tables, without the header of run and the run time
		return s[strings.Index(s, "\nadding:"):strings.LastIndex(strings.TrimRight(s, "\n"), "\n")]
	}
	if cut(gotTables) != cut(strings.ReplaceAll(wantTables, single, merged)) {
		t.Errorf("merged tables:\n%q\nsingle process:\n%q", cut(gotTables), cut(strings.ReplaceAll(wantTables, single, merged)))
	}
	sameResults(t, single, merged)
	pngs, _ := filepath.Glob(filepath.Join(single, "*.png"))
	if len(pngs) != 10 {
		t.Fatalf("%d figures", len(pngs))
	}
	for _, p := range pngs {
		a, _ := os.ReadFile(p)
		b, err := os.ReadFile(filepath.Join(merged, filepath.Base(p)))
		if err != nil || !bytes.Equal(a, b) {
			t.Errorf("%s differs between one process and the merged shards (%v)", filepath.Base(p), err)
		}
	}
}

// withoutTimes is a directory's runs.jsonl and summary.json with the
// seconds, the BLAS and the number of workers left out.
func withoutTimes(t *testing.T, dir string) string {
	var b strings.Builder
	lines, err := os.ReadFile(filepath.Join(dir, "runs.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(strings.TrimSpace(string(lines)), "\n") {
		var r flow.Record
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatal(err)
		}
		r.Seconds = 0
		out, _ := json.Marshal(r)
		b.Write(append(out, '\n'))
	}
	sb, err := os.ReadFile(filepath.Join(dir, "summary.json"))
	if err != nil {
		t.Fatal(err)
	}
	var sum map[string]any
	if err := json.Unmarshal(sb, &sum); err != nil {
		t.Fatal(err)
	}
	delete(sum, "seconds")
	delete(sum, "blas")
	delete(sum["grid"].(map[string]any), "workers") // how many runs trained at once
	out, _ := json.Marshal(sum)
	return b.String() + string(out)
}

// sameResults fails the test when the runs.jsonl or summary.json of two
// directories differ in more than times, BLAS and workers.
func sameResults(t *testing.T, dirA, dirB string) {
	t.Helper()
	a, b := strings.Split(withoutTimes(t, dirA), "\n"), strings.Split(withoutTimes(t, dirB), "\n")
	if len(a) != len(b) {
		t.Fatalf("%s has %d lines of runs.jsonl and summary.json, %s %d", dirA, len(a), dirB, len(b))
	}
	for i := range a {
		if a[i] != b[i] {
			j := 0
			for j < len(a[i]) && j < len(b[i]) && a[i][j] == b[i][j] {
				j++
			}
			t.Fatalf("line %d of runs.jsonl+summary.json differs at byte %d:\n%s: …%.200s\n%s: …%.200s", i+1, j, dirA, a[i][max(j-100, 0):], dirB, b[i][max(j-100, 0):])
		}
	}
}
