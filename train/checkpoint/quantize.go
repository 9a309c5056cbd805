package checkpoint

import (
	"encoding/binary"
	"fmt"
	"math"
)

// q8ScalePrefix names the scale tensor of an 8-bit weight.
const q8ScalePrefix = "q8.scale."

// Quantize8 stores each F32 model weight of at least minSize elements as
// 8-bit integers with one F32 scale per slice along the weight's longer
// axis: per row of a [V,D] embedding, per column (output unit) of a
// [In,Out] matrix with more outputs than inputs. For a slice r,
//
//	s_r = max_j |w_rj| / 127,   q_rj = round(w_rj / s_r) ∈ [−127, 127],   w_rj ≈ s_r·q_rj
//
// so each weight is off by at most s_r/2. The integers replace the weight
// under its own name as an I8 tensor and the scales go to the F32 tensor
// "q8.scale.<name>" of shape [rows,1] or [1,cols] (a vector has one scale,
// [1]), so that weight ≈ scale·q broadcasts in any safetensors reader.
// Smaller weights (biases) stay F32. LoadParams restores F32 weights
// transparently. Use it on weights-only checkpoints, to ship a model in
// about a quarter of its float32 size.
func (c *Checkpoint) Quantize8(minSize int) error {
	for _, name := range c.Params {
		t := c.Tensors[name]
		if t.Dtype != "F32" || len(t.Data)/4 < max(minSize, 1) {
			continue
		}
		if _, dup := c.Tensors[q8ScalePrefix+name]; dup {
			return fmt.Errorf("checkpoint: quantizing %s: a tensor %s%s exists already", name, q8ScalePrefix, name)
		}
		w := make([]float32, len(t.Data)/4)
		for i := range w {
			w[i] = math.Float32frombits(binary.LittleEndian.Uint32(t.Data[4*i:]))
			if math.IsNaN(float64(w[i])) || math.IsInf(float64(w[i]), 0) {
				return fmt.Errorf("checkpoint: quantizing %s: non-finite weight %v at %d", name, w[i], i)
			}
		}
		sshape := q8ScaleShape(t.Shape)
		rows, cols, byCol := q8Layout(len(w), sshape)
		n := rows
		if byCol {
			n = cols
		}
		maxAbs := make([]float64, n)
		for i, v := range w {
			k := i / cols
			if byCol {
				k = i % cols
			}
			maxAbs[k] = math.Max(maxAbs[k], math.Abs(float64(v)))
		}
		scale := make([]byte, 4*n)
		sc := make([]float32, n)
		for k, m := range maxAbs {
			sc[k] = float32(m / 127)
			binary.LittleEndian.PutUint32(scale[4*k:], math.Float32bits(sc[k]))
		}
		q := make([]byte, len(w))
		for i, v := range w {
			k := i / cols
			if byCol {
				k = i % cols
			}
			if sc[k] == 0 {
				continue
			}
			r := math.Round(float64(v) / float64(sc[k]))
			q[i] = byte(int8(max(-127, min(127, r))))
		}
		c.Tensors[name] = Tensor{Name: name, Dtype: "I8", Shape: t.Shape, Data: q}
		c.Tensors[q8ScalePrefix+name] = Tensor{Name: q8ScalePrefix + name, Dtype: "F32", Shape: sshape, Data: scale}
	}
	return nil
}

// q8ScaleShape is the shape of the scales of a weight of this shape: [1]
// for a vector (or scalar), else [rows,1] or [1,cols] over the weight seen
// as a matrix [shape₀, the rest], whichever has more scales.
func q8ScaleShape(shape []int) []int {
	if len(shape) < 2 {
		return []int{1}
	}
	rows, cols := shape[0], 1
	for _, d := range shape[1:] {
		cols *= d
	}
	if cols > rows {
		return []int{1, cols}
	}
	return []int{rows, 1}
}

// q8Layout returns the weight as a matrix rows×cols for n elements and a
// scale shape, and whether the scales are per column.
func q8Layout(n int, sshape []int) (rows, cols int, byCol bool) {
	if len(sshape) == 2 && sshape[0] == 1 {
		return n / max(sshape[1], 1), sshape[1], true
	}
	if len(sshape) == 2 {
		return sshape[0], n / max(sshape[0], 1), false
	}
	return 1, n, false
}

// dequantize turns the I8 weights written by Quantize8 back into F32
// tensors, and drops their scales.
func (c *Checkpoint) dequantize() error {
	for _, name := range c.Params {
		t := c.Tensors[name]
		if t.Dtype != "I8" {
			continue
		}
		st, ok := c.Tensors[q8ScalePrefix+name]
		if !ok {
			return corrupt("8-bit weight %q has no scale tensor %s%s", name, q8ScalePrefix, name)
		}
		want := q8ScaleShape(t.Shape)
		rows, cols, byCol := q8Layout(len(t.Data), want)
		n := rows
		if byCol {
			n = cols
		}
		if st.Dtype != "F32" || !sameShape(st.Shape, want) || len(st.Data) != 4*n {
			return corrupt("scale of the 8-bit weight %q is %s %v, want F32 %v", name, st.Dtype, st.Shape, want)
		}
		if rows*cols != len(t.Data) {
			return corrupt("8-bit weight %q of shape %v has %d bytes", name, t.Shape, len(t.Data))
		}
		sc := make([]float32, n)
		for k := range sc {
			sc[k] = math.Float32frombits(binary.LittleEndian.Uint32(st.Data[4*k:]))
			if math.IsNaN(float64(sc[k])) || math.IsInf(float64(sc[k]), 0) || sc[k] < 0 {
				return corrupt("8-bit weight %q: scale %d is %v", name, k, sc[k])
			}
		}
		out := make([]byte, 4*len(t.Data))
		for i, b := range t.Data {
			k := i / cols
			if byCol {
				k = i % cols
			}
			binary.LittleEndian.PutUint32(out[4*i:], math.Float32bits(sc[k]*float32(int8(b))))
		}
		c.Tensors[name] = Tensor{Name: name, Dtype: "F32", Shape: t.Shape, Data: out}
		delete(c.Tensors, q8ScalePrefix+name)
	}
	return nil
}
