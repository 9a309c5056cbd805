package doccheck

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// command is one `go run` or `go test` command cited in the README.
type command struct {
	line string
	args []string // after "go run" or "go test"
	test bool
}

var (
	codeSpan = regexp.MustCompile("`([^`]*go (?:run|test) [^`]*)`")
	goCmd    = regexp.MustCompile(`\bgo (run|test) (.*)$`)
)

// readmeCommands finds the commands of README.md: in fenced blocks (with
// their continuation lines joined) and in inline code spans.
func readmeCommands(t *testing.T, path string) []command {
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var lines []string
	fenced, pending := false, ""
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		l := sc.Text()
		if strings.HasPrefix(l, "```") {
			fenced = !fenced
			continue
		}
		if fenced {
			l = pending + l
			pending = ""
			if strings.HasSuffix(l, `\`) {
				pending = strings.TrimSuffix(l, `\`) + " "
				continue
			}
			if i := strings.Index(l, " #"); i >= 0 {
				l = l[:i]
			}
			lines = append(lines, l)
			continue
		}
		for _, m := range codeSpan.FindAllStringSubmatch(l, -1) {
			lines = append(lines, m[1])
		}
	}
	var cmds []command
	for _, l := range lines {
		m := goCmd.FindStringSubmatch(l)
		if m == nil {
			continue
		}
		cmds = append(cmds, command{line: l, args: fields(m[2]), test: m[1] == "test"})
	}
	return cmds
}

// fields splits like a shell, keeping quoted strings whole and stopping at
// a redirection or a pipe into another program.
func fields(s string) []string {
	var out []string
	var cur strings.Builder
	quote := byte(0)
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			} else {
				cur.WriteByte(c)
			}
		case c == '"' || c == '\'':
			quote = c
		case c == ' ' || c == '\t':
			if cur.Len() > 0 {
				out = append(out, cur.String())
				cur.Reset()
			}
		case c == '>' || c == ';':
			if cur.Len() > 0 {
				out = append(out, cur.String())
			}
			return out
		default:
			cur.WriteByte(c)
		}
	}
	if cur.Len() > 0 {
		out = append(out, cur.String())
	}
	return out
}

// readReadme returns the module root and README.md, skipping the test
// where the go command is missing.
func readReadme(t *testing.T) (root string, readme []byte) {
	t.Helper()
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("needs the go command")
	}
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	readme, err = os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	return root, readme
}

// README.md (at most 150 lines) and the RESULTS.md files cite only
// programs, subcommands, flags and packages that exist.
func TestReadmeCommandsExist(t *testing.T) {
	root, readme := readReadme(t)
	if n := strings.Count(string(readme), "\n"); n > 150 {
		t.Errorf("README.md has %d lines; the front door holds at most 150 (results go in the RESULTS.md beside each model)", n)
	}
	docs, err := filepath.Glob(filepath.Join(root, "*", "*", "RESULTS.md"))
	if err != nil {
		t.Fatal(err)
	}
	more, _ := filepath.Glob(filepath.Join(root, "*", "RESULTS.md"))
	var cmds []command
	for _, doc := range append([]string{filepath.Join(root, "README.md")}, append(more, docs...)...) {
		cmds = append(cmds, readmeCommands(t, doc)...)
	}
	if len(cmds) < 10 {
		t.Fatalf("found only %d commands in README.md and the RESULTS.md files", len(cmds))
	}
	bin := t.TempDir()
	built := map[string]string{}    // program path → binary
	helps := map[string]string{}    // binary + subcommand → -h output
	defaults := map[string]string{} // binary → default subcommand
	help := func(exe string, args ...string) string {
		out, _ := exec.Command(exe, args...).CombinedOutput()
		return string(out)
	}
	for _, c := range cmds {
		if c.test {
			for _, a := range c.args {
				if strings.HasPrefix(a, "./") {
					if out, err := exec.Command("go", "list", "-C", root, a).CombinedOutput(); err != nil {
						t.Errorf("README: %q: go list %s: %s", c.line, a, out)
					}
				}
			}
			continue
		}
		if len(c.args) == 0 || !strings.HasPrefix(c.args[0], "./") {
			t.Errorf("README: %q: want a program's path after go run", c.line)
			continue
		}
		prog := c.args[0]
		exe, ok := built[prog]
		if !ok {
			exe = filepath.Join(bin, filepath.Base(prog))
			if out, err := exec.Command("go", "build", "-C", root, "-o", exe, prog).CombinedOutput(); err != nil {
				t.Errorf("README: %q: go build %s: %s", c.line, prog, out)
				built[prog] = ""
				continue
			}
			built[prog] = exe
			top := help(exe, "-h")
			if m := regexp.MustCompile(`\(no command: (\S+)\)`).FindStringSubmatch(top); m != nil {
				defaults[exe] = m[1]
			}
			helps[exe] = top
		}
		if exe == "" {
			continue
		}
		rest := c.args[1:]
		subs := []string{defaults[exe]}
		if len(rest) > 0 && !strings.HasPrefix(rest[0], "-") {
			subs = strings.Split(rest[0], "|")
			rest = rest[1:]
		}
		for _, sub := range subs {
			if !regexp.MustCompile(`(?m)^\s+` + regexp.QuoteMeta(sub) + `\s`).MatchString(helps[exe]) {
				t.Errorf("README: %q: %s has no command %q", c.line, prog, sub)
				continue
			}
			key := exe + " " + sub
			if _, ok := helps[key]; !ok {
				helps[key] = help(exe, sub, "-h")
			}
			for _, a := range rest {
				a = strings.TrimLeft(a, "[")
				if !strings.HasPrefix(a, "-") || len(a) < 2 || a[1] == '-' || (a[1] >= '0' && a[1] <= '9') {
					continue
				}
				name := strings.SplitN(strings.TrimRight(a[1:], "]"), "=", 2)[0]
				if !regexp.MustCompile(`(?m)^\s+-` + regexp.QuoteMeta(name) + `\b`).MatchString(helps[key]) {
					t.Errorf("README: %q: %s %s has no flag -%s", c.line, prog, sub, name)
				}
			}
		}
	}
	t.Logf("%d commands checked, %d programs built", len(cmds), len(built))
}
