package images

import (
	"bufio"
	"compress/gzip"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"os"
	"strings"
)

// DType is the element type byte of an IDX file.
type DType byte

// The IDX element types.
const (
	UInt8   DType = 0x08
	Int8    DType = 0x09
	Int16   DType = 0x0B
	Int32   DType = 0x0C
	Float32 DType = 0x0D
	Float64 DType = 0x0E
)

// Size is the number of bytes of one element, or 0 for an unknown type.
func (t DType) Size() int {
	switch t {
	case UInt8, Int8:
		return 1
	case Int16:
		return 2
	case Int32, Float32:
		return 4
	case Float64:
		return 8
	}
	return 0
}

func (t DType) String() string {
	switch t {
	case UInt8:
		return "uint8"
	case Int8:
		return "int8"
	case Int16:
		return "int16"
	case Int32:
		return "int32"
	case Float32:
		return "float32"
	case Float64:
		return "float64"
	}
	return fmt.Sprintf("unknown(0x%02x)", byte(t))
}

// MaxIDXElements bounds the element count an IDX header may declare
// (1<<31), so that a corrupt header cannot ask for absurd memory.
const MaxIDXElements = 1 << 31

// idxFirstRead is the most bytes readIDX allocates on the header's word
// alone.
const idxFirstRead = 64 << 20

// IDX is the content of one IDX file: element type, dimensions, and the
// elements as stored (big-endian).
type IDX struct {
	Type DType
	Dims []int
	Data []byte
}

// Len is the number of elements.
func (x *IDX) Len() int {
	if x.Type.Size() == 0 {
		return 0
	}
	return len(x.Data) / x.Type.Size()
}

// Float64 returns element i converted to float64.
func (x *IDX) Float64(i int) float64 {
	switch x.Type {
	case UInt8:
		return float64(x.Data[i])
	case Int8:
		return float64(int8(x.Data[i]))
	case Int16:
		return float64(int16(binary.BigEndian.Uint16(x.Data[2*i:])))
	case Int32:
		return float64(int32(binary.BigEndian.Uint32(x.Data[4*i:])))
	case Float32:
		return float64(math.Float32frombits(binary.BigEndian.Uint32(x.Data[4*i:])))
	case Float64:
		return math.Float64frombits(binary.BigEndian.Uint64(x.Data[8*i:]))
	}
	return math.NaN()
}

// ReadIDX reads one IDX file, gzip-compressed or raw (detected from the
// first two bytes). It checks the magic number, the element type, the
// dimensions, that the data is complete and that nothing follows it.
func ReadIDX(r io.Reader) (*IDX, error) {
	br := bufio.NewReader(r)
	if head, _ := br.Peek(2); len(head) == 2 && head[0] == 0x1f && head[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, fmt.Errorf("idx: gzip: %w", err)
		}
		defer zr.Close()
		return readIDX(bufio.NewReader(zr))
	}
	return readIDX(br)
}

func readIDX(r io.Reader) (*IDX, error) {
	var magic [4]byte
	if n, err := io.ReadFull(r, magic[:]); err != nil {
		return nil, fmt.Errorf("idx: header: file ends after %d of 4 magic bytes", n)
	}
	if magic[0] != 0 || magic[1] != 0 {
		return nil, fmt.Errorf("idx: magic number %02x%02x%02x%02x: not an IDX file (want 0000, type, dims)", magic[0], magic[1], magic[2], magic[3])
	}
	t := DType(magic[2])
	if t.Size() == 0 {
		return nil, fmt.Errorf("idx: magic number: unknown element type 0x%02x", magic[2])
	}
	nd := int(magic[3])
	if nd == 0 {
		return nil, fmt.Errorf("idx: magic number: zero dimensions")
	}
	x := &IDX{Type: t, Dims: make([]int, nd)}
	n := int64(1)
	for i := range x.Dims {
		var b [4]byte
		if _, err := io.ReadFull(r, b[:]); err != nil {
			return nil, fmt.Errorf("idx: header: file ends in dimension %d of %d", i+1, nd)
		}
		d := binary.BigEndian.Uint32(b[:])
		x.Dims[i] = int(d)
		n *= int64(d)
		if n > MaxIDXElements {
			return nil, fmt.Errorf("idx: dimensions %v... declare more than %d elements", x.Dims[:i+1], int64(MaxIDXElements))
		}
	}
	size := n * int64(t.Size())
	// Allocate what the header declares up to idxFirstRead, then grow with
	// the data actually read, so that a corrupt header cannot allocate
	// more than that of what the file does not hold, and a real file (MNIST:
	// 47 MB) is read into one buffer of its size (bytes.Buffer doubled it).
	data := make([]byte, 0, min(size, idxFirstRead))
	for int64(len(data)) < size {
		if len(data) == cap(data) {
			grown := make([]byte, len(data), min(size, 2*int64(cap(data))))
			copy(grown, data)
			data = grown
		}
		k, err := r.Read(data[len(data):cap(data)])
		data = data[:len(data)+k]
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("idx: data: %w", err)
		}
	}
	if got := int64(len(data)); got != size {
		return nil, fmt.Errorf("idx: truncated: dimensions %v of %s need %d data bytes, file has %d", x.Dims, t, size, got)
	}
	var extra [1]byte
	k, err := io.ReadFull(r, extra[:])
	if k > 0 {
		return nil, fmt.Errorf("idx: trailing data after the %d bytes that dimensions %v of %s declare", size, x.Dims, t)
	}
	if err != nil && err != io.EOF {
		return nil, fmt.Errorf("idx: after the data: %w", err)
	}
	x.Data = data
	return x, nil
}

// ReadIDXFile reads the IDX file at path; errors name the file.
func ReadIDXFile(path string) (*IDX, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	x, err := ReadIDX(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %s", path, strings.TrimPrefix(err.Error(), "idx: "))
	}
	return x, nil
}

// WriteIDX writes x raw (not compressed). Tests and tools use it to make
// small files.
func WriteIDX(w io.Writer, x *IDX) error {
	if x.Type.Size() == 0 || len(x.Dims) == 0 || len(x.Dims) > 255 {
		return fmt.Errorf("idx: cannot write type %s with %d dimensions", x.Type, len(x.Dims))
	}
	n := 1
	hdr := []byte{0, 0, byte(x.Type), byte(len(x.Dims))}
	for _, d := range x.Dims {
		if d < 0 || int64(d) > math.MaxUint32 {
			return fmt.Errorf("idx: dimension %d out of range", d)
		}
		n *= d
		hdr = binary.BigEndian.AppendUint32(hdr, uint32(d))
	}
	if len(x.Data) != n*x.Type.Size() {
		return fmt.Errorf("idx: %d data bytes for dimensions %v of %s", len(x.Data), x.Dims, x.Type)
	}
	if _, err := w.Write(hdr); err != nil {
		return err
	}
	_, err := w.Write(x.Data)
	return err
}
