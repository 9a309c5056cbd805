package graph

import (
	"fmt"

	"testing"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// TestConcatLastMatchesConcat: ConcatLast and its gradient equal
// Gorgonia's Concat on the last axis, for 2-D and 3-D operands.
func TestConcatLastMatchesConcat(t *testing.T) {
	for _, shapes := range [][2]tensor.Shape{{{3, 4}, {3, 2}}, {{2, 3, 5}, {2, 3, 4}}} {
		run := func(fast bool) (out []float64, ga, gc []float64) {
			g := G.NewGraph()
			fill := func(s tensor.Shape, seed float64) *tensor.Dense {
				d := make([]float64, s.TotalSize())
				for i := range d {
					d[i] = seed + 0.37*float64(i) - 0.011*float64(i*i)
				}
				return tensor.New(tensor.WithShape(s...), tensor.WithBacking(d))
			}
			a := G.NewTensor(g, tensor.Float64, shapes[0].Dims(), G.WithShape(shapes[0]...), G.WithValue(fill(shapes[0], 1)), G.WithName("a"))
			c := G.NewTensor(g, tensor.Float64, shapes[1].Dims(), G.WithShape(shapes[1]...), G.WithValue(fill(shapes[1], -2)), G.WithName("c"))
			var y *G.Node
			var err error
			if fast {
				y, err = ConcatLast(a, c)
			} else {
				y, err = G.Concat(shapes[0].Dims()-1, a, c)
			}
			if err != nil {
				t.Fatal(err)
			}
			w := G.NewTensor(g, tensor.Float64, y.Dims(), G.WithShape(y.Shape()...), G.WithValue(fill(y.Shape(), 0.5)), G.WithName("w"))
			loss := G.Must(G.Sum(G.Must(G.HadamardProd(G.Must(G.Tanh(y)), w))))
			if _, err := G.Grad(loss, a, c); err != nil {
				t.Fatal(err)
			}
			vm := G.NewTapeMachine(g)
			defer vm.Close()
			if err := vm.RunAll(); err != nil {
				t.Fatal(err)
			}
			gav, _ := a.Grad()
			gcv, _ := c.Grad()
			return append([]float64(nil), y.Value().Data().([]float64)...), append([]float64(nil), gav.Data().([]float64)...), append([]float64(nil), gcv.Data().([]float64)...)
		}
		o1, a1, c1 := run(true)
		o2, a2, c2 := run(false)
		for name, pair := range map[string][2][]float64{"value": {o1, o2}, "grad a": {a1, a2}, "grad c": {c1, c2}} {
			if len(pair[0]) != len(pair[1]) {
				t.Fatalf("%v %s: %d values, Concat %d", shapes, name, len(pair[0]), len(pair[1]))
			}
			for i := range pair[0] {
				if pair[0][i] != pair[1][i] {
					t.Fatalf("%v %s[%d]: %v, Concat %v", shapes, name, i, pair[0][i], pair[1][i])
				}
			}
		}
	}
	if _, err := ConcatLast(G.NewMatrix(G.NewGraph(), tensor.Float32, G.WithShape(2, 3)), G.NewMatrix(G.NewGraph(), tensor.Float32, G.WithShape(3, 3))); err == nil {
		t.Error("ConcatLast joined [2 3] and [3 3]")
	}
}

// TestLeadRowsMatchesSlice: leadRows and its gradient equal G.Slice on the
// leading axis, for a range and for one index (which drops the axis).
func TestLeadRowsMatchesSlice(t *testing.T) {
	for _, r := range [][2]int{{0, 3}, {3, 4}, {1, 2}} {
		run := func(fast bool) (out, gx []float64) {
			g := G.NewGraph()
			d := make([]float64, 4*2*3)
			for i := range d {
				d[i] = 0.3*float64(i) - 0.02*float64(i*i)
			}
			x := G.NewTensor(g, tensor.Float64, 3, G.WithShape(4, 2, 3), G.WithValue(tensor.New(tensor.WithShape(4, 2, 3), tensor.WithBacking(d))), G.WithName("x"))
			var y *G.Node
			var err error
			if fast {
				y, err = leadRows(x, r[0], r[1])
			} else if r[1]-r[0] == 1 {
				y, err = G.Slice(x, G.S(r[0]))
			} else {
				y, err = G.Slice(x, G.S(r[0], r[1]))
			}
			if err != nil {
				t.Fatal(err)
			}
			loss := G.Must(G.Sum(G.Must(G.Square(G.Must(G.Tanh(y))))))
			if _, err := G.Grad(loss, x); err != nil {
				t.Fatal(err)
			}
			vm := G.NewTapeMachine(g)
			defer vm.Close()
			if err := vm.RunAll(); err != nil {
				t.Fatal(err)
			}
			gv, _ := x.Grad()
			if fast && y.Shape().Dims() != 3-btoi(r[1]-r[0] == 1) {
				t.Fatalf("rows %v: shape %v", r, y.Shape())
			}
			return append([]float64(nil), y.Value().Data().([]float64)...), append([]float64(nil), gv.Data().([]float64)...)
		}
		o1, g1 := run(true)
		o2, g2 := run(false)
		if fmt.Sprint(o1) != fmt.Sprint(o2) || fmt.Sprint(g1) != fmt.Sprint(g2) {
			t.Errorf("rows %v: %v / %v, Slice %v / %v", r, o1, g1, o2, g2)
		}
	}
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}
