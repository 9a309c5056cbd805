package train

import (
	"encoding/binary"
	"fmt"
	"math"
)

// q8ScalePrefix names the scale tensor of an 8-bit weight.
const q8ScalePrefix = "q8.scale."

// Quantize8 stores each F32 model weight of at least minSize elements as
// 8-bit integers with one F32 scale per row (the first axis; one scale for
// a vector):
//
//	s_r = max_j |w_rj| / 127,   q_rj = round(w_rj / s_r) ∈ [−127, 127],   w_rj ≈ s_r·q_rj
//
// so each weight is off by at most s_r/2. The integers replace the weight
// under its own name as an I8 tensor and the scales go to the F32 tensor
// "q8.scale.<name>"; other safetensors readers see both. Smaller weights
// (biases) stay F32. LoadParams restores F32 weights transparently. Use it
// on weights-only checkpoints, to ship a model in about a quarter of its
// float32 size.
func (c *Checkpoint) Quantize8(minSize int) error {
	for _, name := range c.Params {
		t := c.Tensors[name]
		if t.Dtype != "F32" || len(t.Data)/4 < max(minSize, 1) {
			continue
		}
		if _, dup := c.Tensors[q8ScalePrefix+name]; dup {
			return fmt.Errorf("train: quantizing %s: a tensor %s%s exists already", name, q8ScalePrefix, name)
		}
		w := make([]float32, len(t.Data)/4)
		for i := range w {
			w[i] = math.Float32frombits(binary.LittleEndian.Uint32(t.Data[4*i:]))
		}
		rows := q8Rows(t.Shape)
		cols := len(w) / rows
		q := make([]byte, len(w))
		scale := make([]byte, 4*rows)
		for r := 0; r < rows; r++ {
			row := w[r*cols : (r+1)*cols]
			var m float64
			for _, v := range row {
				if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
					return fmt.Errorf("train: quantizing %s: non-finite weight %v in row %d", name, v, r)
				}
				m = math.Max(m, math.Abs(float64(v)))
			}
			s := float32(m / 127)
			binary.LittleEndian.PutUint32(scale[4*r:], math.Float32bits(s))
			if s == 0 {
				continue
			}
			for j, v := range row {
				k := math.Round(float64(v) / float64(s))
				q[r*cols+j] = byte(int8(max(-127, min(127, k))))
			}
		}
		c.Tensors[name] = Tensor{Name: name, Dtype: "I8", Shape: t.Shape, Data: q}
		c.Tensors[q8ScalePrefix+name] = Tensor{Name: q8ScalePrefix + name, Dtype: "F32", Shape: []int{rows}, Data: scale}
	}
	return nil
}

// q8Rows is the number of scales of a weight of this shape.
func q8Rows(shape []int) int {
	if len(shape) < 2 {
		return 1
	}
	return shape[0]
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
		rows := q8Rows(t.Shape)
		if st.Dtype != "F32" || len(st.Shape) != 1 || st.Shape[0] != rows || len(st.Data) != 4*rows {
			return corrupt("scale of the 8-bit weight %q is %s %v, want F32 [%d]", name, st.Dtype, st.Shape, rows)
		}
		if rows == 0 || len(t.Data)%rows != 0 {
			return corrupt("8-bit weight %q of shape %v has %d bytes", name, t.Shape, len(t.Data))
		}
		cols := len(t.Data) / rows
		out := make([]byte, 4*len(t.Data))
		for r := 0; r < rows; r++ {
			s := math.Float32frombits(binary.LittleEndian.Uint32(st.Data[4*r:]))
			if math.IsNaN(float64(s)) || math.IsInf(float64(s), 0) || s < 0 {
				return corrupt("8-bit weight %q: row %d has scale %v", name, r, s)
			}
			for j := 0; j < cols; j++ {
				i := r*cols + j
				binary.LittleEndian.PutUint32(out[4*i:], math.Float32bits(s*float32(int8(t.Data[i]))))
			}
		}
		c.Tensors[name] = Tensor{Name: name, Dtype: "F32", Shape: t.Shape, Data: out}
		delete(c.Tensors, q8ScalePrefix+name)
	}
	return nil
}
