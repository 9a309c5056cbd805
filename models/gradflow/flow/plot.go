package flow

import (
	"fmt"
	"image/color"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

var cellColors = map[string]color.RGBA{
	"rnn-tanh":    {R: 31, G: 119, B: 180, A: 255},
	"rnn-sigmoid": {R: 255, G: 127, B: 14, A: 255},
	"lstm":        {R: 44, G: 160, B: 44, A: 255},
	"gru":         {R: 214, G: 39, B: 40, A: 255},
}

func colorOf(cell string) color.RGBA {
	if c, ok := cellColors[cell]; ok {
		return c
	}
	return color.RGBA{A: 255}
}

// Floor is the smallest norm drawn on a log axis; smaller values (and
// exact zeros from underflow) are drawn at the floor.
const Floor = 1e-300

// Figure is one written picture and what it shows.
type Figure struct {
	File  string `json:"file"`
	Title string `json:"title"`
}

// WritePlots draws the figures of a grid into dir and returns them.
func WritePlots(dir string, gc GridConfig, inits, runs []*Result) ([]Figure, error) {
	var figs []Figure
	add := func(p *plot.Plot, file, title string) error {
		path := filepath.Join(dir, file)
		if err := save(p, 7*vg.Inch, 4.5*vg.Inch, path); err != nil {
			return err
		}
		figs = append(figs, Figure{File: file, Title: title})
		return nil
	}
	lengths := append([]int(nil), gc.Lengths...)
	sort.Ints(lengths)
	for _, task := range gc.Tasks {
		// 1. ‖∂L/∂h_t‖ against t at initialisation, longest length.
		Tmax := gc.ProfileMax()
		p := newPlot(fmt.Sprintf("%s, T=%d: ‖∂L/∂h_t‖ at initialisation (geometric mean over seeds)", task, Tmax), "time step t", "‖∂L/∂h_t‖")
		logY(p)
		for _, cell := range gc.Cells {
			if err := line(p, cell, profileXY(MeanProfile(inits, task, cell, Tmax, 0, 0)), false); err != nil {
				return nil, err
			}
		}
		p.Legend.Top, p.Legend.Left = true, true
		if err := add(p, "gradnorm_init_"+task+".png", "‖∂L/∂h_t‖ against t at initialisation, "+task); err != nil {
			return nil, err
		}
		// 2. The same at the end of training (clipped runs), against
		// initialisation, at every length: one panel per length.
		clip := 0.0
		for _, c := range gc.Clips {
			clip = math.Max(clip, c)
		}
		var panels []*plot.Plot
		for _, T := range lengths {
			p := newPlot(fmt.Sprintf("%s, T=%d", task, T), "t", "‖∂L/∂h_t‖")
			logY(p)
			drawn := false
			for _, cell := range gc.Cells {
				first, last := MeanProfile(runs, task, cell, T, clip, 0), MeanProfile(runs, task, cell, T, clip, -1)
				if err := line(p, cell, profileXY(first), true); err != nil {
					return nil, err
				}
				if err := line(p, cell, profileXY(last), false); err != nil {
					return nil, err
				}
				drawn = drawn || len(first) > 0
			}
			if drawn { // a stopped grid may have no clipped run of this length yet
				panels = append(panels, p)
			}
		}
		if len(panels) == 0 {
			continue
		}
		panels[0].Legend.Top = true
		file := "gradnorm_train_" + task + ".png"
		if err := saveGrid(panels, 2, filepath.Join(dir, file)); err != nil {
			return nil, err
		}
		figs = append(figs, Figure{File: file, Title: fmt.Sprintf("‖∂L/∂h_t‖ at initialisation (dashed) and at the end of training (solid), clip %g, %s", clip, task)})

		// 3. Success rate against length.
		cw, _ := Summarise(runs)
		p = newPlot(fmt.Sprintf("%s: seeds solved within %d updates (solid: clip, dashed: none)", task, gc.Run.Steps), "sequence length T", "success rate")
		p.Y.Min, p.Y.Max = -0.08, 1.08
		p.Y.Label.Text = "success rate (cells offset by ±0.03 to stay visible)"
		lengthAxis(p, lengths)
		for ci, cell := range gc.Cells {
			for _, c := range gc.Clips {
				var xy plotter.XYs
				for _, s := range cw {
					if s.Task == task && s.Cell == cell && s.Clip == c {
						off := 0.02 * (float64(ci) - float64(len(gc.Cells)-1)/2)
						xy = append(xy, plotter.XY{X: float64(s.T), Y: s.SuccessRate + off})
					}
				}
				if err := linePts(p, cell, xy, c == 0, c != 0); err != nil {
					return nil, err
				}
			}
		}
		p.Legend.Top = false
		if err := add(p, "success_"+task+".png", "success rate against sequence length, "+task); err != nil {
			return nil, err
		}
		// 4. Final test metric against length.
		ylab := "test MSE (median over seeds)"
		if task == CopyTask {
			ylab = "recall accuracy (median over seeds)"
		}
		p = newPlot(fmt.Sprintf("%s: test metric after training (solid: clip, dashed: no clip)", task), "sequence length T", ylab)
		lengthAxis(p, lengths)
		for _, cell := range gc.Cells {
			for _, c := range gc.Clips {
				var xy plotter.XYs
				for _, s := range cw {
					if s.Task == task && s.Cell == cell && s.Clip == c {
						xy = append(xy, plotter.XY{X: float64(s.T), Y: float64(s.MedianMetric)})
					}
				}
				if err := linePts(p, cell, xy, c == 0, c != 0); err != nil {
					return nil, err
				}
			}
		}
		thr := AddingMaxMSE
		if task == CopyTask {
			thr = CopyMinRecall
		} else {
			logY(p)
		}
		hl, err := plotter.NewLine(plotter.XYs{{X: float64(lengths[0]), Y: thr}, {X: float64(lengths[len(lengths)-1]), Y: thr}})
		if err != nil {
			return nil, err
		}
		hl.Color = color.RGBA{A: 255}
		hl.Dashes = []vg.Length{vg.Points(1), vg.Points(3)}
		p.Add(hl)
		p.Legend.Add("success threshold", hl)
		base, baseName := tasksBaseline(task, gc.Run)
		bl, err := plotter.NewLine(plotter.XYs{{X: float64(lengths[0]), Y: base}, {X: float64(lengths[len(lengths)-1]), Y: base}})
		if err != nil {
			return nil, err
		}
		bl.Color = color.RGBA{R: 120, G: 120, B: 120, A: 255}
		bl.Dashes = []vg.Length{vg.Points(6), vg.Points(2)}
		p.Add(bl)
		p.Legend.Add(baseName, bl)
		if err := add(p, "metric_"+task+".png", "test metric against sequence length, "+task); err != nil {
			return nil, err
		}
		// 5. Pre-clip global norm histograms, one panel per cell.
		panels = panels[:0]
		for _, cell := range gc.Cells {
			p := plot.New()
			p.Title.Text = fmt.Sprintf("%s, %s", task, cell)
			p.X.Label.Text = "log10 pre-clip global gradient norm"
			p.Y.Label.Text = "density"
			sets := make([][]float64, len(gc.Clips))
			lo, hi := math.Inf(1), math.Inf(-1)
			for ci, c := range gc.Clips {
				for _, r := range runs {
					if r != nil && r.Task == task && r.Cell == cell && r.Clip == c {
						for _, x := range r.PreClip {
							if x > 0 && !math.IsInf(x, 0) && !math.IsNaN(x) {
								lx := math.Log10(x)
								sets[ci] = append(sets[ci], lx)
								lo, hi = math.Min(lo, lx), math.Max(hi, lx)
							}
						}
					}
				}
			}
			for ci, c := range gc.Clips {
				xy := histXY(sets[ci], lo, hi, 40)
				if len(xy) == 0 {
					continue
				}
				l, err := plotter.NewLine(xy)
				if err != nil {
					return nil, err
				}
				l.StepStyle = plotter.PostStep
				l.Width = vg.Points(1.5)
				l.Color = []color.RGBA{{R: 31, G: 119, B: 180, A: 255}, {R: 214, G: 39, B: 40, A: 255}}[ci%2]
				p.Add(l)
				name := "no clip"
				if c > 0 {
					name = fmt.Sprintf("clip %g", c)
					v, err := plotter.NewLine(plotter.XYs{{X: math.Log10(c), Y: 0}, {X: math.Log10(c), Y: maxY(xy)}})
					if err != nil {
						return nil, err
					}
					v.Dashes = []vg.Length{vg.Points(2), vg.Points(2)}
					p.Add(v)
				}
				p.Legend.Add(fmt.Sprintf("%s (%d updates)", name, len(sets[ci])), l)
			}
			p.Legend.Top = true
			panels = append(panels, p)
		}
		file = "preclip_" + task + ".png"
		if err := saveGrid(panels, 2, filepath.Join(dir, file)); err != nil {
			return nil, err
		}
		figs = append(figs, Figure{File: file, Title: "distribution of the pre-clip global gradient norm over all updates, " + task})
	}
	return figs, nil
}

func newPlot(title, x, y string) *plot.Plot {
	p := plot.New()
	p.Title.Text = title
	p.X.Label.Text = x
	p.Y.Label.Text = y
	p.Add(plotter.NewGrid())
	return p
}

func logY(p *plot.Plot) {
	p.Y.Scale = plot.LogScale{}
	p.Y.Tick.Marker = decades{}
}

// decades labels powers of ten on a log axis, at most about eight of them.
type decades struct{}

func (decades) Ticks(min, max float64) []plot.Tick {
	if min <= 0 || max <= min {
		return nil
	}
	lo, hi := int(math.Floor(math.Log10(min))), int(math.Ceil(math.Log10(max)))
	if hi-lo <= 2 {
		// Within a decade or two, powers of ten alone are too few.
		var ticks []plot.Tick
		for e := lo; e <= hi; e++ {
			for _, m := range []float64{1, 2, 5} {
				v := m * math.Pow(10, float64(e))
				if v >= min && v <= max {
					ticks = append(ticks, plot.Tick{Value: v, Label: strconv.FormatFloat(v, 'g', 3, 64)})
				}
			}
		}
		return ticks
	}
	step := max1((hi - lo + 7) / 8)
	var ticks []plot.Tick
	for e := lo; e <= hi; e++ {
		v := math.Pow(10, float64(e))
		if v < min || v > max {
			continue
		}
		t := plot.Tick{Value: v}
		if (e-lo)%step == 0 {
			switch {
			case e >= -2 && e <= 3:
				t.Label = strconv.FormatFloat(v, 'f', -1, 64)
			default:
				t.Label = fmt.Sprintf("1e%d", e)
			}
		}
		ticks = append(ticks, t)
	}
	return ticks
}

func max1(n int) int {
	if n < 1 {
		return 1
	}
	return n
}

func profileXY(norms []float64) plotter.XYs {
	xy := make(plotter.XYs, len(norms))
	for t, v := range norms {
		xy[t] = plotter.XY{X: float64(t), Y: math.Max(v, Floor)}
	}
	return xy
}

func line(p *plot.Plot, cell string, xy plotter.XYs, dashed bool) error {
	if len(xy) == 0 {
		return nil
	}
	l, err := plotter.NewLine(xy)
	if err != nil {
		return fmt.Errorf("gradflow: plot: %w", err)
	}
	l.Color = colorOf(cell)
	l.Width = vg.Points(1.5)
	if dashed {
		l.Dashes = []vg.Length{vg.Points(4), vg.Points(3)}
	} else {
		p.Legend.Add(cell, l)
	}
	p.Add(l)
	return nil
}

func linePts(p *plot.Plot, cell string, xy plotter.XYs, dashed, legend bool) error {
	if len(xy) == 0 {
		return nil
	}
	sort.Slice(xy, func(i, j int) bool { return xy[i].X < xy[j].X })
	l, pts, err := plotter.NewLinePoints(xy)
	if err != nil {
		return fmt.Errorf("gradflow: plot: %w", err)
	}
	l.Color, pts.Color = colorOf(cell), colorOf(cell)
	l.Width = vg.Points(1.5)
	if dashed {
		l.Dashes = []vg.Length{vg.Points(4), vg.Points(3)}
		pts.Shape = draw.RingGlyph{}
	}
	p.Add(l, pts)
	if legend {
		p.Legend.Add(cell, l, pts)
	}
	return nil
}

func save(p *plot.Plot, w, h vg.Length, path string) error {
	if err := p.Save(w, h, path); err != nil {
		return fmt.Errorf("gradflow: writing %s: %w", path, err)
	}
	return nil
}

// saveGrid draws panels on a grid of cols columns into one PNG.
func saveGrid(panels []*plot.Plot, cols int, path string) error {
	rows := (len(panels) + cols - 1) / cols
	grid := make([][]*plot.Plot, rows)
	for i := range grid {
		grid[i] = make([]*plot.Plot, cols)
		for j := range grid[i] {
			if k := i*cols + j; k < len(panels) {
				grid[i][j] = panels[k]
			}
		}
	}
	w, h := 6*vg.Inch*vg.Length(cols), 3.6*vg.Inch*vg.Length(rows)
	img := vgimg.New(w, h)
	dc := draw.New(img)
	t := draw.Tiles{Rows: rows, Cols: cols, PadX: vg.Millimeter * 4, PadY: vg.Millimeter * 4, PadTop: vg.Millimeter * 2, PadBottom: vg.Millimeter * 2, PadLeft: vg.Millimeter * 2, PadRight: vg.Millimeter * 2}
	canvases := plot.Align(grid, t, dc)
	for i := range grid {
		for j := range grid[i] {
			if grid[i][j] != nil {
				grid[i][j].Draw(canvases[i][j])
			}
		}
	}
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("gradflow: %w", err)
	}
	if _, err := (vgimg.PngCanvas{Canvas: img}).WriteTo(f); err != nil {
		f.Close()
		return fmt.Errorf("gradflow: writing %s: %w", path, err)
	}
	return f.Close()
}

