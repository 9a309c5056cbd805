package lm

import (
	"context"
	"errors"
	"fmt"
	"math"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/rnnzoo/rnnzoo/graph"
)

const tiny = "abracadabra, cadabra abra! the cat sat on the mat; abracadabra."

func TestVocabAndStreams(t *testing.T) {
	v := NewVocab([]rune("cabbage"), 0)
	if !reflect.DeepEqual(v.Chars, []rune("abceg")) || v.Size() != 6 || v.ID('a') != 1 || v.ID('z') != Unknown || v.Char(3) != 'c' {
		t.Fatalf("vocab %q size %d", string(v.Chars), v.Size())
	}
	if got := NewVocab([]rune("aaabbc"), 2); !reflect.DeepEqual(got.Chars, []rune("ab")) {
		t.Fatalf("capped vocab %q", string(got.Chars))
	}
	tr, va := Split([]rune("0123456789"), 0.3)
	if string(tr) != "0123456" || string(va) != "789" {
		t.Fatalf("split %q %q", string(tr), string(va))
	}
	ids := make([]int, 23)
	for i := range ids {
		ids[i] = i
	}
	s, err := NewStreams(ids, 2, 3)
	if err != nil {
		t.Fatal(err)
	}
	// Streams 0…10 and 11…21; (11−1)/3 = 3 batches.
	if s.Batches() != 3 {
		t.Fatalf("%d batches", s.Batches())
	}
	in, out := s.Batch(1)
	if !reflect.DeepEqual(in, [][]int{{3, 4, 5}, {14, 15, 16}}) || !reflect.DeepEqual(out, [][]int{{4, 5, 6}, {15, 16, 17}}) {
		t.Fatalf("batch 1: %v → %v", in, out)
	}
	if _, err := NewStreams(ids, 4, 6); err == nil {
		t.Fatal("too short a text accepted")
	}
}

// Evaluate's bits per character on a tiny text equal a direct computation:
// a plain Go forward pass of the same one-layer tanh RNN over each stream,
// character by character, from a zero state.
func TestEvaluateMatchesDirect(t *testing.T) {
	text := []rune(tiny)
	v := NewVocab(text, 0)
	m, err := NewModel(Config{Cell: graph.RNN, Layers: 1, Hidden: 5, Embed: 3, Seed: 4}, v)
	if err != nil {
		t.Fatal(err)
	}
	ids := v.Encode(text)
	const B, T = 2, 4
	nll, n, err := m.Evaluate(ids, B, T)
	if err != nil {
		t.Fatal(err)
	}
	E := m.Net.Embed.E.F32()
	cell := m.Net.RNN.Layers[0].(*graph.Recurrent).Cell
	W, U, bias := cell.W.F32(), cell.U.F32(), cell.B.F32()
	hw, hb := m.Net.Head.W.F32(), m.Net.Head.B.F32()
	V, H, D := v.Size(), 5, 3
	per := len(ids) / B
	nb := (per - 1) / T
	var sum float64
	count := 0
	for b := 0; b < B; b++ {
		stream := ids[b*per : (b+1)*per]
		h := make([]float64, H)
		for i := 0; i < nb*T; i++ {
			x := E[stream[i]*D : (stream[i]+1)*D]
			next := make([]float64, H)
			for k := 0; k < H; k++ {
				z := float64(bias[k])
				for f := 0; f < D; f++ {
					z += float64(x[f]) * float64(W[f*H+k])
				}
				for j := 0; j < H; j++ {
					z += h[j] * float64(U[j*H+k])
				}
				next[k] = math.Tanh(z)
			}
			h = next
			logits := make([]float64, V)
			mx := math.Inf(-1)
			for c := 0; c < V; c++ {
				z := float64(hb[c])
				for k := 0; k < H; k++ {
					z += h[k] * float64(hw[k*V+c])
				}
				logits[c] = z
				mx = math.Max(mx, z)
			}
			var se float64
			for _, z := range logits {
				se += math.Exp(z - mx)
			}
			sum += mx + math.Log(se) - logits[stream[i+1]]
			count++
		}
	}
	if n != count {
		t.Fatalf("Evaluate scored %d characters, direct %d", n, count)
	}
	if want := sum / float64(count); math.Abs(nll-want) > 1e-5 {
		t.Fatalf("Evaluate NLL %v, direct %v", nll, want)
	}
}

func TestTrainSampleSaveLoad(t *testing.T) {
	text := []rune(tiny + tiny + tiny)
	v := NewVocab(text, 0)
	ids := v.Encode(text)
	for _, cell := range []graph.CellKind{graph.LSTM, graph.GRU} {
		m, err := NewModel(Config{Cell: cell, Layers: 2, Hidden: 8, Embed: 4, Seed: 2}, v)
		if err != nil {
			t.Fatal(err)
		}
		rep, err := m.Train(context.Background(), ids, ids, testTrainConfig(40, 0.01, 5, 20))
		if err != nil {
			t.Fatal(err)
		}
		if rep.Steps != 40 || len(rep.Curve) != 2 || !(rep.Curve[1].ValidBPC < rep.Curve[0].ValidBPC+1) {
			t.Fatalf("%s: report %+v", cell, rep)
		}
		// A fixed seed gives the same sample.
		a, err := m.Sample("abra", 50, 0.8, 9)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := m.Sample("abra", 50, 0.8, 9)
		if a != b || len([]rune(a)) != 50 {
			t.Fatalf("%s: samples %q and %q", cell, a, b)
		}
		path := filepath.Join(t.TempDir(), "m.ckpt")
		m.Metrics = map[string]float64{"bpc": rep.ValidBPC}
		if err := m.Save(path, false); err != nil {
			t.Fatal(err)
		}
		m2, err := Load(path)
		if err != nil {
			t.Fatal(err)
		}
		c, _ := m2.Sample("abra", 50, 0.8, 9)
		if c != a || m2.Metrics["bpc"] != rep.ValidBPC {
			t.Fatalf("%s: after loading: %q (metrics %v)", cell, c, m2.Metrics)
		}
		// A cancelled context stops training at once.
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		if r, err := m.Train(ctx, ids, ids, testTrainConfig(40, 0.01, 0, 0)); !errors.Is(err, context.Canceled) || r.Steps != 0 {
			t.Fatalf("%s: cancelled training: %v, %+v", cell, err, r)
		}
	}
}

