package plots

import (
	"fmt"
	"image/color"
	"io"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/rnnzoo/rnnzoo/internal/atomicfile"
	"github.com/rnnzoo/rnnzoo/train"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
)

// Write draws the curves of a training history into dir: loss.png
// (training and validation loss per epoch), accuracy.png when the history
// has an accuracy, gradnorm.png (mean and maximum global gradient norm per
// epoch) and stepnorms-<layer>.png for every layer that reported
// per-time-step gradient norms. The files are replaced atomically.
func Write(dir string, history []train.Record) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("train: plot directory: %w", err)
	}
	series := func(event, metric string) plotter.XYs {
		var xy plotter.XYs
		for _, r := range history {
			if r.Event != event {
				continue
			}
			v, ok := r.Loss, metric == "loss"
			if !ok {
				v, ok = r.Metrics[metric]
			}
			if ok && finite(v) {
				xy = append(xy, plotter.XY{X: float64(r.Epoch), Y: v})
			}
		}
		return xy
	}
	for _, m := range []struct{ metric, file, title string }{
		{"loss", "loss.png", "Loss"},
		{"accuracy", "accuracy.png", "Accuracy"},
	} {
		train, valid := series("epoch", m.metric), series("eval", m.metric)
		if len(train)+len(valid) == 0 {
			continue
		}
		p := plot.New()
		p.Title.Text = m.title
		p.X.Label.Text = "epoch"
		p.Y.Label.Text = m.metric
		p.Add(plotter.NewGrid())
		for _, s := range []struct {
			name string
			xy   plotter.XYs
			c    color.RGBA
		}{{"train", train, color.RGBA{R: 31, G: 119, B: 180, A: 255}}, {"valid", valid, color.RGBA{R: 214, G: 39, B: 40, A: 255}}} {
			if len(s.xy) == 0 {
				continue
			}
			l, pts, err := plotter.NewLinePoints(s.xy)
			if err != nil {
				return fmt.Errorf("train: plot: %w", err)
			}
			l.Color, pts.Color = s.c, s.c
			p.Add(l, pts)
			p.Legend.Add(s.name, l, pts)
		}
		p.Legend.Top = m.metric == "loss" // the free corner: curves fall (loss) or rise
		p.X.Tick.Marker = epochTicks{}
		if best := bestEpoch(history); best > 0 {
			ln, err := plotter.NewLine(plotter.XYs{{X: float64(best), Y: p.Y.Min}, {X: float64(best), Y: p.Y.Max}})
			if err == nil {
				ln.Color = color.Gray{Y: 128}
				ln.Dashes = []vg.Length{vg.Points(4), vg.Points(3)}
				p.Add(ln)
				p.Legend.Add("best", ln)
			}
		}
		if err := savePlot(p, filepath.Join(dir, m.file)); err != nil {
			return err
		}
	}
	if err := writeGradNormPlot(dir, history); err != nil {
		return err
	}
	return writeStepNormPlots(dir, history)
}

// writeGradNormPlot draws gradnorm.png: the mean and maximum global
// gradient norm (before clipping) per epoch, on a log scale.
func writeGradNormPlot(dir string, history []train.Record) error {
	var mean, most plotter.XYs
	for _, r := range history {
		if r.Event != "epoch" || r.GradNormMean == nil || r.GradNormMax == nil || *r.GradNormMean <= 0 || *r.GradNormMax <= 0 {
			continue
		}
		mean = append(mean, plotter.XY{X: float64(r.Epoch), Y: *r.GradNormMean})
		most = append(most, plotter.XY{X: float64(r.Epoch), Y: *r.GradNormMax})
	}
	if len(mean) == 0 {
		return nil
	}
	p := plot.New()
	p.Title.Text = "Global gradient norm (before clipping)"
	p.X.Label.Text = "epoch"
	p.Y.Label.Text = "||g||"
	p.Y.Scale = plot.LogScale{}
	p.Y.Tick.Marker = plot.LogTicks{Prec: -1}
	p.X.Tick.Marker = epochTicks{}
	p.Add(plotter.NewGrid())
	for i, s := range []struct {
		name string
		xy   plotter.XYs
	}{{"mean", mean}, {"max", most}} {
		l, pts, err := plotter.NewLinePoints(s.xy)
		if err != nil {
			return fmt.Errorf("train: plot: %w", err)
		}
		l.Color, pts.Color = plotutil.Color(i), plotutil.Color(i)
		p.Add(l, pts)
		p.Legend.Add(s.name, l, pts)
	}
	p.Legend.Top = true
	return savePlot(p, filepath.Join(dir, "gradnorm.png"))
}

