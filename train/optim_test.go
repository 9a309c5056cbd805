package train

import (
	"math"
	"runtime"
	"strings"
	"testing"

	"github.com/rnnzoo/rnnzoo/graph"
	"gorgonia.org/tensor"
)

// params64 returns a float64 parameter set with one parameter "w" holding w.
func params64(w ...float64) (*graph.Params, *graph.Param) {
	ps := graph.NewParams(tensor.Float64, 1)
	p := ps.FromValues("w", tensor.Shape{len(w)}, w)
	return ps, p
}

func near(a, b, tol float64) bool { return math.Abs(a-b) <= tol*math.Max(1, math.Abs(b)) }

// TestAdamHand checks three Adam steps against the update written out by
// hand for one scalar weight.
func TestAdamHand(t *testing.T) {
	ps, p := params64(1.0)
	a := NewAdam(ps)
	grads := []float64{0.5, -0.2, 0.1}
	lr := 0.1
	// By hand, β1 = 0.9, β2 = 0.999, eps = 1e-8:
	// t=1: m = 0.05, v = 0.00025; m̂ = 0.5, v̂ = 0.25; w = 1 − 0.1·0.5/(0.5+1e-8)
	w1 := 1 - 0.1*0.5/(0.5+1e-8)
	// t=2: m = 0.9·0.05 + 0.1·(−0.2) = 0.025; v = 0.999·0.00025 + 0.001·0.04 = 0.00028975
	//      m̂ = 0.025/(1−0.81) ; v̂ = 0.00028975/(1−0.998001)
	w2 := w1 - 0.1*(0.025/0.19)/(math.Sqrt(0.00028975/0.001999)+1e-8)
	// t=3: m = 0.9·0.025 + 0.1·0.1 = 0.0325; v = 0.999·0.00028975 + 0.001·0.01 = 0.00029946025
	w3 := w2 - 0.1*(0.0325/(1-0.729))/(math.Sqrt(0.00029946025/(1-0.997002999))+1e-8)
	want := []float64{w1, w2, w3}
	for i, g := range grads {
		p.GradF64()[0] = g
		a.Step(lr)
		if got := p.F64()[0]; !near(got, want[i], 1e-12) {
			t.Fatalf("step %d: w = %.15g, want %.15g", i+1, got, want[i])
		}
	}
	if a.Steps != 3 {
		t.Fatalf("steps %d", a.Steps)
	}
	if m := a.State().Slots[0]; m.Name != "m.w" || !near(m.Value.Data().([]float64)[0], 0.0325, 1e-12) {
		t.Fatalf("first moment slot %s = %v", m.Name, m.Value.Data())
	}
}

func TestAdamWDecoupledAndL2(t *testing.T) {
	ps, p := params64(2.0)
	a := NewAdamW(ps, 0.1)
	p.GradF64()[0] = 0.5
	a.Step(0.01)
	// decay first, then the Adam step (m̂/√v̂ = 1 up to eps)
	want := 2*(1-0.01*0.1) - 0.01*0.5/(0.5+1e-8)
	if got := p.F64()[0]; !near(got, want, 1e-13) {
		t.Fatalf("AdamW: %.15g, want %.15g", got, want)
	}
	ps, p = params64(2.0)
	a = NewAdam(ps)
	a.WeightDecay = 0.1 // L2: g + 0.1·w = 0.7
	p.GradF64()[0] = 0.5
	a.Step(0.01)
	want = 2 - 0.01*0.7/(0.7+1e-8)
	if got := p.F64()[0]; !near(got, want, 1e-13) {
		t.Fatalf("Adam L2: %.15g, want %.15g", got, want)
	}
}

func TestSGDHand(t *testing.T) {
	for _, nesterov := range []bool{false, true} {
		ps, p := params64(1.0)
		o := NewSGD(ps, 0.9)
		o.Nesterov = nesterov
		p.GradF64()[0] = 0.5
		o.Step(0.1) // buf = 0.5
		p.GradF64()[0] = 0.5
		o.Step(0.1) // buf = 0.95
		var want float64
		if nesterov {
			want = 1 - 0.1*(0.5+0.9*0.5) - 0.1*(0.5+0.9*0.95)
		} else {
			want = 1 - 0.1*0.5 - 0.1*0.95
		}
		if got := p.F64()[0]; !near(got, want, 1e-14) {
			t.Fatalf("nesterov=%v: %.15g, want %.15g", nesterov, got, want)
		}
	}
	ps, p := params64(1.0)
	o := NewSGD(ps, 0)
	p.GradF64()[0] = 0.5
	o.Step(0.1)
	if got := p.F64()[0]; got != 0.95 {
		t.Fatalf("plain SGD: %v", got)
	}
}

func TestRMSPropHand(t *testing.T) {
	ps, p := params64(1.0)
	o := NewRMSProp(ps)
	p.GradF64()[0] = 0.5
	o.Step(0.01) // v = 0.01·0.25
	w1 := 1 - 0.01*0.5/(math.Sqrt(0.0025)+1e-8)
	p.GradF64()[0] = -1
	o.Step(0.01) // v = 0.99·0.0025 + 0.01·1
	w2 := w1 + 0.01*1/(math.Sqrt(0.99*0.0025+0.01)+1e-8)
	if got := p.F64()[0]; !near(got, w2, 1e-14) {
		t.Fatalf("%.15g, want %.15g", got, w2)
	}
}

func TestFrozenSkippedAndFloat32(t *testing.T) {
	ps := graph.NewParams(tensor.Float32, 1)
	a := ps.FromValues("a", tensor.Shape{2}, []float64{1, 2})
	b := ps.FromValues("b", tensor.Shape{2}, []float64{3, 4})
	b.Frozen = true
	for _, opt := range []Optimizer{NewAdam(ps), NewAdamW(ps, 0.1), NewSGD(ps, 0.9), NewRMSProp(ps)} {
		copy(a.GradF32(), []float32{1, 1})
		copy(b.GradF32(), []float32{1, 1})
		opt.Step(0.1)
		if b.F32()[0] != 3 || b.F32()[1] != 4 {
			t.Fatalf("%T changed a frozen parameter", opt)
		}
	}
	if a.F32()[0] >= 1 {
		t.Fatalf("trainable parameter not updated: %v", a.F32())
	}
}

func TestOptimizerStateRoundTrip(t *testing.T) {
	mk := func() (*graph.Params, *graph.Param) { return params64(1, 2, 3) }
	for _, newOpt := range []func(*graph.Params) Optimizer{
		func(ps *graph.Params) Optimizer { return NewAdam(ps) },
		func(ps *graph.Params) Optimizer { return NewAdamW(ps, 0.01) },
		func(ps *graph.Params) Optimizer { o := NewSGD(ps, 0.9); o.Nesterov = true; return o },
		func(ps *graph.Params) Optimizer { o := NewRMSProp(ps); o.Momentum = 0.5; return o },
	} {
		ps1, p1 := mk()
		o1 := newOpt(ps1)
		for i := 0; i < 3; i++ {
			copy(p1.GradF64(), []float64{0.1 * float64(i), -0.2, 0.3})
			o1.Step(0.05)
		}
		ps2, p2 := mk()
		copy(p2.F64(), p1.F64())
		o2 := newOpt(ps2)
		if err := o2.SetState(o1.State()); err != nil {
			t.Fatal(err)
		}
		for _, pr := range [][2]*graph.Param{{p1, p2}} {
			copy(pr[0].GradF64(), []float64{0.4, 0.5, -0.6})
			copy(pr[1].GradF64(), []float64{0.4, 0.5, -0.6})
		}
		o1.Step(0.05)
		o2.Step(0.05)
		for i := range p1.F64() {
			if p1.F64()[i] != p2.F64()[i] {
				t.Fatalf("%T: after SetState the next step differs: %v vs %v", o1, p1.F64(), p2.F64())
			}
		}
	}
	// A state for other parameters is refused with the names.
	ps, _ := params64(1)
	ps3 := graph.NewParams(tensor.Float64, 1)
	ps3.FromValues("other", tensor.Shape{1}, []float64{1})
	err := NewAdam(ps).SetState(NewAdam(ps3).State())
	if err == nil || !strings.Contains(err.Error(), "m.w") || !strings.Contains(err.Error(), "m.other") {
		t.Fatalf("mismatched state: %v", err)
	}
	if err := NewAdam(ps).SetState(NewSGD(ps, 0).State()); err == nil || !strings.Contains(err.Error(), "sgd") {
		t.Fatalf("wrong kind: %v", err)
	}
}

func TestSchedules(t *testing.T) {
	cases := []struct {
		s    Schedule
		step int64
		want float64
	}{
		{Constant(0.1), 99, 0.1},
		{StepDecay{Base: 1, Every: 10, Gamma: 0.5}, 9, 1},
		{StepDecay{Base: 1, Every: 10, Gamma: 0.5}, 25, 0.25},
		{Cosine{Base: 1, Min: 0, Steps: 100}, 0, 1},
		{Cosine{Base: 1, Min: 0, Steps: 100}, 50, 0.5},
		{Cosine{Base: 1, Min: 0.1, Steps: 100}, 100, 0.1},
		{Cosine{Base: 1, Min: 0.1, Steps: 100}, 1000, 0.1},
		{Warmup{Steps: 4, Then: Constant(1)}, 0, 0.25},
		{Warmup{Steps: 4, Then: Constant(1)}, 3, 1},
		{Warmup{Steps: 4, Then: Cosine{Base: 1, Steps: 10}}, 4, 1},
		{Warmup{Steps: 4, Then: Cosine{Base: 1, Steps: 10}}, 9, 0.5},
	}
	for _, c := range cases {
		if got := c.s.LR(c.step); !near(got, c.want, 1e-12) {
			t.Errorf("%v at %d: %v, want %v", c.s, c.step, got, c.want)
		}
	}
}

// TestClipGradNormHand: gradients (3, 4) and (12) have global norm 13.
func TestClipGradNormHand(t *testing.T) {
	ps := graph.NewParams(tensor.Float32, 1)
	a := ps.New("a", tensor.Shape{2}, nil)
	b := ps.New("b", tensor.Shape{1}, nil)
	f := ps.New("frozen", tensor.Shape{1}, nil)
	f.Frozen = true
	copy(a.GradF32(), []float32{3, 4})
	b.GradF32()[0] = 12
	f.GradF32()[0] = 1000 // not counted, not scaled
	norm, clipped := ClipGradNorm(ps.All(), 6.5)
	if norm != 13 || !clipped {
		t.Fatalf("norm %v clipped %v, want 13 true", norm, clipped)
	}
	c := 6.5 / (13 + 1e-6)
	want := []float64{3 * c, 4 * c, 12 * c}
	got := []float32{a.GradF32()[0], a.GradF32()[1], b.GradF32()[0]}
	for i := range want {
		if !near(float64(got[i]), want[i], 1e-6) {
			t.Fatalf("clipped gradients %v, want %v", got, want)
		}
	}
	if f.GradF32()[0] != 1000 {
		t.Fatal("frozen gradient scaled")
	}
	if n := GradNorm(ps.All()); !near(n, 6.5, 1e-6) {
		t.Fatalf("norm after clipping %v", n)
	}
	if _, clipped := ClipGradNorm(ps.All(), 100); clipped {
		t.Fatal("clipped below the threshold")
	}
	copy(a.GradF32(), []float32{3, -4})
	if !ClipGradValue(ps.All(), 3.5) || a.GradF32()[0] != 3 || a.GradF32()[1] != -3.5 {
		t.Fatalf("clip by value: %v", a.GradF32())
	}
}

func TestCheckFinite(t *testing.T) {
	ps := graph.NewParams(tensor.Float32, 1)
	ps.New("ok", tensor.Shape{3}, nil)
	bad := ps.New("bad", tensor.Shape{2, 2}, nil)
	bad.GradF32()[3] = float32(math.NaN())
	bad.GradF32()[1] = float32(math.Inf(1)) // first one
	err := CheckFinite(ps.All(), true)
	nf, ok := err.(*NonFiniteError)
	if !ok || nf.Param != "bad" || nf.Index != 1 || !math.IsInf(nf.Value, 1) {
		t.Fatalf("got %v", err)
	}
	if !strings.Contains(err.Error(), `gradient of "bad" is +Inf at flat index 1`) {
		t.Fatalf("message: %v", err)
	}
	if err := CheckFinite(ps.All(), false); err != nil {
		t.Fatalf("values are finite: %v", err)
	}
}

func TestOptimizerStepAllocatesNothing(t *testing.T) {
	ps := graph.NewParams(tensor.Float32, 1)
	ps.New("a", tensor.Shape{64, 32}, graph.Uniform(0.1))
	ps.New("b", tensor.Shape{32}, nil)
	for _, o := range []Optimizer{NewAdam(ps), NewSGD(ps, 0.9), NewRMSProp(ps)} {
		if n := testing.AllocsPerRun(10, func() { o.Step(1e-3) }); n != 0 {
			t.Errorf("%T.Step allocates %v times", o, n)
		}
	}
}

func benchStep(b *testing.B, dt tensor.Dtype, newOpt func(*graph.Params) Optimizer) {
	ps := graph.NewParams(dt, 1)
	for i, shape := range []tensor.Shape{{128, 512}, {128, 512}, {512}, {128, 10}, {10}} {
		p := ps.New(string(rune('a'+i)), shape, graph.Uniform(0.1))
		switch g := p.Grad.Data().(type) {
		case []float32:
			for j := range g {
				g[j] = 0.01
			}
		case []float64:
			for j := range g {
				g[j] = 0.01
			}
		}
	}
	o := newOpt(ps)
	b.ReportAllocs()
	for b.Loop() {
		o.Step(1e-3)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(ps.Count()), "ns/param")
}

func BenchmarkOptimizerStep(b *testing.B) {
	for _, dt := range []tensor.Dtype{tensor.Float32, tensor.Float64} {
		b.Run("adam_"+dt.String(), func(b *testing.B) {
			benchStep(b, dt, func(ps *graph.Params) Optimizer { return NewAdam(ps) })
		})
		b.Run("sgd_momentum_"+dt.String(), func(b *testing.B) {
			benchStep(b, dt, func(ps *graph.Params) Optimizer { return NewSGD(ps, 0.9) })
		})
		b.Run("rmsprop_"+dt.String(), func(b *testing.B) {
			benchStep(b, dt, func(ps *graph.Params) Optimizer { return NewRMSProp(ps) })
		})
	}
}

func BenchmarkClipGradNorm(b *testing.B) {
	ps := graph.NewParams(tensor.Float32, 1)
	ps.New("a", tensor.Shape{256, 1024}, graph.Uniform(0.1))
	b.ReportAllocs()
	for b.Loop() {
		ClipGradNorm(ps.All(), 1)
	}
}

// TestStepUnseals: every optimizer withdraws graph.Params.Seal before it
// changes the weights, so no packed copy of old weights outlives a step.
func TestStepUnseals(t *testing.T) {
	for name, mk := range map[string]func(*graph.Params) Optimizer{
		"adam":    func(ps *graph.Params) Optimizer { return NewAdam(ps) },
		"sgd":     func(ps *graph.Params) Optimizer { return NewSGD(ps, 0.9) },
		"rmsprop": func(ps *graph.Params) Optimizer { return NewRMSProp(ps) },
	} {
		ps := graph.NewParams(tensor.Float32, 1)
		ps.New("w", tensor.Shape{2, 3}, graph.Uniform(1))
		opt := mk(ps)
		ps.Seal()
		opt.Step(0.1)
		if ps.Sealed() {
			t.Errorf("%s: the weights are still sealed after a step", name)
		}
	}
}

// Adam splits large parameters over the threads: three steps give the same
// bits at one thread and at four.
func TestAdamSameBitsAcrossThreads(t *testing.T) {
	run := func(threads int) []float32 {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(threads))
		ps := graph.NewParams(tensor.Float32, 5)
		p := ps.New("w", tensor.Shape{300, 100}, graph.Uniform(0.1)) // 30,000 elements: split
		a := NewAdam(ps)
		a.WeightDecay = 1e-4
		for step := 0; step < 3; step++ {
			for i := range p.GradF32() {
				p.GradF32()[i] = float32(math.Sin(float64(i*(step+1)))) * 1e-2
			}
			a.Step(1e-3)
		}
		return append([]float32(nil), p.F32()...)
	}
	one, four := run(1), run(4)
	for i := range one {
		if math.Float32bits(one[i]) != math.Float32bits(four[i]) {
			t.Fatalf("w[%d] = %v at 1 thread, %v at 4", i, one[i], four[i])
		}
	}
}
