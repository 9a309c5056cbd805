package train

import (
	"fmt"
	"math"
)

// Schedule gives the learning rate of update number step (0 for the first
// update). A schedule is a pure function of the step, so resuming from a
// checkpoint (which stores the step) continues the schedule exactly.
type Schedule interface {
	LR(step int64) float64
	String() string
}

// Constant is a fixed learning rate.
type Constant float64

// LR implements Schedule.
func (c Constant) LR(int64) float64 { return float64(c) }
func (c Constant) String() string   { return fmt.Sprintf("constant(%g)", float64(c)) }

// StepDecay multiplies the rate by Gamma every Every steps:
// Base·Gamma^⌊step/Every⌋.
type StepDecay struct {
	Base  float64
	Every int64
	Gamma float64
}

// LR implements Schedule.
func (s StepDecay) LR(step int64) float64 {
	if s.Every <= 0 {
		return s.Base
	}
	return s.Base * math.Pow(s.Gamma, float64(step/s.Every))
}
func (s StepDecay) String() string {
	return fmt.Sprintf("step(%g, every %d, ×%g)", s.Base, s.Every, s.Gamma)
}

// Cosine anneals from Base to Min over Steps steps along a half cosine,
// then stays at Min: Min + (Base−Min)·(1+cos(π·step/Steps))/2.
type Cosine struct {
	Base, Min float64
	Steps     int64
}

// LR implements Schedule.
func (c Cosine) LR(step int64) float64 {
	if c.Steps <= 0 || step >= c.Steps {
		if c.Steps <= 0 {
			return c.Base
		}
		return c.Min
	}
	return c.Min + (c.Base-c.Min)*(1+math.Cos(math.Pi*float64(step)/float64(c.Steps)))/2
}
func (c Cosine) String() string {
	return fmt.Sprintf("cosine(%g→%g over %d)", c.Base, c.Min, c.Steps)
}

// Warmup raises the rate linearly over Steps steps, from Then.LR(0)/Steps
// at step 0 to Then.LR(0) at step Steps−1, and then follows Then, shifted so
// that Then starts at step 0 after the warm-up: Warmup{100, Cosine{...}}
// is a warm-up followed by a cosine decay.
type Warmup struct {
	Steps int64
	Then  Schedule
}

// LR implements Schedule.
func (w Warmup) LR(step int64) float64 {
	if step < w.Steps {
		return w.Then.LR(0) * float64(step+1) / float64(w.Steps)
	}
	return w.Then.LR(step - w.Steps)
}
func (w Warmup) String() string { return fmt.Sprintf("warmup(%d)+%v", w.Steps, w.Then) }
