package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// testProgram has one command with a flag check, one that fails, one that
// is interrupted and one that prints a result.
func testProgram() *Program {
	return &Program{Name: "prog", Summary: "a test", Default: "run", Commands: []Command{
		{Name: "run", Short: "checks -n", Run: func(env *Env, args []string) error {
			fs, c := Start(env, "prog", "run", ReadModelHelp)
			n := fs.Int("n", 1, "a count")
			if err := c.Ready(env, fs, args, true, Positive(map[string]*int{"n": n})); err != nil {
				return err
			}
			return c.Print(env, fmt.Sprintf("n=%d", *n), map[string]int{"n": *n})
		}},
		{Name: "fail", Short: "fails", Run: func(*Env, []string) error { return errors.New("broken\nsecond line") }},
		{Name: "stop", Short: "is interrupted", Run: func(*Env, []string) error { return Interrupted(context.Canceled, "") }},
	}}
}

func run(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = testProgram().Run(&Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb}, args)
	return code, out.String(), errb.String()
}

func TestExitCodes(t *testing.T) {
	for _, c := range []struct {
		args       []string
		code       int
		out, inErr string
	}{
		{nil, 0, "n=1\n", ""},
		{[]string{"run", "-n", "3"}, 0, "n=3\n", ""},
		{[]string{"run", "-n", "3", "-json"}, 0, "{\"n\":3}\n", ""},
		{[]string{"-n", "2"}, 0, "n=2\n", ""},
		{[]string{"run", "-n", "0"}, 2, "", "prog run: -n 0: want at least 1; see prog run -h"},
		{[]string{"run", "-bogus"}, 2, "", "prog run:"},
		{[]string{"run", "extra"}, 2, "", "prog run:"},
		{[]string{"nope"}, 2, "", `unknown command "nope"`},
		{[]string{"fail"}, 1, "", "prog fail: broken; second line"},
		{[]string{"stop"}, 130, "", "interrupted"},
		{[]string{"-h"}, 0, "", ""},
		{[]string{"run", "-h"}, 0, "", ""},
	} {
		code, out, errs := run(t, c.args...)
		if code != c.code || (c.out != "" && out != c.out) || !strings.Contains(errs, c.inErr) {
			t.Errorf("%q: exit %d, stdout %q, stderr %q; want exit %d, stdout %q, stderr with %q", c.args, code, out, errs, c.code, c.out, c.inErr)
		}
		if c.code == 2 && strings.Count(strings.TrimSpace(errs), "\n") != 0 {
			t.Errorf("%q: a usage error takes one line, got %q", c.args, errs)
		}
	}
	if _, out, _ := run(t, "-h"); !strings.Contains(out, "run") || !strings.Contains(out, "fail") {
		t.Errorf("-h lists the commands on stdout, got %q", out)
	}
	if _, out, _ := run(t, "run", "-h"); !strings.Contains(out, "-n") {
		t.Errorf("run -h lists the flags on stdout, got %q", out)
	}
}

func TestInterrupted(t *testing.T) {
	dir := t.TempDir()
	saved := filepath.Join(dir, "state.ckpt")
	if err := os.WriteFile(saved, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	other := errors.New("disk full")
	if got := Interrupted(other, saved); got != other {
		t.Errorf("a non-cancellation changed: %v", got)
	}
	if got := Interrupted(nil, saved); got != nil {
		t.Errorf("nil became %v", got)
	}
	got := Interrupted(fmt.Errorf("training: %w", context.Canceled), saved)
	if !errors.Is(got, context.Canceled) || !strings.Contains(got.Error(), saved) || !strings.Contains(got.Error(), "-resume") {
		t.Errorf("saved state: %v", got)
	}
	got = Interrupted(context.Canceled, filepath.Join(dir, "none.ckpt"))
	if !errors.Is(got, context.Canceled) || !strings.Contains(got.Error(), "nothing was saved") {
		t.Errorf("no state: %v", got)
	}
}

func TestTexts(t *testing.T) {
	got, err := Texts(nil, strings.NewReader("  one \n\n two\r\n\t\nthree"))
	if err != nil || strings.Join(got, "|") != "one|two|three" {
		t.Fatalf("Texts = %q, %v", got, err)
	}
	if got, err := Texts([]string{"a b"}, strings.NewReader("ignored")); err != nil || len(got) != 1 || got[0] != "a b" {
		t.Fatalf("arguments win: %q, %v", got, err)
	}
	long := "ok\n\n" + strings.Repeat("x", 2<<20) + "\n"
	if _, err := Texts(nil, strings.NewReader(long)); err == nil || !strings.Contains(err.Error(), "line 3") {
		t.Fatalf("a 2 MiB line: %v, want an error naming line 3", err)
	}
}

func TestWritePathAndIsSet(t *testing.T) {
	c := &Common{Model: "/tmp/x.ckpt"}
	if p, err := c.WritePath("prog"); err != nil || p != "/tmp/x.ckpt" {
		t.Errorf("WritePath with -model = %q, %v", p, err)
	}
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	if p, err := (&Common{}).WritePath("prog"); err != nil || filepath.Base(p) != "model.ckpt" || filepath.Base(filepath.Dir(p)) != "prog" {
		t.Errorf("WritePath default = %q, %v", p, err)
	}
	env := &Env{Stdout: &bytes.Buffer{}, Stderr: &bytes.Buffer{}}
	fs := Flags(env, "prog", "x")
	fs.Int("a", 0, "")
	fs.Int("b", 0, "")
	if err := Parse(env, fs, []string{"-a", "0"}, true); err != nil {
		t.Fatal(err)
	}
	if !IsSet(fs, "a") || IsSet(fs, "b") {
		t.Errorf("IsSet(a) = %v, IsSet(b) = %v; want true, false", IsSet(fs, "a"), IsSet(fs, "b"))
	}
}
