package sweep

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
)

// Limits of a spec, checked before anything is allocated.
const (
	MaxRuns      = 1_000_000 // runs a spec may expand into
	MaxSpecBytes = 1 << 20   // size of a spec, inline or in a file
)

// Param is one key of a spec and its values, in order.
type Param struct {
	Key    string   `json:"key"`
	Values []string `json:"values"`
}

// Spec is an ordered list of keys with their values.
type Spec struct {
	Params []Param `json:"params"`
}

// Value is one key's value in a run.
type Value struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// Run is one point of the grid.
type Run struct {
	Index  int     `json:"index"` // position in the spec's order, from 0
	Name   string  `json:"name"`  // its values, usable as a directory name
	Params []Value `json:"params"`
}

// Load reads a spec given on a command line: the name of a JSON file
// (ParseJSON), or else an inline spec (Parse).
func Load(arg string) (Spec, error) {
	if _, err := os.Stat(arg); err != nil && strings.Contains(arg, "=") {
		return Parse(arg)
	}
	f, err := os.Open(arg)
	if err != nil {
		return Spec{}, fmt.Errorf("grid: %w (an inline grid is key=v1,v2;key2=…)", err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, MaxSpecBytes+1))
	if err != nil {
		return Spec{}, fmt.Errorf("grid: %s: %w", arg, err)
	}
	return ParseJSON(arg, b)
}

// Parse reads an inline spec: fields "key=v1,v2,…" separated by ';', a
// value "a..b" standing for the integers a to b.
func Parse(s string) (Spec, error) {
	if len(s) > MaxSpecBytes {
		return Spec{}, fmt.Errorf("grid: %d bytes, more than %d", len(s), MaxSpecBytes)
	}
	var sp Spec
	for i, field := range strings.Split(s, ";") {
		field = strings.TrimSpace(field)
		if field == "" {
			continue
		}
		key, vals, ok := strings.Cut(field, "=")
		key = strings.TrimSpace(key)
		where := fmt.Sprintf("grid: field %d (%q)", i+1, key)
		if !ok {
			return Spec{}, fmt.Errorf("grid: field %d %q: want key=value,value,…", i+1, field)
		}
		p := Param{Key: key}
		for _, v := range strings.Split(vals, ",") {
			if err := p.add(strings.TrimSpace(v), true); err != nil {
				return Spec{}, fmt.Errorf("%s: %w", where, err)
			}
		}
		if err := sp.append(p); err != nil {
			return Spec{}, fmt.Errorf("%s: %w", where, err)
		}
	}
	return sp, sp.check()
}

// ParseJSON reads a spec from a JSON object whose keys, in the file's
// order, map to a list of values (strings, numbers or booleans), or to one
// such value, where a string may be a range "a..b" or a list "v1,v2".
// Errors name the file, the line and the key.
func ParseJSON(name string, b []byte) (Spec, error) {
	if len(b) > MaxSpecBytes {
		return Spec{}, fmt.Errorf("%s: %d bytes or more, more than %d", name, len(b), MaxSpecBytes)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	at := func(key string, err error) error {
		line := lineOf(b, err, dec.InputOffset())
		if key == "" {
			return fmt.Errorf("%s:%d: %w", name, line, err)
		}
		return fmt.Errorf("%s:%d: key %q: %w", name, line, key, err)
	}
	if t, err := dec.Token(); err != nil {
		return Spec{}, at("", err)
	} else if t != json.Delim('{') {
		return Spec{}, at("", errors.New("want a JSON object of keys and their values"))
	}
	var sp Spec
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return Spec{}, at("", err)
		}
		key, _ := t.(string)
		p := Param{Key: key}
		t, err = dec.Token()
		if err != nil {
			return Spec{}, at(key, err)
		}
		if t == json.Delim('[') {
			for dec.More() {
				if t, err = dec.Token(); err != nil {
					return Spec{}, at(key, err)
				}
				if err := p.addJSON(t, false); err != nil {
					return Spec{}, at(key, err)
				}
			}
			if _, err := dec.Token(); err != nil {
				return Spec{}, at(key, err)
			}
		} else if err := p.addJSON(t, true); err != nil {
			return Spec{}, at(key, err)
		}
		if len(p.Values) == 0 {
			return Spec{}, at(key, errors.New("no values"))
		}
		if err := sp.append(p); err != nil {
			return Spec{}, at(key, err)
		}
	}
	if _, err := dec.Token(); err != nil {
		return Spec{}, at("", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return Spec{}, at("", errors.New("text after the object"))
	}
	if err := sp.check(); err != nil {
		return Spec{}, fmt.Errorf("%s: %w", name, err)
	}
	return sp, nil
}

// addJSON adds one JSON scalar; a string at the top (not in a list) may be
// a list or a range.
func (p *Param) addJSON(t json.Token, top bool) error {
	switch v := t.(type) {
	case string:
		if top {
			for _, s := range strings.Split(v, ",") {
				if err := p.add(strings.TrimSpace(s), true); err != nil {
					return err
				}
			}
			return nil
		}
		return p.add(v, strings.Contains(v, ".."))
	case json.Number:
		return p.add(v.String(), false)
	case bool:
		return p.add(strconv.FormatBool(v), false)
	}
	return fmt.Errorf("value %v: want a string, a number or a boolean", t)
}

