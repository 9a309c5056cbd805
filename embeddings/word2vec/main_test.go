package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rnnzoo/rnnzoo/embeddings"
	"github.com/rnnzoo/rnnzoo/internal/cli"
)

// run runs the program; a non-zero exit is an error holding what the
// program wrote to standard error.
func run(args []string, stdout, stderr io.Writer) error {
	var errs bytes.Buffer
	if code := program.Run(&cli.Env{Stdout: stdout, Stderr: io.MultiWriter(stderr, &errs)}, args); code != 0 {
		return fmt.Errorf("exit %d: %s", code, errs.String())
	}
	return nil
}

func writeCorpus(t *testing.T, dir string) string {
	var b strings.Builder
	for i := 0; i < 600; i++ {
		topic := "a"
		if i%2 == 1 {
			topic = "b"
		}
		for j := 0; j < 15; j++ {
			fmt.Fprintf(&b, "%s%d ", topic, (i*7+j*3)%10)
		}
		b.WriteString("\n")
	}
	p := filepath.Join(dir, "corpus.txt")
	if err := os.WriteFile(p, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestTrainCommandHogwildJSON(t *testing.T) {
	dir := t.TempDir()
	corpus := writeCorpus(t, dir)
	out := filepath.Join(dir, "v.bin")
	vocab := filepath.Join(dir, "v.vocab")
	var stdout, stderr bytes.Buffer
	err := run([]string{"train", "-train", corpus, "-output", out, "-size", "12", "-min-count", "1", "-iter", "2",
		"-threads", "2", "-cbow", "0", "-binary", "1", "-save-vocab", vocab, "-json"}, &stdout, &stderr)
	if err != nil {
		t.Fatalf("%v\n%s", err, stderr.String())
	}
	lines := strings.Split(strings.TrimSpace(stdout.String()), "\n")
	var summary map[string]any
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &summary); err != nil {
		t.Fatalf("last line is not JSON: %q", lines[len(lines)-1])
	}
	if summary["vocab_size"].(float64) != 21 || summary["corpus_words"].(float64) != 600*16 {
		t.Fatalf("summary %v", summary)
	}
	v, err := embeddings.Load(out, embeddings.Auto)
	if err != nil || v.Len() != 21 || v.Dim != 12 || v.Words[0] != "</s>" {
		t.Fatalf("%v %v", v, err)
	}
	fh, _ := os.Open(vocab)
	defer fh.Close()
	wc, err := embeddings.ReadVocab(fh, vocab)
	if err != nil || len(wc) != 21 {
		t.Fatalf("vocab %v %v", wc, err)
	}
	if !strings.Contains(stderr.String(), "Words/sec") {
		t.Fatalf("no progress: %q", stderr.String())
	}
}

func TestReproducibleCommand(t *testing.T) {
	dir := t.TempDir()
	corpus := writeCorpus(t, dir)
	var files [2][]byte
	for i := range files {
		out := filepath.Join(dir, fmt.Sprintf("r%d.txt", i))
		var so, se bytes.Buffer
		if err := run([]string{"train", "-train", corpus, "-output", out, "-size", "8", "-min-count", "1", "-iter", "1",
			"-reproducible", "-seed", "9", "-quiet"}, &so, &se); err != nil {
			t.Fatal(err, se.String())
		}
		files[i], _ = os.ReadFile(out)
	}
	if !bytes.Equal(files[0], files[1]) {
		t.Fatal("-reproducible runs differ")
	}
}

func TestQueryCommands(t *testing.T) {
	dir := t.TempDir()
	vec := filepath.Join(dir, "v.txt")
	os.WriteFile(vec, []byte("4 2\nking 0.9 0.8\nqueen 0.9 -0.7\nman 0.1 0.9\nwoman 0.1 -0.8\n"), 0o644)
	qs := filepath.Join(dir, "q.txt")
	os.WriteFile(qs, []byte(": family\nman king woman queen\nman king woman aunt\n"), 0o644)
	sim := filepath.Join(dir, "sim.txt")
	os.WriteFile(sim, []byte("king\tman\t8\nking\twoman\t2\nqueen\twoman\t7\n"), 0o644)
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"similar", "-vectors", vec, "-n", "1", "king"}, "man"},
		{[]string{"analogy", "-vectors", vec, "-n", "1", "man", "king", "woman"}, "queen"},
		{[]string{"analogy", "-vectors", vec, "-method", "3cosmul", "man", "king", "woman"}, "queen"},
		{[]string{"eval-analogy", "-vectors", vec, "-questions", qs, "-json"}, `"coverage":0.5`},
		{[]string{"eval-sim", "-vectors", vec, "-json", sim}, `"spearman":1`},
	}
	for _, c := range cases {
		var so, se bytes.Buffer
		if err := run(c.args, &so, &se); err != nil {
			t.Fatalf("%v: %v", c.args, err)
		}
		if !strings.Contains(so.String(), c.want) {
			t.Errorf("%v: output %q lacks %q", c.args, so.String(), c.want)
		}
	}
}

func TestCommandErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.txt")
	os.WriteFile(bad, []byte("2 2\na 1 2\nb 1 x\n"), 0o644)
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"nope"}, "unknown command"},
		{[]string{"train"}, "-train FILE is required"},
		{[]string{"train", "-train", filepath.Join(dir, "missing.txt"), "-output", "x"}, "missing.txt"},
		{[]string{"similar", "-vectors", bad, "a"}, "bad.txt:3: field 3"},
		{[]string{"analogy", "-vectors", bad, "a", "b"}, "three words"},
	}
	for _, c := range cases {
		var so, se bytes.Buffer
		err := run(c.args, &so, &se)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: err %v, want %q", c.args, err, c.want)
		}
	}
}
