package translator

import (
	"errors"
	"fmt"
	"io"
	"math"

	"github.com/rnnzoo/rnnzoo/datasets/text"
	"github.com/rnnzoo/rnnzoo/graph"
	"github.com/rnnzoo/rnnzoo/internal/atomicfile"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/palette"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Alignment is the attention of one greedy translation: Weights[i][j] is
// the weight of source token j when output token i (or the final <eos>)
// was produced.
type Alignment struct {
	Src, Out    []string
	Weights     [][]float64
	Translation string // Out as text
}

// Attention translates one sentence greedily, at most maxOut tokens, and
// returns the attention weights of every step.
func (t *Model) Attention(sentence string, maxOut int) (*Alignment, error) {
	if maxOut < 1 {
		return nil, fmt.Errorf("translator: max-out %d, want ≥ 1", maxOut)
	}
	t.mu.Lock()
	defer t.mu.Unlock()
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
	a := &Alignment{Out: t.tgt.Decode(out[0]), Weights: rows}
	if len(rows) > len(out[0]) {
		a.Out = append(a.Out, text.EOS)
		a.Weights = rows[:len(a.Out)]
	}
	for _, id := range src {
		a.Src = append(a.Src, t.src.Token(id))
	}
	a.Translation = t.detokenize(t.tgt.Decode(out[0]))
	return a, nil
}

// grid adapts an Alignment to plotter.GridXYZ: columns are source tokens,
// rows output tokens, the first output at the top.
type grid struct{ a *Alignment }

func (g grid) Dims() (c, r int)   { return len(g.a.Src), len(g.a.Out) }
func (g grid) Z(c, r int) float64 { return g.a.Weights[len(g.a.Out)-1-r][c] }
func (g grid) X(c int) float64    { return float64(c) }
func (g grid) Y(r int) float64    { return float64(r) }

// WriteHeatmap draws the alignment as a PNG heat map: source tokens across,
// output tokens down, black for weight 0 and white for the largest weight.
// The file is replaced atomically.
func WriteHeatmap(a *Alignment, title, path string) error {
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
	wt, err := p.WriterTo(w, hgt, "png")
	if err != nil {
		return err
	}
	return atomicfile.Write(path, func(out io.Writer) error { _, err := wt.WriteTo(out); return err })
}

// ReportHeatmap is AttentionHeatmap that also writes to w the translation
// and the size of the map, as the translate program reports them.
func (t *Model) ReportHeatmap(w io.Writer, sentence, title, path string, maxOut int) (*Alignment, error) {
	a, err := t.AttentionHeatmap(sentence, title, path, maxOut)
	if err == nil {
		_, err = fmt.Fprintf(w, "%s\n%s: %d×%d attention weights\n", a.Translation, path, len(a.Out), len(a.Src))
	}
	return a, err
}

// AttentionHeatmap translates one sentence (Attention) and draws its
// attention weights to a PNG file (WriteHeatmap) titled title followed by
// the attention kind.
func (t *Model) AttentionHeatmap(sentence, title, path string, maxOut int) (*Alignment, error) {
	a, err := t.Attention(sentence, maxOut)
	if err != nil {
		return nil, err
	}
	return a, WriteHeatmap(a, fmt.Sprintf("%s%s attention", title, t.cfg.Attention), path)
}