// histXY is a density histogram of v over n equal bins of [lo, hi], as the
// left edges of the bins (for a post-step line) plus the right end.
func histXY(v []float64, lo, hi float64, n int) plotter.XYs {
	if len(v) == 0 {
		return nil
	}
	if hi <= lo {
		hi = lo + 1
	}
	w := (hi - lo) / float64(n)
	counts := make([]float64, n)
	for _, x := range v {
		i := int((x - lo) / w)
		if i >= n {
			i = n - 1
		}
		counts[i]++
	}
	xy := make(plotter.XYs, 0, n+1)
	for i, c := range counts {
		xy = append(xy, plotter.XY{X: lo + float64(i)*w, Y: c / (float64(len(v)) * w)})
	}
	return append(xy, plotter.XY{X: hi, Y: counts[n-1] / (float64(len(v)) * w)})
}

func maxY(xy plotter.XYs) float64 {
	m := 0.0
	for _, p := range xy {
		m = math.Max(m, p.Y)
	}
	return m
}

// lengthAxis puts the sequence lengths on a log x axis, one tick each.
func lengthAxis(p *plot.Plot, lengths []int) {
	if len(lengths) < 2 || lengths[0] <= 0 {
		return
	}
	p.X.Scale = plot.LogScale{}
	var ticks []plot.Tick
	for _, T := range lengths {
		ticks = append(ticks, plot.Tick{Value: float64(T), Label: strconv.Itoa(T)})
	}
	p.X.Tick.Marker = plot.ConstantTicks(ticks)
	p.X.Min, p.X.Max = float64(lengths[0])*0.9, float64(lengths[len(lengths)-1])*1.1
}

// tasksBaseline is the metric of the memoryless answer: MSE 1/6 of always
// answering 1 (adding), or a uniform guess 1/A of the recalled symbols
// (copy).
func tasksBaseline(task string, c Config) (float64, string) {
	if task == CopyTask {
		c.Task = CopyTask
		c.Defaults()
		return 1 / float64(c.CopyA), fmt.Sprintf("chance 1/%d", c.CopyA)
	}
	return 1.0 / 6, "always 1: 1/6"
}
