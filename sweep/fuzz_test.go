package sweep

import (
	"strings"
	"testing"
)

// FuzzParse holds that an inline spec either fails with an error or
// expands into distinct runs whose String form parses back to the same
// runs.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"cell=lstm,gru;hidden=64,128;seed=1..3", "a=1", "a=1..0", ";;a= x ;", "a=b=c", "a=1..2..3",
		"x=-5..-3", "a=9223372036854775806..9223372036854775807", "a=,", "é=1", "a=%2F,/"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		sp, err := Parse(s)
		if err != nil {
			return
		}
		checkRoundTrip(t, sp)
	})
}

// FuzzParseJSON is FuzzParse for the JSON form.
func FuzzParseJSON(f *testing.F) {
	for _, s := range []string{`{"cell": ["lstm", "gru"], "hidden": [64, 128], "seed": "1..3"}`, `{"a": true}`, `{"a": [1e400]}`,
		`{"a": "1..99999999999999"}`, `{"a": [null]}`, `{"a": [1], "b": {}}`, `{"a":"x,y"}`, "{\"a\":\n[\"\\u0000\"]}", `[]`, ``} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		sp, err := ParseJSON("f.json", b)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "f.json") {
				t.Fatalf("error %q does not name the file", err)
			}
			return
		}
		checkRoundTrip(t, sp)
	})
}

func checkRoundTrip(t *testing.T, sp Spec) {
	if sp.Len() < 1 || sp.Len() > MaxRuns {
		t.Fatalf("%d runs", sp.Len())
	}
	if sp.Len() > 10000 {
		return
	}
	runs := sp.Runs()
	seen := map[string]bool{}
	for _, r := range runs {
		if seen[r.Name] {
			t.Fatalf("two runs named %q", r.Name)
		}
		seen[r.Name] = true
	}
	for _, p := range sp.Params {
		for _, v := range p.Values {
			if strings.ContainsAny(v, ";,=") || strings.Contains(v, "..") || strings.TrimSpace(v) != v {
				return // a value from JSON without an inline form
			}
		}
	}
	again, err := Parse(sp.String())
	if err != nil {
		t.Fatalf("String %q does not parse: %v", sp.String(), err)
	}
	if again.String() != sp.String() {
		t.Fatalf("String %q parses back as %q", sp.String(), again.String())
	}
}
