package datasets

import (
	"bufio"
	"fmt"
	"io"
	"strings"
)

// Lines calls fn for each line of r with its 1-based number, without the
// line end (LF or CRLF) and, on the first line, without a UTF-8 byte order
// mark. A last line without a line end is passed too. An error of fn stops
// the reading and is returned as it is; a read error is returned as
// "name:line: error".
func Lines(name string, r io.Reader, fn func(n int, line string) error) error {
	br := bufio.NewReader(r)
	for n := 1; ; n++ {
		line, err := br.ReadString('\n')
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
