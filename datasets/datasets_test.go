package datasets

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"
)

func TestSplitDeterministicAndComplete(t *testing.T) {
	a, err := Split(1797, 1, 0.8, 0.2)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := Split(1797, 1, 0.8, 0.2)
	if !reflect.DeepEqual(a, b) {
		t.Fatal("same seed gave different splits")
	}
	if len(a[0]) != 1438 || len(a[1]) != 359 {
		t.Fatalf("sizes %d, %d", len(a[0]), len(a[1]))
	}
	all := append(append([]int{}, a[0]...), a[1]...)
	sort.Ints(all)
	for i, v := range all {
		if v != i {
			t.Fatalf("index %d missing or repeated", i)
		}
	}
	c, _ := Split(1797, 2, 0.8, 0.2)
	if reflect.DeepEqual(a, c) {
		t.Fatal("different seeds gave the same split")
	}
	if _, err := Split(10, 1, 0.8, 0.3); err == nil {
		t.Fatal("fractions over 1 accepted")
	}
	if _, err := Split(10, 1, -0.1); err == nil {
		t.Fatal("negative fraction accepted")
	}
	p, _ := Split(10, 1, 0.5)
	if len(p[0]) != 5 {
		t.Fatalf("partial split has %d", len(p[0]))
	}
}

func TestPermStable(t *testing.T) {
	// The generator is ours: this sequence must never change.
	got := Perm(8, 42)
	want := []int{3, 1, 6, 2, 4, 0, 7, 5}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("Perm(8, 42) = %v, want %v", got, want)
	}
}

func TestDownloadChecksAndIsAtomic(t *testing.T) {
	body := []byte("hello, data\n")
	h := sha256.Sum256(body)
	sum := hex.EncodeToString(h[:])
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/missing" {
			http.NotFound(w, r)
			return
		}
		w.Write(body)
	}))
	defer srv.Close()
	dir := t.TempDir()
	dst := filepath.Join(dir, "sub", "f.txt")
	if err := Download(srv.URL+"/f", sum, dst); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(dst); string(b) != string(body) {
		t.Fatalf("got %q", b)
	}
	bad := filepath.Join(dir, "bad.txt")
	wrong := "0000000000000000000000000000000000000000000000000000000000000000"
	if err := Download(srv.URL+"/f", wrong, bad); err == nil {
		t.Fatal("wrong checksum accepted")
	}
	if _, err := os.Stat(bad); !errors.Is(err, os.ErrNotExist) {
		t.Fatal("a file that failed its checksum was left in place")
	}
	if err := Download(srv.URL+"/missing", sum, bad); err == nil {
		t.Fatal("404 accepted")
	}
	if err := Download(srv.URL+"/f", "", bad); err == nil {
		t.Fatal("empty checksum accepted")
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if e.Name() != "sub" {
			t.Fatalf("left behind %s", e.Name())
		}
	}
}

func TestSharedPath(t *testing.T) {
	t.Setenv(SharedEnv, filepath.Join(t.TempDir(), "nope"))
	if _, err := SharedDir(); !errors.Is(err, ErrNoShared) {
		t.Fatalf("want ErrNoShared, got %v", err)
	}
	d := t.TempDir()
	os.MkdirAll(filepath.Join(d, "data", "x"), 0o755)
	t.Setenv(SharedEnv, d)
	if p, err := SharedPath("data/x"); err != nil || p != filepath.Join(d, "data", "x") {
		t.Fatalf("SharedPath = %q, %v", p, err)
	}
	if _, err := SharedPath("data/y"); !errors.Is(err, ErrNoShared) {
		t.Fatalf("missing path: %v", err)
	}
}

func TestModuleRoot(t *testing.T) {
	root, err := ModuleRoot()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "datasets", "doc.go")); err != nil {
		t.Fatalf("root %s: %v", root, err)
	}
}

func ExampleSplit() {
	parts, _ := Split(10, 7, 0.8, 0.2)
	fmt.Println(len(parts[0]), len(parts[1]))
	again, _ := Split(10, 7, 0.8, 0.2)
	fmt.Println(parts[1][0] == again[1][0])
	// Output:
	// 8 2
	// true
}

func TestSplitmix64Reference(t *testing.T) {
	// First outputs of the reference splitmix64 for seed 1234567.
	r := NewRand(1234567)
	for _, want := range []uint64{6457827717110365317, 3203168211198807973} {
		if got := r.Uint64(); got != want {
			t.Fatalf("got %d, want %d", got, want)
		}
	}
}

func TestLines(t *testing.T) {
	var got []string
	err := Lines("x.txt", strings.NewReader("\ufeffa\r\nb\n\nc"), func(n int, line string) error {
		got = append(got, fmt.Sprintf("%d:%s", n, line))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"1:a", "2:b", "3:", "4:c"}; !slices.Equal(got, want) {
		t.Fatalf("got %q, want %q", got, want)
	}
	stop := errors.New("stop")
	if err := Lines("x.txt", strings.NewReader("a\nb\n"), func(int, string) error { return stop }); err != stop {
		t.Fatalf("fn's error not returned as it is: %v", err)
	}
	// A line past the 64 KiB buffer is read whole; one past MaxLine is an
	// error that names the line.
	mid := strings.Repeat("x", 100<<10)
	got = got[:0]
	if err := Lines("x.txt", strings.NewReader("a\n"+mid+"\nb"), func(n int, line string) error {
		got = append(got, fmt.Sprintf("%d:%d", n, len(line)))
		return nil
	}); err != nil || !slices.Equal(got, []string{"1:1", "2:102400", "3:1"}) {
		t.Fatalf("long line: %q, %v", got, err)
	}
	huge := "ok\n" + strings.Repeat("y", MaxLine+10) + "\n"
	if err := Lines("x.txt", strings.NewReader(huge), func(int, string) error { return nil }); err == nil || !strings.Contains(err.Error(), "x.txt:2: line longer than 16 MiB") {
		t.Fatalf("huge line: %v", err)
	}
}
