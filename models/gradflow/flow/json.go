package flow

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
)

// Float is a float64 that JSON can hold when it is not finite, as a run
// that diverged has it: NaN, +Inf and -Inf are written as those strings
// (encoding/json refuses them as numbers, and a refused record would be
// lost from runs.jsonl).
type Float float64

// MarshalJSON writes a finite value as a number, else "NaN", "+Inf" or
// "-Inf".
func (f Float) MarshalJSON() ([]byte, error) {
	v := float64(f)
	switch {
	case math.IsNaN(v):
		return []byte(`"NaN"`), nil
	case math.IsInf(v, 1):
		return []byte(`"+Inf"`), nil
	case math.IsInf(v, -1):
		return []byte(`"-Inf"`), nil
	}
	return strconv.AppendFloat(nil, v, 'g', -1, 64), nil
}

// UnmarshalJSON reads what MarshalJSON writes.
func (f *Float) UnmarshalJSON(b []byte) error {
	switch string(b) {
	case `"NaN"`:
		*f = Float(math.NaN())
		return nil
	case `"+Inf"`:
		*f = Float(math.Inf(1))
		return nil
	case `"-Inf"`:
		*f = Float(math.Inf(-1))
		return nil
	}
	var v float64
	if err := json.Unmarshal(b, &v); err != nil {
		return fmt.Errorf("gradflow: %s is neither a number nor NaN, +Inf or -Inf", b)
	}
	*f = Float(v)
	return nil
}

// convert copies a slice of one float64 type into another (nil stays nil).
func convert[To, From ~float64](v []From) []To {
	if v == nil {
		return nil
	}
	out := make([]To, len(v))
	for i, x := range v {
		out[i] = To(x)
	}
	return out
}

// recordJSON is a Record as written to runs.jsonl, its measurements as
// Floats.
type recordJSON struct {
	Kind string `json:"kind,omitempty"`
	Config
	Solved   bool          `json:"solved"`
	SolvedAt int           `json:"solved_at"`
	Updates  int           `json:"updates"`
	Metric   Float         `json:"metric"`
	Diverged bool          `json:"diverged"`
	PreClip  []Float       `json:"preclip"`
	Clipped  int           `json:"clipped"`
	Curve    []pointJSON   `json:"curve"`
	Profiles []profileJSON `json:"profiles"`
	Seconds  float64       `json:"seconds"`
}

type pointJSON struct {
	Step   int   `json:"step"`
	Loss   Float `json:"loss"`
	Metric Float `json:"metric"`
}

type profileJSON struct {
	Step  int     `json:"step"`
	Norms []Float `json:"norms"`
}

func (r *Result) toJSON(kind string) recordJSON {
	out := recordJSON{Kind: kind, Config: r.Config, Solved: r.Solved, SolvedAt: r.SolvedAt, Updates: r.Updates,
		Metric: Float(r.Metric), Diverged: r.Diverged, PreClip: convert[Float](r.PreClip), Clipped: r.Clipped, Seconds: r.Seconds}
	for _, p := range r.Curve {
		out.Curve = append(out.Curve, pointJSON{p.Step, Float(p.Loss), Float(p.Metric)})
	}
	for _, p := range r.Profiles {
		out.Profiles = append(out.Profiles, profileJSON{p.Step, convert[Float](p.Norms)})
	}
	return out
}

func (j *recordJSON) result() *Result {
	r := &Result{Config: j.Config, Solved: j.Solved, SolvedAt: j.SolvedAt, Updates: j.Updates,
		Metric: float64(j.Metric), Diverged: j.Diverged, PreClip: convert[float64](j.PreClip), Clipped: j.Clipped, Seconds: j.Seconds}
	for _, p := range j.Curve {
		r.Curve = append(r.Curve, Point{p.Step, float64(p.Loss), float64(p.Metric)})
	}
	for _, p := range j.Profiles {
		r.Profiles = append(r.Profiles, Profile{p.Step, convert[float64](p.Norms)})
	}
	return r
}

// MarshalJSON writes the result with its non-finite values as strings
// (see Float).
func (r *Result) MarshalJSON() ([]byte, error) { return json.Marshal(r.toJSON("")) }

// UnmarshalJSON reads what MarshalJSON writes.
func (r *Result) UnmarshalJSON(b []byte) error {
	var j recordJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	*r = *j.result()
	return nil
}

// MarshalJSON writes the record as one object: "kind" and the result's
// fields.
func (r Record) MarshalJSON() ([]byte, error) {
	if r.Result == nil {
		return json.Marshal(struct {
			Kind string `json:"kind"`
		}{r.Kind})
	}
	return json.Marshal(r.Result.toJSON(r.Kind))
}

// UnmarshalJSON reads what MarshalJSON writes.
func (r *Record) UnmarshalJSON(b []byte) error {
	var j recordJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	r.Kind, r.Result = j.Kind, j.result()
	return nil
}
