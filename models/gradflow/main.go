package main

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"time"

	"github.com/rnnzoo/rnnzoo/blas"
	"github.com/rnnzoo/rnnzoo/internal/cli"
	"github.com/rnnzoo/rnnzoo/models/gradflow/flow"
	"github.com/rnnzoo/rnnzoo/sweep"
)

func main() { program.Main() }

var program = &cli.Program{
	Name:    "gradflow",
	Summary: "vanishing and exploding gradients: RNN, LSTM and GRU on the adding and copy tasks (package models/gradflow/flow)",
	Default: "run",
	Commands: []cli.Command{
		{Name: "run", Short: "run a grid (no flags: the quick demo grid; -full: the experiment of the results) and report it", Run: cmdRun},
		{Name: "replot", Short: "redraw the figures, summary and tables of -out DIR (also of a stopped grid)", Run: cmdReplot},
		{Name: "merge", Short: "gather the shards of a grid (run -shard i/n -out DIR) into what one process writes: merge DIR…", Run: cmdMerge},
	},
}

func cmdRun(env *cli.Env, args []string) error {
	fs, c := cli.Start(env, "gradflow", "run", "unused")
	out := fs.String("out", "", "output directory (default: a temporary directory)")
	shardFlag := fs.String("shard", "", "run shard i/n of the grid (i from 0; default: SLURM_ARRAY_TASK_ID or JOB_COMPLETION_INDEX, else all); gradflow merge gathers the shards")
	shards := fs.Int("shards", 0, "number of shards when JOB_COMPLETION_INDEX gives the index (the Job's completions)")
	var f flow.Flags
	f.Register(fs)
	var g flow.GridConfig
	var shard sweep.Shard
	var from string
	check := func() (err error) {
		if g, err = f.Config(); err == nil {
			shard, from, err = sweep.Resolve(*shardFlag, *shards, os.Getenv)
		}
		if err == nil && shard.Count > 1 && *out == "" {
			err = fmt.Errorf("shard %v: give -out DIR, the directory that gradflow merge reads", shard)
		}
		return err
	}
	if err := c.Ready(env, fs, args, true, check); err != nil {
		return err
	}
	dir, err := outDir(*out)
	if err != nil {
		return err
	}
	human := env.Human(c.JSON)
	fmt.Fprintf(human, "gradflow: tasks %v, cells %v, lengths %v, seeds %v, clip %v, %d updates per run, batch %d, hidden %d, Adam lr %g, copy task %d symbols from 8; BLAS %v\nwriting to %s\n",
		g.Tasks, g.Cells, g.Lengths, g.Seeds, g.Clips, g.Run.Steps, g.Run.Batch, g.Run.Hidden, g.Run.LR, g.Run.CopyK, blas.Current(), dir)
	if err := flow.Claim(dir, g); err != nil {
		return err
	}
	start := time.Now()
	ran, skipped, err := flow.Sweep(env.Ctx, g, dir, shard, env.Stderr)
	if err != nil {
		return fmt.Errorf("%w (the finished runs are in %s: the same command continues, gradflow replot -out %s reports them)", err, dir, dir)
	}
	if shard.Count > 1 {
		secs := time.Since(start).Seconds()
		fmt.Fprintf(human, "shard %v (%s): %d units ran, %d done before, %.1f s; when every shard is done: gradflow merge %s\n", shard, from, ran, skipped, secs, dir)
		return c.Result(env, map[string]any{"shard": shard.String(), "ran": ran, "skipped": skipped, "seconds": secs, "out": dir})
	}
	return merge(env, c, dir, []string{dir}, false, fmt.Sprint(blas.Current()), time.Since(start).Seconds())
}

func outDir(dir string) (string, error) {
	if dir == "" {
		return os.MkdirTemp("", "rnnzoo-gradflow-")
	}
	return dir, os.MkdirAll(dir, 0o755)
}

func cmdReplot(env *cli.Env, args []string) error {
	fs, c := cli.Start(env, "gradflow", "replot", "unused")
	out := fs.String("out", "", "the directory of a grid run (grid.json, runs/ or runs.jsonl)")
	if err := c.Ready(env, fs, args, true); err != nil {
		return err
	}
	if *out == "" {
		return cli.Usagef("-out DIR is required")
	}
	if _, err := os.Stat(filepath.Join(*out, "runs")); err == nil {
		return merge(env, c, *out, []string{*out}, true, "", 0)
	}
	g, inits, runs, secs, err := flow.ReadRuns(*out) // a directory written before the runs/ folder
	if err != nil {
		return err
	}
	sum, err := flow.Report(*out, g, inits, runs, "", secs)
	if err != nil {
		return err
	}
	_, all := g.Configs()
	return report(env, c, *out, sum, len(runs), len(all))
}

func cmdMerge(env *cli.Env, args []string) error {
	fs, c := cli.Start(env, "gradflow", "merge", "unused")
	out := fs.String("out", "", "directory to write the merged grid's files to (default: the first DIR)")
	partial := fs.Bool("partial", false, "report the runs that finished when some have no result (default: an error)")
	if err := c.Ready(env, fs, args, false); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return cli.Usagef("give the shards' directories: gradflow merge DIR…")
	}
	if *out == "" {
		*out = fs.Arg(0)
	}
	return merge(env, c, *out, fs.Args(), *partial, "", 0)
}

// merge writes the report of the units in dirs into out (flow.Merge) and
// prints it.
func merge(env *cli.Env, c *cli.Common, out string, dirs []string, partial bool, blasInfo string, secs float64) error {
	m, err := flow.Merge(out, dirs, partial, blasInfo, secs)
	if err != nil {
		return err
	}
	_, all := m.Grid.Configs()
	return report(env, c, out, m.Summary, m.Runs, len(all))
}

// report prints the tables, the figures' names and the -json line.
func report(env *cli.Env, c *cli.Common, dir string, sum *flow.Summary, runs, all int) error {
	w := env.Human(c.JSON)
	sum.WriteTables(w)
	fmt.Fprintf(w, "figures in %s:", dir)
	for _, fg := range sum.Figures {
		fmt.Fprint(w, " ", fg.File)
	}
	fmt.Fprintf(w, "\n%d of %d runs finished, %.0fs of run time\n", runs, all, sum.Seconds)
	if c.JSON {
		return cli.PrintJSON(env.Stdout, map[string]any{"runs": runs, "seconds": math.Round(sum.Seconds), "out": dir,
			"init_ratio": sum.InitRatio, "success": sum.Success()})
	}
	return nil
}
