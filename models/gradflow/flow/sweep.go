package flow

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strconv"

	"github.com/rnnzoo/rnnzoo/internal/atomicfile"
	"github.com/rnnzoo/rnnzoo/sweep"
)

// SetSpec sets the grid's dimensions from the keys of a sweep spec: task,
// cell, T (or length), seed and clip; the keys it lacks keep their values.
func (gc *GridConfig) SetSpec(sp sweep.Spec) error {
	for _, p := range sp.Params {
		var err error
		switch p.Key {
		case "task":
			gc.Tasks = p.Values
		case "cell":
			gc.Cells = p.Values
		case "T", "length":
			gc.ProfileLengths = nil
			gc.Lengths, err = parseAll(p, func(s string) (int, error) { return strconv.Atoi(s) })
		case "seed":
			gc.Seeds, err = parseAll(p, func(s string) (uint64, error) { return strconv.ParseUint(s, 10, 64) })
		case "clip":
			gc.Clips, err = parseAll(p, func(s string) (float64, error) { return strconv.ParseFloat(s, 64) })
		default:
			err = errors.New("unknown key (want task, cell, T, seed or clip)")
		}
		if err != nil {
			return fmt.Errorf("grid: key %q: %w", p.Key, err)
		}
	}
	return nil
}

func parseAll[T any](p sweep.Param, parse func(string) (T, error)) ([]T, error) {
	out := make([]T, len(p.Values))
	for i, s := range p.Values {
		v, err := parse(s)
		if err != nil {
			return nil, fmt.Errorf("value %q: %w", s, err)
		}
		out[i] = v
	}
	return out, nil
}

// Units are a grid's units of work in the order of Configs: the
// initialisation profiles, then the training runs. A sweep's shard i of n
// takes the units whose position mod n is i.
func (gc GridConfig) Units() []Config {
	inits, runs := gc.Configs()
	return append(inits, runs...)
}

// Name is the file name (without .json) of a unit's result:
// "kind=run,task=adding,cell=lstm,T=20,seed=1,clip=1", or kind=init for
// an initialisation profile.
func (c Config) Name() string {
	kind := "run"
	if c.Float64 && c.Steps == 0 {
		kind = "init"
	}
	return sweep.Name([]sweep.Value{{Key: "kind", Value: kind}, {Key: "task", Value: c.Task}, {Key: "cell", Value: c.Cell},
		{Key: "T", Value: strconv.Itoa(c.T)}, {Key: "seed", Value: strconv.FormatUint(c.Seed, 10)}, {Key: "clip", Value: strconv.FormatFloat(c.Clip, 'g', -1, 64)}})
}

// unitPath is where a unit's result lives in a sweep's directory.
func unitPath(dir string, c Config) string { return filepath.Join(dir, "runs", c.Name()+".json") }

// Claim makes dir the directory of grid gc: it writes dir/grid.json, or
// checks that the grid.json there is the same grid (the number of workers
// aside), so that no result of another grid is taken as done.
func Claim(dir string, gc GridConfig) error {
	if err := os.MkdirAll(filepath.Join(dir, "runs"), 0o755); err != nil {
		return err
	}
	old, err := readGrid(dir)
	if errors.Is(err, fs.ErrNotExist) {
		b, err := json.MarshalIndent(gc, "", "  ")
		if err != nil {
			return err
		}
		return atomicfile.Write(filepath.Join(dir, "grid.json"), func(w io.Writer) error { _, err := w.Write(b); return err })
	}
	if err != nil {
		return err
	}
	if !sameGrid(old, gc) {
		return fmt.Errorf("%s holds another grid (see its grid.json); give another -out", dir)
	}
	return nil
}

func sameGrid(a, b GridConfig) bool {
	a.Workers, b.Workers = 0, 0
	return reflect.DeepEqual(a, b)
}

func readGrid(dir string) (GridConfig, error) {
	var g GridConfig
	path := filepath.Join(dir, "grid.json")
	b, err := os.ReadFile(path)
	if err != nil {
		return g, err
	}
	if err := json.Unmarshal(b, &g); err != nil {
		return g, fmt.Errorf("%s: %w", path, err)
	}
	if err := g.Check(); err != nil {
		return g, fmt.Errorf("%s: %w", path, err)
	}
	return g, nil
}

