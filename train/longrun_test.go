package train_test

import (
	"os"
	"runtime/debug"
	"strconv"
	"strings"
	"testing"

	"github.com/rnnzoo/rnnzoo/train"
)

// rssBytes is the resident set size of this process (Linux /proc).
func rssBytes(t *testing.T) int64 {
	t.Helper()
	b, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		t.Skipf("no /proc/self/statm: %v", err)
	}
	f := strings.Fields(string(b))
	pages, err := strconv.ParseInt(f[1], 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	return pages * int64(os.Getpagesize())
}

// TestLongRunMemoryFlat trains a bucketed fused-LSTM model for 10,000
// updates and samples the RSS every 500 (after returning freed memory to
// the system): from the second sample on it stays within 5% of its
// lowest. It takes a few minutes, so it runs only when RNNZOO_LONGRUN is
// set (.ci/run sets it):
//
//	RNNZOO_LONGRUN=1 go test ./train -run TestLongRunMemoryFlat -v
func TestLongRunMemoryFlat(t *testing.T) {
	if os.Getenv("RNNZOO_LONGRUN") == "" {
		t.Skip("set RNNZOO_LONGRUN=1 for the 10,000-update memory check")
	}
	const updates, every = 10000, 500
	var samples []int64
	_, tr := newLSTMTrainer(t, 64, 0, 1, 1, func(c *train.Config) {
		c.Epochs, c.MaxSteps, c.Patience = 1<<30, updates, 0
		c.Every = every
		c.Hook = func(r train.Record) (bool, error) {
			debug.FreeOSMemory()
			samples = append(samples, rssBytes(t))
			return false, nil
		}
	})
	fit(t, tr)
	if len(samples) != updates/every {
		t.Fatalf("%d samples, want %d", len(samples), updates/every)
	}
	lo, hi := samples[1], samples[1]
	for _, s := range samples[1:] {
		lo, hi = min(lo, s), max(hi, s)
	}
	mb := func(b int64) float64 { return float64(b) / (1 << 20) }
	t.Logf("RSS every %d updates (MB): first %.1f, then %.1f … %.1f (spread %.2f%%)", every, mb(samples[0]), mb(lo), mb(hi), 100*float64(hi-lo)/float64(lo))
	if float64(hi) > 1.05*float64(lo) {
		var all []string
		for _, s := range samples {
			all = append(all, strconv.FormatFloat(mb(s), 'f', 1, 64))
		}
		t.Fatalf("RSS grew by more than 5%% over %d updates: %s MB", updates, strings.Join(all, " "))
	}
}
