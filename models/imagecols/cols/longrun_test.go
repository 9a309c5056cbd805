package cols

import (
	"io"
	"os"
	"runtime/debug"
	"strconv"
	"strings"
	"testing"

	"github.com/rnnzoo/rnnzoo/datasets/images"
	"github.com/rnnzoo/rnnzoo/train"
)

// rssBytes is the resident set size of this process (Linux /proc).
func rssBytes(t *testing.T) int64 {
	t.Helper()
	b, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		t.Skipf("no /proc/self/statm: %v", err)
	}
	pages, err := strconv.ParseInt(strings.Fields(string(b))[1], 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	return pages * int64(os.Getpagesize())
}

// TestLongRunMemoryFlat trains the demo's fused-LSTM digit classifier
// (128 units, batches of 32) for 10,000 updates, about 300 passes over the
// digits, and samples the RSS every 500 updates after returning freed
// memory to the system: from the second sample on (the first 1,000
// updates fill the caches) it stays within 5% of its lowest. It takes
// about a minute, so it runs only when RNNZOO_LONGRUN is set (.ci/run
// sets it):
//
//	RNNZOO_LONGRUN=1 go test ./models/imagecols/cols -run TestLongRunMemoryFlat -v
func TestLongRunMemoryFlat(t *testing.T) {
	if os.Getenv("RNNZOO_LONGRUN") == "" {
		t.Skip("set RNNZOO_LONGRUN=1 for the 10,000-update memory check")
	}
	const updates, every = 10000, 500
	trainSet, _, err := images.DigitsSplit()
	if err != nil {
		t.Fatal(err)
	}
	o := DefaultOptions(Digits)
	clf, err := NewClassifier(o.config(KindClassifier, Digits, trainSet), 1)
	if err != nil {
		t.Fatal(err)
	}
	task, err := clf.NewTask(trainSet, nil, 32, 1)
	if err != nil {
		t.Fatal(err)
	}
	var samples []int64
	tr, err := train.New(task, train.Config{
		Epochs: 1 << 30, MaxSteps: updates, Seed: 1, Optimizer: train.NewAdam(task.Params()),
		LR: train.Constant(1e-3), ClipNorm: 5, Every: every, Progress: io.Discard,
		Hook: func(train.Record) (bool, error) {
			debug.FreeOSMemory()
			samples = append(samples, rssBytes(t))
			return false, nil
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tr.Fit(); err != nil {
		t.Fatal(err)
	}
	if len(samples) != updates/every {
		t.Fatalf("%d samples, want %d", len(samples), updates/every)
	}
	lo, hi := samples[1], samples[1]
	for _, s := range samples[1:] {
		lo, hi = min(lo, s), max(hi, s)
	}
	mb := func(b int64) float64 { return float64(b) / (1 << 20) }
	var all []string
	for _, s := range samples {
		all = append(all, strconv.FormatFloat(mb(s), 'f', 1, 64))
	}
	t.Logf("RSS every %d updates (MB): %s; from the second sample on %.1f … %.1f (spread %.2f%%)", every, strings.Join(all, " "), mb(lo), mb(hi), 100*float64(hi-lo)/float64(lo))
	if float64(hi) > 1.05*float64(lo) {
		t.Fatalf("RSS grew by more than 5%% over %d updates", updates)
	}
}