// add adds one value, or with ranges the integers of "a..b".
func (p *Param) add(v string, ranges bool) error {
	if v == "" {
		return errors.New("an empty value")
	}
	if strings.ContainsAny(v, "\x00\n\r") {
		return fmt.Errorf("value %q has a control character", v)
	}
	lo, hi, isRange := strings.Cut(v, "..")
	if !ranges || !isRange {
		p.Values = append(p.Values, v)
		return nil
	}
	a, err1 := strconv.ParseInt(strings.TrimSpace(lo), 10, 64)
	b, err2 := strconv.ParseInt(strings.TrimSpace(hi), 10, 64)
	if err1 != nil || err2 != nil {
		return fmt.Errorf("range %q: want integers a..b", v)
	}
	if b < a || b-a >= MaxRuns {
		return fmt.Errorf("range %q: want a ≤ b with at most %d values", v, MaxRuns)
	}
	if len(p.Values)+int(b-a+1) > MaxRuns {
		return fmt.Errorf("more than %d values", MaxRuns)
	}
	for x := a; ; x++ {
		p.Values = append(p.Values, strconv.FormatInt(x, 10))
		if x == b {
			return nil
		}
	}
}

func (sp *Spec) append(p Param) error {
	if !validKey(p.Key) {
		return fmt.Errorf("key %q: want a flag name (a letter, then letters, digits, '-', '_' or '.')", p.Key)
	}
	for _, q := range sp.Params {
		if q.Key == p.Key {
			return errors.New("key given twice")
		}
	}
	seen := map[string]bool{}
	for _, v := range p.Values {
		if seen[v] {
			return fmt.Errorf("value %q given twice", v)
		}
		seen[v] = true
	}
	sp.Params = append(sp.Params, p)
	return nil
}

func validKey(k string) bool {
	if k == "" || len(k) > 64 || !(k[0] >= 'a' && k[0] <= 'z' || k[0] >= 'A' && k[0] <= 'Z') {
		return false
	}
	for _, r := range k {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.') {
			return false
		}
	}
	return true
}

// check refuses an empty spec and one of more than MaxRuns runs.
func (sp Spec) check() error {
	if len(sp.Params) == 0 {
		return errors.New("grid: no keys (want key=v1,v2;key2=…)")
	}
	n := 1
	for _, p := range sp.Params {
		if n *= len(p.Values); n > MaxRuns {
			return fmt.Errorf("grid: more than %d runs", MaxRuns)
		}
	}
	return nil
}

// Len is the number of runs.
func (sp Spec) Len() int {
	if len(sp.Params) == 0 {
		return 0
	}
	n := 1
	for _, p := range sp.Params {
		n *= len(p.Values)
	}
	return n
}

// String writes the spec in the inline form that Parse reads.
func (sp Spec) String() string {
	var b strings.Builder
	for i, p := range sp.Params {
		if i > 0 {
			b.WriteByte(';')
		}
		b.WriteString(p.Key + "=" + strings.Join(p.Values, ","))
	}
	return b.String()
}

// Runs expands the spec: the Cartesian product of its values, the first key
// varying slowest.
func (sp Spec) Runs() []Run {
	n := sp.Len()
	runs := make([]Run, n)
	for i := range runs {
		r := Run{Index: i, Params: make([]Value, len(sp.Params))}
		rest := i
		for k := len(sp.Params) - 1; k >= 0; k-- {
			p := sp.Params[k]
			r.Params[k] = Value{p.Key, p.Values[rest%len(p.Values)]}
			rest /= len(p.Values)
		}
		r.Name = Name(r.Params)
		runs[i] = r
	}
	return runs
}

// Name is the directory name of a run with the given values:
// "key=value,key2=value2", each byte of a value outside letters, digits
// and "._+-" written as %XX, so that different values give different names.
// A name longer than 200 bytes keeps its first 183 and appends "~" and 16
// hex digits of the SHA-256 of the whole.
func Name(vals []Value) string {
	s := name(vals)
	if len(s) > 200 {
		sum := sha256.Sum256([]byte(s))
		s = s[:183] + "~" + hex.EncodeToString(sum[:8])
	}
	return s
}

func name(vals []Value) string {
	var b strings.Builder
	for i, v := range vals {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(v.Key + "=")
		for j := 0; j < len(v.Value); j++ {
			c := v.Value[j]
			if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("._+-", c) >= 0 {
				b.WriteByte(c)
			} else {
				fmt.Fprintf(&b, "%%%02X", c)
			}
		}
	}
	return b.String()
}

// Get returns the value of key in the run.
func (r Run) Get(key string) (string, bool) {
	for _, v := range r.Params {
		if v.Key == key {
			return v.Value, true
		}
	}
	return "", false
}

// Args are the run's values as command-line flags: -key=value.
func (r Run) Args() []string {
	out := make([]string, len(r.Params))
	for i, v := range r.Params {
		out[i] = "-" + v.Key + "=" + v.Value
	}
	return out
}
