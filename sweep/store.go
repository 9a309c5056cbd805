package sweep

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strconv"
	"strings"

	"github.com/rnnzoo/rnnzoo/internal/atomicfile"
)

// File names in a sweep's directory.
const (
	ManifestFile = "sweep.json"  // DIR/sweep.json: the Manifest
	ResultFile   = "result.json" // DIR/<run name>/result.json: a Result
	MergedFile   = "merged.json" // what Merge's caller writes: a Table
)

// MaxResultBytes bounds a result file that Merge reads.
const MaxResultBytes = 64 << 20

// Manifest says what a sweep's directory holds: every shard writes it,
// and refuses a directory whose manifest differs (another grid or other
// flags), so that no result of another sweep is skipped as done.
type Manifest struct {
	Program string   `json:"program"`
	Spec    Spec     `json:"spec"`
	Args    []string `json:"args"` // the flags all runs share
	Runs    int      `json:"runs"`
}

// Result is what a finished run leaves in DIR/<name>/result.json.
type Result struct {
	Run
	Args    []string       `json:"args"`    // the whole command line of the run
	Metrics map[string]any `json:"metrics"` // the run's final JSON line
	Seconds float64        `json:"seconds"`
}

// WriteJSON writes v as indented JSON to path, atomically.
func WriteJSON(path string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	return atomicfile.Write(path, func(w io.Writer) error {
		_, err := w.Write(append(b, '\n'))
		return err
	})
}

// ReadJSON reads path, at most MaxResultBytes, into v (numbers as
// json.Number where v holds an interface).
func ReadJSON(path string, v any) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, MaxResultBytes+1))
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if len(b) > MaxResultBytes {
		return fmt.Errorf("%s: more than %d bytes", path, MaxResultBytes)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("%s:%d: %w", path, lineOf(b, err, dec.InputOffset()), err)
	}
	return nil
}

// Claim makes dir the directory of the sweep m: it creates dir and writes
// m, or checks that the manifest already there is m.
func Claim(dir string, m Manifest) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	path := filepath.Join(dir, ManifestFile)
	var old Manifest
	err := ReadJSON(path, &old)
	if errors.Is(err, fs.ErrNotExist) {
		return WriteJSON(path, m)
	}
	if err != nil {
		return err
	}
	if !sameManifest(old, m) {
		return fmt.Errorf("%s holds another sweep (%s %s, grid %q); give another directory", dir, old.Program, strings.Join(old.Args, " "), old.Spec)
	}
	return nil
}

func sameManifest(a, b Manifest) bool {
	if len(a.Args) == 0 && len(b.Args) == 0 {
		a.Args, b.Args = nil, nil
	}
	return reflect.DeepEqual(a, b)
}

// Done says whether run r has its result in dir.
func Done(dir string, r Run) (bool, error) {
	var res Result
	err := ReadJSON(filepath.Join(dir, r.Name, ResultFile), &res)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if res.Name != r.Name {
		return false, fmt.Errorf("%s: the result of run %q, not of %q", filepath.Join(dir, r.Name, ResultFile), res.Name, r.Name)
	}
	return true, nil
}

// Table is the merged results of a sweep, in the spec's order.
type Table struct {
	Manifest Manifest `json:"manifest"`
	Results  []Result `json:"results"`
	Missing  []string `json:"missing"` // runs without a result in any directory
}

// Merge gathers the results of the shards of one sweep from dirs (each
// holding a manifest, all the same; a run's result is taken from the first
// directory that has it).
func Merge(dirs []string) (*Table, error) {
	if len(dirs) == 0 {
		return nil, errors.New("no directories to merge")
	}
	t := &Table{}
	for i, d := range dirs {
		var m Manifest
		if err := ReadJSON(filepath.Join(d, ManifestFile), &m); err != nil {
			return nil, fmt.Errorf("%w (is %s a sweep's directory?)", err, d)
		}
		if i == 0 {
			t.Manifest = m
		} else if !sameManifest(m, t.Manifest) {
			return nil, fmt.Errorf("%s and %s hold different sweeps", dirs[0], d)
		}
	}
	if err := t.Manifest.Spec.check(); err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Join(dirs[0], ManifestFile), err)
	}
	for _, r := range t.Manifest.Spec.Runs() {
		found := false
		for _, d := range dirs {
			var res Result
			err := ReadJSON(filepath.Join(d, r.Name, ResultFile), &res)
			if errors.Is(err, fs.ErrNotExist) {
				continue
			}
			if err != nil {
				return nil, err
			}
			if res.Name != r.Name {
				return nil, fmt.Errorf("%s: the result of run %q", filepath.Join(d, r.Name, ResultFile), res.Name)
			}
			t.Results, found = append(t.Results, res), true
			break
		}
		if !found {
			t.Missing = append(t.Missing, r.Name)
		}
	}
	return t, nil
}

// WriteText writes the table: one row per run, its values and its scalar
// metrics (the keys found in any result, sorted), then the missing runs.
func (t *Table) WriteText(w io.Writer) {
	var keys []string
	seen := map[string]bool{}
	for _, r := range t.Results {
		for k, v := range r.Metrics {
			if _, ok := scalar(v); ok && !seen[k] {
				seen[k] = true
				keys = append(keys, k)
			}
		}
	}
	sort.Strings(keys)
	var rows [][]string
	head := []string{"run"}
	if len(t.Results) > 0 {
		for _, p := range t.Results[0].Params {
			head = append(head, p.Key)
		}
	}
	head = append(append(head, keys...), "seconds")
	rows = append(rows, head)
	for _, r := range t.Results {
		row := []string{fmt.Sprint(r.Index)}
		for _, p := range r.Params {
			row = append(row, p.Value)
		}
		for _, k := range keys {
			s, _ := scalar(r.Metrics[k])
			row = append(row, s)
		}
		rows = append(rows, append(row, fmt.Sprintf("%.1f", r.Seconds)))
	}
	width := make([]int, len(head))
	for _, row := range rows {
		for i, c := range row {
			if i < len(width) {
				width[i] = max(width[i], len(c))
			}
		}
	}
	for _, row := range rows {
		for i, c := range row {
			if i > 0 {
				fmt.Fprint(w, "  ")
			}
			fmt.Fprintf(w, "%-*s", width[min(i, len(width)-1)], c)
		}
		fmt.Fprintln(w)
	}
	fmt.Fprintf(w, "%d of %d runs finished\n", len(t.Results), len(t.Results)+len(t.Missing))
	for _, m := range t.Missing {
		fmt.Fprintf(w, "missing: %s\n", m)
	}
}

// scalar formats a number, string or boolean; other values are not shown.
func scalar(v any) (string, bool) {
	switch x := v.(type) {
	case json.Number:
		if f, err := x.Float64(); err == nil && strings.ContainsAny(x.String(), ".eE") {
			return strconv.FormatFloat(f, 'g', 6, 64), true
		}
		return x.String(), true
	case float64:
		return fmt.Sprintf("%.6g", x), true
	case string:
		return x, true
	case bool:
		return fmt.Sprint(x), true
	}
	return "", false
}

// lineOf is the line of b at which err, a decoding error, happened: at
// the offset that a syntax or type error gives, else at offset.
func lineOf(b []byte, err error, offset int64) int {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		offset = se.Offset
	case errors.As(err, &te):
		offset = te.Offset
	}
	return 1 + bytes.Count(b[:max(0, min(int(offset), len(b)))], []byte("\n"))
}