// Every conditional distribution of the n-gram model sums to one, and the
// bits per character are the mean of −log₂ P.
func TestNGram(t *testing.T) {
	text := []rune(tiny)
	v := NewVocab(text, 0)
	ids := v.Encode(text)
	m, err := NewNGram(ids, 4, v.Size())
	if err != nil {
		t.Fatal(err)
	}
	probe := append([]int(nil), ids[:12]...)
	for i := 0; i < len(probe); i++ {
		var s float64
		for c := 0; c < v.Size(); c++ {
			probe[i] = c
			s += m.Prob(probe, i)
		}
		probe[i] = ids[i]
		if math.Abs(s-1) > 1e-12 {
			t.Fatalf("position %d: probabilities sum to %v", i, s)
		}
	}
	var want float64
	for i := range ids {
		want -= math.Log2(m.Prob(ids, i))
	}
	if got := m.BitsPerChar(ids); math.Abs(got-want/float64(len(ids))) > 1e-12 || got >= math.Log2(float64(v.Size())) {
		t.Fatalf("bpc %v", got)
	}
	if _, err := NewNGram(ids, 8, v.Size()); err == nil {
		t.Fatal("order 8 accepted")
	}
}

// TestPretrained holds the shipped model to its model card (held-out bits
// per character of the demo split) and checks that goroutines sharing it
// sample as one does.
func TestPretrained(t *testing.T) {
	m, err := Pretrained()
	if err != nil {
		t.Fatal(err)
	}
	text, _, err := LoadText("", 2000000)
	if err != nil {
		t.Fatal(err)
	}
	_, held := Split(text, 0.05)
	nll, n, err := m.Evaluate(m.Vocab.Encode(held), 32, 64)
	if err != nil {
		t.Fatal(err)
	}
	bpc := nll / math.Ln2
	t.Logf("held-out %.4f bits per character on %d characters", bpc, n)
	if bpc > 2.30 {
		t.Fatalf("held-out %.4f bits per character, the model card says ≤ 2.30", bpc)
	}
	want, err := m.Sample("The Congress", 40, 0.7, 5)
	if err != nil {
		t.Fatal(err)
	}
	errs := make(chan error, 4)
	for g := 0; g < 4; g++ {
		go func() {
			got, err := m.Sample("The Congress", 40, 0.7, 5)
			if err == nil && got != want {
				err = fmt.Errorf("goroutine %d sampled %q, want %q", g, got, want)
			}
			if err == nil {
				_, _, err = m.BitsPerChar("The Congress shall assemble at least once in every year.")
			}
			errs <- err
		}()
	}
	for g := 0; g < 4; g++ {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
}

type cancelWriter context.CancelFunc

func (c cancelWriter) Write(p []byte) (int, error) {
	c()
	return len(p), nil
}

// TestTrainCancelResume: training cancelled after its first evaluation and
// resumed from its checkpoint ends with the weights of an uninterrupted run.
func TestTrainCancelResume(t *testing.T) {
	text := []rune(tiny + tiny + tiny)
	v := NewVocab(text, 0)
	ids := v.Encode(text)
	cfg := Config{Cell: graph.GRU, Layers: 1, Hidden: 8, Embed: 4, Seed: 3, Dropout: 0.1}
	tc := testTrainConfig(40, 0.01, 5, 20)
	straight, _ := NewModel(cfg, v)
	if _, err := straight.Train(context.Background(), ids, ids, tc); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	first, _ := NewModel(cfg, v)
	tc.Checkpoint, tc.Progress = filepath.Join(t.TempDir(), "run.ckpt"), cancelWriter(cancel)
	if rep, err := first.Train(ctx, ids, ids, tc); !errors.Is(err, context.Canceled) || rep.Steps != 20 {
		t.Fatalf("cancelled run: %v after %d steps", err, rep.Steps)
	}
	resumed, _ := NewModel(Config{Cell: graph.GRU, Layers: 1, Hidden: 8, Embed: 4, Seed: 77, Dropout: 0.1}, v)
	tc.Resume, tc.Progress = true, nil
	if rep, err := resumed.Train(context.Background(), ids, ids, tc); err != nil || rep.Steps != 40 {
		t.Fatalf("resumed run: %v after %d steps", err, rep.Steps)
	}
	for i, p := range straight.Params.All() {
		a, b := p.F32(), resumed.Params.All()[i].F32()
		for j := range a {
			if a[j] != b[j] {
				t.Fatalf("%s[%d]: resumed %v, straight %v", p.Name, j, b[j], a[j])
			}
		}
	}
}

// testTrainConfig is a small run: 2 streams of 8 steps.
func testTrainConfig(steps int64, lr, clip float64, evalEvery int) TrainConfig {
	tc := DefaultTrainConfig()
	tc.Batch, tc.BPTT, tc.MaxSteps, tc.LR, tc.Clip, tc.EvalEvery = 2, 8, steps, lr, clip, evalEvery
	return tc
}
