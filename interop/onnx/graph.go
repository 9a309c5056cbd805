package onnx

import (
	"bytes"
	"fmt"
	"io"

	pb "github.com/advancedclimatesystems/gonnx/onnx"
	"google.golang.org/protobuf/proto"

	"github.com/rnnzoo/rnnzoo/internal/atomicfile"
)

// Opset is the ONNX operator set version of the files written here, and
// IRVersion their IR version.
const (
	Opset     = 17
	IRVersion = 8
)

// Elem is an ONNX tensor element type.
type Elem int32

// The element types the exported graphs use (TensorProto.DataType).
const (
	Float32 Elem = 1
	Int32   Elem = 6
	Int64   Elem = 7
	Bool    Elem = 9
)

// Graph is an ONNX graph under construction. Values are named by strings,
// as in ONNX: every method that adds a node returns the name of its output.
type Graph struct {
	g    *pb.GraphProto
	n    int
	seen map[string]bool
	err  error // the first inconsistency met while building
}

// NewGraph starts an empty graph.
func NewGraph(name string) *Graph {
	return &Graph{g: &pb.GraphProto{Name: name}, seen: map[string]bool{}}
}

// fresh returns a new value name built from base.
func (g *Graph) fresh(base string) string {
	for {
		g.n++
		name := fmt.Sprintf("%s_%d", base, g.n)
		if !g.seen[name] {
			g.seen[name] = true
			return name
		}
	}
}

// valueInfo describes a tensor: dims are ints (fixed sizes) or strings
// (named dynamic sizes such as "batch").
func valueInfo(name string, elem Elem, dims []any) (*pb.ValueInfoProto, error) {
	shape := &pb.TensorShapeProto{}
	for _, d := range dims {
		switch v := d.(type) {
		case int:
			shape.Dim = append(shape.Dim, &pb.TensorShapeProto_Dimension{Value: &pb.TensorShapeProto_Dimension_DimValue{DimValue: int64(v)}})
		case string:
			shape.Dim = append(shape.Dim, &pb.TensorShapeProto_Dimension{Value: &pb.TensorShapeProto_Dimension_DimParam{DimParam: v}})
		default:
			return nil, fmt.Errorf("onnx: dimension %v of %s is neither an int nor a name", d, name)
		}
	}
	return &pb.ValueInfoProto{Name: name, Type: &pb.TypeProto{Value: &pb.TypeProto_TensorType{
		TensorType: &pb.TypeProto_Tensor{ElemType: int32(elem), Shape: shape}}}}, nil
}

// Input declares a graph input; dims are ints or names of dynamic sizes.
func (g *Graph) Input(name string, elem Elem, dims ...any) (string, error) {
	vi, err := valueInfo(name, elem, dims)
	if err != nil {
		return "", err
	}
	g.seen[name] = true
	g.g.Input = append(g.g.Input, vi)
	return name, nil
}

// Output declares value as the graph output name (through an Identity
// node when the names differ).
func (g *Graph) Output(name, value string, elem Elem, dims ...any) error {
	if name != value {
		g.node("Identity", []string{value}, []string{name})
	}
	vi, err := valueInfo(name, elem, dims)
	if err != nil {
		return err
	}
	g.g.Output = append(g.g.Output, vi)
	return nil
}

// Floats adds a float32 initializer of the given shape and returns its name.
func (g *Graph) Floats(name string, shape []int, data []float32) string {
	n := 1
	dims := make([]int64, len(shape))
	for i, d := range shape {
		dims[i], n = int64(d), n*d
	}
	if n != len(data) && g.err == nil {
		g.err = fmt.Errorf("onnx: initializer %s of shape %v has %d values", name, shape, len(data))
	}
	name = g.fresh(name)
	g.g.Initializer = append(g.g.Initializer, &pb.TensorProto{Name: name, Dims: dims, DataType: int32(Float32), FloatData: data})
	return name
}

// Ints adds a 1-D int64 initializer (shapes, axes, indices) and returns
// its name.
func (g *Graph) Ints(values ...int64) string {
	name := g.fresh("ints")
	g.g.Initializer = append(g.g.Initializer, &pb.TensorProto{Name: name, Dims: []int64{int64(len(values))}, DataType: int32(Int64), Int64Data: values})
	return name
}

