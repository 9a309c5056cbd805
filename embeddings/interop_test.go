package embeddings

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// gensimPython returns a Python with gensim, or skips.
func gensimPython(t *testing.T) string {
	t.Helper()
	for _, py := range []string{"/usr/bin/python3", "python3"} {
		p, err := exec.LookPath(py)
		if err != nil {
			continue
		}
		if exec.Command(p, "-c", "import gensim").Run() == nil {
			return p
		}
	}
	t.Skip("gensim not installed (apt-get install python3-gensim): skipping the interop test")
	return ""
}

// The Python side: load our files with gensim and write them back in its own
// text and binary formats; also write a set built in Python.
const interopPy = `
import sys, numpy as np
from gensim.models import KeyedVectors
d = sys.argv[1]
for name, binary in (("ours.txt", False), ("ours.bin", True)):
    kv = KeyedVectors.load_word2vec_format(d + "/" + name, binary=binary)
    kv.save_word2vec_format(d + "/back_" + name, binary=binary)
kv = KeyedVectors(vector_size=4)
words = ["alpha", "beta", "gamma", "d\u00e9j\u00e0"]
vecs = np.array([[0.1, -2.5, 3e-7, 1e10], [1, 2, 3, 4], [-0.333333, 0.5, 0.25, -1], [7, 8, 9, 10]], dtype=np.float32)
kv.add_vectors(words, vecs)
kv.save_word2vec_format(d + "/gensim.txt", binary=False)
kv.save_word2vec_format(d + "/gensim.bin", binary=True)
`

func TestGensimInterop(t *testing.T) {
	py := gensimPython(t)
	dir := t.TempDir()
	v := sample(t)
	for _, n := range []string{"ours.txt", "ours.bin"} {
		if err := v.Save(filepath.Join(dir, n), Auto); err != nil {
			t.Fatal(err)
		}
	}
	script := filepath.Join(dir, "interop.py")
	os.WriteFile(script, []byte(interopPy), 0o644)
	out, err := exec.Command(py, script, dir).CombinedOutput()
	if err != nil {
		t.Fatalf("gensim: %v\n%s", err, out)
	}
	// gensim read our files and wrote the same vectors back.
	for _, n := range []string{"back_ours.txt", "back_ours.bin"} {
		got, err := Load(filepath.Join(dir, n), Auto)
		if err != nil {
			t.Fatal(err)
		}
		equalVectors(t, v, got)
	}
	// We read gensim's own files.
	want, _ := FromMatrix([]string{"alpha", "beta", "gamma", "déjà"},
		[]float32{0.1, -2.5, 3e-7, 1e10, 1, 2, 3, 4, -0.333333, 0.5, 0.25, -1, 7, 8, 9, 10}, 4)
	for _, n := range []string{"gensim.txt", "gensim.bin"} {
		got, err := Load(filepath.Join(dir, n), Auto)
		if err != nil {
			t.Fatalf("%s: %v", n, err)
		}
		equalVectors(t, want, got)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "gensim.txt")); !strings.HasPrefix(string(b), "4 4\n") {
		t.Fatalf("gensim text header: %q", b[:8])
	}
}
