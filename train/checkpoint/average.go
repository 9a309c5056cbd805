package checkpoint

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"
)

// Average reads the checkpoints at paths, all of one model (the same kind,
// configuration, vocabularies and parameters), and returns a weights-only
// checkpoint whose every weight is the element-wise mean of theirs, summed
// in float64 in the order of paths and rounded once. Averaging the last
// epochs of a run usually scores better than any one of them
// (Junczys-Dowmunt et al. 2016; Vaswani et al. 2017; Izmailov et al.
// 2018). Weights stored in 8 bits are restored first; the optimizer state
// and the training state are dropped. Metrics holds "averaged": the
// number of checkpoints. Errors name the file and what differs.
func Average(paths ...string) (*Checkpoint, error) {
	if len(paths) == 0 {
		return nil, errors.New("checkpoint: no checkpoints to average")
	}
	var avg *Checkpoint
	var sums [][]float64
	for _, path := range paths {
		c, err := Read(path)
		if err != nil {
			return nil, err
		}
		if err := c.dequantize(); err != nil {
			return nil, fmt.Errorf("checkpoint: checkpoint %s: %w", path, err)
		}
		if avg == nil {
			avg = &Checkpoint{Version: c.Version, Kind: c.Kind, Config: c.Config, Vocabs: c.Vocabs, Params: c.Params,
				Tensors: map[string]Tensor{}}
			for _, name := range c.Params {
				t := c.Tensors[name]
				if t.Dtype != "F32" && t.Dtype != "F64" {
					return nil, fmt.Errorf("checkpoint: %s: weight %q is %s, want F32 or F64", path, name, t.Dtype)
				}
				avg.Tensors[name] = Tensor{Name: name, Dtype: t.Dtype, Shape: t.Shape}
				sums = append(sums, make([]float64, len(t.Data)/dtypeSize(t.Dtype)))
			}
		} else if err := sameModel(avg, c); err != nil {
			return nil, fmt.Errorf("checkpoint: %s is not the model of %s: %w", path, paths[0], err)
		}
		for k, name := range avg.Params {
			t := c.Tensors[name]
			if t.Dtype != avg.Tensors[name].Dtype || !slices.Equal(t.Shape, avg.Tensors[name].Shape) || len(t.Data) != len(sums[k])*dtypeSize(t.Dtype) {
				return nil, fmt.Errorf("checkpoint: %s: weight %q is %s %v, %s %v in %s", path, name, t.Dtype, t.Shape, avg.Tensors[name].Dtype, avg.Tensors[name].Shape, paths[0])
			}
			addTo(sums[k], t)
		}
	}
	n := float64(len(paths))
	for k, name := range avg.Params {
		t := avg.Tensors[name]
		t.Data = make([]byte, len(sums[k])*dtypeSize(t.Dtype))
		for j, s := range sums[k] {
			if t.Dtype == "F32" {
				binary.LittleEndian.PutUint32(t.Data[4*j:], math.Float32bits(float32(s/n)))
			} else {
				binary.LittleEndian.PutUint64(t.Data[8*j:], math.Float64bits(s/n))
			}
		}
		avg.Tensors[name] = t
	}
	avg.Metrics = map[string]float64{"averaged": n}
	return avg, nil
}

func dtypeSize(dtype string) int {
	_, size, _ := dtypeInfo(dtype)
	return size
}

// addTo adds the F32 or F64 values of t to sum.
func addTo(sum []float64, t Tensor) {
	for j := range sum {
		if t.Dtype == "F32" {
			sum[j] += float64(math.Float32frombits(binary.LittleEndian.Uint32(t.Data[4*j:])))
		} else {
			sum[j] += math.Float64frombits(binary.LittleEndian.Uint64(t.Data[8*j:]))
		}
	}
}

// sameModel says how c is not a checkpoint of the model of a: its kind,
// configuration, vocabularies or parameter names.
func sameModel(a, c *Checkpoint) error {
	switch {
	case c.Kind != a.Kind:
		return fmt.Errorf("kind %q, not %q", c.Kind, a.Kind)
	case !sameJSON(c.Config, a.Config):
		return fmt.Errorf("another configuration: %s", c.Config)
	case !slices.Equal(c.Params, a.Params):
		return fmt.Errorf("other weights: %v", c.Params)
	case !maps.EqualFunc(c.Vocabs, a.Vocabs, sameJSON):
		return errors.New("other vocabularies")
	}
	return nil
}

// sameJSON compares two JSON texts, ignoring white space.
func sameJSON(a, b json.RawMessage) bool {
	var ca, cb bytes.Buffer
	if json.Compact(&ca, a) != nil || json.Compact(&cb, b) != nil {
		return bytes.Equal(a, b)
	}
	return bytes.Equal(ca.Bytes(), cb.Bytes())
}
