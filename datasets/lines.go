package datasets

import (
	"bufio"
	"fmt"
	"io"
	"strings"
)

// MaxLine is the longest line Lines reads (a sentence, a verse or a
// labelled text is far shorter; a file without line ends is not a text
// data set).
const MaxLine = 16 << 20

// Lines calls fn for each line of r with its 1-based number, without the
// line end (LF or CRLF) and, on the first line, without a UTF-8 byte order
// mark. A last line without a line end is passed too. An error of fn stops
// the reading and is returned as it is; a read error, or a line longer
// than MaxLine, is returned as "name:line: error".
func Lines(name string, r io.Reader, fn func(n int, line string) error) error {
	br := bufio.NewReaderSize(r, 64<<10)
	var long []byte
	for n := 1; ; n++ {
		b, err := br.ReadSlice('\n')
		for err == bufio.ErrBufferFull {
			long = append(long[:0:0], b...)
			for err == bufio.ErrBufferFull {
				if len(long) > MaxLine {
					return fmt.Errorf("%s:%d: line longer than %d MiB", name, n, MaxLine>>20)
				}
				b, err = br.ReadSlice('\n')
				long = append(long, b...)
			}
			b = long
		}
		line := string(b)
		if len(line) > MaxLine {
			return fmt.Errorf("%s:%d: line longer than %d MiB", name, n, MaxLine>>20)
		}
		if len(line) > 0 {
			line = strings.TrimSuffix(strings.TrimSuffix(line, "\n"), "\r")
			if n == 1 {
				line = strings.TrimPrefix(line, "\ufeff")
			}
			if ferr := fn(n, line); ferr != nil {
				return ferr
			}
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("%s:%d: %w", name, n, err)
		}
	}
}
