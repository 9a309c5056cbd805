package sweep

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestParseErrors(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"", "no keys"},
		{"cell", `field 1 "cell": want key=value`},
		{"cell=lstm;cell=gru", `field 2 ("cell"): key given twice`},
		{"cell=lstm,,gru", "an empty value"},
		{"seed=3..1", `range "3..1"`},
		{"seed=1..x", `range "1..x": want integers`},
		{"seed=0..99999999999", "at most"},
		{"a=1..1000;b=1..1000;c=1..2", "more than 1000000 runs"},
		{"-x=1", `key "-x": want a flag name`},
		{"lr=1,1", `value "1" given twice`},
	} {
		_, err := Parse(c.in)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Parse(%q): %v, want an error with %q", c.in, err, c.want)
		}
	}
	for _, c := range []struct{ in, want string }{
		{`[1]`, "g.json:1: want a JSON object"},
		{"{\n\"a\": []}", `g.json:2: key "a": no values`},
		{"{\"a\": [1],\n\"a\": [2]}", `g.json:2: key "a": key given twice`},
		{`{"a": [[1]]}`, `key "a": value [: want a string`},
		{`{"a": 1} x`, "g.json:1: "},
		{`{"a": 1`, "g.json:1: "},
		{`{}`, "no keys"},
		{"{\n\"a\": [1,\n}", "g.json:3: "},
	} {
		_, err := ParseJSON("g.json", []byte(c.in))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("ParseJSON(%q): %v, want an error with %q", c.in, err, c.want)
		}
	}
}

func TestNamesAreDistinctAndShort(t *testing.T) {
	sp, err := Parse("data=a/b,a%2Fb,a_b, a b ;x=" + strings.Repeat("y", 300) + "," + strings.Repeat("y", 299) + "z")
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, r := range sp.Runs() {
		if seen[r.Name] || len(r.Name) > 200 || strings.ContainsAny(r.Name, "/ ") {
			t.Errorf("name %q: repeated, too long, or with a slash or space", r.Name)
		}
		seen[r.Name] = true
	}
}

func TestShardsCoverEachRunOnce(t *testing.T) {
	sp, _ := Parse("a=1..7;b=x,y,z")
	runs := sp.Runs()
	for n := 1; n <= 25; n++ {
		count := make([]int, len(runs))
		for i := 0; i < n; i++ {
			for _, r := range (Shard{i, n}).Select(runs) {
				count[r.Index]++
			}
		}
		for i, c := range count {
			if c != 1 {
				t.Fatalf("%d shards: run %d taken %d times", n, i, c)
			}
		}
	}
}

func TestResolve(t *testing.T) {
	env := func(kv ...string) func(string) string {
		m := map[string]string{}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return func(k string) string { return m[k] }
	}
	for _, c := range []struct {
		flag   string
		count  int
		getenv func(string) string
		want   string // shard, or the start of the error
	}{
		{"", 0, env(), "0/1"},
		{"2/4", 0, env("SLURM_ARRAY_TASK_ID", "0", "SLURM_ARRAY_TASK_COUNT", "2"), "2/4"},
		{"", 0, env("SLURM_ARRAY_TASK_ID", "3", "SLURM_ARRAY_TASK_COUNT", "4"), "3/4"},
		{"", 0, env("SLURM_ARRAY_TASK_ID", "4", "SLURM_ARRAY_TASK_MIN", "1", "SLURM_ARRAY_TASK_COUNT", "4"), "3/4"},
		{"", 0, env("SLURM_ARRAY_TASK_ID", "6", "SLURM_ARRAY_TASK_STEP", "2", "SLURM_ARRAY_TASK_COUNT", "4"), "3/4"},
		{"", 4, env("JOB_COMPLETION_INDEX", "2"), "2/4"},
		{"", 0, env("JOB_COMPLETION_INDEX", "2"), "error: JOB_COMPLETION_INDEX=2 is set: give -shards"},
		{"", 3, env("SLURM_ARRAY_TASK_ID", "1", "SLURM_ARRAY_TASK_COUNT", "4"), "error: -shards 3, but the job array has 4"},
		{"", 0, env("SLURM_ARRAY_TASK_ID", "7", "SLURM_ARRAY_TASK_MIN", "1", "SLURM_ARRAY_TASK_COUNT", "3"), "error: SLURM_ARRAY_TASK_ID=7 of 3"},
		{"", 0, env("SLURM_ARRAY_TASK_ID", "x", "SLURM_ARRAY_TASK_COUNT", "3"), "error: SLURM_ARRAY_TASK_ID=\"x\""},
		{"", 2, env(), "error: -shards 2 without -shard"},
		{"4/4", 0, env(), "error: -shard 4/4"},
		{"1-4", 0, env(), "error: -shard \"1-4\""},
	} {
		s, _, err := Resolve(c.flag, c.count, c.getenv)
		got := s.String()
		if err != nil {
			got = "error: " + err.Error()
		}
		if !strings.HasPrefix(got, c.want) {
			t.Errorf("Resolve(%q, %d): %s, want %s", c.flag, c.count, got, c.want)
		}
	}
}

// A sweep directory: another grid is refused, a result found, a merge of
// two directories completes the table.
func TestClaimDoneMerge(t *testing.T) {
	a, b := t.TempDir(), t.TempDir()
	sp, _ := Parse("x=1..3")
	m := Manifest{Program: "p", Spec: sp, Args: []string{"-steps", "2"}, Runs: sp.Len()}
	for _, d := range []string{a, b, a} {
		if err := Claim(d, m); err != nil {
			t.Fatal(err)
		}
	}
	other := m
	other.Args = []string{"-steps", "3"}
	if err := Claim(a, other); err == nil || !strings.Contains(err.Error(), "holds another sweep") {
		t.Fatalf("Claim of another sweep: %v", err)
	}
	runs := sp.Runs()
	for i, r := range runs {
		d := []string{a, b, a}[i]
		if err := os.MkdirAll(filepath.Join(d, r.Name), 0o755); err != nil {
			t.Fatal(err)
		}
		if i < 2 {
			if err := WriteJSON(filepath.Join(d, r.Name, ResultFile), Result{Run: r, Metrics: map[string]any{"loss": 1.5 / float64(i+1)}}); err != nil {
				t.Fatal(err)
			}
		}
	}
	if done, err := Done(a, runs[0]); !done || err != nil {
		t.Fatalf("Done(run 0) = %v, %v", done, err)
	}
	if done, err := Done(a, runs[2]); done || err != nil {
		t.Fatalf("Done(run 2) = %v, %v", done, err)
	}
	tab, err := Merge([]string{a, b})
	if err != nil {
		t.Fatal(err)
	}
	if len(tab.Results) != 2 || len(tab.Missing) != 1 || tab.Missing[0] != "x=3" {
		t.Fatalf("merged %d results, missing %v", len(tab.Results), tab.Missing)
	}
	var text strings.Builder
	tab.WriteText(&text)
	if want := "run  x  loss  seconds\n0    1  1.5   0.0    \n1    2  0.75  0.0    \n2 of 3 runs finished\nmissing: x=3\n"; text.String() != want {
		t.Errorf("table:\n%s\nwant:\n%s", text.String(), want)
	}
	if err := os.WriteFile(filepath.Join(a, runs[2].Name, ResultFile), []byte("{\n\"name\": 3}"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Merge([]string{a, b}); err == nil || !strings.Contains(err.Error(), ResultFile+":2:") {
		t.Fatalf("a broken result: %v", err)
	}
	if _, err := Merge([]string{a, t.TempDir()}); err == nil {
		t.Fatal("merged a directory without a manifest")
	}
}
