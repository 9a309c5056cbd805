package main

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/rnnzoo/rnnzoo/blas"
	"github.com/rnnzoo/rnnzoo/internal/atomicfile"
	"github.com/rnnzoo/rnnzoo/internal/cli"
	"github.com/rnnzoo/rnnzoo/models/gradflow/flow"
	"github.com/rnnzoo/rnnzoo/train"
)

func main() { program.Main() }

var program = &cli.Program{
	Name:    "gradflow",
	Summary: "vanishing and exploding gradients: RNN, LSTM and GRU on the adding and copy tasks (package models/gradflow/flow)",
	Default: "run",
	Commands: []cli.Command{
		{Name: "run", Short: "run a grid (no flags: the quick demo grid; -full: the experiment of the results) and report it", Run: cmdRun},
		{Name: "replot", Short: "redraw the figures, summary and tables of -out DIR (also of a stopped grid)", Run: cmdReplot},
	},
}

func split(s string) []string {
	var out []string
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

func cmdRun(env *cli.Env, args []string) error {
	fs, c := cli.Start(env, "gradflow", "run", "unused")
	out := fs.String("out", "", "output directory (default: a temporary directory)")
	full := fs.Bool("full", false, "the full experiment (240 runs, about 100 minutes on 2 cores) instead of the quick grid")
	quick := fs.Bool("quick", false, "the quick grid (the default; kept for old command lines)")
	tf := train.Flags{Seed: 1, LR: 0.01, Clip: 1} // -steps 0: quick 400, full 3000; -seed: the first seed, runs use seed, seed+1, …
	tf.RegisterOnly(fs, "steps", "seed", "lr", "clip")
	seeds := fs.Int("seeds", 0, "seeds per configuration (default: quick 1, full 3)")
	lengths := fs.String("lengths", "", "comma-separated sequence lengths (default: quick 10,20; full 10,20,50,100,200)")
	tasks := fs.String("tasks", "adding,copy", "comma-separated tasks: adding, copy")
	cells := fs.String("cells", "rnn-tanh,rnn-sigmoid,lstm,gru", "comma-separated cells")
	hidden := fs.Int("hidden", 64, "hidden units")
	batch := fs.Int("batch", 32, "batch size")
	workers := fs.Int("workers", 2, "runs trained at the same time")
	copyK := fs.Int("copyk", 5, "copy task: symbols to remember, from an alphabet of 8")
	g := flow.QuickGrid()
	grid := func() error {
		if *full && !*quick {
			g = flow.FullGrid()
		}
		if tf.Clip < 0 || tf.MaxSteps < 0 || tf.MaxSteps > 1e9 || *workers < 1 || *seeds < 0 || *copyK < 1 {
			return fmt.Errorf("-clip %g and -seeds %d must not be negative, -steps %d in 0..1e9, -workers %d and -copyk %d at least 1", tf.Clip, *seeds, tf.MaxSteps, *workers, *copyK)
		}
		g.Tasks, g.Cells, g.Clips, g.Workers = split(*tasks), split(*cells), []float64{0, tf.Clip}, *workers
		if tf.Clip == 0 {
			g.Clips = []float64{0}
		}
		g.Run.Hidden, g.Run.Batch, g.Run.LR, g.Run.CopyK = *hidden, *batch, tf.LR, *copyK
		if tf.MaxSteps > 0 {
			g.Run.Steps = int(tf.MaxSteps)
		}
		n := len(g.Seeds)
		if *seeds > 0 {
			n = *seeds
		}
		g.Seeds = nil
		for i := 0; i < n; i++ {
			g.Seeds = append(g.Seeds, tf.Seed+uint64(i))
		}
		if *lengths != "" {
			g.Lengths, g.ProfileLengths = nil, nil
			for _, s := range split(*lengths) {
				T, err := strconv.Atoi(s)
				if err != nil || T < 2 {
					return fmt.Errorf("bad length %q in -lengths", s)
				}
				g.Lengths = append(g.Lengths, T)
			}
		}
		return g.Check()
	}
	if err := c.Ready(env, fs, args, true, grid); err != nil {
		return err
	}
	dir, err := outDir(*out)
	if err != nil {
		return err
	}
	human := env.Human(c.JSON)
	fmt.Fprintf(human, "gradflow: tasks %v, cells %v, lengths %v, seeds %v, clip %v, %d updates per run, batch %d, hidden %d, Adam lr %g, copy task %d symbols from 8; BLAS %v\nwriting to %s\n",
		g.Tasks, g.Cells, g.Lengths, g.Seeds, g.Clips, g.Run.Steps, g.Run.Batch, g.Run.Hidden, g.Run.LR, g.Run.CopyK, blas.Current(), dir)
	gb, err := json.MarshalIndent(g, "", "  ")
	if err != nil {
		return err
	}
	if err := atomicfile.Write(filepath.Join(dir, "grid.json"), func(w io.Writer) error { _, err := w.Write(gb); return err }); err != nil {
		return err
	}
	f, err := os.Create(filepath.Join(dir, "runs.jsonl"))
	if err != nil {
		return err
	}
	defer f.Close()
	start := time.Now()
	inits, runs, err := flow.Grid(env.Ctx, g, f, env.Stderr)
	if err != nil {
		return fmt.Errorf("%w (the finished runs are in %s; gradflow replot -out %s reports them)", err, dir, dir)
	}
	if err := f.Close(); err != nil {
		return err
	}
	return report(env, c, dir, g, inits, runs, fmt.Sprint(blas.Current()), time.Since(start).Seconds())
}

func outDir(dir string) (string, error) {
	if dir == "" {
		return os.MkdirTemp("", "rnnzoo-gradflow-")
	}
	return dir, os.MkdirAll(dir, 0o755)
}

func cmdReplot(env *cli.Env, args []string) error {
	fs, c := cli.Start(env, "gradflow", "replot", "unused")
	out := fs.String("out", "", "the directory of a grid run (grid.json, runs.jsonl)")
	if err := c.Ready(env, fs, args, true); err != nil {
		return err
	}
	if *out == "" {
		return cli.Usagef("-out DIR is required")
	}
	g, inits, runs, secs, err := flow.ReadRuns(*out)
	if err != nil {
		return err
	}
	_, all := g.Configs()
	fmt.Fprintf(env.Human(c.JSON), "%s: %d of %d runs finished\n", *out, len(runs), len(all))
	return report(env, c, *out, g, inits, runs, "", secs)
}

// report writes the figures and summary.json and prints the tables (and
// the -json line).
func report(env *cli.Env, c *cli.Common, dir string, g flow.GridConfig, inits, runs []*flow.Result, blasInfo string, secs float64) error {
	sum, err := flow.Report(dir, g, inits, runs, blasInfo, secs)
	if err != nil {
		return err
	}
	w := env.Human(c.JSON)
	sum.WriteTables(w)
	fmt.Fprintf(w, "figures in %s:", dir)
	for _, fg := range sum.Figures {
		fmt.Fprint(w, " ", fg.File)
	}
	fmt.Fprintf(w, "\n%d runs, %.0fs of run time\n", len(runs), sum.Seconds)
	if c.JSON {
		return cli.PrintJSON(env.Stdout, map[string]any{"runs": len(runs), "seconds": math.Round(sum.Seconds), "out": dir,
			"init_ratio": sum.InitRatio, "success": sum.Success()})
	}
	return nil
}
