package pretrained

import "testing"

// Common English sentiment words must have vectors: the sentiment model
// relies on them.
func TestSentimentWordsCovered(t *testing.T) {
	v, err := Shared()
	if err != nil {
		t.Fatal(err)
	}
	if v.Dim != Info.Dim || (Info.Words > 0 && v.Len() != Info.Words) {
		t.Fatalf("%d×%d, Info says %d×%d", v.Len(), v.Dim, Info.Words, Info.Dim)
	}
	for _, w := range []string{"good", "bad", "great", "terrible", "awful", "excellent", "boring", "love", "hate",
		"wonderful", "worst", "best", "amazing", "disappointing", "enjoyable", "funny", "dull", "brilliant", "fun",
		"mediocre", "stupid", "beautiful", "poor", "lame", "masterpiece", "charming", "tedious", "delightful",
		"horrible", "fantastic", "pleasant", "annoying", "entertaining", "superb", "pathetic", "awesome", "waste", "ugly",
		"not", "no", "never", "movie", "film", "acting", "plot"} {
		if _, ok := v.Index(w); !ok {
			t.Errorf("%q has no vector", w)
		}
	}
}

func BenchmarkLoad(b *testing.B) {
	for b.Loop() {
		if _, err := Load(); err != nil {
			b.Fatal(err)
		}
	}
}
