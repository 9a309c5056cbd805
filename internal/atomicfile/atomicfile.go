// Package atomicfile writes files whole or not at all, the one way every
// rnnzoo package writes a file a reader may open: the content goes to a
// temporary file in the same directory, which is synced, made 0644 and
// renamed over the path; the directory is synced too (where the file system
// allows). If anything fails, the path keeps its old content and the
// temporary file is removed.
package atomicfile

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// WrapForTest, when set by a test, wraps the writer of the temporary file
// (to simulate a failure midway).
var WrapForTest func(io.Writer) io.Writer

// Write calls write with a buffered writer onto a temporary file and, if it
// succeeds, puts the file at path.
func Write(path string, write func(io.Writer) error) (err error) {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	tmp := f.Name()
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
	return nil
}
