package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestSlurmJobArray submits the quick grid to a real Slurm as a job array
// of 4 tasks with the recipe slurm/sweep.sbatch, merges the shards and
// compares the result with a single process's. It needs a running Slurm
// (scripts/slurm-local.sh start, as .ci/run does) and RNNZOO_SLURM=1.
func TestSlurmJobArray(t *testing.T) {
	if os.Getenv("RNNZOO_SLURM") == "" {
		t.Skip("RNNZOO_SLURM is not set: with a running Slurm (apt-get install slurm-wlm munge; scripts/slurm-local.sh start) RNNZOO_SLURM=1 runs this test")
	}
	for _, cmd := range []string{"sbatch", "sinfo"} {
		if _, err := exec.LookPath(cmd); err != nil {
			t.Skipf("RNNZOO_SLURM is set but %s is missing (apt-get install slurm-wlm munge)", cmd)
		}
	}
	if out, err := exec.Command("sinfo", "-h", "-o", "%T").CombinedOutput(); err != nil || !strings.Contains(string(out), "idle") {
		t.Fatalf("RNNZOO_SLURM is set but Slurm has no idle node (SLURM_CONF=%q): %v\n%s", os.Getenv("SLURM_CONF"), err, out)
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "gradflow")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	single, shared := filepath.Join(dir, "single"), filepath.Join(dir, "shared")
	start := time.Now()
	if out, err := exec.Command(bin, "-quick", "-blas", "go", "-out", single).CombinedOutput(); err != nil {
		t.Fatalf("one process: %v\n%s", err, out)
	}
	t.Logf("one process, 2 workers: %.1f s", time.Since(start).Seconds())

	recipe, err := filepath.Abs("slurm/sweep.sbatch")
	if err != nil {
		t.Fatal(err)
	}
	sbatch := exec.Command("sbatch", "--wait", "--array=0-3", "--cpus-per-task=1", "--chdir="+dir, "--output="+filepath.Join(dir, "task-%a.out"), recipe)
	sbatch.Env = append(os.Environ(), "GRADFLOW="+bin, "OUT="+shared, "GRADFLOW_ARGS=-quick -blas go")
	start = time.Now()
	out, err := sbatch.CombinedOutput()
	secs := time.Since(start).Seconds()
	logs, _ := filepath.Glob(filepath.Join(dir, "task-*.out"))
	for _, l := range logs {
		b, _ := os.ReadFile(l)
		lines := strings.Split(strings.TrimSpace(string(b)), "\n")
		t.Logf("%s: %s", filepath.Base(l), lines[len(lines)-1])
	}
	if err != nil {
		t.Fatalf("sbatch --wait: %v\n%s", err, out)
	}
	t.Logf("%s: 4 array tasks done in %.1f s (submission to the end of the last)", strings.TrimSpace(string(out)), secs)
	if len(logs) != 4 {
		t.Fatalf("%d task logs, want 4", len(logs))
	}

	merged, err := exec.Command(bin, "merge", "-json", shared).Output()
	if err != nil {
		t.Fatalf("gradflow merge: %v\n%s", err, merged)
	}
	var final struct{ Runs int }
	if err := json.Unmarshal(merged, &final); err != nil || final.Runs != 32 {
		t.Fatalf("merge -json: %q (%v), want 32 runs", merged, err)
	}
	sameResults(t, single, shared)
	pngs, _ := filepath.Glob(filepath.Join(single, "*.png"))
	for _, p := range pngs {
		a, _ := os.ReadFile(p)
		if b, err := os.ReadFile(filepath.Join(shared, filepath.Base(p))); err != nil || !bytes.Equal(a, b) {
			t.Errorf("%s differs (%v)", filepath.Base(p), err)
		}
	}
	t.Logf("merged: %d runs; runs.jsonl and summary.json (times aside) and %d figures equal to one process's", final.Runs, len(pngs))
}

// The Kubernetes recipes are valid YAML of the right kinds, and every
// shard's -shards is the Job's completions.
func TestKubernetesRecipes(t *testing.T) {
	py, err := exec.LookPath("python3")
	if err != nil || exec.Command(py, "-c", "import yaml").Run() != nil {
		t.Skip("python3 with yaml is missing (apt-get install python3-yaml): the recipes' YAML is not checked")
	}
	read := func(file string) []map[string]any {
		out, err := exec.Command(py, "-c", "import json, sys, yaml; print(json.dumps(list(yaml.safe_load_all(open(sys.argv[1])))))", file).CombinedOutput()
		if err != nil {
			t.Fatalf("%s: %v\n%s", file, err, out)
		}
		var docs []map[string]any
		if err := json.Unmarshal(out, &docs); err != nil {
			t.Fatal(err)
		}
		return docs
	}
	get := func(v any, path ...any) any {
		for _, p := range path {
			switch k := p.(type) {
			case string:
				m, _ := v.(map[string]any)
				v = m[k]
			case int:
				a, _ := v.([]any)
				if k >= len(a) {
					return nil
				}
				v = a[k]
			}
		}
		return v
	}
	docs := read("k8s/indexed-job.yaml")
	if len(docs) != 2 || docs[0]["kind"] != "PersistentVolumeClaim" || docs[1]["kind"] != "Job" {
		t.Fatalf("indexed-job.yaml: want a PersistentVolumeClaim and a Job, got %v", docs)
	}
	job := docs[1]
	if get(job, "spec", "completionMode") != "Indexed" {
		t.Errorf("completionMode %v, want Indexed", get(job, "spec", "completionMode"))
	}
	args := fmt.Sprint(get(job, "spec", "template", "spec", "containers", 0, "args"))
	if want := fmt.Sprintf("-shards %v ", get(job, "spec", "completions")); !strings.Contains(args, want) {
		t.Errorf("the shards' args %s lack %q (the completions)", args, want)
	}
	claim := get(job, "spec", "template", "spec", "volumes", 0, "persistentVolumeClaim", "claimName")
	merge := read("k8s/merge-job.yaml")
	if len(merge) != 1 || merge[0]["kind"] != "Job" || claim != get(docs[0], "metadata", "name") ||
		get(merge[0], "spec", "template", "spec", "volumes", 0, "persistentVolumeClaim", "claimName") != claim {
		t.Errorf("merge-job.yaml: want a Job on the volume %v", claim)
	}
	margs := fmt.Sprint(get(merge[0], "spec", "template", "spec", "containers", 0, "args"))
	if !strings.HasPrefix(margs, "[merge /results/full") || !strings.Contains(args, "-out /results/full") {
		t.Errorf("merge args %s do not read what the shards write (%s)", margs, args)
	}
}
