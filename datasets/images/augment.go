package images

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
)

// Augment describes random training-time changes of an image: a shift by
// up to Shift pixels in each direction (drawn independently for rows and
// columns, uniform in [−Shift, Shift], the uncovered border filled with 0,
// the background) and, with Flip, a left–right mirror with probability
// one half. The zero value changes nothing.
type Augment struct {
	Shift int
	Flip  bool
}

// None says whether a leaves images unchanged.
func (a Augment) None() bool { return a.Shift <= 0 && !a.Flip }

// String gives a in the syntax ParseAugment reads ("none" for the zero
// value).
func (a Augment) String() string {
	var parts []string
	if a.Shift > 0 {
		parts = append(parts, "shift"+strconv.Itoa(a.Shift))
	}
	if a.Flip {
		parts = append(parts, "flip")
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, ",")
}

// ParseAugment reads a comma-separated list of "shiftN" (N pixels, 0–8)
// and "flip"; "" and "none" mean no augmentation.
func ParseAugment(s string) (Augment, error) {
	var a Augment
	if s == "" || s == "none" {
		return a, nil
	}
	for _, p := range strings.Split(s, ",") {
		switch p = strings.TrimSpace(p); {
		case p == "flip":
			a.Flip = true
		case strings.HasPrefix(p, "shift"):
			n, err := strconv.Atoi(strings.TrimPrefix(p, "shift"))
			if err != nil || n < 0 || n > 8 {
				return Augment{}, fmt.Errorf("augmentation %q: want shiftN with N in 0..8", p)
			}
			a.Shift = n
		default:
			return Augment{}, fmt.Errorf("augmentation %q: want shiftN or flip", p)
		}
	}
	return a, nil
}

// Draw draws one random change from rng: the shifts dy (down) and dx
// (right) and whether to mirror.
func (a Augment) Draw(rng *rand.Rand) (dy, dx int, flip bool) {
	if a.Shift > 0 {
		dy = rng.IntN(2*a.Shift+1) - a.Shift
		dx = rng.IntN(2*a.Shift+1) - a.Shift
	}
	if a.Flip {
		flip = rng.IntN(2) == 1
	}
	return dy, dx, flip
}

// Transform writes into dst the h×w image src mirrored left–right (when
// flip) and then moved dy rows down and dx columns right; pixels moved in
// from outside are 0. dst and src must not overlap; dst is returned,
// allocated when it is too short.
func Transform(dst, src []float32, h, w, dy, dx int, flip bool) []float32 {
	if cap(dst) < h*w {
		dst = make([]float32, h*w)
	}
	dst = dst[:h*w]
	for y := 0; y < h; y++ {
		sy := y - dy
		row := dst[y*w : (y+1)*w]
		if sy < 0 || sy >= h {
			clear(row)
			continue
		}
		srow := src[sy*w : (sy+1)*w]
		for x := range row {
			sx := x - dx
			if flip && sx >= 0 && sx < w {
				sx = w - 1 - sx
			}
			if sx < 0 || sx >= w {
				row[x] = 0
			} else {
				row[x] = srow[sx]
			}
		}
	}
	return dst
}

// View is one deterministic change of an image, as Transform applies it:
// mirrored left–right when Flip, then moved DY rows down and DX columns
// right.
type View struct {
	DY, DX int
	Flip   bool
}

// Views lists every change a can draw, for test-time augmentation: each
// shift (dy, dx) in [−Shift, Shift]², unmirrored and, with Flip,
// mirrored; the unchanged image comes first. The zero value gives the
// image itself only. "flip,shift1" gives 18 views.
func (a Augment) Views() []View {
	s := max(a.Shift, 0)
	views := []View{{}}
	for _, flip := range []bool{false, true} {
		if flip && !a.Flip {
			break
		}
		for dy := -s; dy <= s; dy++ {
			for dx := -s; dx <= s; dx++ {
				if v := (View{dy, dx, flip}); v != (View{}) {
					views = append(views, v)
				}
			}
		}
	}
	return views
}
