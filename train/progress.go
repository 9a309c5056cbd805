package train

import (
	"fmt"
	"io"
	"os"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"
)

// progress shows training progress: a bar on a terminal, plain lines
// otherwise.
type progress interface {
	startEpoch(epoch, epochs, batches, done int)
	step(loss float64)
	endEpoch(line string)
	pause()
}

func newProgress(w io.Writer) progress {
	if f, ok := w.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		return &barProgress{w: f}
	}
	return &plainProgress{w: w}
}

// plainProgress writes one line per epoch, and during a long epoch a
// progress line every plainEvery.
type plainProgress struct {
	w                      io.Writer
	epoch, epochs, n, done int
	start, last            time.Time
	startDone              int
}

var plainEvery = 30 * time.Second // a variable for the test

func (p *plainProgress) startEpoch(epoch, epochs, batches, done int) {
	p.epoch, p.epochs, p.n, p.done, p.startDone = epoch, epochs, batches, done, done
	p.start = time.Now()
	p.last = p.start
}

func (p *plainProgress) step(loss float64) {
	p.done++
	now := time.Now()
	if now.Sub(p.last) < plainEvery {
		return
	}
	p.last = now
	rate := float64(p.done-p.startDone) / now.Sub(p.start).Seconds()
	eta := time.Duration(float64(p.n-p.done) / rate * float64(time.Second)).Round(time.Second)
	fmt.Fprintf(p.w, "epoch %d/%d  batch %d/%d  loss %.4f  %.2f batch/s  ETA %v\n", p.epoch, p.epochs, p.done, p.n, loss, rate, eta)
}

func (p *plainProgress) endEpoch(line string) { fmt.Fprintln(p.w, line) }
func (p *plainProgress) pause()               {}

// barProgress draws a progress bar per epoch with the running loss, the
// rate in batches per second and the estimated time left.
type barProgress struct {
	w     io.Writer
	bar   *progressbar.ProgressBar
	desc  string
	count int
}

func (p *barProgress) startEpoch(epoch, epochs, batches, done int) {
	p.desc = fmt.Sprintf("epoch %d/%d", epoch, epochs)
	p.bar = progressbar.NewOptions(batches,
		progressbar.OptionSetWriter(p.w),
		progressbar.OptionSetDescription(p.desc),
		progressbar.OptionSetWidth(30),
		progressbar.OptionShowCount(),
		progressbar.OptionShowIts(),
		progressbar.OptionSetItsString("batch"),
		progressbar.OptionSetPredictTime(true),
		progressbar.OptionThrottle(100*time.Millisecond),
		progressbar.OptionClearOnFinish(),
	)
	if done > 0 {
		_ = p.bar.Set(done)
	}
	p.count = 0
}

func (p *barProgress) step(loss float64) {
	if p.bar == nil {
		return
	}
	p.count++
	if p.count%10 == 1 {
		p.bar.Describe(fmt.Sprintf("%s loss %.4f", p.desc, loss))
	}
	_ = p.bar.Add(1)
}

func (p *barProgress) endEpoch(line string) {
	p.pause()
	fmt.Fprintln(p.w, line)
}

func (p *barProgress) pause() {
	if p.bar != nil {
		_ = p.bar.Clear()
		p.bar = nil
	}
}
