package embeddings

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// sharedDir finds ../shared: $RNNZOO_SHARED, else shared/ beside the module
// root; it skips the test when neither exists.
func sharedDir(t *testing.T) string {
	t.Helper()
	if d := os.Getenv("RNNZOO_SHARED"); d != "" {
		if _, err := os.Stat(d); err == nil {
			return d
		}
	}
	_, file, _, _ := runtime.Caller(0)
	d := filepath.Join(filepath.Dir(file), "..", "..", "shared")
	if _, err := os.Stat(d); err == nil {
		return d
	}
	t.Skip("shared data not found (set RNNZOO_SHARED or put shared/ beside the module root): skipping")
	return ""
}

func TestSharedQuestionsWords(t *testing.T) {
	p := filepath.Join(sharedDir(t), "data", "word2vec-analogy", "questions-words.txt")
	secs, err := LoadAnalogies(p)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, s := range secs {
		n += len(s.Questions)
	}
	if len(secs) != 14 || n != 19544 {
		t.Fatalf("%d sections, %d questions; want 14 and 19544", len(secs), n)
	}
}

func TestSharedSimilaritySets(t *testing.T) {
	dir := filepath.Join(sharedDir(t), "data", "word-sim")
	files, _ := filepath.Glob(filepath.Join(dir, "*.txt"))
	if len(files) == 0 {
		t.Skip("no word-similarity files in " + dir)
	}
	for _, f := range files {
		pairs, err := LoadSimilarity(f)
		if err != nil {
			t.Fatal(err)
		}
		if len(pairs) < 30 {
			t.Errorf("%s: %d pairs", f, len(pairs))
		}
	}
}
