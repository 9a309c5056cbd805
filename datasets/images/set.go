package images

import (
	"fmt"
	"strings"
)

// Set is a labelled set of N grey images of H×W pixels.
type Set struct {
	Name    string
	N, H, W int
	// Pixels holds image i at Pixels[i*H*W:(i+1)*H*W], row-major, in [0, 1].
	// It is nil when the set keeps its pixels as bytes (Bytes).
	Pixels []float32
	// Bytes, when Pixels is nil, holds the images in the same layout as
	// integers, pixel = float32(byte)/Max: a quarter of the memory of
	// Pixels (MNIST's 70,000 images in 55 MB instead of 220 MB). Sets read
	// from IDX files keep their bytes.
	Bytes []uint8
	Max   float32
	// Labels[i] is the class of image i, in [0, Classes).
	Labels  []int
	Classes int
	// ClassNames names the classes when they are not just digits.
	ClassNames []string
}

// Len is the number of images.
func (s *Set) Len() int { return s.N }

// Image returns image i, H*W pixels row-major: a view of Pixels, or a new
// slice for a set of Bytes (ImageTo reuses one).
func (s *Set) Image(i int) []float32 {
	n := s.H * s.W
	if s.Pixels == nil {
		return s.ImageTo(nil, i)
	}
	return s.Pixels[i*n : (i+1)*n : (i+1)*n]
}

// ImageTo writes image i into dst (grown if shorter than H*W) and returns
// dst[:H*W].
func (s *Set) ImageTo(dst []float32, i int) []float32 {
	n := s.H * s.W
	if cap(dst) < n {
		dst = make([]float32, n)
	}
	dst = dst[:n]
	if s.Pixels != nil {
		copy(dst, s.Pixels[i*n:(i+1)*n])
		return dst
	}
	for j, v := range s.Bytes[i*n : (i+1)*n] {
		dst[j] = float32(v) / s.Max
	}
	return dst
}

// Pixel returns the pixel at row y, column x of image i.
func (s *Set) Pixel(i, y, x int) float32 {
	k := (i*s.H+y)*s.W + x
	if s.Pixels == nil {
		return float32(s.Bytes[k]) / s.Max
	}
	return s.Pixels[k]
}

// Columns returns image i as W column vectors of H pixels, left to right:
// the sequence a column-reading model consumes.
func (s *Set) Columns(i int) [][]float32 {
	img := s.Image(i)
	cols := make([][]float32, s.W)
	for x := range cols {
		c := make([]float32, s.H)
		for y := range c {
			c[y] = img[y*s.W+x]
		}
		cols[x] = c
	}
	return cols
}

// Rows returns image i as H row vectors of W pixels, top to bottom.
func (s *Set) Rows(i int) [][]float32 {
	img := s.Image(i)
	rows := make([][]float32, s.H)
	for y := range rows {
		rows[y] = append([]float32(nil), img[y*s.W:(y+1)*s.W]...)
	}
	return rows
}

// SeqShape gives the (steps, features) of the sequence an image becomes:
// (W, H) by columns, (H, W) by rows.
func (s *Set) SeqShape(byRows bool) (steps, features int) {
	if byRows {
		return s.H, s.W
	}
	return s.W, s.H
}

// SequenceBatch writes the images idx as sequences, time-major: dst[t][b][f]
// flattened, with (t, f) from SeqShape. dst is grown if needed and
// returned; labels gets the labels of idx appended.
func (s *Set) SequenceBatch(idx []int, byRows bool, dst []float32, labels []int) ([]float32, []int) {
	T, F := s.SeqShape(byRows)
	B := len(idx)
	need := T * B * F
	if cap(dst) < need {
		dst = make([]float32, need)
	}
	dst = dst[:need]
	for b, i := range idx {
		img := s.Image(i)
		for t := 0; t < T; t++ {
			out := dst[(t*B+b)*F : (t*B+b+1)*F]
			for f := range out {
				if byRows {
					out[f] = img[t*s.W+f]
				} else {
					out[f] = img[f*s.W+t]
				}
			}
		}
		labels = append(labels, s.Labels[i])
	}
	return dst, labels
}

// Subset returns a new set of the images idx, in that order (pixels copied).
func (s *Set) Subset(idx []int) *Set {
	n := s.H * s.W
	out := &Set{Name: s.Name, N: len(idx), H: s.H, W: s.W, Classes: s.Classes, ClassNames: s.ClassNames,
		Labels: make([]int, 0, len(idx)), Max: s.Max}
	if s.Pixels == nil {
		out.Bytes = make([]uint8, 0, len(idx)*n)
	} else {
		out.Pixels = make([]float32, 0, len(idx)*n)
	}
	for _, i := range idx {
		if s.Pixels == nil {
			out.Bytes = append(out.Bytes, s.Bytes[i*n:(i+1)*n]...)
		} else {
			out.Pixels = append(out.Pixels, s.Image(i)...)
		}
		out.Labels = append(out.Labels, s.Labels[i])
	}
	return out
}

// ClassName names class c (its number when the set has no names).
func (s *Set) ClassName(c int) string {
	if c >= 0 && c < len(s.ClassNames) {
		return s.ClassNames[c]
	}
	return fmt.Sprint(c)
}

// ASCII draws image i as text, one line per row, darker pixels with denser
// characters (" .:-=+*#%@").
func (s *Set) ASCII(i int) string {
	return ASCII(s.Image(i), s.H, s.W)
}

// ASCII draws an h×w image with values in [0, 1] as text.
func ASCII(img []float32, h, w int) string {
	const ramp = " .:-=+*#%@"
	var b strings.Builder
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			v := img[y*w+x]
			if v < 0 {
				v = 0
			}
			if v > 1 {
				v = 1
			}
			b.WriteByte(ramp[int(v*float32(len(ramp)-1)+0.5)])
		}
		b.WriteByte('\n')
	}
	return b.String()
}

// FromIDX makes a set from an images IDX (uint8, N×H×W) and a labels IDX
// (uint8, N). The set keeps the bytes (Bytes, pixel = byte/255); classes is 1 + the largest label.
// With labels nil (images to predict) every label is -1 and Classes 0.
func FromIDX(name string, images, labels *IDX) (*Set, error) {
	if images.Type != UInt8 || len(images.Dims) != 3 {
		return nil, fmt.Errorf("%s: images: want uint8 N×H×W, got %s %v", name, images.Type, images.Dims)
	}
	if images.Dims[1] < 1 || images.Dims[2] < 1 {
		// N is then bounded by the file's real size (N·H·W bytes).
		return nil, fmt.Errorf("%s: images of %d×%d pixels", name, images.Dims[1], images.Dims[2])
	}
	if labels == nil {
		labels = &IDX{Type: UInt8, Dims: []int{images.Dims[0]}}
	}
	if labels.Type != UInt8 || len(labels.Dims) != 1 {
		return nil, fmt.Errorf("%s: labels: want uint8 N, got %s %v", name, labels.Type, labels.Dims)
	}
	if images.Dims[0] != labels.Dims[0] {
		return nil, fmt.Errorf("%s: %d images but %d labels", name, images.Dims[0], labels.Dims[0])
	}
	s := &Set{Name: name, N: images.Dims[0], H: images.Dims[1], W: images.Dims[2]}
	s.Bytes, s.Max = images.Data, 255
	s.Labels = make([]int, s.N)
	if labels.Data == nil {
		for i := range s.Labels {
			s.Labels[i] = -1
		}
	}
	for i, v := range labels.Data {
		s.Labels[i] = int(v)
		if int(v) >= s.Classes {
			s.Classes = int(v) + 1
		}
	}
	return s, nil
}
