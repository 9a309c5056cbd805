package onnx

import (
	"fmt"

	"github.com/rnnzoo/rnnzoo/graph"
)

// values returns a parameter's values as float32, whatever its dtype.
func values(p *graph.Param) []float32 {
	switch d := p.Value.Data().(type) {
	case []float32:
		return d
	case []float64:
		out := make([]float32, len(d))
		for i, v := range d {
			out[i] = float32(v)
		}
		return out
	}
	return nil
}

// Weights adds a parameter as an initializer of its own shape.
func (g *Graph) Weights(p *graph.Param) string {
	return g.Floats(p.Name, p.Shape(), values(p))
}

// Embedding looks up ids (int64, any shape) in e's matrix: Gather, giving
// ids' shape with the embedding size appended.
func (g *Graph) Embedding(e *graph.Embedding, ids string) string {
	return g.Op("Gather", []string{g.Weights(e.E), ids})
}

// Linear applies x·W + b to x [N, In] (Gemm) or to x of higher rank
// (MatMul and Add over the last axis).
func (g *Graph) Linear(l *graph.Linear, x string, rank int) string {
	if rank == 2 {
		return g.Op("Gemm", []string{x, g.Weights(l.W), g.Weights(l.B)})
	}
	return g.Op("Add", []string{g.Op("MatMul", []string{x, g.Weights(l.W)}), g.Weights(l.B)})
}

// gateOrder lists, for each gate block of the ONNX operator in its order,
// the block of rnnzoo's cell that holds it: LSTM i, o, f, c from i, f, g,
// o; GRU z, r, h from r, z, n.
func gateOrder(k graph.CellKind) []int {
	switch k {
	case graph.LSTM:
		return []int{0, 3, 1, 2}
	case graph.GRU:
		return []int{1, 0, 2}
	}
	return []int{0}
}

// opName is the ONNX operator of a cell kind.
func opName(k graph.CellKind) string {
	switch k {
	case graph.LSTM:
		return "LSTM"
	case graph.GRU:
		return "GRU"
	}
	return "RNN"
}

// cellTensors appends one direction's W [G·H, In], R [G·H, H] and
// B [2·G·H] in the operator's layout and gate order.
func cellTensors(c *graph.Cell, w, r, b []float32) ([]float32, []float32, []float32) {
	H, in := c.Hidden, c.In
	order := gateOrder(c.Kind)
	G := len(order)
	W, U, bias := values(c.W), values(c.U), values(c.B)
	for _, blk := range order {
		for j := 0; j < H; j++ {
			col := blk*H + j
			for f := 0; f < in; f++ {
				w = append(w, W[f*G*H+col])
			}
		}
	}
	for _, blk := range order {
		for j := 0; j < H; j++ {
			col := blk*H + j
			for f := 0; f < H; f++ {
				r = append(r, U[f*G*H+col])
			}
		}
	}
	for _, blk := range order {
		b = append(b, bias[blk*H:(blk+1)*H]...)
	}
	// The recurrent biases: zero but for the GRU candidate's (bn).
	for _, blk := range order {
		if c.Kind == graph.GRU && blk == 2 {
			b = append(b, values(c.BN)...)
		} else {
			b = append(b, make([]float32, H)...)
		}
	}
	return w, r, b
}

// State names a layer's state values: H (and C for LSTM), each
// [dirs, B, H]. Empty names mean zeros.
type State struct{ H, C string }

// layerCells returns a layer's cells (forward, then backward) and its
// direction attribute.
func layerCells(l graph.Layer) ([]*graph.Cell, string, error) {
	switch v := l.(type) {
	case *graph.Recurrent:
		if v.Reverse {
			return []*graph.Cell{v.Cell}, "reverse", nil
		}
		return []*graph.Cell{v.Cell}, "forward", nil
	case *graph.Bidirectional:
		if v.Merge != graph.Concat {
			return nil, "", fmt.Errorf("onnx: a bidirectional layer that merges by %v has no ONNX operator; only concat does", v.Merge)
		}
		return []*graph.Cell{v.Fwd.Cell, v.Bwd.Cell}, "bidirectional", nil
	}
	return nil, "", fmt.Errorf("onnx: layer type %T has no ONNX operator", l)
}

