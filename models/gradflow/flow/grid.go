package flow

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"sort"
	"sync"
)

// GridConfig is a whole experiment: every combination of task, cell,
// length, seed and clipping threshold, trained from the Run template, plus
// an untrained float64 run per task, cell, length and seed for the
// gradient profiles at initialisation (exact below float32's range).
type GridConfig struct {
	Tasks   []string  `json:"tasks"`
	Cells   []string  `json:"cells"`
	Lengths []int     `json:"lengths"`
	Seeds   []uint64  `json:"seeds"`
	Clips   []float64 `json:"clips"` // 0 means no clipping
	// ProfileLengths are extra lengths with initialisation profiles only
	// (no training).
	ProfileLengths []int  `json:"profile_lengths,omitempty"`
	Run            Config `json:"run"` // Steps, Batch, Hidden, LR, EvalEvery, TestBatches
	Workers        int    `json:"workers"`
}

// Record is one line of the JSONL output: a training run ("run") or an
// initialisation profile ("init").
type Record struct {
	Kind string `json:"kind"`
	*Result
}

// ProfileMax is the longest length with an initialisation profile.
func (gc GridConfig) ProfileMax() int {
	m := 0
	for _, T := range append(append([]int(nil), gc.Lengths...), gc.ProfileLengths...) {
		m = max(m, T)
	}
	return m
}

// Configs lists the runs of a grid: the initialisation profiles first, then
// the training runs ordered seed by seed (so that a stopped grid has whole
// seeds), and within a seed from the shortest length up.
func (gc GridConfig) Configs() (inits, runs []Config) {
	for _, seed := range gc.Seeds {
		for _, T := range gc.ProfileLengths {
			for _, task := range gc.Tasks {
				for _, cell := range gc.Cells {
					p := gc.Run
					p.Task, p.Cell, p.T, p.Seed = task, cell, T, seed
					p.Steps, p.Clip, p.Float64 = 0, 0, true
					inits = append(inits, p)
				}
			}
		}
		for _, T := range gc.Lengths {
			for _, task := range gc.Tasks {
				for _, cell := range gc.Cells {
					c := gc.Run
					c.Task, c.Cell, c.T, c.Seed = task, cell, T, seed
					p := c
					p.Steps, p.Clip, p.Float64 = 0, 0, true
					inits = append(inits, p)
					for _, clip := range gc.Clips {
						c.Clip = clip
						runs = append(runs, c)
					}
				}
			}
		}
	}
	return inits, runs
}

// Grid runs every configuration of gc on gc.Workers goroutines, writes
// one JSON line per finished run to out (in completion order) and a
// progress line per run to progress, and returns the results in the order
// of Configs. Cancelling ctx starts no more runs; Grid then waits for the
// runs under way and returns ctx's error (their lines are in out, and
// Replot can report them). Sweep is Grid for a shard of the grid, each
// result in a file of its own.
func Grid(ctx context.Context, gc GridConfig, out, progress io.Writer) (inits, runs []*Result, err error) {
	ic, _ := gc.Configs()
	all := gc.Units()
	results := make([]*Result, len(all))
	done := 0
	err = parallel(ctx, all, gc.Workers, func(i int, r *Result) error {
		results[i] = r
		done++
		if out != nil {
			b, err := json.Marshal(Record{Kind: kindOf(r.Config), Result: r})
			if err == nil {
				_, err = out.Write(append(b, '\n'))
			}
			if err != nil {
				return fmt.Errorf("gradflow: writing the runs: %w", err)
			}
		}
		if progress != nil && i >= len(ic) {
			printRun(progress, done, len(all), r)
		}
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	return results[:len(ic)], results[len(ic):], nil
}

// parallel runs all on workers goroutines and calls done, one call at a
// time, with each finished run's index and result. The first error, of a
// run or of done, starts no more runs and is returned once the runs under
// way finished; cancelling ctx does the same with ctx's error.
func parallel(ctx context.Context, all []Config, workers int, done func(i int, r *Result) error) error {
	jobs := make(chan int)
	var mu sync.Mutex
	var firstErr error
	var wg sync.WaitGroup
	for w := 0; w < max(workers, 1); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				r, err := Run(all[i])
				mu.Lock()
				if err != nil {
					err = fmt.Errorf("%s %s T=%d seed %d: %w", all[i].Task, all[i].Cell, all[i].T, all[i].Seed, err)
				} else if firstErr == nil {
					err = done(i, r)
				}
				if firstErr == nil {
					firstErr = err
				}
				mu.Unlock()
			}
		}()
	}
	for i := range all {
		mu.Lock()
		stop := firstErr != nil
		mu.Unlock()
		if stop || ctx.Err() != nil {
			break
		}
		select {
		case jobs <- i:
		case <-ctx.Done():
		}
	}
	close(jobs)
	wg.Wait()
	if firstErr != nil {
		return firstErr
	}
	return ctx.Err()
}

func printRun(w io.Writer, done, total int, r *Result) {
	fmt.Fprintf(w, "[%d/%d] %-6s %-11s T=%-4d seed=%d clip=%-3g %s metric=%.4f updates=%d %.1fs\n",
		done, total, r.Task, r.Cell, r.T, r.Seed, r.Clip, verdict(r), r.Metric, r.Updates, r.Seconds)
}

func verdict(r *Result) string {
	switch {
	case r.Diverged:
		return "diverged"
	case r.Solved:
		return fmt.Sprintf("solved@%d", r.SolvedAt)
	}
	return "failed"
}

