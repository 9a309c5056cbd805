package cols

import (
	"fmt"
	"io"
	"strings"

	"github.com/rnnzoo/rnnzoo/datasets"
	"github.com/rnnzoo/rnnzoo/datasets/images"
)

// CheckInvert reports an invert setting of ReadPNG that is not "auto",
// "yes" or "no".
func CheckInvert(invert string) error {
	if invert != "auto" && invert != "yes" && invert != "no" {
		return fmt.Errorf("-invert %q: want auto, yes or no", invert)
	}
	return nil
}

// ReadPNG reads a PNG file scaled to h×w pixels in [0, 1]. invert is "yes",
// "no" or "auto": auto inverts an image whose mean is above one half (dark
// ink on a light background) to light ink on black, as the data sets are
// drawn.
func ReadPNG(path string, h, w int, invert string) ([]float32, error) {
	if err := CheckInvert(invert); err != nil {
		return nil, err
	}
	img, err := images.ReadPNG(path, h, w, invert == "yes")
	if err != nil {
		return nil, err
	}
	if invert == "auto" {
		var s float64
		for _, v := range img {
			s += float64(v)
		}
		if s/float64(len(img)) > 0.5 {
			for i, v := range img {
				img[i] = 1 - v
			}
		}
	}
	return img, nil
}

// DrawPredictions writes images as text, six to a row, each with its
// predicted class above ("WRONG" when it is not the true one) and its true
// class below; gold may be nil.
func DrawPredictions(out io.Writer, imgs [][]float32, h, w int, preds []Prediction, gold []string) {
	const perRow = 6
	width := max(w, 14)
	for lo := 0; lo < len(imgs); lo += perRow {
		hi := min(lo+perRow, len(imgs))
		var head, foot strings.Builder
		pics := make([][]string, hi-lo)
		for i := lo; i < hi; i++ {
			mark := ""
			if gold != nil {
				mark = " ok"
				if preds[i].Name != gold[i] {
					mark = " WRONG"
				}
				fmt.Fprintf(&foot, "%-*s  ", width, "true "+gold[i])
			}
			fmt.Fprintf(&head, "%-*s  ", width, "pred "+preds[i].Name+mark)
			pics[i-lo] = strings.Split(strings.TrimRight(images.ASCII(imgs[i], h, w), "\n"), "\n")
		}
		fmt.Fprintln(out, strings.TrimRight(head.String(), " "))
		for y := 0; y < h; y++ {
			var line strings.Builder
			for _, p := range pics {
				fmt.Fprintf(&line, "%-*s  ", width, p[y])
			}
			fmt.Fprintln(out, strings.TrimRight(line.String(), " "))
		}
		if gold != nil {
			fmt.Fprintln(out, strings.TrimRight(foot.String(), " "))
		}
	}
}

// DrawSample classifies n images of a labelled set, picked by seed, and
// draws them with DrawPredictions.
func (c *Classifier) DrawSample(out io.Writer, set *images.Set, n int, seed uint64) error {
	if n <= 0 {
		return nil
	}
	idx := datasets.Perm(set.N, int64(seed))[:min(n, set.N)]
	imgs, gold := make([][]float32, len(idx)), make([]string, len(idx))
	for i, k := range idx {
		imgs[i], gold[i] = set.Image(k), set.ClassName(set.Labels[k])
	}
	preds, err := c.Classify(imgs)
	if err != nil {
		return err
	}
	DrawPredictions(out, imgs, set.H, set.W, preds, gold)
	return nil
}

// Agreement classifies a grid of generated images (perClass images of each
// class in turn, as Grid draws them) and returns the share that clf gives
// the class they were drawn for.
func (g *Generator) Agreement(clf *Classifier, grid [][]float32, perClass int) (float64, error) {
	if clf.Config.H != g.Config.H || clf.Config.W != g.Config.W || clf.Config.Classes != g.Config.Classes {
		return 0, fmt.Errorf("the classifier reads %d classes of %d×%d images, the generator draws %d of %d×%d",
			clf.Config.Classes, clf.Config.H, clf.Config.W, g.Config.Classes, g.Config.H, g.Config.W)
	}
	preds, err := clf.Classify(grid)
	if err != nil {
		return 0, err
	}
	right := 0
	for i, p := range preds {
		if p.Class == i/perClass {
			right++
		}
	}
	return float64(right) / float64(max(len(preds), 1)), nil
}

// Save writes the model's weights and configuration.
func (m *Model) Save(path string, int8 bool) error {
	if m.Classifier != nil {
		return m.Classifier.Save(path, int8)
	}
	return m.Generator.Save(path, int8)
}