// Layer adds one recurrent layer (an LSTM, GRU or RNN node) over x
// [T, B, F]; lens (int32 [B], or "") gives each sequence's length, init
// its initial state. It returns the outputs [T, B, dirs·H] (the two
// directions concatenated, forward first) and the final state
// [dirs, B, H].
func (g *Graph) Layer(l graph.Layer, x, lens string, init State) (string, State, error) {
	cells, dir, err := layerCells(l)
	if err != nil {
		return "", State{}, err
	}
	c0 := cells[0]
	var w, r, b []float32
	for _, c := range cells {
		w, r, b = cellTensors(c, w, r, b)
	}
	D, G, H := len(cells), len(gateOrder(c0.Kind)), c0.Hidden
	name := c0.W.Name[:len(c0.W.Name)-len(".W")]
	ins := []string{x,
		g.Floats(name+".W", []int{D, G * H, c0.In}, w),
		g.Floats(name+".R", []int{D, G * H, H}, r),
		g.Floats(name+".B", []int{D, 2 * G * H}, b),
		lens, init.H}
	attrs := []Attr{Int("hidden_size", int64(H)), String("direction", dir)}
	nOut := 2
	switch c0.Kind {
	case graph.LSTM:
		ins = append(ins, init.C)
		nOut = 3
	case graph.GRU:
		attrs = append(attrs, Int("linear_before_reset", 1))
	case graph.RNN:
		act := map[graph.Activation]string{graph.Tanh: "Tanh", graph.Sigmoid: "Sigmoid", graph.ReLU: "Relu"}[c0.Act]
		attrs = append(attrs, Strings("activations", repeat(act, D)...))
	}
	for len(ins) > 0 && ins[len(ins)-1] == "" {
		ins = ins[:len(ins)-1]
	}
	outs := g.OpN(opName(c0.Kind), ins, nOut, attrs...)
	// Y [T, D, B, H] → [T, B, D, H] → [T, B, D·H].
	y := g.Op("Transpose", []string{outs[0]}, Ints64("perm", 0, 2, 1, 3))
	y = g.Op("Reshape", []string{y, g.Ints(0, 0, -1)})
	final := State{H: outs[1]}
	if c0.Kind == graph.LSTM {
		final.C = outs[2]
	}
	return y, final, nil
}

func repeat(s string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = s
	}
	return out
}

// Stack adds the layers of a stack, each reading the outputs of the one
// below; inits holds each layer's initial state (nil or short: zeros). It
// returns the top layer's outputs [T, B, D] and every layer's final state.
func (g *Graph) Stack(s *graph.Stack, x, lens string, inits []State) (string, []State, error) {
	finals := make([]State, len(s.Layers))
	for i, l := range s.Layers {
		var init State
		if i < len(inits) {
			init = inits[i]
		}
		var err error
		if x, finals[i], err = g.Layer(l, x, lens, init); err != nil {
			return "", nil, err
		}
	}
	return x, finals, nil
}

// Flatten turns a final state [dirs, B, H] into [B, dirs·H], the
// directions concatenated forward first (rnnzoo's merged final state).
func (g *Graph) Flatten(state string) string {
	t := g.Op("Transpose", []string{state}, Ints64("perm", 1, 0, 2))
	return g.Op("Reshape", []string{t, g.Ints(0, -1)})
}

// SliceLayer returns layer l of a stacked state [L, B, H] as [1, B, H].
func (g *Graph) SliceLayer(state string, l int) string {
	return g.Op("Slice", []string{state, g.Ints(int64(l)), g.Ints(int64(l + 1)), g.Ints(0)})
}

// Concat joins values along axis.
func (g *Graph) Concat(axis int, values ...string) string {
	return g.Op("Concat", values, Int("axis", int64(axis)))
}

// StepMask returns the mask (bool) of the real steps of x for lengths
// lens (int64 [B]): step t of row b is real when t < lens[b]. With time
// on axis 0 of x ([T, B, …]) the mask is [T, B]; on axis 1 ([B, T, …]),
// [B, T].
func (g *Graph) StepMask(x string, axis int, lens string) string {
	T := g.Op("Gather", []string{g.Op("Shape", []string{x}), g.Scalar(int64(axis))})
	steps := g.Op("Range", []string{g.Scalar(0), T, g.Scalar(1)})
	return g.Op("Less", []string{
		g.Op("Unsqueeze", []string{steps, g.Ints(int64(1 - axis))}),
		g.Op("Unsqueeze", []string{lens, g.Ints(int64(axis))})})
}

// Pool reduces h [T, B, D] over time to [B, D] as graph.MaskedPool and
// the final state do: max or mean over the real steps (lens int64 [B], or
// "" when every step is real).
func (g *Graph) Pool(h, lens string, mode graph.Pool) (string, error) {
	if lens == "" {
		switch mode {
		case graph.PoolMax:
			return g.Op("ReduceMax", []string{h}, Ints64("axes", 0), Int("keepdims", 0)), nil
		case graph.PoolMean:
			return g.Op("ReduceMean", []string{h}, Ints64("axes", 0), Int("keepdims", 0)), nil
		}
		return "", fmt.Errorf("onnx: Pool takes max or mean, got %v", mode)
	}
	mask := g.Op("Unsqueeze", []string{g.StepMask(h, 0, lens), g.Ints(2)})
	switch mode {
	case graph.PoolMax:
		low := g.Op("Where", []string{mask, h, g.FloatScalar(-3.4e38)})
		return g.Op("ReduceMax", []string{low}, Ints64("axes", 0), Int("keepdims", 0)), nil
	case graph.PoolMean:
		m := g.Op("Cast", []string{mask}, Int("to", int64(Float32)))
		sum := g.Op("ReduceSum", []string{g.Op("Mul", []string{h, m}), g.Ints(0)}, Int("keepdims", 0))
		n := g.Op("Cast", []string{g.Op("Unsqueeze", []string{lens, g.Ints(1)})}, Int("to", int64(Float32)))
		return g.Op("Div", []string{sum, n}), nil
	}
	return "", fmt.Errorf("onnx: Pool takes max or mean, got %v", mode)
}