// Cellwise is the summary of the runs of one task, cell, length and
// clipping threshold over the seeds.
type Cellwise struct {
	Task        string  `json:"task"`
	Cell        string  `json:"cell"`
	T           int     `json:"T"`
	Clip        float64 `json:"clip"`
	Runs        int     `json:"runs"`
	Solved      int     `json:"solved"`
	SuccessRate float64 `json:"success_rate"`
	// MedianMetric is the median over seeds of the last test metric
	// (adding: MSE; copy: recall accuracy).
	MedianMetric Float `json:"median_metric"`
	// MedianSolvedAt is the median update count at which the solved runs
	// were solved (-1: none solved).
	MedianSolvedAt Float `json:"median_solved_at"`
	Diverged       int   `json:"diverged"`
}

// NormStats summarises the pre-clip global gradient norms of all updates
// of one task, cell and clipping threshold.
type NormStats struct {
	Task    string  `json:"task"`
	Cell    string  `json:"cell"`
	Clip    float64 `json:"clip"`
	Updates int     `json:"updates"`
	Median  Float   `json:"median"`
	P99     Float   `json:"p99"`
	Max     Float   `json:"max"`
	// AboveOne is the share of updates whose pre-clip norm exceeded 1 (the
	// share that a threshold of 1 clips).
	AboveOne float64 `json:"above_one"`
}

// Summarise groups the runs by task, cell, length and clipping.
func Summarise(runs []*Result) ([]Cellwise, []NormStats) {
	type key struct {
		task, cell string
		T          int
		clip       float64
	}
	groups := map[key][]*Result{}
	var keys []key
	for _, r := range runs {
		if r == nil {
			continue
		}
		k := key{r.Task, r.Cell, r.T, r.Clip}
		if _, ok := groups[k]; !ok {
			keys = append(keys, k)
		}
		groups[k] = append(groups[k], r)
	}
	var cw []Cellwise
	norms := map[key][]float64{}
	var nkeys []key
	for _, k := range keys {
		rs := groups[k]
		c := Cellwise{Task: k.task, Cell: k.cell, T: k.T, Clip: k.clip, Runs: len(rs), MedianSolvedAt: -1}
		var metrics, at []float64
		for _, r := range rs {
			metrics = append(metrics, r.Metric)
			if r.Solved {
				c.Solved++
				at = append(at, float64(r.SolvedAt))
			}
			if r.Diverged {
				c.Diverged++
			}
			nk := key{k.task, k.cell, 0, k.clip}
			if _, ok := norms[nk]; !ok {
				nkeys = append(nkeys, nk)
			}
			norms[nk] = append(norms[nk], r.PreClip...)
		}
		c.SuccessRate = float64(c.Solved) / float64(c.Runs)
		c.MedianMetric = Float(quantile(metrics, 0.5))
		if len(at) > 0 {
			c.MedianSolvedAt = Float(quantile(at, 0.5))
		}
		cw = append(cw, c)
	}
	order := map[string]int{}
	for i, c := range Cells {
		order[c.Name] = i
	}
	sort.SliceStable(nkeys, func(i, j int) bool {
		a, b := nkeys[i], nkeys[j]
		if a.task != b.task {
			return a.task < b.task
		}
		if a.cell != b.cell {
			return order[a.cell] < order[b.cell]
		}
		return a.clip < b.clip
	})
	var ns []NormStats
	for _, k := range nkeys {
		v := norms[k]
		s := NormStats{Task: k.task, Cell: k.cell, Clip: k.clip, Updates: len(v)}
		if len(v) > 0 {
			s.Median, s.P99, s.Max = Float(quantile(v, 0.5)), Float(quantile(v, 0.99)), Float(quantile(v, 1))
			above := 0
			for _, x := range v {
				if x > 1 {
					above++
				}
			}
			s.AboveOne = float64(above) / float64(len(v))
		}
		ns = append(ns, s)
	}
	return cw, ns
}

// quantile returns the q-quantile of v (nearest rank on a sorted copy;
// NaN for an empty slice; non-finite values sort last).
func quantile(v []float64, q float64) float64 {
	if len(v) == 0 {
		return math.NaN()
	}
	s := append([]float64(nil), v...)
	sort.Slice(s, func(i, j int) bool {
		a, b := s[i], s[j]
		if math.IsNaN(a) {
			return false
		}
		if math.IsNaN(b) {
			return true
		}
		return a < b
	})
	i := int(math.Round(q * float64(len(s)-1)))
	return s[i]
}

// MeanProfile is the geometric mean over runs of their per-step norms at
// profile index idx (0: initialisation; -1: the last), for runs of the
// given task, cell and length. Zero norms are kept as the floor 1e-300.
func MeanProfile(results []*Result, task, cell string, T int, clip float64, idx int) []float64 {
	var sum []float64
	n := 0
	for _, r := range results {
		if r == nil || r.Task != task || r.Cell != cell || r.T != T || r.Clip != clip || len(r.Profiles) == 0 {
			continue
		}
		i := idx
		if i < 0 {
			i = len(r.Profiles) - 1
		}
		if i >= len(r.Profiles) {
			continue
		}
		p := r.Profiles[i].Norms
		if sum == nil {
			sum = make([]float64, len(p))
		}
		for t, v := range p {
			sum[t] += math.Log(math.Max(v, 1e-300))
		}
		n++
	}
	for t := range sum {
		sum[t] = math.Exp(sum[t] / float64(n))
	}
	return sum
}
