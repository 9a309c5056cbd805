package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"math"

	"github.com/rnnzoo/rnnzoo/datasets/text"
	"github.com/rnnzoo/rnnzoo/graph"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/palette"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// alignment is the attention of one greedy translation: Weights[i][j] is
// the weight of source token j when output token i (or the final <eos>)
// was produced.
type alignment struct {
	Src, Out []string
	Weights  [][]float64
}

// attend translates one sentence greedily and records the attention
// weights of every step.
func (t *translator) attend(sentence string, maxOut int) (*alignment, error) {
	if t.m.Attn == nil {
		return nil, errors.New("the model has no attention (trained with -attention none)")
	}
	src := t.encodeSrc(sentence)
	d, err := t.decoder(bucketOf(len(src), t.srcMax()), 1)
	if err != nil {
		return nil, err
	}
	var rows [][]float64
	t.m.Attn.Weights = func(alpha []float64, tq, b, ts int) {
		// One query (this step) of one row: its first len(src) weights.
		rows = append(rows, append([]float64(nil), alpha[:len(src)]...))
	}
	defer func() { t.m.Attn.Weights = nil }()
	out, err := graph.Greedy(d, [][]int{src}, t.tgt.BOSID(), t.tgt.EOSID(), t.decodeLimit(len(src), maxOut))
	if err != nil {
		return nil, err
	}
	a := &alignment{Out: t.tgt.Decode(out[0]), Weights: rows}
	if len(rows) > len(out[0]) {
		a.Out = append(a.Out, text.EOS)
		a.Weights = rows[:len(a.Out)]
	}
	for _, id := range src {
		a.Src = append(a.Src, t.src.Token(id))
	}
	return a, nil
}

// grid adapts an alignment to plotter.GridXYZ: columns are source tokens,
// rows output tokens, the first output at the top.
type grid struct{ a *alignment }

func (g grid) Dims() (c, r int)   { return len(g.a.Src), len(g.a.Out) }
func (g grid) Z(c, r int) float64 { return g.a.Weights[len(g.a.Out)-1-r][c] }
func (g grid) X(c int) float64    { return float64(c) }
func (g grid) Y(r int) float64    { return float64(r) }

// writeHeatmap draws the alignment as a PNG heat map.
func writeHeatmap(a *alignment, title, path string) error {
	if len(a.Src) == 0 || len(a.Out) == 0 {
		return errors.New("heatmap: nothing to draw")
	}
	p := plot.New()
	p.Title.Text = title
	p.X.Label.Text = "source"
	p.Y.Label.Text = "translation"
	h := plotter.NewHeatMap(grid{a}, palette.Heat(64, 1))
	h.Min, h.Max = 0, 1e-9
	for _, row := range a.Weights {
		for _, w := range row {
			h.Max = math.Max(h.Max, w)
		}
	}
	p.Title.Text += fmt.Sprintf(" (dark 0, white %.2f)", h.Max)
	p.Add(h)
	var xt, yt []plot.Tick
	for i, s := range a.Src {
		xt = append(xt, plot.Tick{Value: float64(i), Label: s})
	}
	for i, s := range a.Out {
		yt = append(yt, plot.Tick{Value: float64(len(a.Out) - 1 - i), Label: s})
	}
	p.X.Tick.Marker = plot.ConstantTicks(xt)
	p.Y.Tick.Marker = plot.ConstantTicks(yt)
	p.X.Tick.Label.Rotation = math.Pi / 2
	p.X.Tick.Label.XAlign = draw.XRight
	p.X.Tick.Label.YAlign = draw.YCenter
	w := vg.Length(120+28*len(a.Src)) * vg.Points(1)
	hgt := vg.Length(120+24*len(a.Out)) * vg.Points(1)
	return p.Save(w, hgt, path)
}

func cmdHeatmap(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("heatmap", flag.ContinueOnError)
	fs.SetOutput(stderr)
	model := fs.String("model", "", "checkpoint (default: the one the demo or train saved; builtin: the embedded one)")
	out := fs.String("out", "attention.png", "PNG file to write")
	maxOut := fs.Int("max-out", 80, "longest translation in tokens")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return errors.New(`heatmap: give one sentence, e.g. heatmap -model M -out attn.png "The Lord is my shepherd."`)
	}
	t, err := loadModel(*model)
	if err != nil {
		return err
	}
	a, err := t.attend(fs.Arg(0), *maxOut)
	if err != nil {
		return err
	}
	if err := writeHeatmap(a, fmt.Sprintf("%s attention", t.cfg.Attention), *out); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s\n%s: %d×%d attention weights\n", t.detokenize(trimEOS(a.Out)), *out, len(a.Out), len(a.Src))
	return nil
}

func trimEOS(toks []string) []string {
	if n := len(toks); n > 0 && toks[n-1] == text.EOS {
		return toks[:n-1]
	}
	return toks
}
