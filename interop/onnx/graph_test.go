package onnx

import (
	"bytes"
	"math"
	"path/filepath"
	"testing"

	pb "github.com/advancedclimatesystems/gonnx/onnx"
	"google.golang.org/protobuf/proto"
	"gorgonia.org/tensor"

	"github.com/rnnzoo/rnnzoo/graph"
)

// TestGateOrder checks the rearranged weights of an LSTM cell against the
// ONNX layout by hand: W row (gate block k of ONNX, unit j) holds column
// (rnnzoo block gateOrder[k], unit j) of rnnzoo's W.
func TestGateOrder(t *testing.T) {
	for _, kind := range []graph.CellKind{graph.LSTM, graph.GRU, graph.RNN} {
		ps := graph.NewParams(tensor.Float32, 3)
		c, err := graph.NewCell(ps, "c", kind, 2, 3, graph.Tanh)
		if err != nil {
			t.Fatal(err)
		}
		w, r, b := cellTensors(c, nil, nil, nil)
		order := gateOrder(kind)
		G, H := len(order), 3
		W, U, B := values(c.W), values(c.U), values(c.B)
		for k, blk := range order {
			for j := 0; j < H; j++ {
				for f := 0; f < 2; f++ {
					if w[(k*H+j)*2+f] != W[f*G*H+blk*H+j] {
						t.Fatalf("%v: W[%d,%d,%d] misplaced", kind, k, j, f)
					}
				}
				for f := 0; f < H; f++ {
					if r[(k*H+j)*H+f] != U[f*G*H+blk*H+j] {
						t.Fatalf("%v: R[%d,%d,%d] misplaced", kind, k, j, f)
					}
				}
				if b[k*H+j] != B[blk*H+j] {
					t.Fatalf("%v: Wb[%d,%d] misplaced", kind, k, j)
				}
				want := float32(0)
				if kind == graph.GRU && blk == 2 {
					want = values(c.BN)[j]
				}
				if b[G*H+k*H+j] != want {
					t.Fatalf("%v: Rb[%d,%d] = %v, want %v", kind, k, j, b[G*H+k*H+j], want)
				}
			}
		}
	}
}

// TestEncodeRoundTrip decodes a written graph with the protobuf library
// and finds its nodes, initializers and opset.
func TestEncodeRoundTrip(t *testing.T) {
	g := NewGraph("t")
	x, _ := g.Input("x", Float32, "n", 2)
	w := g.Floats("w", []int{2, 2}, []float32{1, 2, 3, 4})
	if err := g.Output("y", g.Op("MatMul", []string{x, w}), Float32, "n", 2); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := g.Encode(&buf, "doc"); err != nil {
		t.Fatal(err)
	}
	var m pb.ModelProto
	if err := proto.Unmarshal(buf.Bytes(), &m); err != nil {
		t.Fatal(err)
	}
	if m.OpsetImport[0].Version != Opset || m.IrVersion != IRVersion || len(m.Graph.Node) != 2 || len(m.Graph.Initializer) != 1 {
		t.Fatalf("decoded %v", &m)
	}
	bad := NewGraph("bad")
	bad.Floats("w", []int{3}, []float32{1})
	if err := bad.Encode(&buf, ""); err == nil {
		t.Fatal("an initializer of the wrong size was written")
	}
}

// TestRNNActivations runs Elman layers of each activation, stacked and
// bidirectional, in ONNX Runtime and compares them with rnnzoo's fused op.
func TestRNNActivations(t *testing.T) {
	if _, _, err := Runtime(); err != nil {
		t.Skip("ONNX Runtime: ", err)
	}
	const T, B, F = 5, 2, 3
	for _, act := range []graph.Activation{graph.Tanh, graph.Sigmoid, graph.ReLU} {
		ps := graph.NewParams(tensor.Float32, 5)
		st, err := graph.NewStack(ps, "s", graph.StackConfig{Kind: graph.RNN, Act: act, In: F, Hidden: 4, Layers: 2, Bidirectional: true})
		if err != nil {
			t.Fatal(err)
		}
		x := make([]float32, T*B*F)
		for i := range x {
			x[i] = float32(math.Sin(float64(i)))
		}
		lens := []int{5, 3}
		want := runStack(t, ps, st, T, B, F, x, lens)
		g := NewGraph("rnn")
		xin, _ := g.Input("x", Float32, T, B, F)
		lin, _ := g.Input("lengths", Int64, B)
		y, _, err := g.Stack(st, xin, g.Int32(lin), nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := g.Output("y", y, Float32, T, B, 8); err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(t.TempDir(), "rnn.onnx")
		if err := g.Write(path, ""); err != nil {
			t.Fatal(err)
		}
		res, err := RunAll([]Run{{Model: path, Feeds: map[string]Tensor{"x": FloatTensor([]int64{T, B, F}, x), "lengths": IntTensor([]int64{B}, lens)}}})
		if err != nil {
			t.Fatal(err)
		}
		got := res[0]["y"].Data
		// Compare the real steps (ONNX Runtime writes zeros past a length).
		var d float64
		for s := 0; s < T; s++ {
			for b := 0; b < B; b++ {
				if s >= lens[b] {
					continue
				}
				for k := 0; k < 8; k++ {
					i := (s*B+b)*8 + k
					d = max(d, math.Abs(got[i]-want[i]))
				}
			}
		}
		t.Logf("%v: largest difference %.2g", act, d)
		if d > 1e-5 {
			t.Errorf("%v: ONNX Runtime differs from rnnzoo by %.3g", act, d)
		}
	}
}

// runStack runs a stack with rnnzoo on x [T,B,F] with lengths and returns
// its outputs [T,B,D].
func runStack(t *testing.T, ps *graph.Params, st *graph.Stack, T, B, F int, x []float32, lens []int) []float64 {
	t.Helper()
	b := graph.NewBuilder(ps, false)
	xin := b.Input("x", T, B, F)
	mask := b.Input("mask", T, B)
	out, err := st.Apply(b, xin.Node, mask.Node, graph.State{})
	if err != nil {
		t.Fatal(err)
	}
	net, err := b.Compile(nil, nil, out.H)
	if err != nil {
		t.Fatal(err)
	}
	xs := make([]float64, len(x))
	for i, v := range x {
		xs[i] = float64(v)
	}
	xin.Set(xs)
	m := make([]float64, T*B)
	for s := 0; s < T; s++ {
		for bb := 0; bb < B; bb++ {
			if s < lens[bb] {
				m[s*B+bb] = 1
			}
		}
	}
	mask.Set(m)
	if err := net.Run(); err != nil {
		t.Fatal(err)
	}
	var res []float64
	for _, v := range net.Output(0).Data().([]float32) {
		res = append(res, float64(v))
	}
	return res
}
