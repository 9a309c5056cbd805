package embeddings

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
)

// q8Magic starts the quantised format (before gzip):
//
//	"RZQ8 V D\n"
//	V words, each followed by '\n'
//	V float32 little-endian row scales
//	V·D int8 values; row i of the vectors is scale[i]·q[i]
//
// Words, scales and values are stored apart because each group compresses
// better on its own.
const q8Magic = "RZQ8"

// EncodeQ8 writes v quantised to 8 bits per value (one scale per row,
// symmetric, round to nearest), gzip-compressed.
func EncodeQ8(w io.Writer, v *Vectors) error {
	zw, err := gzip.NewWriterLevel(w, gzip.BestCompression)
	if err != nil {
		return err
	}
	bw := bufio.NewWriter(zw)
	fmt.Fprintf(bw, "%s %d %d\n", q8Magic, v.Len(), v.Dim)
	for _, word := range v.Words {
		if strings.ContainsAny(word, " \n") {
			return fmt.Errorf("embeddings: q8: word %q contains white space", word)
		}
		bw.WriteString(word)
		bw.WriteByte('\n')
	}
	scales := make([]float32, v.Len())
	for i := range scales {
		var m float32
		for _, x := range v.Row(i) {
			m = max(m, float32(math.Abs(float64(x))))
		}
		scales[i] = m / 127
	}
	var b4 [4]byte
	for _, s := range scales {
		binary.LittleEndian.PutUint32(b4[:], math.Float32bits(s))
		bw.Write(b4[:])
	}
	row := make([]byte, v.Dim)
	for i, s := range scales {
		for j, x := range v.Row(i) {
			q := 0.0
			if s > 0 {
				q = math.Round(float64(x / s))
			}
			row[j] = byte(int8(max(-127, min(127, q))))
		}
		bw.Write(row)
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	return zw.Close()
}

// DecodeQ8 reads what EncodeQ8 wrote; name labels errors.
func DecodeQ8(r io.Reader, name string) (*Vectors, error) {
	zr, err := gzip.NewReader(r)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	br := bufio.NewReaderSize(zr, 1<<16)
	head, err := br.ReadString('\n')
	if err != nil {
		return nil, fmt.Errorf("%s:1: header: %w", name, err)
	}
	f := strings.Fields(head)
	if len(f) != 3 || f[0] != q8Magic {
		return nil, fmt.Errorf("%s:1: header %q: want \"%s V D\"", name, strings.TrimSpace(head), q8Magic)
	}
	n, err1 := strconv.Atoi(f[1])
	dim, err2 := strconv.Atoi(f[2])
	if err1 != nil || err2 != nil || n < 0 || n > 1<<24 || dim < 1 || dim > 1<<16 {
		return nil, fmt.Errorf("%s:1: header %q: bad sizes", name, strings.TrimSpace(head))
	}
	// The header's sizes are claims: everything grows with what is read,
	// so a short file cannot make it allocate for millions of rows.
	words := make([]string, 0, min(n, 1<<16))
	for i := 0; i < n; i++ {
		w, err := br.ReadString('\n')
		if err != nil || len(w) < 2 {
			return nil, fmt.Errorf("%s:%d: word %d of %d: missing", name, i+2, i+1, n)
		}
		words = append(words, w[:len(w)-1])
	}
	var scales bytes.Buffer
	if m, err := scales.ReadFrom(io.LimitReader(br, 4*int64(n))); err != nil || m != 4*int64(n) {
		return nil, fmt.Errorf("%s: row scales: %d of %d bytes", name, m, 4*n)
	}
	sc := scales.Bytes()
	q := make([]byte, dim)
	data := make([]float32, 0, min(n*dim, 1<<22))
	for i := 0; i < n; i++ {
		if _, err := io.ReadFull(br, q); err != nil {
			return nil, fmt.Errorf("%s: values of row %d (%q): %w", name, i+1, words[i], err)
		}
		s := math.Float32frombits(binary.LittleEndian.Uint32(sc[4*i:]))
		if s-s != 0 {
			return nil, fmt.Errorf("%s: the scale of row %d (%q) is %v, not finite", name, i+1, words[i], s)
		}
		for _, b := range q {
			data = append(data, s*float32(int8(b)))
		}
	}
	if _, err := br.ReadByte(); err != io.EOF {
		return nil, fmt.Errorf("%s: data after the last row", name)
	}
	v, err := FromMatrix(words, data, dim)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return v, nil
}

// DecodeQ8Bytes is DecodeQ8 of an in-memory file.
func DecodeQ8Bytes(b []byte, name string) (*Vectors, error) {
	return DecodeQ8(bytes.NewReader(b), name)
}
