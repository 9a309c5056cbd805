package trainer

import (
	"fmt"
	"math"
)

// Schedule is the shape of the learning rate over a run. With p the
// fraction of the run's corpus tokens read, a₀ = Config.Alpha and
// a₁ = Config.AlphaEnd·a₀:
//
//	Linear: a(p) = max(a₀·(1 − p), a₁)            (the C tool's)
//	Cosine: a(p) = a₁ + (a₀ − a₁)·(1 + cos πp)/2
//
// A run of one iteration ends its Linear schedule at a learning rate too
// small to learn from well before its end; Linear with a higher AlphaEnd
// stops the decay at that floor (gensim's corpus_file mode, counting its
// progress in the words it keeps after subsampling against the words it
// reads, ends near half of a₀ with two workers).
type Schedule int

// The schedules. DefaultSchedule is each mode's winner of the
// time-to-accuracy race: Cosine for Skip-gram, Linear for CBOW.
const (
	DefaultSchedule Schedule = iota
	Linear
	Cosine
)

var scheduleNames = [...]string{DefaultSchedule: "", Linear: "linear", Cosine: "cosine"}

func (s Schedule) String() string {
	if s > 0 && int(s) < len(scheduleNames) {
		return scheduleNames[s]
	}
	return fmt.Sprintf("Schedule(%d)", int(s))
}

// ParseSchedule returns the schedule named name ("linear" or "cosine"; ""
// for the default).
func ParseSchedule(name string) (Schedule, error) {
	for i, n := range scheduleNames {
		if n == name {
			return Schedule(i), nil
		}
	}
	return 0, fmt.Errorf("unknown learning-rate schedule %q (linear or cosine; empty for the default)", name)
}

// at is the learning rate at fraction p of the run (Linear in float32
// arithmetic, as the C tool computes it).
func (s Schedule) at(a0, end float32, p float64) float32 {
	a1 := a0 * end
	switch s {
	case Cosine:
		p = min(max(p, 0), 1)
		return a1 + (a0-a1)*float32((1+math.Cos(math.Pi*p))/2)
	default:
		return max(a0*float32(1-p), a1)
	}
}
