package images

import (
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"os"
)

// Gray converts an h×w image with values in [0, 1] to an image.Gray
// (0 black, 1 white; values outside are clamped).
func Gray(img []float32, h, w int) *image.Gray {
	g := image.NewGray(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			g.Pix[y*g.Stride+x] = clamp255(img[y*w+x])
		}
	}
	return g
}

func clamp255(v float32) uint8 {
	switch {
	case v <= 0 || v != v:
		return 0
	case v >= 1:
		return 255
	}
	return uint8(v*255 + 0.5)
}

// FromImage converts any image to h×w grey values in [0, 1] by averaging
// the source pixels that fall in each target pixel (nearest source pixel
// when enlarging). With invert, dark ink on a light background becomes
// bright on dark, as in MNIST and the digits.
func FromImage(m image.Image, h, w int, invert bool) []float32 {
	b := m.Bounds()
	out := make([]float32, h*w)
	sh, sw := b.Dy(), b.Dx()
	if sh == 0 || sw == 0 {
		return out
	}
	for y := 0; y < h; y++ {
		y0, y1 := y*sh/h, max((y+1)*sh/h, y*sh/h+1)
		for x := 0; x < w; x++ {
			x0, x1 := x*sw/w, max((x+1)*sw/w, x*sw/w+1)
			var sum float64
			for sy := y0; sy < y1; sy++ {
				for sx := x0; sx < x1; sx++ {
					g := color.GrayModel.Convert(m.At(b.Min.X+sx, b.Min.Y+sy)).(color.Gray)
					sum += float64(g.Y) / 255
				}
			}
			v := float32(sum / float64((y1-y0)*(x1-x0)))
			if invert {
				v = 1 - v
			}
			out[y*w+x] = v
		}
	}
	return out
}

// ReadPNG reads a PNG file as h×w grey values in [0, 1] (see FromImage).
func ReadPNG(path string, h, w int, invert bool) ([]float32, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	// The declared size is checked before decoding: a small file may
	// declare 60000×60000 pixels, gigabytes once decoded.
	cfg, err := png.DecodeConfig(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || cfg.Width > MaxPNGSide || cfg.Height > MaxPNGSide || cfg.Width*cfg.Height > MaxPNGPixels {
		return nil, fmt.Errorf("%s: the PNG declares %d×%d pixels; at most %d a side and %d in all are read", path, cfg.Width, cfg.Height, MaxPNGSide, MaxPNGPixels)
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	m, err := png.Decode(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return FromImage(m, h, w, invert), nil
}

// The largest PNG that ReadPNG decodes (a photo of a digit fits; a
// decompression bomb does not).
const (
	MaxPNGSide   = 16384
	MaxPNGPixels = 40 << 20
)

// WriteGridPNG writes images (each h×w, values in [0, 1]) as a PNG grid of
// cols columns, each pixel drawn as a scale×scale square, with a one-pixel
// grey border between cells. Rows are filled left to right.
func WriteGridPNG(out io.Writer, imgs [][]float32, h, w, cols, scale int) error {
	if cols <= 0 || scale <= 0 || h <= 0 || w <= 0 || len(imgs) == 0 {
		return fmt.Errorf("images: grid of %d images %d×%d in %d columns at scale %d", len(imgs), h, w, cols, scale)
	}
	rows := (len(imgs) + cols - 1) / cols
	cw, ch := w*scale+1, h*scale+1
	g := image.NewGray(image.Rect(0, 0, cols*cw+1, rows*ch+1))
	for i := range g.Pix {
		g.Pix[i] = 128
	}
	for k, img := range imgs {
		if len(img) != h*w {
			return fmt.Errorf("images: grid image %d has %d pixels, want %d", k, len(img), h*w)
		}
		ox, oy := (k%cols)*cw+1, (k/cols)*ch+1
		for y := 0; y < h*scale; y++ {
			for x := 0; x < w*scale; x++ {
				g.Pix[(oy+y)*g.Stride+ox+x] = clamp255(img[(y/scale)*w+x/scale])
			}
		}
	}
	return png.Encode(out, g)
}