// Sweep runs the units of gc that belong to shard on gc.Workers
// goroutines, skipping each whose result is in dir already, and writes
// each result atomically to dir/runs/<name>.json, so that a shard that
// was stopped continues where it stopped. It returns how many units ran
// and how many were skipped. Claim dir first.
func Sweep(ctx context.Context, gc GridConfig, dir string, shard sweep.Shard, progress io.Writer) (ran, skipped int, err error) {
	var todo []Config
	for i, c := range gc.Units() {
		if !shard.Owns(i) {
			continue
		}
		if _, err := os.Stat(unitPath(dir, c)); err == nil {
			skipped++
			continue
		}
		todo = append(todo, c)
	}
	if progress != nil {
		fmt.Fprintf(progress, "shard %v: %d units of %d, %d done before\n", shard, len(todo)+skipped, len(gc.Units()), skipped)
	}
	err = parallel(ctx, todo, gc.Workers, func(i int, r *Result) error {
		ran++
		b, err := json.Marshal(Record{Kind: kindOf(r.Config), Result: r})
		if err != nil {
			return err
		}
		if err := atomicfile.Write(unitPath(dir, r.Config), func(w io.Writer) error { _, err := w.Write(b); return err }); err != nil {
			return err
		}
		if progress != nil && kindOf(r.Config) == "run" {
			printRun(progress, ran+skipped, len(todo)+skipped, r)
		}
		return nil
	})
	return ran, skipped, err
}

func kindOf(c Config) string {
	if c.Float64 && c.Steps == 0 {
		return "init"
	}
	return "run"
}

// Collect reads the results of gc's units from the sweep directories dirs
// (a unit's from the first that has it), in the order of Configs, and
// names the units that none of them has.
func Collect(gc GridConfig, dirs []string) (inits, runs []*Result, missing []string, err error) {
	ic, _ := gc.Configs()
	for i, c := range gc.Units() {
		var r *Result
		for _, d := range dirs {
			var rec Record
			err := sweep.ReadJSON(unitPath(d, c), &rec)
			if errors.Is(err, fs.ErrNotExist) {
				continue
			}
			if err != nil {
				return nil, nil, nil, err
			}
			dc := c
			dc.Defaults()
			if rec.Result == nil || (rec.Result.Config != c && rec.Result.Config != dc) {
				return nil, nil, nil, fmt.Errorf("%s: not the result of %s", unitPath(d, c), c.Name())
			}
			r = rec.Result
			break
		}
		switch {
		case r == nil:
			missing = append(missing, c.Name())
		case i < len(ic):
			inits = append(inits, r)
		default:
			runs = append(runs, r)
		}
	}
	return inits, runs, missing, nil
}

// Merged is what Merge gathered.
type Merged struct {
	Grid    GridConfig
	Summary *Summary
	Runs    int      // training runs with a result
	Missing []string // units without a result (with partial)
}

// Merge gathers the results of a grid's shards from their directories
// dirs (each holding the same grid.json) and writes into out what a
// single process writes: grid.json, runs.jsonl (in the order of Configs),
// summary.json and the figures. With partial, missing units are left out;
// without, they are an error. The summary's seconds are secs, or when
// secs is 0 the run time summed over the runs.
func Merge(out string, dirs []string, partial bool, blasInfo string, secs float64) (*Merged, error) {
	if len(dirs) == 0 {
		return nil, errors.New("no directories to merge")
	}
	m := &Merged{}
	var err error
	if m.Grid, err = readGrid(dirs[0]); err != nil {
		return nil, err
	}
	for _, d := range dirs[1:] {
		if other, err := readGrid(d); err != nil {
			return nil, err
		} else if !sameGrid(m.Grid, other) {
			return nil, fmt.Errorf("%s and %s hold different grids", dirs[0], d)
		}
	}
	inits, runs, missing, err := Collect(m.Grid, dirs)
	if err != nil {
		return nil, err
	}
	m.Runs, m.Missing = len(runs), missing
	if len(missing) > 0 && !partial {
		return nil, fmt.Errorf("%d of %d units have no result, e.g. %s (run their shards again, or merge -partial)", len(missing), len(m.Grid.Units()), missing[0])
	}
	if len(runs) == 0 {
		return nil, fmt.Errorf("no finished runs in %v", dirs)
	}
	if err := Claim(out, m.Grid); err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	sum := 0.0
	for _, r := range append(append([]*Result(nil), inits...), runs...) {
		b, err := json.Marshal(Record{Kind: kindOf(r.Config), Result: r})
		if err != nil {
			return nil, err
		}
		buf.Write(append(b, '\n'))
		if kindOf(r.Config) == "run" {
			sum += r.Seconds
		}
	}
	if err := atomicfile.Write(filepath.Join(out, "runs.jsonl"), func(w io.Writer) error { _, err := w.Write(buf.Bytes()); return err }); err != nil {
		return nil, err
	}
	if secs == 0 {
		secs = sum
	}
	m.Summary, err = Report(out, m.Grid, inits, runs, blasInfo, secs)
	return m, err
}
