package images

import (
	"bufio"
	"bytes"
	"compress/gzip"
	_ "embed"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/rnnzoo/rnnzoo/datasets"
)

//go:generate sh gen_digits.sh

//go:embed digits.csv.gz
var digitsCSVGz []byte

// Digits facts.
const (
	DigitsCount = 1797 // images
	DigitsSize  = 8    // H = W = 8
	DigitsMax   = 16   // pixel values are 0..16
	// DigitsSeed fixes the train/test split of DigitsSplit.
	DigitsSeed = 20150901
	// DigitsTestFraction is the held-out fraction of DigitsSplit.
	DigitsTestFraction = 0.2
)

// Digits returns the embedded scikit-learn 8×8 digits, all 1,797 images in
// file order, pixels scaled to [0, 1] (value/16).
func Digits() (*Set, error) {
	zr, err := gzip.NewReader(bytes.NewReader(digitsCSVGz))
	if err != nil {
		return nil, fmt.Errorf("digits.csv.gz: %w", err)
	}
	return ReadDigitsCSV("digits.csv", zr)
}

// DigitsSplit returns the embedded digits cut by a fixed seeded shuffle into
// train (80%, 1,438 images) and test (20%, 359 images).
func DigitsSplit() (train, test *Set, err error) {
	all, err := Digits()
	if err != nil {
		return nil, nil, err
	}
	parts, err := datasets.Split(all.N, DigitsSeed, 1-DigitsTestFraction, DigitsTestFraction)
	if err != nil {
		return nil, nil, err
	}
	train, test = all.Subset(parts[0]), all.Subset(parts[1])
	train.Name, test.Name = "digits/train", "digits/test"
	return train, test, nil
}

// ReadDigitsCSV reads scikit-learn's digits CSV layout: per line 64 pixel
// values 0..16 and then the label 0..9, comma-separated, no header. name is
// used in errors, which give the line and the field.
func ReadDigitsCSV(name string, r io.Reader) (*Set, error) {
	const n = DigitsSize * DigitsSize
	s := &Set{Name: "digits", H: DigitsSize, W: DigitsSize, Classes: 10}
	sc := bufio.NewScanner(r)
	line := 0
	for sc.Scan() {
		line++
		text := strings.TrimRight(sc.Text(), "\r")
		if strings.TrimSpace(text) == "" {
			continue
		}
		fields := strings.Split(text, ",")
		if len(fields) != n+1 {
			return nil, fmt.Errorf("%s:%d: %d fields, want %d pixels and a label", name, line, len(fields), n+1)
		}
		for j, f := range fields {
			v, err := strconv.Atoi(strings.TrimSpace(f))
			if err != nil {
				return nil, fmt.Errorf("%s:%d: field %d: %q is not an integer", name, line, j+1, f)
			}
			if j < n {
				if v < 0 || v > DigitsMax {
					return nil, fmt.Errorf("%s:%d: field %d: pixel %d outside 0..%d", name, line, j+1, v, DigitsMax)
				}
				s.Pixels = append(s.Pixels, float32(v)/DigitsMax)
			} else {
				if v < 0 || v > 9 {
					return nil, fmt.Errorf("%s:%d: field %d: label %d outside 0..9", name, line, j+1, v)
				}
				s.Labels = append(s.Labels, v)
			}
		}
		s.N++
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s:%d: %w", name, line+1, err)
	}
	if s.N == 0 {
		return nil, fmt.Errorf("%s: no images", name)
	}
	return s, nil
}
