package flow

import (
	"context"
	"math"
	"reflect"
	"testing"
)

// The per-step norms ‖∂L/∂h_t‖ that the fused op reports for a tiny tanh
// RNN on the adding problem equal central finite differences of the loss
// with respect to a perturbation of h_t, computed by a plain Go forward
// pass of the same network.
func TestStepNormsFiniteDifference(t *testing.T) {
	for _, cellName := range []string{"rnn-tanh", "rnn-sigmoid"} {
		t.Run(cellName, func(t *testing.T) {
			const T, B, H = 6, 3, 4
			cfg := Config{Task: Adding, Cell: cellName, T: T, Batch: B, Hidden: H, Seed: 7, Float64: true}
			cfg.Defaults()
			var got []float64
			m, err := build(cfg, func(n []float64) { got = append([]float64(nil), n...) })
			if err != nil {
				t.Fatal(err)
			}
			defer m.close()
			if err := m.batch(0); err != nil {
				t.Fatal(err)
			}
			if err := m.net.Run(); err != nil {
				t.Fatal(err)
			}
			if len(got) != T {
				t.Fatalf("got %d step norms, want %d", len(got), T)
			}
			c := m.layer.Cell
			W, U, bias := c.W.F64(), c.U.F64(), c.B.F64()
			hw, hb := m.head.W.F64(), m.head.B.F64()
			act := math.Tanh
			if cellName == "rnn-sigmoid" {
				act = func(x float64) float64 { return 1 / (1 + math.Exp(-x)) }
			}
			// loss with δ added to h_s of example b, unit j.
			loss := func(s, b, j int, delta float64) float64 {
				var total float64
				for e := 0; e < B; e++ {
					h := make([]float64, H)
					for tt := 0; tt < T; tt++ {
						x := m.lastX[e][tt]
						next := make([]float64, H)
						for k := 0; k < H; k++ {
							z := bias[k]
							for f := range x {
								z += x[f] * W[f*H+k]
							}
							for i := 0; i < H; i++ {
								z += h[i] * U[i*H+k]
							}
							next[k] = act(z)
						}
						if tt == s && e == b {
							next[j] += delta
						}
						h = next
					}
					p := hb[0]
					for k := 0; k < H; k++ {
						p += h[k] * hw[k]
					}
					d := p - m.lastY[e][0]
					total += d * d
				}
				return total / B
			}
			const eps = 1e-6
			for s := 0; s < T; s++ {
				var ss float64
				for b := 0; b < B; b++ {
					for j := 0; j < H; j++ {
						g := (loss(s, b, j, eps) - loss(s, b, j, -eps)) / (2 * eps)
						ss += g * g
					}
				}
				want := math.Sqrt(ss)
				if math.Abs(got[s]-want) > 1e-6*math.Max(want, 1e-3) {
					t.Errorf("step %d: fused ‖∂L/∂h_t‖ = %.10g, finite differences %.10g", s, got[s], want)
				}
			}
			// The gradient fades towards the start of the sequence.
			if !(got[0] < got[T-1]) {
				t.Errorf("‖∂L/∂h_0‖ = %g not below ‖∂L/∂h_T-1‖ = %g", got[0], got[T-1])
			}
		})
	}
}

func tinyRun(task, cell string, clip float64) Config {
	return Config{Task: task, Cell: cell, T: 5, Seed: 3, Clip: clip, Steps: 6, Batch: 4, Hidden: 5, EvalEvery: 3, TestBatches: 2, CopyK: 2, CopyA: 3}
}

// A seed gives the same run; every run records what the figures need.
func TestRunRepeatableAndRecorded(t *testing.T) {
	for _, task := range []string{Adding, CopyTask} {
		for _, cell := range []string{"rnn-tanh", "lstm", "gru"} {
			a, err := Run(tinyRun(task, cell, 0.5))
			if err != nil {
				t.Fatal(err)
			}
			b, err := Run(tinyRun(task, cell, 0.5))
			if err != nil {
				t.Fatal(err)
			}
			a.Seconds, b.Seconds = 0, 0
			if !reflect.DeepEqual(a, b) {
				t.Fatalf("%s %s: two runs with the same seed differ", task, cell)
			}
			if len(a.PreClip) != a.Updates || a.Updates == 0 && !a.Solved {
				t.Fatalf("%s %s: %d pre-clip norms for %d updates", task, cell, len(a.PreClip), a.Updates)
			}
			wantLen := 5
			if task == CopyTask {
				wantLen = 5 + 2*2
			}
			if len(a.Profiles) == 0 || a.Profiles[0].Step != 0 || len(a.Profiles[0].Norms) != wantLen {
				t.Fatalf("%s %s: profiles %+v", task, cell, a.Profiles)
			}
			clipped := 0
			for _, n := range a.PreClip {
				if n > 0.5 {
					clipped++
				}
			}
			if clipped != a.Clipped {
				t.Fatalf("%s %s: %d norms above the threshold, %d clipped", task, cell, clipped, a.Clipped)
			}
		}
	}
}

func TestGridAndPlots(t *testing.T) {
	gc := GridConfig{
		Tasks: []string{Adding, CopyTask}, Cells: []string{"rnn-tanh", "gru"},
		Lengths: []int{3, 5}, ProfileLengths: []int{8}, Seeds: []uint64{1, 2}, Clips: []float64{0, 1},
		Run: tinyRun("", "", 0), Workers: 2,
	}
	gc.Run.Steps = 3
	inits, runs, err := Grid(context.Background(), gc, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(inits) != 2*3*2*2 || len(runs) != 2*2*2*2*2 {
		t.Fatalf("%d init profiles and %d runs", len(inits), len(runs))
	}
	cw, ns := Summarise(runs)
	if len(cw) != 2*2*2*2 || len(ns) != 2*2*2 {
		t.Fatalf("%d summaries and %d norm stats", len(cw), len(ns))
	}
	for _, c := range cw {
		if c.Runs != 2 {
			t.Fatalf("summary %+v", c)
		}
	}
	if p := MeanProfile(inits, Adding, "gru", 8, 0, 0); len(p) != 8 {
		t.Fatalf("profile of %d steps", len(p))
	}
	figs, err := WritePlots(t.TempDir(), gc, inits, runs)
	if err != nil {
		t.Fatal(err)
	}
	if len(figs) != 10 {
		t.Fatalf("%d figures", len(figs))
	}
}

func TestQuantile(t *testing.T) {
	v := []float64{5, 1, math.NaN(), 3}
	if q := quantile(v, 0); q != 1 {
		t.Fatal(q)
	}
	if q := quantile(v[:2], 1); q != 5 {
		t.Fatal(q)
	}
	if !math.IsNaN(quantile(nil, 0.5)) {
		t.Fatal("empty")
	}
}
