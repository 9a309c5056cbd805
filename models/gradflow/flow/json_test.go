package flow

import (
	"encoding/json"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A diverged run holds NaN and infinite values; its record must survive
// runs.jsonl (encoding/json refuses them as numbers) and read back equal.
func TestDivergedRecordRoundTrip(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	r := &Result{Config: tinyRun(Adding, "rnn-tanh", 5), SolvedAt: -1, Updates: 3, Metric: nan, Diverged: true,
		PreClip: []float64{1.5, inf, nan}, Curve: []Point{{0, 0.2, 0.1}, {2, nan, math.Inf(-1)}},
		Profiles: []Profile{{0, []float64{1, 2}}, {2, []float64{inf, 0}}}, Seconds: 0.5}
	b, err := json.Marshal(Record{Kind: "run", Result: r})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), `"kind":"run"`) || !strings.Contains(string(b), `"NaN"`) || !strings.Contains(string(b), `"-Inf"`) {
		t.Fatalf("record %s", b)
	}
	dir := t.TempDir()
	grid, _ := json.Marshal(GridConfig{Tasks: []string{Adding}})
	if err := os.WriteFile(filepath.Join(dir, "grid.json"), grid, 0o644); err != nil {
		t.Fatal(err)
	}
	// Two records and a third cut short, as a stopped grid leaves it.
	if err := os.WriteFile(filepath.Join(dir, "runs.jsonl"), []byte(string(b)+"\n"+string(b)+"\n"+string(b[:len(b)/2])), 0o644); err != nil {
		t.Fatal(err)
	}
	_, _, runs, secs, err := ReadRuns(dir)
	if err != nil || len(runs) != 2 || secs != 1 {
		t.Fatalf("ReadRuns: %d runs, %g s, %v", len(runs), secs, err)
	}
	got := runs[0]
	same := func(a, b float64) bool { return a == b || (math.IsNaN(a) && math.IsNaN(b)) }
	if !got.Diverged || got.Updates != 3 || !same(got.Metric, nan) || len(got.PreClip) != 3 || !same(got.PreClip[2], nan) ||
		got.PreClip[1] != inf || !same(got.Curve[1].Loss, nan) || got.Curve[1].Metric != math.Inf(-1) ||
		got.Profiles[1].Norms[0] != inf || got.Config != r.Config {
		t.Fatalf("read back %+v", got)
	}
	// A damaged line in the middle is an error, not a silently short log.
	if err := os.WriteFile(filepath.Join(dir, "runs.jsonl"), []byte(string(b)+"\n{\"kind\": nope}\n"+string(b)+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, _, _, _, err := ReadRuns(dir); err == nil || !strings.Contains(err.Error(), "record 2") {
		t.Fatalf("damaged record: %v", err)
	}
	var f Float
	if err := json.Unmarshal([]byte(`"huge"`), &f); err == nil {
		t.Fatal(`"huge" read as a Float`)
	}
	// The summary of diverged runs is written too.
	cw, ns := Summarise([]*Result{r})
	if _, err := json.Marshal(&Summary{Results: cw, Norms: ns, InitRatio: map[string]Float{"adding/gru": Float(inf)}}); err != nil {
		t.Fatal(err)
	}
}

// FuzzReadRuns: whatever grid.json and runs.jsonl hold, replot reads them
// and summarises them, or says which file is wrong; never a panic.
func FuzzReadRuns(f *testing.F) {
	grid, _ := json.Marshal(QuickGrid())
	rec, _ := json.Marshal(Record{Kind: "run", Result: &Result{Config: tinyRun(Adding, "gru", 5), SolvedAt: -1, Updates: 2,
		PreClip: []float64{1, math.Inf(1)}, Curve: []Point{{0, 0.2, 0.1}}, Profiles: []Profile{{0, []float64{1, 0}}}}})
	f.Add(grid, append(rec, '\n'))
	f.Add(grid, []byte(`{"kind":"init","task":"adding","cell":"lstm","T":3,"profiles":[{"step":0,"norms":["NaN",1]}]}`+"\n"))
	f.Add([]byte(`{"tasks":[]}`), []byte(`{"kind":"run","metric":"-Inf","preclip":["+Inf"]}`))
	f.Add([]byte(`nope`), []byte{})
	dir := f.TempDir() // one per fuzzing process, rewritten by every input
	f.Fuzz(func(t *testing.T, gridJSON, runs []byte) {
		if err := os.WriteFile(filepath.Join(dir, "grid.json"), gridJSON, 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "runs.jsonl"), runs, 0o644); err != nil {
			t.Fatal(err)
		}
		g, inits, rs, _, err := ReadRuns(dir)
		if err != nil {
			if !strings.Contains(err.Error(), dir) {
				t.Fatalf("error does not name the directory: %v", err)
			}
			return
		}
		cw, ns := Summarise(rs)
		sum := &Summary{Grid: g, Results: cw, Norms: ns, InitRatio: map[string]Float{}}
		for _, task := range g.Tasks {
			for _, cell := range g.Cells {
				if p := MeanProfile(inits, task, cell, g.ProfileMax(), 0, 0); len(p) > 0 {
					sum.InitRatio[task+"/"+cell] = Float(p[0] / p[len(p)-1])
				}
			}
		}
		if _, err := json.Marshal(sum); err != nil {
			t.Fatalf("summary: %v", err)
		}
		sum.WriteTables(io.Discard)
	})
}
