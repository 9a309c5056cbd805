package flow

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rnnzoo/rnnzoo/sweep"
)

func tinyGrid() GridConfig {
	g := QuickGrid()
	g.Tasks, g.Cells, g.Lengths, g.ProfileLengths, g.Seeds = []string{Adding}, []string{"rnn-tanh"}, []int{3}, nil, []uint64{1, 2}
	g.Run.Steps, g.Run.Hidden, g.Run.Batch = 3, 2, 2
	return g
}

// A directory holds one grid; a broken or foreign result is an error that
// names its file; a spec sets the grid's dimensions.
func TestSweepDirectory(t *testing.T) {
	g, dir := tinyGrid(), t.TempDir()
	if err := Claim(dir, g); err != nil {
		t.Fatal(err)
	}
	other := g
	other.Run.Steps = 4
	if err := Claim(dir, other); err == nil || !strings.Contains(err.Error(), "holds another grid") {
		t.Fatalf("Claim of another grid: %v", err)
	}
	ran, skipped, err := Sweep(context.Background(), g, dir, sweep.Shard{Index: 1, Count: 2}, nil)
	if err != nil || ran != 3 || skipped != 0 {
		t.Fatalf("Sweep: %d ran, %d skipped, %v", ran, skipped, err)
	}
	if _, err := Merge(t.TempDir(), []string{dir}, false, "", 0); err == nil || !strings.Contains(err.Error(), "3 of 6 units have no result") {
		t.Fatalf("Merge of half: %v", err)
	}
	m, err := Merge(t.TempDir(), []string{dir}, true, "", 0)
	if err != nil || m.Runs != 2 || len(m.Missing) != 3 {
		t.Fatalf("Merge -partial: %+v, %v", m, err)
	}
	units := g.Units()
	broken := unitPath(dir, units[1])
	if err := os.WriteFile(broken, []byte("{\n\"kind\": [}"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Merge(t.TempDir(), []string{dir}, true, "", 0); err == nil || !strings.Contains(err.Error(), broken+":2") {
		t.Fatalf("a broken result: %v", err)
	}
	b, _ := os.ReadFile(unitPath(dir, units[3]))
	if err := os.WriteFile(broken, b, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Merge(t.TempDir(), []string{dir}, true, "", 0); err == nil || !strings.Contains(err.Error(), "not the result of") {
		t.Fatalf("a result under another unit's name: %v", err)
	}
	otherDir := t.TempDir()
	if err := Claim(otherDir, other); err != nil {
		t.Fatal(err)
	}
	if _, err := Merge(t.TempDir(), []string{dir, otherDir}, true, "", 0); err == nil || !strings.Contains(err.Error(), "different grids") {
		t.Fatalf("two grids: %v", err)
	}
	sp, _ := sweep.Parse("cell=lstm,gru;T=5,7;seed=4..5;clip=0.5")
	if err := g.SetSpec(sp); err != nil || len(g.Units()) != 2*2*2+2*2*2 || g.Clips[0] != 0.5 {
		t.Fatalf("SetSpec: %v, %d units", err, len(g.Units()))
	}
	for _, bad := range []string{"width=3", "T=x", "seed=-1", "clip=y"} {
		sp, _ := sweep.Parse(bad)
		if err := g.SetSpec(sp); err == nil {
			t.Errorf("SetSpec(%s) took it", bad)
		}
	}
}

// FuzzReadGrid holds that a grid.json is read or refused, never more
// than MaxUnits units.
func FuzzReadGrid(f *testing.F) {
	f.Add([]byte(`{"tasks":["adding"],"cells":["lstm"],"lengths":[3],"seeds":[1],"clips":[0],"run":{"steps":1,"batch":1,"hidden":1,"lr":0.1}}`))
	f.Add([]byte(`{"tasks":["adding","adding","adding","adding","adding","adding","adding","adding","adding","adding"],"cells":["lstm","lstm","lstm","lstm","lstm","lstm","lstm","lstm","lstm","lstm"],"lengths":[3,3,3,3,3,3,3,3,3,3],"seeds":[1,1,1,1,1,1,1,1,1,1],"clips":[0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0],"run":{"steps":1,"batch":1,"hidden":1,"lr":0.1}}`))
	f.Add([]byte(`{"lengths":[1]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "grid.json"), b, 0o644); err != nil {
			t.Fatal(err)
		}
		g, err := readGrid(dir)
		if err == nil && len(g.Units()) > MaxUnits {
			t.Fatalf("%d units", len(g.Units()))
		}
	})
}