// Scalar adds an int64 scalar initializer.
func (g *Graph) Scalar(v int64) string {
	name := g.fresh("scalar")
	g.g.Initializer = append(g.g.Initializer, &pb.TensorProto{Name: name, DataType: int32(Int64), Int64Data: []int64{v}})
	return name
}

// FloatScalar adds a float32 scalar initializer.
func (g *Graph) FloatScalar(v float32) string {
	name := g.fresh("const")
	g.g.Initializer = append(g.g.Initializer, &pb.TensorProto{Name: name, DataType: int32(Float32), FloatData: []float32{v}})
	return name
}

// Attr is a node attribute.
type Attr = *pb.AttributeProto

// Int is an integer attribute.
func Int(name string, v int64) Attr {
	return &pb.AttributeProto{Name: name, Type: pb.AttributeProto_INT, I: v}
}

// Float is a float attribute.
func Float(name string, v float32) Attr {
	return &pb.AttributeProto{Name: name, Type: pb.AttributeProto_FLOAT, F: v}
}

// String is a string attribute.
func String(name, v string) Attr {
	return &pb.AttributeProto{Name: name, Type: pb.AttributeProto_STRING, S: []byte(v)}
}

// Strings is a list-of-strings attribute.
func Strings(name string, vs ...string) Attr {
	a := &pb.AttributeProto{Name: name, Type: pb.AttributeProto_STRINGS}
	for _, v := range vs {
		a.Strings = append(a.Strings, []byte(v))
	}
	return a
}

// Ints64 is a list-of-integers attribute.
func Ints64(name string, vs ...int64) Attr {
	return &pb.AttributeProto{Name: name, Type: pb.AttributeProto_INTS, Ints: vs}
}

func (g *Graph) node(op string, inputs, outputs []string, attrs ...Attr) {
	g.g.Node = append(g.g.Node, &pb.NodeProto{Name: fmt.Sprintf("%s_%d", op, len(g.g.Node)), OpType: op,
		Input: inputs, Output: outputs, Attribute: attrs})
}

// Op adds a node of one output and returns the output's name.
func (g *Graph) Op(op string, inputs []string, attrs ...Attr) string {
	return g.OpN(op, inputs, 1, attrs...)[0]
}

// OpN adds a node of n outputs and returns their names.
func (g *Graph) OpN(op string, inputs []string, n int, attrs ...Attr) []string {
	outs := make([]string, n)
	for i := range outs {
		outs[i] = g.fresh(op)
	}
	g.node(op, inputs, outs, attrs...)
	return outs
}

// Model returns the graph as an ONNX model of opset Opset.
func (g *Graph) Model(doc string) *pb.ModelProto {
	return &pb.ModelProto{
		IrVersion:    IRVersion,
		OpsetImport:  []*pb.OperatorSetIdProto{{Domain: "", Version: Opset}},
		ProducerName: "rnnzoo",
		DocString:    doc,
		Graph:        g.g,
	}
}

// Encode writes the model (see Model) to w as ONNX's protobuf.
func (g *Graph) Encode(w io.Writer, doc string) error {
	if g.err != nil {
		return g.err
	}
	b, err := proto.Marshal(g.Model(doc))
	if err != nil {
		return fmt.Errorf("onnx: %w", err)
	}
	_, err = io.Copy(w, bytes.NewReader(b))
	return err
}

// Write writes the model to path atomically.
func (g *Graph) Write(path, doc string) error {
	return atomicfile.Write(path, func(w io.Writer) error { return g.Encode(w, doc) })
}

// Ops lists the operator of every node, in order.
func (g *Graph) Ops() []string {
	ops := make([]string, len(g.g.Node))
	for i, n := range g.g.Node {
		ops[i] = n.OpType
	}
	return ops
}

// WriteModel builds a graph and writes it to path with doc as the model's
// doc string; it returns the files written ([path]).
func WriteModel(path, doc string, build func() (*Graph, error)) ([]string, error) {
	g, err := build()
	if err != nil {
		return nil, err
	}
	if err := g.Write(path, doc); err != nil {
		return nil, err
	}
	return []string{path}, nil
}
