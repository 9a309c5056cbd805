package main

import (
	"math/rand/v2"
	"testing"

	"github.com/rnnzoo/rnnzoo/graph"
	"github.com/rnnzoo/rnnzoo/internal/blastest"
	"github.com/rnnzoo/rnnzoo/train"
	"gorgonia.org/tensor"
)

// TestMain installs the BLAS the program uses (blas.Setup("auto"), or
// RNNZOO_BLAS), so that the tests and benchmarks run the products the
// program runs, not Gorgonia's default (gonum's).
func TestMain(m *testing.M) { blastest.Main(m) }

// BenchmarkTrainStep times one training step (forward, backward through
// both recurrences and the attention, Adam) at the shape of
// ../shared/bench's translate_attn_train: batch 64, source and target
// length 10, vocabularies 5,000, embeddings 128, hidden 256, a GRU
// encoder and an additive-attention GRU decoder, teacher forcing.
//
//   - translate_attn: a unidirectional GRU encoder of 256, as the PyTorch
//     benchmark has;
//   - translate_attn_bi: the program's bidirectional encoder (256 per
//     direction).
//
// It reports the wall time and the process CPU time per step.
//
// The PyTorch decoder feeds the context into the GRU input (Bahdanau);
// ours combines it after the GRU (Luong placement), computed for all steps
// at once: the same sizes, a different wiring (see models/translate/RESULTS.md).
func BenchmarkTrainStep(b *testing.B) {
	bench := func(bidir bool) func(*testing.B) {
		return func(b *testing.B) {
			const B, T, V, E, H = 64, 10, 5000, 128, 256
			ps := graph.NewParams(tensor.Float32, 1)
			m, err := graph.NewSeq2Seq(ps, "s2s", graph.Seq2SeqConfig{
				Src:       graph.InputConfig{Vocab: V, EmbedDim: E},
				Tgt:       graph.InputConfig{Vocab: V, EmbedDim: E},
				Encoder:   graph.StackConfig{Kind: graph.GRU, Hidden: H, Layers: 1, Bidirectional: bidir},
				Decoder:   graph.StackConfig{Kind: graph.GRU, Hidden: H, Layers: 1},
				Attention: graph.Additive, AttnUnits: H,
			})
			if err != nil {
				b.Fatal(err)
			}
			g, err := m.Compile(T, T, B, true, nil)
			if err != nil {
				b.Fatal(err)
			}
			rng := rand.New(rand.NewPCG(1, 2))
			seqs := func() [][]int {
				s := make([][]int, B)
				for i := range s {
					s[i] = make([]int, T)
					for t := range s[i] {
						s[i][t] = 3 + rng.IntN(V-3)
					}
				}
				return s
			}
			src, tgt := seqs(), seqs()
			tgtIn := make([][]int, B)
			for i := range tgt {
				tgtIn[i] = append([]int{1}, tgt[i][:T-1]...)
			}
			g.Src.SetTokens(src)
			g.TgtIn.SetTokens(tgtIn)
			g.SetTargets(tgt)
			opt := train.NewAdam(ps)
			step := func() {
				if err := g.Net.Run(); err != nil {
					b.Fatal(err)
				}
				opt.Step(1e-3)
				ps.ZeroGrad()
			}
			step()
			b.ResetTimer()
			cpu0 := cpuSeconds()
			for i := 0; i < b.N; i++ {
				step()
			}
			cpu := cpuSeconds() - cpu0
			b.ReportMetric(float64(b.Elapsed().Microseconds())/1e3/float64(b.N), "ms/step")
			// CPU time per step (all threads): on a shared, loaded machine
			// a steadier figure than the wall time.
			b.ReportMetric(cpu*1e3/float64(b.N), "cpu-ms/step")
		}
	}
	b.Run("translate_attn", bench(false))
	b.Run("translate_attn_bi", bench(true))
}
