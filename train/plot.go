package train

import (
	"fmt"
	"image/color"
	"io"
	"path/filepath"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
)

// WritePlots draws the curves of a training history into dir: loss.png
// (training and validation loss per epoch) and, when the history has an
// accuracy, accuracy.png. The files are replaced atomically.
func WritePlots(dir string, history []Record) error {
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
			if ok && isFinite(v) {
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
		p.Legend.Top = m.metric != "loss"
		wt, err := p.WriterTo(6*vg.Inch, 4*vg.Inch, "png")
		if err != nil {
			return fmt.Errorf("train: plot: %w", err)
		}
		if err := writeAtomic(filepath.Join(dir, m.file), func(w io.Writer) error {
			_, err := wt.WriteTo(w)
			return err
		}); err != nil {
			return err
		}
	}
	return nil
}
