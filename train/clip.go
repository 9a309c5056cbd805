package train

import (
	"fmt"
	"math"

	"github.com/rnnzoo/rnnzoo/graph"
)

// GradNorm returns the global L2 norm of the gradients of the trainable
// (not frozen) parameters: √(Σ_p Σ_i g_pi²), accumulated in float64.
func GradNorm(params []*graph.Param) float64 {
	var s float64
	for _, p := range params {
		if !p.Frozen {
			s += sumSquares(p)
		}
	}
	return math.Sqrt(s)
}

func sumSquares(p *graph.Param) float64 {
	var s float64
	switch g := p.Grad.Data().(type) {
	case []float32:
		for _, v := range g {
			s += float64(v) * float64(v)
		}
	case []float64:
		for _, v := range g {
			s += v * v
		}
	}
	return s
}

// ClipGradNorm rescales the gradients of the trainable parameters so that
// their global L2 norm is at most maxNorm, like PyTorch's
// clip_grad_norm_: with n the norm before clipping, every gradient is
// multiplied by maxNorm/(n+1e-6) when that factor is below 1. It returns n
// and whether the gradients were scaled. A non-finite norm is returned as
// it is and nothing is scaled (the NaN guard reports it).
func ClipGradNorm(params []*graph.Param, maxNorm float64) (norm float64, clipped bool) {
	norm = GradNorm(params)
	return norm, scaleTo(params, norm, maxNorm)
}

func scaleTo(params []*graph.Param, norm, maxNorm float64) bool {
	if maxNorm <= 0 || math.IsNaN(norm) || math.IsInf(norm, 0) {
		return false
	}
	coef := maxNorm / (norm + 1e-6)
	if coef >= 1 {
		return false
	}
	for _, p := range params {
		if p.Frozen {
			continue
		}
		switch g := p.Grad.Data().(type) {
		case []float32:
			c := float32(coef)
			for i := range g {
				g[i] *= c
			}
		case []float64:
			for i := range g {
				g[i] *= coef
			}
		}
	}
	return true
}

// ClipGradValue clamps every gradient element of the trainable parameters
// into [−c, c] and says whether any element was changed.
func ClipGradValue(params []*graph.Param, c float64) (clipped bool) {
	if c <= 0 {
		return false
	}
	for _, p := range params {
		if p.Frozen {
			continue
		}
		switch g := p.Grad.Data().(type) {
		case []float32:
			hi := float32(c)
			for i, v := range g {
				if v > hi {
					g[i], clipped = hi, true
				} else if v < -hi {
					g[i], clipped = -hi, true
				}
			}
		case []float64:
			for i, v := range g {
				if v > c {
					g[i], clipped = c, true
				} else if v < -c {
					g[i], clipped = -c, true
				}
			}
		}
	}
	return clipped
}

// NonFiniteError reports the first NaN or ±Inf found in a parameter, a
// gradient or the loss.
type NonFiniteError struct {
	Step  int64  // the update being made (0-based)
	What  string // "gradient", "parameter" or "loss"
	Param string // the parameter's name (empty for the loss)
	Index int    // flat row-major index of the element
	Shape []int
	Value float64
}

func (e *NonFiniteError) Error() string {
	if e.What == "loss" {
		return fmt.Sprintf("train: step %d: the loss is %v; training stopped, the last checkpoint was left as it was", e.Step, e.Value)
	}
	return fmt.Sprintf("train: step %d: %s of %q is %v at flat index %d (shape %v); training stopped, the last checkpoint was left as it was",
		e.Step, e.What, e.Param, e.Value, e.Index, e.Shape)
}

// CheckFinite looks for the first non-finite element, in parameter order,
// of the gradients (grads true) or of the values (grads false) of params,
// and returns a *NonFiniteError naming it, or nil.
func CheckFinite(params []*graph.Param, grads bool) error {
	what := "parameter"
	if grads {
		what = "gradient"
	}
	for _, p := range params {
		t := p.Value
		if grads {
			if p.Frozen {
				continue
			}
			t = p.Grad
		}
		idx, v := -1, 0.0
		switch d := t.Data().(type) {
		case []float32:
			for i, x := range d {
				if f := float64(x); math.IsNaN(f) || math.IsInf(f, 0) {
					idx, v = i, f
					break
				}
			}
		case []float64:
			for i, x := range d {
				if math.IsNaN(x) || math.IsInf(x, 0) {
					idx, v = i, x
					break
				}
			}
		}
		if idx >= 0 {
			return &NonFiniteError{What: what, Param: p.Name, Index: idx, Shape: p.Shape(), Value: v}
		}
	}
	return nil
}
