package checkpoint

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
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
				avg.Tensors[name] = c.Tensors[name]
			}
		} else if err := sameModel(avg, c); err != nil {
			return nil, fmt.Errorf("checkpoint: %s is not the model of %s: %w", path, paths[0], err)
		}
		for k, name := range avg.Params {
			t, first := c.Tensors[name], avg.Tensors[name]
			if t.Dtype != first.Dtype || !slices.Equal(t.Shape, first.Shape) || len(t.Data) != len(first.Data) {
				return nil, fmt.Errorf("checkpoint: %s: weight %q is %s %v, %s %v in %s", path, name, t.Dtype, t.Shape, first.Dtype, first.Shape, paths[0])
			}
			d, err := t.Dense() // F32 or F64 only
			if err != nil {
				return nil, fmt.Errorf("checkpoint: %s: %w", path, err)
			}
			if k == len(sums) {
				sums = append(sums, make([]float64, d.Len()))
			}
			addTo(sums[k], d.Data())
		}
	}
	n := float64(len(paths))
	for k, name := range avg.Params {
		d, _ := avg.Tensors[name].Dense() // decoded above
		switch v := d.Data().(type) {
		case []float32:
			for j := range v {
				v[j] = float32(sums[k][j] / n)
			}
		case []float64:
			for j := range v {
				v[j] = sums[k][j] / n
			}
		}
		t, err := DenseTensor(name, d)
		if err != nil {
			return nil, err
		}
		t.Shape = avg.Tensors[name].Shape // a scalar keeps its shape []
		avg.Tensors[name] = t
	}
	avg.Metrics = map[string]float64{"averaged": n}
	return avg, nil
}

// addTo adds the float32 or float64 values of data to sum.
func addTo(sum []float64, data any) {
	switch v := data.(type) {
	case []float32:
		for j, x := range v {
			sum[j] += float64(x)
		}
	case []float64:
		for j, x := range v {
			sum[j] += x
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
