package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/rnnzoo/rnnzoo/blas"
	"github.com/rnnzoo/rnnzoo/models/gradflow/internal/flow"
)

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "gradflow:", err)
		os.Exit(1)
	}
}

// options are the command-line settings.
type options struct {
	out      string
	quick    bool
	replot   bool
	json     bool
	blas     string
	grid     flow.GridConfig
	progress io.Writer
}

func parse(args []string, stderr io.Writer) (*options, error) {
	fs := flag.NewFlagSet("gradflow", flag.ContinueOnError)
	fs.SetOutput(stderr)
	o := &options{}
	fs.StringVar(&o.out, "out", "", "output directory (default: a temporary directory)")
	fs.BoolVar(&o.quick, "quick", false, "the ~2 minute demo grid instead of the full experiment")
	fs.BoolVar(&o.replot, "replot", false, "redraw the figures and summary of -out DIR from its grid.json and runs.jsonl (also of a stopped run)")
	fs.BoolVar(&o.json, "json", false, "print a JSON object with the final numbers as the last line")
	fs.StringVar(&o.blas, "blas", "auto", "BLAS: auto, go, gonum, openblas")
	seed := fs.Uint64("seed", 1, "first seed; runs use seed, seed+1, …")
	seeds := fs.Int("seeds", 0, "seeds per configuration (default: quick 1, full 3)")
	lengths := fs.String("lengths", "", "comma-separated sequence lengths (default: quick 10,20; full 10,20,50,100,200)")
	tasks := fs.String("tasks", "adding,copy", "comma-separated tasks: adding, copy")
	cells := fs.String("cells", "rnn-tanh,rnn-sigmoid,lstm,gru", "comma-separated cells")
	steps := fs.Int("steps", 0, "budget of updates per run (default: quick 400, full 3000)")
	hidden := fs.Int("hidden", 64, "hidden units")
	batch := fs.Int("batch", 32, "batch size")
	lr := fs.Float64("lr", 0, "Adam learning rate (default 0.01)")
	clip := fs.Float64("clip", 1, "global-norm clipping threshold of the clipped runs (each configuration also runs unclipped)")
	workers := fs.Int("workers", 2, "runs trained at the same time")
	copyK := fs.Int("copyk", 0, "copy task: symbols to remember, from an alphabet of 8 (default 5)")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	if len(args) == 0 {
		o.quick = true
	}
	g := &o.grid
	g.Tasks = split(*tasks)
	g.Cells = split(*cells)
	for _, c := range g.Cells {
		if _, err := flow.CellByName(c); err != nil {
			return nil, err
		}
	}
	for _, t := range g.Tasks {
		if t != flow.Adding && t != flow.CopyTask {
			return nil, fmt.Errorf("unknown task %q (want adding or copy)", t)
		}
	}
	g.Run = flow.Config{Hidden: *hidden, Batch: *batch, LR: *lr, Steps: *steps}
	if g.Run.LR == 0 {
		g.Run.LR = 0.01
	}
	if *clip <= 0 {
		return nil, fmt.Errorf("-clip must be positive (the unclipped runs are always made)")
	}
	g.Clips = []float64{0, *clip}
	g.Workers = *workers
	nseeds, ls := 3, "10,20,50,100,200"
	g.Run.EvalEvery, g.Run.TestBatches, g.Run.CopyK = 100, 8, 5
	if o.quick {
		nseeds, ls = 1, "10,20"
		g.ProfileLengths = []int{200}
		g.Run.EvalEvery, g.Run.TestBatches = 50, 4
		if g.Run.Steps == 0 {
			g.Run.Steps = 400
		}
	} else if g.Run.Steps == 0 {
		g.Run.Steps = 3000
	}
	if *copyK > 0 {
		g.Run.CopyK = *copyK
	}
	if *seeds > 0 {
		nseeds = *seeds
	}
	if *lengths != "" {
		ls = *lengths
		g.ProfileLengths = nil
	}
	for _, s := range split(ls) {
		T, err := strconv.Atoi(s)
		if err != nil || T < 2 {
			return nil, fmt.Errorf("bad length %q in -lengths", s)
		}
		g.Lengths = append(g.Lengths, T)
	}
	for i := 0; i < nseeds; i++ {
		g.Seeds = append(g.Seeds, *seed+uint64(i))
	}
	if len(g.Tasks) == 0 || len(g.Cells) == 0 || len(g.Lengths) == 0 {
		return nil, fmt.Errorf("need at least one task, cell and length")
	}
	return o, nil
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

// Summary is written to DIR/summary.json.
type Summary struct {
	Grid    flow.GridConfig  `json:"grid"`
	BLAS    string           `json:"blas"`
	Seconds float64          `json:"seconds"`
	Results []flow.Cellwise  `json:"results"`
	Norms   []flow.NormStats `json:"preclip_norms"`
	// InitRatio is ‖∂L/∂h_0‖ / ‖∂L/∂h_{T−1}‖ at initialisation at the
	// longest profiled length, per task and cell.
	InitRatio map[string]float64 `json:"init_ratio"`
	Figures   []flow.Figure      `json:"figures"`
}

func run(args []string, stdout, stderr io.Writer) error {
	o, err := parse(args, stderr)
	if err != nil {
		return err
	}
	if o.out == "" {
		if o.out, err = os.MkdirTemp("", "rnnzoo-gradflow-"); err != nil {
			return err
		}
	}
	if err := os.MkdirAll(o.out, 0o755); err != nil {
		return err
	}
	if o.replot {
		return replot(o, stdout)
	}
	info, err := blas.Setup(o.blas)
	if err != nil {
		return err
	}
	mode := "full"
	if o.quick {
		mode = "quick"
	}
	g := o.grid
	fmt.Fprintf(stdout, "gradflow (%s): tasks %v, cells %v, lengths %v, seeds %v, clip %v, %d updates per run, batch %d, hidden %d, Adam lr %g, copy task %d symbols from 8; BLAS %v\n",
		mode, g.Tasks, g.Cells, g.Lengths, g.Seeds, g.Clips, g.Run.Steps, g.Run.Batch, g.Run.Hidden, g.Run.LR, g.Run.CopyK, info)
	fmt.Fprintf(stdout, "writing to %s\n", o.out)
	gb, err := json.MarshalIndent(g, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(o.out, "grid.json"), gb, 0o644); err != nil {
		return err
	}
	f, err := os.Create(filepath.Join(o.out, "runs.jsonl"))
	if err != nil {
		return err
	}
	defer f.Close()
	start := time.Now()
	progress := o.progress
	if progress == nil {
		progress = stderr
	}
	inits, runs, err := flow.Grid(g, f, progress)
	if err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return report(o, stdout, g, inits, runs, fmt.Sprint(info), time.Since(start).Seconds())
}

// replot reads a run directory back (a finished or a stopped run) and
// writes its figures, summary and tables.
func replot(o *options, stdout io.Writer) error {
	gb, err := os.ReadFile(filepath.Join(o.out, "grid.json"))
	if err != nil {
		return err
	}
	var g flow.GridConfig
	if err := json.Unmarshal(gb, &g); err != nil {
		return fmt.Errorf("%s: %w", filepath.Join(o.out, "grid.json"), err)
	}
	f, err := os.Open(filepath.Join(o.out, "runs.jsonl"))
	if err != nil {
		return err
	}
	defer f.Close()
	var inits, runs []*flow.Result
	var secs float64
	dec := json.NewDecoder(f)
	for {
		var r flow.Record
		if err := dec.Decode(&r); err == io.EOF {
			break
		} else if err != nil {
			// A line cut short by a stopped run ends the log.
			fmt.Fprintf(stdout, "runs.jsonl: stopping at a damaged line: %v\n", err)
			break
		}
		if r.Kind == "init" {
			inits = append(inits, r.Result)
		} else {
			runs = append(runs, r.Result)
			secs += r.Seconds
		}
	}
	_, all := g.Configs()
	fmt.Fprintf(stdout, "%s: %d of %d runs finished\n", o.out, len(runs), len(all))
	if len(runs) == 0 {
		return fmt.Errorf("no finished runs in %s", o.out)
	}
	return report(o, stdout, g, inits, runs, "", secs)
}

// report writes the figures and summary.json and prints the tables (and
// the -json line).
func report(o *options, stdout io.Writer, g flow.GridConfig, inits, runs []*flow.Result, blasInfo string, secs float64) error {
	figs, err := flow.WritePlots(o.out, g, inits, runs)
	if err != nil {
		return err
	}
	cw, ns := flow.Summarise(runs)
	sum := Summary{Grid: g, BLAS: blasInfo, Seconds: secs, Results: cw, Norms: ns, Figures: figs, InitRatio: map[string]float64{}}
	Tmax := g.ProfileMax()
	for _, task := range g.Tasks {
		for _, cell := range g.Cells {
			p := flow.MeanProfile(inits, task, cell, Tmax, 0, 0)
			if len(p) > 0 {
				sum.InitRatio[task+"/"+cell] = p[0] / p[len(p)-1]
			}
		}
	}
	b, err := json.MarshalIndent(sum, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(o.out, "summary.json"), b, 0o644); err != nil {
		return err
	}
	printTables(stdout, g, sum)
	fmt.Fprintf(stdout, "figures in %s: ", o.out)
	for i, fg := range figs {
		if i > 0 {
			fmt.Fprint(stdout, ", ")
		}
		fmt.Fprint(stdout, fg.File)
	}
	if blasInfo == "" {
		fmt.Fprintf(stdout, "\n%d runs, %.0fs of run time (summed over runs)\n", len(runs), sum.Seconds)
	} else {
		fmt.Fprintf(stdout, "\n%d runs in %.0fs\n", len(runs), sum.Seconds)
	}
	if o.json {
		final := map[string]any{"runs": len(runs), "seconds": math.Round(sum.Seconds), "out": o.out, "init_ratio": sum.InitRatio}
		success := map[string]float64{}
		for _, c := range cw {
			success[fmt.Sprintf("%s/%s/T%d/clip%g", c.Task, c.Cell, c.T, c.Clip)] = c.SuccessRate
		}
		final["success"] = success
		b, err := json.Marshal(final)
		if err != nil {
			return err
		}
		fmt.Fprintln(stdout, string(b))
	}
	return nil
}

func printTables(w io.Writer, g flow.GridConfig, s Summary) {
	lengths := append([]int(nil), g.Lengths...)
	sort.Ints(lengths)
	for _, task := range g.Tasks {
		metric := "test MSE"
		if task == flow.CopyTask {
			metric = "recall accuracy"
		}
		fmt.Fprintf(w, "\n%s: solved seeds / seeds (median %s) within %d updates\n", task, metric, g.Run.Steps)
		fmt.Fprintf(w, "%-12s %-6s", "cell", "clip")
		for _, T := range lengths {
			fmt.Fprintf(w, " %16s", fmt.Sprintf("T=%d", T))
		}
		fmt.Fprintln(w)
		for _, cell := range g.Cells {
			for _, clip := range g.Clips {
				fmt.Fprintf(w, "%-12s %-6g", cell, clip)
				for _, T := range lengths {
					cellText := "-"
					for _, c := range s.Results {
						if c.Task == task && c.Cell == cell && c.T == T && c.Clip == clip {
							cellText = fmt.Sprintf("%d/%d (%.3f)", c.Solved, c.Runs, c.MedianMetric)
						}
					}
					fmt.Fprintf(w, " %16s", cellText)
				}
				fmt.Fprintln(w)
			}
		}
		fmt.Fprintf(w, "pre-clip global gradient norm over all updates (median / p99 / max, share > 1):\n")
		for _, n := range s.Norms {
			if n.Task == task {
				fmt.Fprintf(w, "  %-12s clip %-4g %9.3g %9.3g %9.3g  %5.1f%%\n", n.Cell, n.Clip, n.Median, n.P99, n.Max, 100*n.AboveOne)
			}
		}
		fmt.Fprintf(w, "‖∂L/∂h_0‖ / ‖∂L/∂h_T-1‖ at initialisation, T=%d:", g.ProfileMax())
		for _, cell := range g.Cells {
			fmt.Fprintf(w, " %s %.3g;", cell, s.InitRatio[task+"/"+cell])
		}
		fmt.Fprintln(w)
	}
}
