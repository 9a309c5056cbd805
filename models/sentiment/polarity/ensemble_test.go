package polarity

import (
	"context"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/rnnzoo/rnnzoo/datasets/sentiment"
	"github.com/rnnzoo/rnnzoo/graph"
)

// smallModel trains a small GRU on 400 UCI sentences for one epoch.
func smallModel(t *testing.T, seed uint64) *Model {
	t.Helper()
	ds, err := sentiment.UCISplit()
	if err != nil {
		t.Fatal(err)
	}
	opts := DefaultOptions()
	opts.Model.Cell, opts.Model.Hidden, opts.Model.Bidirectional, opts.Model.EmbedDim = graph.GRU, 8, false, 16
	opts.Train.Epochs, opts.Train.Patience, opts.Train.Seed = 1, 0, seed
	opts.Progress = io.Discard
	m, _, err := Train(context.Background(), Data{Train: ds.Train[:400]}, opts)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// The ensemble's probabilities are the members' means, its label their
// arg max, and its evaluation the metrics of those labels; members that
// name other classes are refused.
func TestEnsemble(t *testing.T) {
	a, b := smallModel(t, 1), smallModel(t, 2)
	ds, err := sentiment.UCISplit()
	if err != nil {
		t.Fatal(err)
	}
	texts, labels := sentiment.Texts(ds.Test), sentiment.Labels(ds.Test)
	pa, err := a.Predict(texts)
	if err != nil {
		t.Fatal(err)
	}
	pb, err := b.Predict(texts)
	if err != nil {
		t.Fatal(err)
	}
	e, err := NewEnsemble(a, b)
	if err != nil {
		t.Fatal(err)
	}
	pe, err := e.Predict(texts)
	if err != nil {
		t.Fatal(err)
	}
	correct, nll, disagree := 0, 0.0, 0
	for i := range texts {
		for c := range pe[i].Probabilities {
			want := (pa[i].Probabilities[c] + pb[i].Probabilities[c]) / 2
			if math.Abs(pe[i].Probabilities[c]-want) > 1e-15 {
				t.Fatalf("text %d class %d: ensemble %v, mean of members %v", i, c, pe[i].Probabilities[c], want)
			}
		}
		if p := pe[i].Probabilities; pe[i].Label != graph.ArgmaxRow(p) || pe[i].Name != DefaultLabels[pe[i].Label] {
			t.Fatalf("text %d: label %d %q for %v", i, pe[i].Label, pe[i].Name, p)
		}
		if pa[i].Label != pb[i].Label {
			disagree++
		}
		if pe[i].Label == labels[i] {
			correct++
		}
		nll -= math.Log(pe[i].Probabilities[labels[i]])
	}
	if disagree == 0 {
		t.Fatalf("the two members agree on all %d texts: the test shows nothing", len(texts))
	}
	ev, err := e.Evaluate(texts, labels)
	if err != nil {
		t.Fatal(err)
	}
	if acc := float64(correct) / float64(len(texts)); ev.Metrics["accuracy"] != acc || math.Abs(ev.Loss-nll/float64(len(texts))) > 1e-12 {
		t.Fatalf("Evaluate: accuracy %v loss %v, want %v and %v", ev.Metrics["accuracy"], ev.Loss, acc, nll/float64(len(texts)))
	}
	// The ensemble's answers are its own: the members predicting again
	// leave them as they were.
	kept := append([]float64(nil), pe[0].Probabilities...)
	if _, err := a.Predict(texts); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Predict(texts); err != nil {
		t.Fatal(err)
	}
	if pe[0].Probabilities[0] != kept[0] || pe[0].Probabilities[1] != kept[1] {
		t.Fatalf("the ensemble's probabilities changed under the members' next predictions: %v then %v", kept, pe[0].Probabilities)
	}
	if _, err := (&Ensemble{}).Predict(texts); err == nil {
		t.Fatal("an ensemble literal without members predicted")
	}
	if _, err := (&Ensemble{Members: []*Model{a, nil}}).Evaluate(texts, labels); err == nil || !strings.Contains(err.Error(), "member 1 is nil") {
		t.Fatalf("a nil member: %v", err)
	}
	c := smallModel(t, 3)
	c.cfg.Labels = []string{"bad", "good"}
	if _, err := NewEnsemble(a, c); err == nil || !strings.Contains(err.Error(), "member 1 has classes") {
		t.Fatalf("mismatched classes: %v", err)
	}
	if _, err := NewEnsemble(); err == nil {
		t.Fatal("an empty ensemble was accepted")
	}
	if _, err := e.Evaluate(texts[:2], labels[:1]); err == nil {
		t.Fatal("2 texts with 1 label accepted")
	}
}

// EnsembleNames splits a list at commas and trims it; one name, or an
// existing file with a comma in its name, is no list.
func TestEnsembleNames(t *testing.T) {
	withComma := filepath.Join(t.TempDir(), "a,b.ckpt")
	if err := os.WriteFile(withComma, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		spec string
		want []string
		err  bool
	}{
		{"m.ckpt", nil, false}, {"builtin", nil, false}, {withComma, nil, false},
		{"a.ckpt, b.ckpt,c.ckpt", []string{"a.ckpt", "b.ckpt", "c.ckpt"}, false},
		{"a.ckpt,", nil, true}, {",", nil, true},
	} {
		got, err := EnsembleNames(c.spec)
		if (err != nil) != c.err || !slices.Equal(got, c.want) {
			t.Errorf("EnsembleNames(%q) = %q, %v", c.spec, got, err)
		}
	}
}
