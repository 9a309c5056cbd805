package train

import (
	"math"
	"testing"
)

func TestConfusionAccuracyMacroF1(t *testing.T) {
	var c Confusion
	// gold 0 0 1 1 2 2 (and one padding entry), pred 0 1 1 1 2 0
	if err := c.Add([]int{0, 1, 1, 1, 2, 0, 1}, []int{0, 0, 1, 1, 2, 2, -1}); err != nil {
		t.Fatal(err)
	}
	want := Confusion{{1, 1, 0}, {0, 2, 0}, {1, 0, 1}}
	for i := range want {
		for j := range want[i] {
			if c[i][j] != want[i][j] {
				t.Fatalf("confusion %v, want %v", c, want)
			}
		}
	}
	if c.Total() != 6 || c.Accuracy() != 4.0/6 {
		t.Fatalf("total %d accuracy %v", c.Total(), c.Accuracy())
	}
	// F1: class 0: 2·1/(2+2); class 1: 2·2/(2+3); class 2: 2·1/(2+1)
	if f := c.MacroF1(); math.Abs(f-(0.5+0.8+2.0/3)/3) > 1e-15 {
		t.Fatalf("macro-F1 %v", f)
	}
	// A class that never occurs does not count in the macro average.
	d := NewConfusion(4)
	d.Add([]int{0, 1}, []int{0, 1})
	if d.MacroF1() != 1 {
		t.Fatalf("absent class counted: %v", d.MacroF1())
	}
	if err := d.Add([]int{1}, []int{1, 2}); err == nil {
		t.Fatal("length mismatch accepted")
	}
}

func TestPerplexityBPCAndEvaluate(t *testing.T) {
	if p := Perplexity(math.Log(4)); math.Abs(p-4) > 1e-12 {
		t.Fatalf("perplexity %v", p)
	}
	if b := BitsPerChar(math.Ln2); b != 1 {
		t.Fatalf("bpc %v", b)
	}
	results := []Result{
		{Loss: 1, Weight: 2, Pred: []int{0, 1}, Gold: []int{0, 0}},
		{Loss: 4, Weight: 1, Pred: []int{1}, Gold: []int{1}},
	}
	calls := 0
	ev, err := Evaluate(2, func(i int) (Result, error) { return results[i], nil }, EvalOptions{
		Classes: 2, LanguageModel: true,
		Extra: func() (map[string]float64, error) { calls++; return map[string]float64{"bleu": 0.25}, nil },
	})
	if err != nil {
		t.Fatal(err)
	}
	if ev.Loss != 2 || ev.Weight != 3 || ev.Metrics["accuracy"] != 2.0/3 || ev.Metrics["bleu"] != 0.25 || calls != 1 {
		t.Fatalf("eval %+v", ev)
	}
	if math.Abs(ev.Metrics["perplexity"]-math.Exp(2)) > 1e-12 || ev.Metrics["bpc"] != 2/math.Ln2 {
		t.Fatalf("LM metrics %v", ev.Metrics)
	}
	s := ev.Summary()
	if s["loss"] != 2 || s["examples"] != 3 || s["bleu"] != 0.25 {
		t.Fatalf("summary %v", s)
	}
}

// Many classes (a word vocabulary) keep accuracy and macro-F1 but no matrix.
func TestEvaluateManyClasses(t *testing.T) {
	r := Result{Loss: 1, Pred: []int{0, 5000, 7}, Gold: []int{0, 5000, 8}}
	ev, err := Evaluate(1, func(int) (Result, error) { return r, nil }, EvalOptions{})
	if err != nil {
		t.Fatal(err)
	}
	// classes 0 and 5000: F1 1; classes 7 and 8: F1 0
	if ev.Confusion != nil || ev.Metrics["accuracy"] != 2.0/3 || ev.Metrics["macro_f1"] != 0.5 {
		t.Fatalf("%+v", ev)
	}
	small, _ := Evaluate(1, func(int) (Result, error) { return Result{Pred: []int{1}, Gold: []int{2}}, nil }, EvalOptions{})
	if len(small.Confusion) != 3 || small.Confusion[2][1] != 1 {
		t.Fatalf("small confusion %v", small.Confusion)
	}
}
