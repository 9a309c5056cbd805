package embeddings

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const winkSample = `{"precision":8,"l2NormIndex":2,"wordIndex":3,"size":3,"dimensions":2,
 "words":["the","new york","é"],
 "vectors":{"the":[0.5,-1,1.118,0],"new york":[1e-3,2,2.0,1],"é":[3,4,5,2]},
 "unkVector":[0,0,0,-1]}`

// The wink JSON reads as its words in file order with the first D numbers
// of each array, chosen by name, by format name and by its first byte.
func TestReadWink(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "vectors.json")
	if err := os.WriteFile(path, []byte(winkSample), 0o644); err != nil {
		t.Fatal(err)
	}
	other := filepath.Join(dir, "vectors.data") // no telling name: found by the "{"
	if err := os.WriteFile(other, []byte(winkSample), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		path string
		f    Format
	}{{path, Auto}, {path, Wink}, {other, Auto}} {
		v, err := Load(c.path, c.f)
		if err != nil {
			t.Fatalf("%s as %v: %v", c.path, c.f, err)
		}
		if v.Dim != 2 || strings.Join(v.Words, "|") != "the|new york|é" {
			t.Fatalf("%s as %v: dim %d words %q", c.path, c.f, v.Dim, v.Words)
		}
		want := []float32{0.5, -1, 1e-3, 2, 3, 4}
		for i, x := range want {
			if v.Data[i] != x {
				t.Fatalf("%s as %v: data %v, want %v", c.path, c.f, v.Data, want)
			}
		}
		if i, ok := v.Index("new york"); !ok || i != 1 {
			t.Fatalf("index of %q: %d, %v", "new york", i, ok)
		}
	}
	// A GloVe file whose first word is "{", "{}" or `{"` stays GloVe.
	for _, first := range []string{"{", "{}", `{"`, `{"a"`} {
		if v, err := Read(strings.NewReader(first+" 0.5 1\n} 2 3\n"), "brace.txt", Auto); err != nil || len(v.Words) != 2 || v.Words[0] != first {
			t.Fatalf("GloVe file starting with %q: %v, %v", first, v, err)
		}
	}
	if f, err := ParseFormat("wink"); err != nil || f != Wink || f.String() != "wink" {
		t.Fatalf("ParseFormat(wink) = %v, %v", f, err)
	}
}

// Bad wink files give an error naming the file, the byte offset and the
// field.
func TestReadWinkErrors(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{`[1,2]`, "want a JSON object"},
		{`{"vectors":{"a":[1]},"dimensions":1}`, "field vectors comes before field dimensions"},
		{`{"dimensions":0,"vectors":{}}`, "field dimensions: 0 is not an integer"},
		{`{"dimensions":1.5,"vectors":{}}`, "field dimensions: 1.5 is not an integer"},
		{`{"dimensions":99999999,"vectors":{}}`, "is not an integer in 1..65536"},
		{`{"dimensions":2,"vectors":{"a":[1]}}`, `field vectors["a"]: 1 numbers, want 2`},
		{`{"dimensions":1,"vectors":{"a":[1,2,3,4]}}`, `4 numbers, more than 3`},
		{`{"dimensions":1,"vectors":{"a":[1e39]}}`, `field vectors["a"] number 1: 1e39 is not a float32`},
		{`{"dimensions":2,"vectors":{"a":[1,2],"b":[null,null]}}`, `field vectors["b"] number 1: null is not a float32`},
		{`{"dimensions":1,"vectors":{"a":[null]}}`, `field vectors["a"] number 1: null is not a float32`},
		{`{"dimensions":1,"vectors":{"a":["1.5"]}}`, `field vectors["a"] number 1: "1.5" is not a float32`},
		{`{"dimensions":1,"vectors":{"a":[true]}}`, `field vectors["a"] number 1: true is not a float32`},
		{`{"dimensions":1,"vectors":{"a":"x"}}`, `field vectors["a"]: want an array of numbers`},
		{`{"dimensions":1,"vectors":{"a":["x"]}}`, `field vectors["a"] number 1: "x" is not a float32`},
		{`{"dimensions":1,"vectors":{"a":[1],"a":[2]}}`, `field vectors["a"]: the word appears twice`},
		{`{"dimensions":1,"vectors":{"":[1]}}`, "a word of 0 bytes"},
		{`{"dimensions":1,"vectors":{"a":[1]}`, "the file ends where"},
		{`{"dimensions":1,"vectors":{"a":[1]},"vectors":{"b":[1]}}`, "field vectors appears twice"},
		{`{"dimensions":1}`, "no vectors"},
		{`{"dimensions":1,"vectors":{}}`, "no vectors"},
	} {
		_, err := Read(strings.NewReader(c.in), "v.json", Wink)
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.HasPrefix(err.Error(), "v.json") {
			t.Errorf("%s: error %v, want one naming v.json and %q", c.in, err, c.want)
		}
		if err != nil && c.want != "no vectors" && !strings.Contains(err.Error(), ": byte ") {
			t.Errorf("%s: error %v names no byte offset", c.in, err)
		}
	}
}

func FuzzReadWink(f *testing.F) {
	fuzzRead(f, Wink, winkSample, `{"dimensions":1,"vectors":{"a":[1]}}`, `{"dimensions":2,"vectors":{"a":[1,2,3,4,5]}}`,
		`{"dimensions":70000}`, `{"vectors":{}}`, `{"dimensions":1,"vectors":{"a":[1e400]}}`, `{`)
}
