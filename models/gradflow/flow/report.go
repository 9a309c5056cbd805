package flow

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"

	"github.com/rnnzoo/rnnzoo/internal/atomicfile"
)

// QuickGrid is the demo grid (about a minute on 2 cores): both tasks and
// the four cells at T = 10 and 20, one seed, 400 updates a run, clipping
// off and at 1, with initialisation profiles up to T = 200.
func QuickGrid() GridConfig {
	g := FullGrid()
	g.Lengths, g.Seeds, g.ProfileLengths = []int{10, 20}, []uint64{1}, []int{200}
	g.Run.Steps, g.Run.EvalEvery, g.Run.TestBatches = 400, 50, 4
	return g
}

// FullGrid is the experiment of the results: both tasks, the four cells, T
// = 10, 20, 50, 100, 200, seeds 1–3, clipping off and at 1, 3,000 updates
// of Adam (0.01) a run, 64 units, batches of 32; 240 runs.
func FullGrid() GridConfig {
	return GridConfig{
		Tasks: []string{Adding, CopyTask}, Cells: []string{"rnn-tanh", "rnn-sigmoid", "lstm", "gru"},
		Lengths: []int{10, 20, 50, 100, 200}, Seeds: []uint64{1, 2, 3}, Clips: []float64{0, 1},
		Run:     Config{Hidden: 64, Batch: 32, LR: 0.01, Steps: 3000, EvalEvery: 100, TestBatches: 8, CopyK: 5},
		Workers: 2,
	}
}

// MaxUnits bounds the runs and initialisation profiles of a grid.
const MaxUnits = 1_000_000

// Check reports a grid that cannot run.
func (gc GridConfig) Check() error {
	if len(gc.Tasks) == 0 || len(gc.Cells) == 0 || len(gc.Lengths) == 0 || len(gc.Seeds) == 0 || len(gc.Clips) == 0 {
		return fmt.Errorf("a grid needs at least one task, cell, length, seed and clipping threshold")
	}
	for _, c := range gc.Cells {
		if _, err := CellByName(c); err != nil {
			return err
		}
	}
	for _, t := range gc.Tasks {
		if t != Adding && t != CopyTask {
			return fmt.Errorf("unknown task %q (want adding or copy)", t)
		}
	}
	for _, T := range append(append([]int(nil), gc.Lengths...), gc.ProfileLengths...) {
		if T < 2 {
			return fmt.Errorf("length %d: want at least 2", T)
		}
	}
	for _, c := range gc.Clips {
		if c < 0 {
			return fmt.Errorf("clipping threshold %g: want 0 (off) or positive", c)
		}
	}
	n := 1
	for _, k := range []int{len(gc.Tasks), len(gc.Cells), len(gc.Lengths) + len(gc.ProfileLengths), len(gc.Seeds), len(gc.Clips) + 1} {
		if n *= k; n > MaxUnits {
			return fmt.Errorf("a grid of more than %d units", MaxUnits)
		}
	}
	if gc.Run.Steps < 1 || gc.Run.Batch < 1 || gc.Run.Hidden < 1 || !(gc.Run.LR > 0) {
		return fmt.Errorf("updates %d, batch %d, hidden %d and learning rate %g must be positive", gc.Run.Steps, gc.Run.Batch, gc.Run.Hidden, gc.Run.LR)
	}
	return nil
}

// Summary is what a grid found, as written to summary.json.
type Summary struct {
	Grid    GridConfig  `json:"grid"`
	BLAS    string      `json:"blas"`
	Seconds float64     `json:"seconds"`
	Results []Cellwise  `json:"results"`
	Norms   []NormStats `json:"preclip_norms"`
	// InitRatio is ‖∂L/∂h_0‖ / ‖∂L/∂h_{T−1}‖ at initialisation at the
	// longest profiled length, per task and cell.
	InitRatio map[string]Float `json:"init_ratio"`
	Figures   []Figure         `json:"figures"`
}

// Report draws the figures of a grid's results into dir, writes
// dir/summary.json and returns the summary.
func Report(dir string, g GridConfig, inits, runs []*Result, blasInfo string, secs float64) (*Summary, error) {
	figs, err := WritePlots(dir, g, inits, runs)
	if err != nil {
		return nil, err
	}
	cw, ns := Summarise(runs)
	sum := &Summary{Grid: g, BLAS: blasInfo, Seconds: secs, Results: cw, Norms: ns, Figures: figs, InitRatio: map[string]Float{}}
	for _, task := range g.Tasks {
		for _, cell := range g.Cells {
			if p := MeanProfile(inits, task, cell, g.ProfileMax(), 0, 0); len(p) > 0 {
				sum.InitRatio[task+"/"+cell] = Float(p[0] / p[len(p)-1])
			}
		}
	}
	b, err := json.MarshalIndent(sum, "", "  ")
	if err != nil {
		return nil, err
	}
	return sum, atomicfile.Write(filepath.Join(dir, "summary.json"), func(w io.Writer) error { _, err := w.Write(b); return err })
}

// Success is each configuration's share of solved seeds, keyed
// "task/cell/T<length>/clip<threshold>".
func (s *Summary) Success() map[string]float64 {
	out := map[string]float64{}
	for _, c := range s.Results {
		out[fmt.Sprintf("%s/%s/T%d/clip%g", c.Task, c.Cell, c.T, c.Clip)] = c.SuccessRate
	}
	return out
}

// WriteTables writes the summary as text tables: solved seeds per cell,
// clipping and length, the pre-clip gradient norms, and the gradient ratio
// at initialisation.
func (s *Summary) WriteTables(w io.Writer) {
	g := s.Grid
	lengths := append([]int(nil), g.Lengths...)
	sort.Ints(lengths)
	for _, task := range g.Tasks {
		metric := "test MSE"
		if task == CopyTask {
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

// ReadRuns reads a run directory back (of a finished or a stopped grid):
// its grid.json and the results in runs.jsonl, with the run time summed
// over the runs. A line cut short by a stopped run ends the log.
func ReadRuns(dir string) (g GridConfig, inits, runs []*Result, secs float64, err error) {
	gb, err := os.ReadFile(filepath.Join(dir, "grid.json"))
	if err != nil {
		return g, nil, nil, 0, err
	}
	if err := json.Unmarshal(gb, &g); err != nil {
		return g, nil, nil, 0, fmt.Errorf("%s: %w", filepath.Join(dir, "grid.json"), err)
	}
	f, err := os.Open(filepath.Join(dir, "runs.jsonl"))
	if err != nil {
		return g, nil, nil, 0, err
	}
	defer f.Close()
	dec := json.NewDecoder(f)
	for n := 1; ; n++ {
		var r Record
		if err := dec.Decode(&r); err == io.EOF || err == io.ErrUnexpectedEOF {
			break
		} else if err != nil {
			return g, nil, nil, 0, fmt.Errorf("%s: record %d: %w", filepath.Join(dir, "runs.jsonl"), n, err)
		}
		if r.Kind == "init" {
			inits = append(inits, r.Result)
		} else {
			runs = append(runs, r.Result)
			secs += r.Seconds
		}
	}
	if len(runs) == 0 {
		return g, nil, nil, 0, fmt.Errorf("no finished runs in %s", dir)
	}
	return g, inits, runs, secs, nil
}
