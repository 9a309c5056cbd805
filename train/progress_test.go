package train

import (
	"bytes"
	"strings"
	"testing"
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
