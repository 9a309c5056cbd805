package sweep

import (
	"fmt"
	"strconv"
	"strings"
)

// Shard is the part of a sweep that one process runs: the runs whose index
// i has i mod Count == Index.
type Shard struct {
	Index int `json:"index"` // from 0
	Count int `json:"count"`
}

// All is the whole sweep as one shard.
var All = Shard{0, 1}

// MaxShards bounds Count.
const MaxShards = 1_000_000

// ParseShard reads "i/n": shard i (from 0) of n.
func ParseShard(s string) (Shard, error) {
	a, b, ok := strings.Cut(s, "/")
	i, err1 := strconv.Atoi(strings.TrimSpace(a))
	n, err2 := strconv.Atoi(strings.TrimSpace(b))
	if !ok || err1 != nil || err2 != nil {
		return Shard{}, fmt.Errorf("-shard %q: want i/n, e.g. 0/4 (i counts from 0)", s)
	}
	return Shard{i, n}, Shard{i, n}.check("-shard " + s)
}

func (s Shard) check(where string) error {
	if s.Count < 1 || s.Count > MaxShards || s.Index < 0 || s.Index >= s.Count {
		return fmt.Errorf("%s: shard %d of %d: want 0 ≤ i < n ≤ %d", where, s.Index, s.Count, MaxShards)
	}
	return nil
}

// String writes the shard as ParseShard reads it.
func (s Shard) String() string { return fmt.Sprintf("%d/%d", s.Index, s.Count) }

// Owns says whether run i belongs to the shard.
func (s Shard) Owns(i int) bool { return s.Count > 0 && i%s.Count == s.Index }

// Select returns the runs of the shard, in order.
func (s Shard) Select(runs []Run) []Run {
	var out []Run
	for _, r := range runs {
		if s.Owns(r.Index) {
			out = append(out, r)
		}
	}
	return out
}

// Resolve chooses the shard of this process: flag ("i/n") when it is not
// empty; else a Slurm job array's task (SLURM_ARRAY_TASK_ID counted from
// SLURM_ARRAY_TASK_MIN in steps of SLURM_ARRAY_TASK_STEP, of
// SLURM_ARRAY_TASK_COUNT); else a Kubernetes Indexed Job's
// JOB_COMPLETION_INDEX of count (the Job's completions, which Kubernetes
// does not put in the environment); else the whole sweep. count, when
// positive, must agree with Slurm's. It also says where the shard came
// from, for a log line.
func Resolve(flag string, count int, getenv func(string) string) (Shard, string, error) {
	if flag != "" {
		s, err := ParseShard(flag)
		return s, "-shard " + flag, err
	}
	if count < 0 || count > MaxShards {
		return Shard{}, "", fmt.Errorf("-shards %d: want 1 to %d", count, MaxShards)
	}
	envInt := func(name string, def int) (int, error) {
		v := strings.TrimSpace(getenv(name))
		if v == "" {
			return def, nil
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > 1<<40 {
			return 0, fmt.Errorf("%s=%q: want a non-negative integer", name, v)
		}
		return n, nil
	}
	if id := getenv("SLURM_ARRAY_TASK_ID"); id != "" {
		task, err := envInt("SLURM_ARRAY_TASK_ID", 0)
		if err != nil {
			return Shard{}, "", err
		}
		lo, err := envInt("SLURM_ARRAY_TASK_MIN", 0)
		if err != nil {
			return Shard{}, "", err
		}
		step, err := envInt("SLURM_ARRAY_TASK_STEP", 1)
		if err != nil {
			return Shard{}, "", err
		}
		n, err := envInt("SLURM_ARRAY_TASK_COUNT", 0)
		if err != nil {
			return Shard{}, "", err
		}
		if n == 0 || step == 0 || task < lo {
			return Shard{}, "", fmt.Errorf("SLURM_ARRAY_TASK_ID=%s with SLURM_ARRAY_TASK_MIN %d, STEP %d, COUNT %d: not a job array task", id, lo, step, n)
		}
		if count > 0 && count != n {
			return Shard{}, "", fmt.Errorf("-shards %d, but the job array has %d tasks (SLURM_ARRAY_TASK_COUNT)", count, n)
		}
		s := Shard{(task - lo) / step, n}
		where := fmt.Sprintf("SLURM_ARRAY_TASK_ID=%d of %d", task, n)
		if (task-lo)%step != 0 {
			return Shard{}, "", fmt.Errorf("%s: not on the array's step %d", where, step)
		}
		return s, where, s.check(where + " (give a contiguous --array=0-N)")
	}
	if v := getenv("JOB_COMPLETION_INDEX"); v != "" {
		i, err := envInt("JOB_COMPLETION_INDEX", 0)
		if err != nil {
			return Shard{}, "", err
		}
		where := fmt.Sprintf("JOB_COMPLETION_INDEX=%d of -shards %d", i, count)
		if count == 0 {
			return Shard{}, "", fmt.Errorf("JOB_COMPLETION_INDEX=%d is set: give -shards N, the Job's completions", i)
		}
		s := Shard{i, count}
		return s, where, s.check(where)
	}
	if count > 1 {
		return Shard{}, "", fmt.Errorf("-shards %d without -shard, SLURM_ARRAY_TASK_ID or JOB_COMPLETION_INDEX: which shard is this?", count)
	}
	return All, "the whole sweep", nil
}
