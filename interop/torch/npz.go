package torch

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
)

// ReadNPZ reads the arrays of a numpy .npz archive (np.savez or
// np.savez_compressed) held in b: each member "name.npy" becomes the
// tensor "name". Arrays must be little-endian float32 or float64 in C
// order.
func ReadNPZ(b []byte) (StateDict, error) {
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		return nil, fmt.Errorf("npz: %w", err)
	}
	sd := StateDict{}
	var total uint64
	for _, f := range zr.File {
		if !strings.HasSuffix(f.Name, ".npy") {
			return nil, fmt.Errorf("npz: member %q is not a .npy array", f.Name)
		}
		total += f.UncompressedSize64
		if f.UncompressedSize64 > MaxFile || total > MaxFile {
			return nil, fmt.Errorf("npz: member %q: %d bytes uncompressed, above the %d-byte limit", f.Name, f.UncompressedSize64, int64(MaxFile))
		}
		rc, err := f.Open()
		if err != nil {
			return nil, fmt.Errorf("npz: member %q: %w", f.Name, err)
		}
		data, err := io.ReadAll(io.LimitReader(rc, int64(f.UncompressedSize64)+1))
		rc.Close()
		if err != nil {
			return nil, fmt.Errorf("npz: member %q: %w", f.Name, err)
		}
		if uint64(len(data)) != f.UncompressedSize64 {
			return nil, fmt.Errorf("npz: member %q holds %d bytes, its header says %d", f.Name, len(data), f.UncompressedSize64)
		}
		name := strings.TrimSuffix(f.Name, ".npy")
		if _, dup := sd[name]; dup {
			return nil, fmt.Errorf("npz: array %q appears twice", name)
		}
		if sd[name], err = ReadNPY(data); err != nil {
			return nil, fmt.Errorf("npz: member %q: %w", f.Name, err)
		}
	}
	return sd, nil
}

// ReadNPY reads one .npy array (format versions 1 to 3) of little-endian
// float32 or float64 values in C order.
func ReadNPY(b []byte) (Tensor, error) {
	const magic = "\x93NUMPY"
	if len(b) < 10 || string(b[:6]) != magic {
		return Tensor{}, fmt.Errorf("npy: no \\x93NUMPY magic at the start")
	}
	major := b[6]
	var hlen, start int
	switch major {
	case 1:
		hlen, start = int(binary.LittleEndian.Uint16(b[8:10])), 10
	case 2, 3:
		if len(b) < 12 {
			return Tensor{}, fmt.Errorf("npy: %d bytes, too short for a version %d header", len(b), major)
		}
		n := binary.LittleEndian.Uint32(b[8:12])
		if uint64(n) > uint64(len(b)) {
			return Tensor{}, fmt.Errorf("npy: header length %d runs past the %d-byte array", n, len(b))
		}
		hlen, start = int(n), 12
	default:
		return Tensor{}, fmt.Errorf("npy: format version %d (want 1, 2 or 3)", major)
	}
	if start+hlen > len(b) {
		return Tensor{}, fmt.Errorf("npy: header length %d runs past the %d-byte array", hlen, len(b))
	}
	hdr, data := string(b[start:start+hlen]), b[start+hlen:]
	descr, err := headerField(hdr, "descr")
	if err != nil {
		return Tensor{}, err
	}
	size := map[string]int{"'<f4'": 4, "'<f8'": 8}[descr]
	if size == 0 {
		return Tensor{}, fmt.Errorf("npy: header field descr is %s (want '<f4' or '<f8': little-endian float32 or float64)", descr)
	}
	if fo, err := headerField(hdr, "fortran_order"); err != nil || fo != "False" {
		return Tensor{}, fmt.Errorf("npy: header field fortran_order is %q (want False: C order)", fo)
	}
	shapeText, err := headerField(hdr, "shape")
	if err != nil {
		return Tensor{}, err
	}
	shape, err := parseShape(shapeText)
	if err != nil {
		return Tensor{}, err
	}
	n := uint64(1)
	for _, d := range shape {
		n *= uint64(d)
		if n > uint64(len(data)) {
			break
		}
	}
	if n*uint64(size) != uint64(len(data)) {
		return Tensor{}, fmt.Errorf("npy: header field shape %v wants %d values, the array holds %d bytes", shape, n, len(data))
	}
	t := Tensor{Shape: shape, Data: make([]float64, n)}
	for i := range t.Data {
		if size == 4 {
			t.Data[i] = float64(math.Float32frombits(binary.LittleEndian.Uint32(data[4*i:])))
		} else {
			t.Data[i] = math.Float64frombits(binary.LittleEndian.Uint64(data[8*i:]))
		}
	}
	return t, nil
}

// headerField returns the text of a field's value in a .npy header, a
// Python dict literal such as {'descr': '<f4', 'fortran_order': False,
// 'shape': (3, 4), }.
func headerField(hdr, key string) (string, error) {
	i := strings.Index(hdr, "'"+key+"':")
	if i < 0 {
		return "", fmt.Errorf("npy: header has no field %s", key)
	}
	rest := strings.TrimSpace(hdr[i+len(key)+3:])
	if strings.HasPrefix(rest, "(") {
		j := strings.IndexByte(rest, ')')
		if j < 0 {
			return "", fmt.Errorf("npy: header field %s has no closing parenthesis", key)
		}
		return rest[:j+1], nil
	}
	j := strings.IndexAny(rest, ",}")
	if j < 0 {
		return "", fmt.Errorf("npy: header field %s has no end", key)
	}
	return strings.TrimSpace(rest[:j]), nil
}

// parseShape reads a Python tuple of non-negative ints, e.g. "(3, 4)",
// "(5,)" or "()".
func parseShape(s string) ([]int, error) {
	inner := strings.TrimSuffix(strings.TrimPrefix(s, "("), ")")
	shape := []int{}
	for _, part := range strings.Split(inner, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		d, err := strconv.Atoi(strings.TrimSuffix(part, "L"))
		if err != nil || d < 0 || d > MaxFile {
			return nil, fmt.Errorf("npy: header field shape %s: %q is not a size", s, part)
		}
		shape = append(shape, d)
	}
	if len(shape) > 8 {
		return nil, fmt.Errorf("npy: header field shape %s has %d dimensions (at most 8)", s, len(shape))
	}
	return shape, nil
}
