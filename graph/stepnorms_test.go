package graph

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// The fused op's per-step norms ‖∂L/∂h_t‖ equal the norms of the gradient
// with respect to a zero perturbation δ_t added to h_t in an op-by-op
// unrolled graph (which is ∂L/∂h_t by definition).
func TestStepGradNorms(t *testing.T) {
	const T, B, F, H = 5, 2, 3, 4
	for _, kind := range []CellKind{RNN, LSTM, GRU} {
		for _, reverse := range []bool{false, true} {
			t.Run(fmt.Sprintf("%v-reverse%v", kind, reverse), func(t *testing.T) {
				rng := rand.New(rand.NewPCG(5, 6))
				xs := make([]float64, T*B*F)
				ws := make([]float64, T*B*H)
				for i := range xs {
					xs[i] = rng.NormFloat64()
				}
				for i := range ws {
					ws[i] = rng.NormFloat64()
				}
				// Fused.
				ps := NewParams(tensor.Float64, 3)
				layer := mustMake(NewRecurrent(ps, "l", kind, F, H, Tanh, reverse))
				var got []float64
				layer.StepGradNorms = func(n []float64) { got = append([]float64(nil), n...) }
				b := NewBuilder(ps, true)
				x := b.Input("x", T, B, F)
				x.Set(xs)
				out, err := layer.Apply(b, x.Node, nil, State{})
				if err != nil {
					t.Fatal(err)
				}
				w := b.Input("w", T, B, H)
				w.Set(ws)
				loss := must(G.Sum(must(G.HadamardProd(out.H, w.Node))))
				net, err := b.Compile(loss, nil)
				if err != nil {
					t.Fatal(err)
				}
				if err := net.Run(); err != nil {
					t.Fatal(err)
				}
				// Op by op with perturbations.
				rb := NewBuilder(ps, true)
				deltas := make([]*Param, T)
				st := State{H: rb.Input("h0", B, H).Node}
				if kind == LSTM {
					st.C = rb.Input("c0", B, H).Node
				}
				rx := rb.Input("x", T, B, F)
				rx.Set(xs)
				var terms G.Nodes
				for s := 0; s < T; s++ {
					tt := s
					if reverse {
						tt = T - 1 - s
					}
					xt := must(G.Slice(rx.Node, G.S(tt)))
					next, err := layer.Cell.Step(rb, xt, st)
					if err != nil {
						t.Fatal(err)
					}
					deltas[tt] = ps.New(fmt.Sprintf("delta%d", tt), tensor.Shape{B, H}, nil)
					next.H = must(G.Add(next.H, rb.Param(deltas[tt])))
					st = next
					wt := rb.Input(fmt.Sprintf("w%d", tt), B, H)
					wt.Set(ws[tt*B*H : (tt+1)*B*H])
					terms = append(terms, must(G.Sum(must(G.HadamardProd(st.H, wt.Node)))))
				}
				rl := terms[0]
				for _, n := range terms[1:] {
					rl = must(G.Add(rl, n))
				}
				rnet, err := rb.Compile(rl, nil)
				if err != nil {
					t.Fatal(err)
				}
				ps.ZeroGrad()
				if err := rnet.Run(); err != nil {
					t.Fatal(err)
				}
				for tt := 0; tt < T; tt++ {
					var ss float64
					for _, v := range deltas[tt].GradF64() {
						ss += v * v
					}
					if want := math.Sqrt(ss); math.Abs(got[tt]-want) > 1e-10*math.Max(1, want) {
						t.Fatalf("step %d: fused norm %v, perturbation gradient norm %v", tt, got[tt], want)
					}
				}
			})
		}
	}
}
