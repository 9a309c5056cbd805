package images

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"image"
	"image/png"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"

	"github.com/rnnzoo/rnnzoo/datasets"
)

func idxBytes(t testing.TB, x *IDX, gz bool) []byte {
	var b bytes.Buffer
	if err := WriteIDX(&b, x); err != nil {
		t.Fatal(err)
	}
	if !gz {
		return b.Bytes()
	}
	var z bytes.Buffer
	zw := gzip.NewWriter(&z)
	zw.Write(b.Bytes())
	zw.Close()
	return z.Bytes()
}

func tinyImages() (*IDX, *IDX) {
	// Two 2×3 images and their labels.
	img := &IDX{Type: UInt8, Dims: []int{2, 2, 3}, Data: []byte{0, 51, 102, 153, 204, 255, 255, 0, 0, 0, 0, 255}}
	lab := &IDX{Type: UInt8, Dims: []int{2}, Data: []byte{7, 3}}
	return img, lab
}

func TestIDXRoundTripRawAndGzip(t *testing.T) {
	img, _ := tinyImages()
	for _, gz := range []bool{false, true} {
		x, err := ReadIDX(bytes.NewReader(idxBytes(t, img, gz)))
		if err != nil {
			t.Fatalf("gz=%v: %v", gz, err)
		}
		if x.Type != UInt8 || !reflect.DeepEqual(x.Dims, img.Dims) || !bytes.Equal(x.Data, img.Data) {
			t.Fatalf("gz=%v: got %+v", gz, x)
		}
	}
	f := &IDX{Type: Float32, Dims: []int{2}, Data: []byte{0x3f, 0x80, 0, 0, 0xc0, 0, 0, 0}}
	x, err := ReadIDX(bytes.NewReader(idxBytes(t, f, true)))
	if err != nil || x.Len() != 2 || x.Float64(0) != 1 || x.Float64(1) != -2 {
		t.Fatalf("float32 IDX: %v %v", x, err)
	}
	s := &IDX{Type: Int16, Dims: []int{1}, Data: []byte{0xff, 0xfe}}
	if x, _ := ReadIDX(bytes.NewReader(idxBytes(t, s, false))); x.Float64(0) != -2 {
		t.Fatalf("int16 IDX: %v", x.Float64(0))
	}
}

func TestIDXBrokenFiles(t *testing.T) {
	img, _ := tinyImages()
	good := idxBytes(t, img, false)
	gz := idxBytes(t, img, true)
	cases := []struct {
		name, want string
		data       []byte
	}{
		{"empty", "magic", nil},
		{"short magic", "magic", []byte{0, 0}},
		{"bad magic", "not an IDX file", append([]byte{1, 2}, good[2:]...)},
		{"unknown type", "unknown element type", append([]byte{0, 0, 0x42}, good[3:]...)},
		{"zero dims", "zero dimensions", []byte{0, 0, 8, 0}},
		{"header cut", "dimension 2 of 3", good[:9]},
		{"data cut", "truncated", good[:len(good)-1]},
		{"trailing", "trailing data", append(append([]byte{}, good...), 9)},
		{"huge", "more than", []byte{0, 0, 8, 3, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 2}},
		{"gzip cut", "unexpected EOF", gz[:len(gz)-6]},
		{"gzip header only", "gzip", gz[:5]},
	}
	for _, c := range cases {
		_, err := ReadIDX(bytes.NewReader(c.data))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one containing %q", c.name, err, c.want)
		}
	}
	// Corrupt the gzip checksum: the reader must notice.
	bad := append([]byte{}, gz...)
	bad[len(bad)-8] ^= 0xff
	if _, err := ReadIDX(bytes.NewReader(bad)); err == nil {
		t.Error("gzip checksum error not reported")
	}
}

func TestReadIDXFileNamesFile(t *testing.T) {
	p := filepath.Join(t.TempDir(), "x-idx1-ubyte")
	os.WriteFile(p, []byte{0, 0, 8, 1, 0, 0, 0, 5, 1, 2}, 0o644)
	_, err := ReadIDXFile(p)
	if err == nil || !strings.HasPrefix(err.Error(), p+": truncated") {
		t.Fatalf("error %v should start with the file name", err)
	}
}

func FuzzReadIDX(f *testing.F) {
	img, lab := tinyImages()
	f.Add(idxBytes(f, img, false))
	f.Add(idxBytes(f, lab, true))
	f.Add([]byte{0, 0, 0x0d, 1, 0, 0, 0, 1, 0x3f, 0x80, 0, 0})
	f.Add([]byte{0, 0, 8, 3, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 2})
	f.Add([]byte{0x1f, 0x8b, 8, 0})
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		x, err := ReadIDX(bytes.NewReader(data))
		if err != nil {
			return
		}
		n := 1
		for _, d := range x.Dims {
			n *= d
		}
		if len(x.Data) != n*x.Type.Size() {
			t.Fatalf("dims %v type %s but %d bytes", x.Dims, x.Type, len(x.Data))
		}
		for i := 0; i < x.Len() && i < 4; i++ {
			_ = x.Float64(i)
		}
		var b bytes.Buffer
		if err := WriteIDX(&b, x); err != nil {
			t.Fatal(err)
		}
		if y, err := ReadIDX(&b); err != nil || !bytes.Equal(y.Data, x.Data) {
			t.Fatalf("round trip: %v", err)
		}
	})
}

func TestFromIDXAndSequences(t *testing.T) {
	img, lab := tinyImages()
	s, err := FromIDX("tiny", img, lab)
	if err != nil {
		t.Fatal(err)
	}
	if s.N != 2 || s.H != 2 || s.W != 3 || s.Classes != 8 || s.Labels[1] != 3 {
		t.Fatalf("set %+v", s)
	}
	if s.Pixel(0, 1, 2) != 1 || s.Pixel(0, 0, 1) != 0.2 {
		t.Fatalf("pixels %v", s.Image(0))
	}
	cols := s.Columns(0)
	if len(cols) != 3 || !reflect.DeepEqual(cols[1], []float32{0.2, 0.8}) {
		t.Fatalf("columns %v", cols)
	}
	rows := s.Rows(0)
	if len(rows) != 2 || !reflect.DeepEqual(rows[1], []float32{0.6, 0.8, 1}) {
		t.Fatalf("rows %v", rows)
	}
	x, labels := s.SequenceBatch([]int{1, 0}, false, nil, nil)
	// step 1 (second column), batch item 1 (image 0) = column 1 of image 0.
	if len(x) != 3*2*2 || !reflect.DeepEqual(x[(1*2+1)*2:(1*2+2)*2], []float32{0.2, 0.8}) || !reflect.DeepEqual(labels, []int{3, 7}) {
		t.Fatalf("batch %v %v", x, labels)
	}
	xr, _ := s.SequenceBatch([]int{0}, true, nil, nil)
	if !reflect.DeepEqual(xr[3:6], rows[1]) {
		t.Fatalf("row batch %v", xr)
	}
	sub := s.Subset([]int{1})
	if sub.N != 1 || sub.Labels[0] != 3 || sub.Pixel(0, 1, 2) != 1 {
		t.Fatalf("subset %+v", sub)
	}
	if _, err := FromIDX("bad", img, &IDX{Type: UInt8, Dims: []int{3}, Data: []byte{1, 2, 3}}); err == nil {
		t.Fatal("count mismatch accepted")
	}
	if u, err := FromIDX("unlabelled", img, nil); err != nil || u.Labels[1] != -1 || u.Classes != 0 {
		t.Fatalf("unlabelled: %v %v", u, err)
	}
	if _, err := FromIDX("bad", lab, lab); err == nil {
		t.Fatal("1-D images accepted")
	}
}

func TestDigitsEmbedded(t *testing.T) {
	all, err := Digits()
	if err != nil {
		t.Fatal(err)
	}
	if all.N != DigitsCount || len(all.Pixels) != DigitsCount*64 || len(all.Labels) != DigitsCount {
		t.Fatalf("got %d images, %d pixels", all.N, len(all.Pixels))
	}
	count := make([]int, 10)
	for _, l := range all.Labels {
		count[l]++
	}
	for c, k := range count {
		if k < 170 || k > 190 {
			t.Fatalf("class %d has %d images", c, k)
		}
	}
	// First image of the file is a 0 (scikit-learn's digits.images[0]).
	if all.Labels[0] != 0 || all.Pixel(0, 0, 2) != 5.0/16 {
		t.Fatalf("first image label %d, pixel %v", all.Labels[0], all.Pixel(0, 0, 2))
	}
	train, test, err := DigitsSplit()
	if err != nil {
		t.Fatal(err)
	}
	if train.N != 1438 || test.N != 359 {
		t.Fatalf("split %d/%d", train.N, test.N)
	}
	train2, test2, _ := DigitsSplit()
	if !reflect.DeepEqual(train.Labels, train2.Labels) || !reflect.DeepEqual(test.Pixels, test2.Pixels) {
		t.Fatal("split not deterministic")
	}
}

func TestReadDigitsCSVErrors(t *testing.T) {
	row := strings.Repeat("0,", 64) + "3"
	cases := map[string]string{
		row[2:]:                                "digits.csv:1: 64 fields",
		strings.Repeat("0,", 64) + "x":         "digits.csv:1: field 65",
		strings.Repeat("0,", 64) + "10":        "label 10",
		"17," + strings.Repeat("0,", 63) + "1": "field 1: pixel 17",
		"":                                     "no images",
	}
	for in, want := range cases {
		_, err := ReadDigitsCSV("digits.csv", strings.NewReader(in))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: error %v, want %q", in[:min(len(in), 20)], err, want)
		}
	}
	s, err := ReadDigitsCSV("d", strings.NewReader(row+"\r\n\n"+row+"\n"))
	if err != nil || s.N != 2 {
		t.Fatalf("%v %v", s, err)
	}
}

func FuzzReadDigitsCSV(f *testing.F) {
	f.Add(strings.Repeat("0,", 64) + "3\n")
	f.Add(strings.Repeat("16,", 64) + "9\r\n")
	f.Add("1,2,3\n")
	f.Add(strings.Repeat("0,", 64) + "-1")
	f.Fuzz(func(t *testing.T, in string) {
		s, err := ReadDigitsCSV("f", strings.NewReader(in))
		if err != nil {
			return
		}
		if len(s.Pixels) != s.N*64 || len(s.Labels) != s.N {
			t.Fatalf("inconsistent set %d %d %d", s.N, len(s.Pixels), len(s.Labels))
		}
	})
}

func TestLoadDirFindsVariants(t *testing.T) {
	img, lab := tinyImages()
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "train-images-idx3-ubyte.gz"), idxBytes(t, img, true), 0o644)
	os.WriteFile(filepath.Join(dir, "train-labels-idx1-ubyte"), idxBytes(t, lab, false), 0o644)
	os.WriteFile(filepath.Join(dir, "t10k-images.idx3-ubyte"), idxBytes(t, img, false), 0o644)
	if _, _, err := LoadDir(MNIST, dir); !errors.Is(err, ErrNotFound) {
		t.Fatalf("missing t10k labels: %v", err)
	}
	os.WriteFile(filepath.Join(dir, "t10k-labels-idx1-ubyte.gz"), idxBytes(t, lab, true), 0o644)
	train, test, err := LoadDir(Fashion, dir)
	if err != nil {
		t.Fatal(err)
	}
	if train.N != 2 || test.N != 2 || train.ClassName(0) != "T-shirt/top" {
		t.Fatalf("%+v %+v", train, test)
	}
	if _, _, err := Open("cifar", dir, false); err == nil {
		t.Fatal("unknown family accepted")
	}
	if tr, _, err := Open(MNIST, dir, false); err != nil || tr.N != 2 {
		t.Fatalf("Open with a dir: %v", err)
	}
}

func TestVerifyContent(t *testing.T) {
	_, lab := tinyImages()
	dir := t.TempDir()
	p := filepath.Join(dir, "l.gz")
	os.WriteFile(p, idxBytes(t, lab, true), 0o644)
	raw := filepath.Join(dir, "l")
	os.WriteFile(raw, idxBytes(t, lab, false), 0o644)
	sum := "0e4fc1b5c29e09ba9a4fde2ea5bdca0c6aba54ee53bd27c51a4aca37b7c79b65"
	e1, e2 := verifyContent(p, sum), verifyContent(raw, sum)
	if (e1 == nil) != (e2 == nil) {
		t.Fatalf("gzip and raw disagree: %v / %v", e1, e2)
	}
}

// The shared MNIST files (../shared/data/mnist), when present.
func TestSharedMNIST(t *testing.T) {
	dir, err := datasets.SharedPath("data/mnist")
	if errors.Is(err, datasets.ErrNoShared) {
		t.Skipf("skipping: %v", err)
	}
	x, err := ReadIDXFile(filepath.Join(dir, "t10k-images-idx3-ubyte.gz"))
	if err != nil {
		t.Fatal(err)
	}
	y, err := ReadIDXFile(filepath.Join(dir, "t10k-labels-idx1-ubyte.gz"))
	if err != nil {
		t.Fatal(err)
	}
	s, err := FromIDX("mnist/test", x, y)
	if err != nil {
		t.Fatal(err)
	}
	if s.N != 10000 || s.H != 28 || s.W != 28 || s.Classes != 10 || s.Labels[0] != 7 {
		t.Fatalf("t10k: %d images %d×%d, %d classes, first label %d", s.N, s.H, s.W, s.Classes, s.Labels[0])
	}
	if err := verifyContent(filepath.Join(dir, "t10k-labels-idx1-ubyte.gz"), families[MNIST].sums[3]); err != nil {
		t.Fatal(err)
	}
	// LoadDir on the real files, t10k standing in for train too (the 60,000
	// training images would only slow the test down).
	tmp := t.TempDir()
	for _, kind := range []string{"images-idx3", "labels-idx1"} {
		src := filepath.Join(dir, "t10k-"+kind+"-ubyte.gz")
		for _, part := range []string{"train", "t10k"} {
			if err := os.Symlink(src, filepath.Join(tmp, part+"-"+kind+"-ubyte.gz")); err != nil {
				t.Fatal(err)
			}
		}
	}
	train, test, err := Open(MNIST, tmp, false)
	if err != nil {
		t.Fatal(err)
	}
	if train.N != 10000 || test.N != 10000 || test.Labels[1] != 2 {
		t.Fatalf("MNIST %d/%d", train.N, test.N)
	}
}

// Debian's Fashion-MNIST (package dataset-fashion-mnist), when installed.
func TestDebianFashion(t *testing.T) {
	if !hasAll(DebianFashionDir) {
		t.Skipf("skipping: %s is absent (apt-get install dataset-fashion-mnist)", DebianFashionDir)
	}
	p, _ := findFile(DebianFashionDir, idxFiles[3])
	if err := verifyContent(p, families[Fashion].sums[3]); err != nil {
		t.Fatal(err)
	}
	x, err := ReadIDXFile(p)
	if err != nil || x.Dims[0] != 10000 {
		t.Fatalf("%v %v", x.Dims, err)
	}
}

func ExampleDigitsSplit() {
	train, test, err := DigitsSplit()
	if err != nil {
		panic(err)
	}
	steps, features := train.SeqShape(false)
	fmt.Println(train.N, test.N, train.Classes)
	fmt.Println(steps, "columns of", features, "pixels")
	// Output:
	// 1438 359 10
	// 8 columns of 8 pixels
}

func ExampleSet_Columns() {
	all, _ := Digits()
	for _, line := range strings.Split(strings.TrimSuffix(all.ASCII(0), "\n"), "\n") {
		fmt.Printf("|%s|\n", line)
	}
	fmt.Println("label", all.Labels[0], "third column", all.Columns(0)[2])
	// Output:
	// |  -#+.  |
	// |  #%*%- |
	// | :%. *+ |
	// | :#  ++ |
	// | -+  ++ |
	// | :* .#= |
	// | .%-*#  |
	// |  -#*   |
	// label 0 third column [0.3125 0.8125 0.9375 0.75 0.5 0.6875 0.875 0.375]
}

func TestPNGHelpers(t *testing.T) {
	all, _ := Digits()
	var buf bytes.Buffer
	if err := WriteGridPNG(&buf, [][]float32{all.Image(0), all.Image(1), all.Image(2)}, 8, 8, 2, 3); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "grid.png")
	os.WriteFile(p, buf.Bytes(), 0o644)
	// The grid is 2×(8·3+1)+1 = 51 wide and 51 high; read back one cell.
	back, err := ReadPNG(p, 51, 51, false)
	if err != nil {
		t.Fatal(err)
	}
	if back[0] < 0.49 || back[0] > 0.52 {
		t.Fatalf("border pixel %v", back[0])
	}
	g := Gray(all.Image(0), 8, 8)
	same := FromImage(g, 8, 8, false)
	for i, v := range all.Image(0) {
		if d := same[i] - v; d > 0.003 || d < -0.003 {
			t.Fatalf("pixel %d: %v vs %v", i, same[i], v)
		}
	}
	small := FromImage(Gray(all.Image(0), 8, 8), 4, 4, true)
	if len(small) != 16 || small[0] != 1 {
		t.Fatalf("downscaled %v", small)
	}
	if err := WriteGridPNG(&buf, nil, 8, 8, 2, 1); err == nil {
		t.Fatal("empty grid accepted")
	}
	os.WriteFile(p, []byte("not a png"), 0o644)
	if _, err := ReadPNG(p, 8, 8, false); err == nil || !strings.Contains(err.Error(), p) {
		t.Fatalf("bad PNG: %v", err)
	}
}

func TestTransform(t *testing.T) {
	// 3×3 image with pixels 1..9, row-major.
	src := []float32{1, 2, 3, 4, 5, 6, 7, 8, 9}
	for _, c := range []struct {
		dy, dx int
		flip   bool
		want   []float32
	}{
		{0, 0, false, []float32{1, 2, 3, 4, 5, 6, 7, 8, 9}},
		{1, 0, false, []float32{0, 0, 0, 1, 2, 3, 4, 5, 6}},
		{0, -1, false, []float32{2, 3, 0, 5, 6, 0, 8, 9, 0}},
		{-1, 2, false, []float32{0, 0, 4, 0, 0, 7, 0, 0, 0}},
		{0, 0, true, []float32{3, 2, 1, 6, 5, 4, 9, 8, 7}},
		{0, 1, true, []float32{0, 3, 2, 0, 6, 5, 0, 9, 8}},
		{5, 0, false, make([]float32, 9)},
	} {
		got := Transform(nil, src, 3, 3, c.dy, c.dx, c.flip)
		if fmt.Sprint(got) != fmt.Sprint(c.want) {
			t.Errorf("dy %d dx %d flip %v: %v, want %v", c.dy, c.dx, c.flip, got, c.want)
		}
	}
	// A 2×3 image, reusing dst.
	dst := make([]float32, 6)
	got := Transform(dst, []float32{1, 2, 3, 4, 5, 6}, 2, 3, 0, 1, false)
	if &got[0] != &dst[0] || fmt.Sprint(got) != "[0 1 2 0 4 5]" {
		t.Fatalf("2×3 shifted right: %v", got)
	}
}

func TestAugment(t *testing.T) {
	for s, want := range map[string]Augment{"": {}, "none": {}, "shift2": {Shift: 2}, "flip,shift1": {Shift: 1, Flip: true}} {
		a, err := ParseAugment(s)
		if err != nil || a != want {
			t.Errorf("ParseAugment(%q) = %+v, %v", s, a, err)
		}
		if b, err := ParseAugment(a.String()); err != nil || b != a {
			t.Errorf("%q round trip: %+v, %v", a.String(), b, err)
		}
	}
	for _, s := range []string{"shift", "shift9", "shift-1", "rotate", "flip,"} {
		if _, err := ParseAugment(s); err == nil {
			t.Errorf("ParseAugment(%q) accepted", s)
		}
	}
	if !(Augment{}).None() || (Augment{Flip: true}).None() {
		t.Fatal("None")
	}
	// Draws cover [−2, 2] in both directions and both mirror states, and
	// the zero value draws nothing.
	rng := rand.New(rand.NewPCG(1, 2))
	seen := map[[3]int]bool{}
	for range 2000 {
		dy, dx, f := Augment{Shift: 2, Flip: true}.Draw(rng)
		fl := 0
		if f {
			fl = 1
		}
		seen[[3]int{dy, dx, fl}] = true
	}
	if len(seen) != 50 {
		t.Fatalf("%d distinct draws, want 5·5·2", len(seen))
	}
	if dy, dx, f := (Augment{}).Draw(rng); dy != 0 || dx != 0 || f {
		t.Fatal("the zero Augment drew a change")
	}
	// Views are exactly the distinct draws, the unchanged image first.
	views := Augment{Shift: 2, Flip: true}.Views()
	distinct := map[View]bool{}
	for _, v := range views {
		fl := 0
		if v.Flip {
			fl = 1
		}
		if !seen[[3]int{v.DY, v.DX, fl}] {
			t.Errorf("view %+v is not a draw", v)
		}
		distinct[v] = true
	}
	if len(views) != 50 || len(distinct) != 50 || views[0] != (View{}) {
		t.Fatalf("%d views (%d distinct), first %+v", len(views), len(distinct), views[0])
	}
	if n := len(Augment{Shift: 1, Flip: true}.Views()); n != 18 {
		t.Fatalf("flip,shift1: %d views, want 18", n)
	}
	if v := (Augment{}).Views(); len(v) != 1 || v[0] != (View{}) {
		t.Fatalf("no augmentation: views %v", v)
	}
	if v := (Augment{Flip: true}).Views(); len(v) != 2 || v[1] != (View{Flip: true}) {
		t.Fatalf("flip: views %v", v)
	}
}

// pngDeclaring is a valid 2×2 PNG whose header is rewritten to declare
// w×h pixels (with a correct CRC), as a decompression bomb would.
func pngDeclaring(t testing.TB, w, h uint32) []byte {
	var buf bytes.Buffer
	if err := png.Encode(&buf, image.NewGray(image.Rect(0, 0, 2, 2))); err != nil {
		t.Fatal(err)
	}
	b := buf.Bytes()
	// 8-byte signature, then the IHDR chunk: length, "IHDR", width, height, …, CRC.
	binary.BigEndian.PutUint32(b[16:], w)
	binary.BigEndian.PutUint32(b[20:], h)
	binary.BigEndian.PutUint32(b[29:], crc32.ChecksumIEEE(b[12:29]))
	return b
}

func TestReadPNGChecksTheDeclaredSize(t *testing.T) {
	p := filepath.Join(t.TempDir(), "bomb.png")
	os.WriteFile(p, pngDeclaring(t, 60000, 60000), 0o644)
	var m0, m1 runtime.MemStats
	runtime.ReadMemStats(&m0)
	_, err := ReadPNG(p, 8, 8, false)
	runtime.ReadMemStats(&m1)
	if err == nil || !strings.Contains(err.Error(), "declares 60000×60000 pixels") {
		t.Fatalf("bomb: %v", err)
	}
	if grew := m1.TotalAlloc - m0.TotalAlloc; grew > 16<<20 {
		t.Fatalf("allocated %d MB to refuse it", grew>>20)
	}
	os.WriteFile(p, pngDeclaring(t, 2, 2), 0o644)
	if _, err := ReadPNG(p, 8, 8, false); err != nil {
		t.Fatalf("the 2×2 PNG itself: %v", err)
	}
}

func FuzzReadPNG(f *testing.F) {
	f.Add(pngDeclaring(f, 2, 2))
	f.Add(pngDeclaring(f, 60000, 60000))
	f.Add(pngDeclaring(f, 1<<31-1, 1))
	f.Add([]byte("\x89PNG\r\n\x1a\n"))
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		p := filepath.Join(dir, "fuzz.png")
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		img, err := ReadPNG(p, 8, 8, false)
		if err != nil {
			if !strings.Contains(err.Error(), p) {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		if len(img) != 64 {
			t.Fatalf("%d pixels, want 64", len(img))
		}
	})
}

// An MNIST label of 200 is a damaged file, not a model of 201 classes.
func TestLoadDirRefusesLabelsPastNine(t *testing.T) {
	img, lab := tinyImages()
	dir := t.TempDir()
	bad := &IDX{Type: UInt8, Dims: []int{2}, Data: []byte{7, 200}}
	os.WriteFile(filepath.Join(dir, "train-images-idx3-ubyte"), idxBytes(t, img, false), 0o644)
	os.WriteFile(filepath.Join(dir, "train-labels-idx1-ubyte"), idxBytes(t, bad, false), 0o644)
	os.WriteFile(filepath.Join(dir, "t10k-images-idx3-ubyte"), idxBytes(t, img, false), 0o644)
	os.WriteFile(filepath.Join(dir, "t10k-labels-idx1-ubyte"), idxBytes(t, lab, false), 0o644)
	if _, _, err := LoadDir(MNIST, dir); err == nil || !strings.Contains(err.Error(), "label 200 of image 1 is not a class 0..9") {
		t.Fatalf("label 200: %v", err)
	}
	os.WriteFile(filepath.Join(dir, "train-labels-idx1-ubyte"), idxBytes(t, lab, false), 0o644)
	train, _, err := LoadDir(MNIST, dir)
	if err != nil || train.Classes != 10 {
		t.Fatalf("labels 7 and 3: %v, %d classes", err, train.Classes)
	}
}

// FuzzFromIDX: an images file and a labels file, whatever their shapes and
// labels, make a consistent set or an error naming the set.
func FuzzFromIDX(f *testing.F) {
	img, lab := tinyImages()
	f.Add(idxBytes(f, img, false), idxBytes(f, lab, false))
	f.Add(idxBytes(f, img, false), idxBytes(f, &IDX{Type: UInt8, Dims: []int{3}, Data: []byte{1, 2, 3}}, false))
	f.Add(idxBytes(f, img, false), []byte{})
	f.Add(idxBytes(f, &IDX{Type: UInt8, Dims: []int{0, 8, 8}}, false), idxBytes(f, &IDX{Type: UInt8, Dims: []int{0}}, false))
	f.Fuzz(func(t *testing.T, images, labels []byte) {
		x, err := ReadIDX(bytes.NewReader(images))
		if err != nil {
			return
		}
		var y *IDX
		if len(labels) > 0 {
			if y, err = ReadIDX(bytes.NewReader(labels)); err != nil {
				return
			}
		}
		s, err := FromIDX("fuzz", x, y)
		if err != nil {
			if !strings.Contains(err.Error(), "fuzz") {
				t.Fatalf("error does not name the set: %v", err)
			}
			return
		}
		if s.Pixels != nil || len(s.Bytes) != s.N*s.H*s.W || s.Max != 255 || len(s.Labels) != s.N {
			t.Fatalf("set of %d images %d×%d with %d pixels, %d bytes (max %v) and %d labels", s.N, s.H, s.W, len(s.Pixels), len(s.Bytes), s.Max, len(s.Labels))
		}
		for i := 0; i < s.N; i++ {
			img := s.Image(i)
			for j, v := range img {
				if want := float32(x.Data[i*s.H*s.W+j]) / 255; v != want {
					t.Fatalf("image %d pixel %d: %v, want %v", i, j, v, want)
				}
			}
		}
		for i, l := range s.Labels {
			if l >= s.Classes || (y != nil && l < 0) {
				t.Fatalf("label %d of image %d, %d classes", l, i, s.Classes)
			}
		}
		if s.N > 0 {
			_ = s.Image(s.N - 1)
		}
	})
}

// TestByteSet: a set kept as bytes gives the pixels byte/Max through Image,
// ImageTo, Pixel and SequenceBatch, and Subset keeps it as bytes.
func TestByteSet(t *testing.T) {
	s := &Set{Name: "b", N: 3, H: 2, W: 2, Bytes: []uint8{0, 1, 2, 3, 255, 128, 64, 32, 7, 8, 9, 10}, Max: 255, Labels: []int{0, 1, 2}, Classes: 3}
	buf := make([]float32, 1)
	for i := 0; i < s.N; i++ {
		img, to := s.Image(i), s.ImageTo(buf, i)
		for j := range img {
			want := float32(s.Bytes[i*4+j]) / 255
			if img[j] != want || to[j] != want || s.Pixel(i, j/2, j%2) != want {
				t.Fatalf("image %d pixel %d: %v, %v, %v, want %v", i, j, img[j], to[j], s.Pixel(i, j/2, j%2), want)
			}
		}
	}
	sub := s.Subset([]int{2, 0})
	if sub.Pixels != nil || string(sub.Bytes) != string(append(append([]uint8(nil), s.Bytes[8:]...), s.Bytes[:4]...)) || sub.Max != 255 {
		t.Fatalf("subset %+v", sub)
	}
	seq, labels := s.SequenceBatch([]int{1}, true, nil, nil)
	if seq[0] != 1 || seq[3] != 32.0/255 || labels[0] != 1 {
		t.Fatalf("sequence %v, labels %v", seq, labels)
	}
}

// The test-time views of an augmentation: the image first, then every
// shift and mirror Draw can give.
func ExampleAugment_Views() {
	a, _ := ParseAugment("flip,shift1")
	views := a.Views()
	fmt.Println(len(views), views[0], views[1], views[len(views)-1])
	// Output: 18 {0 0 false} {-1 -1 false} {1 1 true}
}
