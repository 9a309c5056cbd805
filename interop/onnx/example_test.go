package onnx_test

import (
	"bytes"
	"fmt"
	"log"

	"gorgonia.org/tensor"

	"github.com/rnnzoo/rnnzoo/graph"
	"github.com/rnnzoo/rnnzoo/interop/onnx"
)

// A bidirectional GRU layer over feature vectors becomes one ONNX GRU
// node (both directions, linear_before_reset = 1) with sequence lengths.
func Example() {
	ps := graph.NewParams(tensor.Float32, 1)
	st, err := graph.NewStack(ps, "enc", graph.StackConfig{Kind: graph.GRU, In: 3, Hidden: 4, Layers: 1, Bidirectional: true})
	if err != nil {
		log.Fatal(err)
	}
	g := onnx.NewGraph("example")
	x, _ := g.Input("x", onnx.Float32, "seq", "batch", 3)
	lens, _ := g.Input("lengths", onnx.Int64, "batch")
	y, _, err := g.Stack(st, x, g.Int32(lens), nil)
	if err != nil {
		log.Fatal(err)
	}
	if err := g.Output("y", y, onnx.Float32, "seq", "batch", 8); err != nil {
		log.Fatal(err)
	}
	var buf bytes.Buffer
	if err := g.Encode(&buf, "a bidirectional GRU"); err != nil {
		log.Fatal(err)
	}
	fmt.Println(g.Ops())
	fmt.Println(buf.Len() > 0)
	// Output:
	// [Cast GRU Transpose Reshape Identity]
	// true
}
