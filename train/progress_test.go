package train

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

// The terminal bar cannot be detected in a test; draw it into a buffer. It
// shows the description with the running loss, the count, the rate and
// [elapsed:left]; it is throttled, so only the first step is drawn here.
func TestProgressBarDraws(t *testing.T) {
	var buf bytes.Buffer
	p := &barProgress{w: &buf}
	p.startEpoch(1, 2, 5, 0)
	for i := 0; i < 5; i++ {
		p.step(0.5)
	}
	p.endEpoch("epoch 1/2  loss 0.5")
	out := buf.String()
	for _, want := range []string{"epoch 1/2 loss 0.5000", "/5, ", "batch/", "epoch 1/2  loss 0.5\n"} {
		if !strings.Contains(out, want) {
			t.Fatalf("progress output lacks %q:\n%q", want, out)
		}
	}
	if _, plain := newProgress(&buf).(*plainProgress); !plain {
		t.Fatal("a buffer is not a terminal")
	}
}

func TestPlainProgressLines(t *testing.T) {
	defer func(d time.Duration) { plainEvery = d }(plainEvery)
	plainEvery = 0
	var buf bytes.Buffer
	p := &plainProgress{w: &buf}
	p.startEpoch(2, 3, 4, 1) // resumed after one batch
	p.step(0.25)
	p.endEpoch("epoch 2/3 done")
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 2 || !strings.HasPrefix(lines[0], "epoch 2/3  batch 2/4  loss 0.2500  ") || !strings.Contains(lines[0], "ETA") {
		t.Fatalf("plain progress:\n%s", buf.String())
	}
}
