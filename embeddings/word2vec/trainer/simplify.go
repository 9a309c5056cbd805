package trainer

import (
	"bufio"
	"io"
	"unicode"
	"unicode/utf8"
)

// Simplify returns a reader of r's text lower-cased, with every character
// that is not a letter or a digit turned into a space (newlines are kept, so
// lines stay sentences). It is the light clean-up the demo applies to raw
// prose before training, the style of the benchmark corpus and text8.
func Simplify(r io.Reader) io.Reader {
	return &simplifier{br: bufio.NewReaderSize(r, 1<<16)}
}

type simplifier struct {
	br  *bufio.Reader
	out []byte
	err error
}

func (s *simplifier) Read(p []byte) (int, error) {
	for len(s.out) == 0 {
		if s.err != nil {
			return 0, s.err
		}
		s.fill()
	}
	n := copy(p, s.out)
	s.out = s.out[n:]
	return n, nil
}

func (s *simplifier) fill() {
	buf := s.out[:0]
	for len(buf) < 1<<15 {
		r, _, err := s.br.ReadRune()
		if err != nil {
			s.err = err
			break
		}
		switch {
		case r == '\n':
			buf = append(buf, '\n')
		case r < utf8.RuneSelf:
			c := byte(r)
			if c >= 'A' && c <= 'Z' {
				c += 'a' - 'A'
			} else if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9') {
				c = ' '
			}
			buf = append(buf, c)
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			buf = utf8.AppendRune(buf, unicode.ToLower(r))
		default:
			buf = append(buf, ' ')
		}
	}
	s.out = buf
}
