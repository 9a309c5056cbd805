package polarity

import (
	"fmt"
	"testing"

	"github.com/rnnzoo/rnnzoo/blas"
	"github.com/rnnzoo/rnnzoo/datasets/sentiment"
)

// BenchmarkPredict times Predict of the shipped model (warmed up, so its
// weights sealed) on the sentences of the embedded UCI training split, one
// sentence per call and 64 per call, with the programs' BLAS
// (blas.Setup("auto"), or RNNZOO_BLAS). It reports sentences/s; each call
// tokenises its texts. scripts/predict_ratio.sh sets it against PyTorch's
// forward pass of the same shape (scripts/serve_torch.py) in one run.
func BenchmarkPredict(b *testing.B) {
	info, err := blas.Setup("auto")
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("BLAS: %v", info)
	m, err := Pretrained()
	if err != nil {
		b.Fatal(err)
	}
	if err := m.Warmup(); err != nil {
		b.Fatal(err)
	}
	ds, err := sentiment.Open("", "", 1)
	if err != nil {
		b.Fatal(err)
	}
	texts := sentiment.Texts(ds.Train)
	for _, batch := range []int{1, 64} {
		b.Run(fmt.Sprintf("batch%d", batch), func(b *testing.B) {
			group := make([]string, batch)
			next, sentences := 0, 0
			b.ReportAllocs()
			for b.Loop() {
				for k := range group {
					group[k] = texts[next%len(texts)]
					next++
				}
				if _, err := m.Predict(group); err != nil {
					b.Fatal(err)
				}
				sentences += batch
			}
			b.ReportMetric(float64(sentences)/b.Elapsed().Seconds(), "sentences/s")
			b.ReportMetric(1000*b.Elapsed().Seconds()/float64(sentences), "ms/sentence")
		})
	}
}
