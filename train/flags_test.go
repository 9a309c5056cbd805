package train

import (
	"flag"
	"io"
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
