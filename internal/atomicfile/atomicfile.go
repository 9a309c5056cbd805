// Package atomicfile writes files whole or not at all, the one way every
// rnnzoo package writes a file a reader may open: the content goes to a
// temporary file in the same directory, which is synced, made 0644 and
// renamed over the path; the directory is synced too (where the file system
// allows). If anything fails, the path keeps its old content and the
// temporary file is removed.
//
// A process killed while it writes (SIGKILL, power loss) leaves its
// temporary file behind. While a write is under way its temporary file is
// locked (flock on Unix); after a successful rename, Write removes the
// temporary files of the same path that no live process holds, so the
// next save of a crashed run cleans up. Where there is no flock, a
// temporary file untouched for an hour counts as abandoned.
package atomicfile

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// WrapForTest, when set by a test, wraps the writer of the temporary file
// (to simulate a failure midway).
var WrapForTest func(io.Writer) io.Writer

// Write calls write with a buffered writer onto a temporary file and, if it
// succeeds, puts the file at path.
func Write(path string, write func(io.Writer) error) error {
	return WriteVerified(path, write, nil)
}

// WriteVerified is Write with a check of the complete temporary file
// (for example its SHA-256) before it replaces path: if verify fails, path
// is left as it was.
func WriteVerified(path string, write func(io.Writer) error, verify func(tmp string) error) (err error) {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	tmp := f.Name()
	lock(f)
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(tmp)
			err = fmt.Errorf("writing %s (left unchanged): %w", path, err)
		}
	}()
	var w io.Writer = f
	if WrapForTest != nil {
		w = WrapForTest(w)
	}
	bw := bufio.NewWriterSize(w, 1<<16)
	if err = write(bw); err != nil {
		return err
	}
	if err = bw.Flush(); err != nil {
		return err
	}
	if err = f.Chmod(0o644); err != nil { // CreateTemp makes it 0600
		return err
	}
	if err = f.Sync(); err != nil {
		return err
	}
	if verify != nil {
		if err = verify(tmp); err != nil {
			return err
		}
	}
	if err = f.Close(); err != nil {
		return err
	}
	if err = os.Rename(tmp, path); err != nil {
		return err
	}
	if d, derr := os.Open(dir); derr == nil {
		_ = d.Sync() // best effort: not every file system syncs directories
		d.Close()
	}
	RemoveStale(path)
	return nil
}

// RemoveStale removes the temporary files that writes of path left behind
// when their process died: those matching ".<name>.tmp-*" beside it that no
// live write holds. It returns how many it removed.
func RemoveStale(path string) int {
	dir, prefix := filepath.Dir(path), "."+filepath.Base(path)+".tmp-"
	entries, err := os.ReadDir(dir)
	if err != nil {
		return 0
	}
	n := 0
	for _, e := range entries {
		if m := filepath.Join(dir, e.Name()); e.Type().IsRegular() && strings.HasPrefix(e.Name(), prefix) && abandoned(m) && os.Remove(m) == nil {
			n++
		}
	}
	return n
}
