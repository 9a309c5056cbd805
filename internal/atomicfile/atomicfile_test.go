package atomicfile

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

type failAfter struct {
	w io.Writer
	n int
}

func (f *failAfter) Write(p []byte) (int, error) {
	if f.n -= len(p); f.n < 0 {
		return 0, errors.New("disk full")
	}
	return f.w.Write(p)
}

func TestWriteIsWholeOrNothing(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "f.txt")
	if err := Write(path, func(w io.Writer) error { _, err := io.WriteString(w, "old"); return err }); err != nil {
		t.Fatal(err)
	}
	WrapForTest = func(w io.Writer) io.Writer { return &failAfter{w: w, n: 10} }
	defer func() { WrapForTest = nil }()
	big := make([]byte, 1<<17)
	if err := Write(path, func(w io.Writer) error { _, err := w.Write(big); return err }); err == nil {
		t.Fatal("a failed write reported success")
	}
	if b, err := os.ReadFile(path); err != nil || string(b) != "old" {
		t.Fatalf("after a failed write the file holds %q, %v", b, err)
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 1 {
		t.Fatalf("temporary files left: %v", ents)
	}
	if st, _ := os.Stat(path); st.Mode().Perm() != 0o644 {
		t.Fatalf("mode %v", st.Mode())
	}
}

// The temporary files of writes whose process died are removed by the next
// write of the same path; a write under way (its temporary file locked)
// and other files are left alone.
func TestWriteRemovesAbandonedTemporaries(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "m.ckpt")
	dead := filepath.Join(dir, ".m.ckpt.tmp-111")
	other := filepath.Join(dir, ".n.ckpt.tmp-222")
	for _, p := range []string{dead, other} {
		if err := os.WriteFile(p, []byte("half a checkpoint"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	live, err := os.CreateTemp(dir, ".m.ckpt.tmp-*")
	if err != nil {
		t.Fatal(err)
	}
	defer live.Close()
	lock(live)
	if err := Write(path, func(w io.Writer) error { _, err := io.WriteString(w, "new"); return err }); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(dead); !os.IsNotExist(err) {
		t.Errorf("the abandoned temporary file is still there: %v", err)
	}
	if _, err := os.Stat(other); err != nil {
		t.Errorf("another path's temporary file was removed: %v", err)
	}
	if _, err := os.Stat(live.Name()); err != nil && runtime.GOOS != "windows" {
		t.Errorf("a write under way lost its temporary file: %v", err)
	}
}
