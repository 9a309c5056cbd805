package doccheck

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestReadmeSnippetRuns compiles and runs the README's Go snippet (the
// ```go block) inside a main function, so that it cannot rot: it must
// stay at most 15 lines, build against today's API and classify its
// sentence as positive.
func TestReadmeSnippetRuns(t *testing.T) {
	root, readme := readReadme(t)
	_, rest, ok := strings.Cut(string(readme), "```go\n")
	if !ok {
		t.Fatal("README.md has no ```go block")
	}
	snippet, _, ok := strings.Cut(rest, "```")
	if !ok {
		t.Fatal("README.md's ```go block is not closed")
	}
	if n := strings.Count(snippet, "\n"); n > 15 {
		t.Errorf("the README's Go snippet has %d lines, want at most 15", n)
	}
	// A directory starting with "_" is left out of ./... patterns.
	dir, err := os.MkdirTemp(filepath.Join(root, "internal", "doccheck"), "_snippet")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(dir)
	src := "package main\n\nimport (\n\t\"fmt\"\n\t\"log\"\n\n\t\"github.com/rnnzoo/rnnzoo/models/sentiment/polarity\"\n)\n\nfunc main() {\n" + snippet + "}\n"
	if err := os.WriteFile(filepath.Join(dir, "main.go"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("go", "run", "./internal/doccheck/"+filepath.Base(dir))
	cmd.Dir = root
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("the README's snippet does not run: %v\n%s\n%s", err, out, src)
	}
	if !strings.HasPrefix(string(out), "positive [") {
		t.Errorf("the README's snippet printed %q, want positive and the probabilities", out)
	}
}