// savePlot writes p as a 6×4 inch PNG, atomically.
func savePlot(p *plot.Plot, path string) error {
	wt, err := p.WriterTo(6*vg.Inch, 4*vg.Inch, "png")
	if err != nil {
		return fmt.Errorf("train: plot: %w", err)
	}
	return atomicfile.Write(path, func(w io.Writer) error {
		_, err := wt.WriteTo(w)
		return err
	})
}

// writeStepNormPlots draws, for every layer that reported per-time-step
// gradient norms, stepnorms-<layer>.png: the mean ‖∂L/∂h_t‖ against t on a
// log scale, one curve for each of up to five epochs spread over the run.
func writeStepNormPlots(dir string, history []train.Record) error {
	byLayer := map[string][]train.Record{}
	for _, r := range history {
		for name := range r.StepNorms {
			byLayer[name] = append(byLayer[name], r)
		}
	}
	names := make([]string, 0, len(byLayer))
	for name := range byLayer {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		recs := byLayer[name]
		pick := map[int]bool{}
		for k := 0; k < 5 && k < len(recs); k++ {
			pick[k*(len(recs)-1)/max(1, min(4, len(recs)-1))] = true
		}
		p := plot.New()
		p.Title.Text = "Gradient norm per time step: " + name
		p.X.Label.Text = "time step t"
		p.Y.Label.Text = "mean ||dL/dh_t||"
		p.Y.Scale = plot.LogScale{}
		p.Y.Tick.Marker = plot.LogTicks{Prec: -1}
		p.Add(plotter.NewGrid())
		shade := 0
		for i, r := range recs {
			if !pick[i] {
				continue
			}
			var xy plotter.XYs
			for t, v := range r.StepNorms[name] {
				if v > 0 && finite(v) {
					xy = append(xy, plotter.XY{X: float64(t), Y: v})
				}
			}
			if len(xy) == 0 {
				continue
			}
			l, err := plotter.NewLine(xy)
			if err != nil {
				return fmt.Errorf("train: plot: %w", err)
			}
			l.Color = plotutil.Color(shade)
			l.Width = vg.Points(1.5)
			p.Add(l)
			p.Legend.Add(fmt.Sprintf("epoch %d", r.Epoch), l)
			shade++
		}
		p.Y.Max *= 30 // head room for the legend above the curves
		p.Legend.Top = true
		file := "stepnorms-" + strings.Map(func(r rune) rune {
			if r == '/' || r == os.PathSeparator || r == ' ' {
				return '_'
			}
			return r
		}, name) + ".png"
		if err := savePlot(p, filepath.Join(dir, file)); err != nil {
			return err
		}
	}
	return nil
}

// bestEpoch returns the epoch of the last evaluation marked best (0 if none).
func bestEpoch(history []train.Record) int {
	best := 0
	for _, r := range history {
		if r.Event == "eval" && r.Best {
			best = r.Epoch
		}
	}
	return best
}

// epochTicks labels whole epochs only.
type epochTicks struct{}

func (epochTicks) Ticks(min, max float64) []plot.Tick {
	var out []plot.Tick
	step := 1.0
	for (max-min)/step > 12 {
		step *= 2
	}
	for x := math.Ceil(min); x <= max; x += step {
		out = append(out, plot.Tick{Value: x, Label: strconv.Itoa(int(x))})
	}
	return out
}

func init() { train.RegisterPlotter(Write) }

func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }
