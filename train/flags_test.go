package train

import (
	"flag"
	"io"
	"math"
	"strings"
	"testing"

	"github.com/rnnzoo/rnnzoo/graph"
	"gorgonia.org/tensor"
)

func TestFlags(t *testing.T) {
	f := DefaultFlags()
	f.Epochs = 4 // a program's own default
	fs := flag.NewFlagSet("x", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	f.Register(fs)
	if err := fs.Parse([]string{"-optimizer", "adamw", "-weight-decay", "0.1", "-lr", "0.01", "-schedule", "cosine", "-warmup", "10", "-clip", "1"}); err != nil {
		t.Fatal(err)
	}
	ps := graph.NewParams(tensor.Float32, 1)
	ps.New("w", tensor.Shape{2}, nil)
	cfg, err := f.Config(ps, 30)
	if err != nil {
		t.Fatal(err)
	}
	a, ok := cfg.Optimizer.(*Adam)
	if !ok || !a.Decoupled || a.WeightDecay != 0.1 || cfg.Epochs != 4 || cfg.ClipNorm != 1 || cfg.Patience != 3 {
		t.Fatalf("config %+v, optimizer %+v", cfg, cfg.Optimizer)
	}
	// warm-up 10, then cosine over 4·30−10 = 110 updates from 0.01 to 1e-4
	if lr := cfg.LR.LR(9); !near(lr, 0.01, 1e-12) {
		t.Fatalf("end of warm-up %v", lr)
	}
	if lr := cfg.LR.LR(120); !near(lr, 1e-4, 1e-12) {
		t.Fatalf("end of cosine %v", lr)
	}
	f.Optimizer = "lion"
	if _, err := f.Config(ps, 30); err == nil {
		t.Fatal("unknown optimizer accepted")
	}
	f.Optimizer, f.Schedule = "sgd", "exp"
	if _, err := f.Config(ps, 30); err == nil {
		t.Fatal("unknown schedule accepted")
	}
}

// Every flag Check refuses is named in its error; RegisterOnly defines
// only the flags named; -valid means a fraction or a number everywhere.
func TestFlagsCheckRegisterOnlyHoldOut(t *testing.T) {
	for flagName, set := range map[string]func(f *Flags){
		"-epochs":     func(f *Flags) { f.Epochs = 0 },
		"-steps":      func(f *Flags) { f.MaxSteps = -1 },
		"-optimizer":  func(f *Flags) { f.Optimizer = "lion" },
		"-lr":         func(f *Flags) { f.LR = 0 },
		"-momentum":   func(f *Flags) { f.Momentum = 1 },
		"-schedule":   func(f *Flags) { f.Schedule = "linear" },
		"-lr-min":     func(f *Flags) { f.LRMin = 2 },
		"-warmup":     func(f *Flags) { f.Warmup = -2 },
		"-clip":       func(f *Flags) { f.Clip = -1 },
		"-clip-value": func(f *Flags) { f.ClipValue = -1 },
		"-patience":   func(f *Flags) { f.Patience = -1 },
		"-save-every": func(f *Flags) { f.SaveEvery = -1 },
	} {
		f := DefaultFlags()
		set(&f)
		if err := f.Check(); err == nil || !strings.HasPrefix(err.Error(), flagName+" ") {
			t.Errorf("%s: Check = %v", flagName, err)
		}
	}
	if f := DefaultFlags(); f.Check() != nil {
		t.Errorf("the defaults: %v", f.Check())
	}
	f := DefaultFlags()
	fs := flag.NewFlagSet("x", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	f.RegisterOnly(fs, "steps", "lr")
	if err := fs.Parse([]string{"-steps", "7", "-lr", "0.5"}); err != nil || f.MaxSteps != 7 || f.LR != 0.5 {
		t.Fatalf("parse: %v, %+v", err, f)
	}
	if fs.Lookup("epochs") != nil || fs.Lookup("optimizer") != nil {
		t.Error("RegisterOnly defined flags it was not given")
	}
	for _, c := range []struct {
		v    float64
		n    int
		want float64
		ok   bool
	}{{0, 10, 0, true}, {0.25, 10, 0.25, true}, {3, 10, 0.3, true}, {10, 10, 0, false}, {2.5, 10, 0, false}, {-1, 10, 0, false}, {math.NaN(), 10, 0, false}} {
		got, err := HoldOut(c.v, c.n, "images")
		if (err == nil) != c.ok || (c.ok && math.Abs(got-c.want) > 1e-15) {
			t.Errorf("HoldOut(%v, %d) = %v, %v", c.v, c.n, got, err)
		}
	}
}
