package flow

import (
	"flag"
	"fmt"
	"strconv"
	"strings"

	"github.com/rnnzoo/rnnzoo/sweep"
	"github.com/rnnzoo/rnnzoo/train"
)

// Flags are the command-line flags that choose a grid (those of the
// gradflow program's run command).
type Flags struct {
	Full, Quick                   bool
	Train                         train.Flags // -steps, -seed, -lr, -clip
	Seeds                         int
	Grid, Lengths, Tasks, Cells   string
	Hidden, Batch, Workers, CopyK int
}

// Register defines the flags on fs with their defaults.
func (f *Flags) Register(fs *flag.FlagSet) {
	fs.BoolVar(&f.Full, "full", false, "the full experiment (240 runs, about 100 minutes on 2 cores) instead of the quick grid")
	fs.BoolVar(&f.Quick, "quick", false, "the quick grid (the default; kept for old command lines)")
	f.Train = train.Flags{Seed: 1, LR: 0.01, Clip: 1} // -steps 0: quick 400, full 3000; -seed: the first seed, runs use seed, seed+1, …
	f.Train.RegisterOnly(fs, "steps", "seed", "lr", "clip")
	fs.IntVar(&f.Seeds, "seeds", 0, "seeds per configuration (default: quick 1, full 3)")
	fs.StringVar(&f.Lengths, "lengths", "", "comma-separated sequence lengths (default: quick 10,20; full 10,20,50,100,200)")
	fs.StringVar(&f.Tasks, "tasks", "adding,copy", "comma-separated tasks: adding, copy")
	fs.StringVar(&f.Cells, "cells", "rnn-tanh,rnn-sigmoid,lstm,gru", "comma-separated cells")
	fs.StringVar(&f.Grid, "grid", "", `the grid's dimensions as a sweep spec, e.g. "task=adding;cell=lstm,gru;T=10,20;seed=1..3;clip=0,1" or a JSON file (over -tasks, -cells, -lengths, -seeds, -clip)`)
	fs.IntVar(&f.Hidden, "hidden", 64, "hidden units")
	fs.IntVar(&f.Batch, "batch", 32, "batch size")
	fs.IntVar(&f.Workers, "workers", 2, "runs trained at the same time")
	fs.IntVar(&f.CopyK, "copyk", 5, "copy task: symbols to remember, from an alphabet of 8")
}

// Config returns the grid that the parsed flags choose.
func (f *Flags) Config() (GridConfig, error) {
	g, tf := QuickGrid(), f.Train
	if f.Full && !f.Quick {
		g = FullGrid()
	}
	if tf.Clip < 0 || tf.MaxSteps < 0 || tf.MaxSteps > 1e9 || f.Workers < 1 || f.Seeds < 0 || f.CopyK < 1 {
		return g, fmt.Errorf("-clip %g and -seeds %d must not be negative, -steps %d in 0..1e9, -workers %d and -copyk %d at least 1", tf.Clip, f.Seeds, tf.MaxSteps, f.Workers, f.CopyK)
	}
	g.Tasks, g.Cells, g.Clips, g.Workers = split(f.Tasks), split(f.Cells), []float64{0, tf.Clip}, f.Workers
	if tf.Clip == 0 {
		g.Clips = []float64{0}
	}
	g.Run.Hidden, g.Run.Batch, g.Run.LR, g.Run.CopyK = f.Hidden, f.Batch, tf.LR, f.CopyK
	if tf.MaxSteps > 0 {
		g.Run.Steps = int(tf.MaxSteps)
	}
	n := len(g.Seeds)
	if f.Seeds > 0 {
		n = f.Seeds
	}
	g.Seeds = nil
	for i := 0; i < n; i++ {
		g.Seeds = append(g.Seeds, tf.Seed+uint64(i))
	}
	if f.Lengths != "" {
		g.Lengths, g.ProfileLengths = nil, nil
		for _, s := range split(f.Lengths) {
			T, err := strconv.Atoi(s)
			if err != nil || T < 2 {
				return g, fmt.Errorf("bad length %q in -lengths", s)
			}
			g.Lengths = append(g.Lengths, T)
		}
	}
	if f.Grid != "" {
		sp, err := sweep.Load(f.Grid)
		if err != nil {
			return g, err
		}
		if err := g.SetSpec(sp); err != nil {
			return g, err
		}
	}
	return g, g.Check()
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