// Int32 casts an int64 value (lengths) to int32, as sequence_lens wants.
func (g *Graph) Int32(x string) string {
	return g.Op("Cast", []string{x}, Int("to", int64(Int32)))
}

// Classifier adds the many-to-one head shared by rnnzoo's classifiers:
// x [T, B, F] through m's stack, pooled as m pools (lens int64 [B], or ""),
// then the linear layer; it declares the outputs "logits" and
// "probabilities" [batch, classes].
func (g *Graph) Classifier(m *graph.ManyToOne, x, lens string) error {
	lens32 := ""
	if lens != "" {
		lens32 = g.Int32(lens)
	}
	y, finals, err := g.Stack(m.RNN, x, lens32, nil)
	if err != nil {
		return err
	}
	var pooled string
	if m.Config.Pool == graph.PoolLast {
		pooled = g.Flatten(finals[len(finals)-1].H)
	} else if pooled, err = g.Pool(y, lens, m.Config.Pool); err != nil {
		return err
	}
	logits := g.Linear(m.Head, pooled, 2)
	C := m.Head.Out
	if err := g.Output("logits", logits, Float32, "batch", C); err != nil {
		return err
	}
	return g.Output("probabilities", g.Op("Softmax", []string{logits}, Int("axis", -1)), Float32, "batch", C)
}

// Attention adds a's scores of queries q [B, Dq] against memory
// [B, Ts, Dk] over the real source steps (lens int64 [B]) and returns the
// contexts [B, Dk] and the weights [B, Ts], as graph.Attention computes
// them for one decoder step.
func (g *Graph) Attention(a *graph.Attention, q, memory, lens string) (ctx, alpha string, err error) {
	var scores string
	keys := func(q string) string { // memory · q per row: [B, Ts]
		s := g.Op("MatMul", []string{memory, g.Op("Unsqueeze", []string{q, g.Ints(2)})})
		return g.Op("Squeeze", []string{s, g.Ints(2)})
	}
	switch a.Kind {
	case graph.Dot:
		scores = keys(q)
	case graph.General:
		scores = keys(g.Op("MatMul", []string{q, g.Weights(a.Wa)}))
	case graph.Additive:
		pq := g.Op("Unsqueeze", []string{g.Op("MatMul", []string{q, g.Weights(a.Wq)}), g.Ints(1)})
		pk := g.Op("MatMul", []string{memory, g.Weights(a.Wk)})
		scores = g.Op("MatMul", []string{g.Op("Tanh", []string{g.Op("Add", []string{pk, pq})}), g.Weights(a.V)})
	default:
		return "", "", fmt.Errorf("onnx: attention kind %v", a.Kind)
	}
	masked := g.Op("Where", []string{g.StepMask(memory, 1, lens), scores, g.FloatScalar(-1e30)})
	alpha = g.Op("Softmax", []string{masked}, Int("axis", -1))
	c := g.Op("MatMul", []string{g.Op("Unsqueeze", []string{alpha, g.Ints(1)}), memory})
	return g.Op("Squeeze", []string{c, g.Ints(1)}), alpha, nil
}

// StateInputs declares the stacked state inputs hName and, for LSTM,
// cName, each [L, batch, H], and returns each layer's state as
// [1, batch, H] values.
func (g *Graph) StateInputs(hName, cName string, L, H int, lstm bool) ([]State, error) {
	out := make([]State, L)
	h, err := g.Input(hName, Float32, L, "batch", H)
	if err != nil {
		return nil, err
	}
	var c string
	if lstm {
		if c, err = g.Input(cName, Float32, L, "batch", H); err != nil {
			return nil, err
		}
	}
	for l := range out {
		out[l].H = g.SliceLayer(h, l)
		if lstm {
			out[l].C = g.SliceLayer(c, l)
		}
	}
	return out, nil
}

// OutputStates declares the layers' final states (each [1, batch, H]) as
// the outputs hName and, for LSTM, cName, each [L, batch, H].
func (g *Graph) OutputStates(finals []State, hName, cName string, H int) error {
	L := len(finals)
	hs, cs := make([]string, L), make([]string, L)
	for l, f := range finals {
		hs[l], cs[l] = f.H, f.C
	}
	if err := g.Output(hName, g.Concat(0, hs...), Float32, L, "batch", H); err != nil {
		return err
	}
	if L > 0 && finals[0].C != "" {
		return g.Output(cName, g.Concat(0, cs...), Float32, L, "batch", H)
	}
	return nil
}
