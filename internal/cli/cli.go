// Package cli is the one convention of rnnzoo's programs: subcommand
// dispatch, -h/help, exit codes, -json output, Ctrl-C, and reading texts
// from arguments or standard input.
//
// Exit codes: 0 success and help; 1 a runtime error, printed as one line
// naming the command ("sentiment predict: …"); 2 a usage error (one line
// plus "see -h"); 130 interrupted by Ctrl-C (after the command saved what
// it could, e.g. a resumable checkpoint).
package cli

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime"
	"runtime/debug"
	"sort"
	"strings"

	"github.com/rnnzoo/rnnzoo/blas"
	"github.com/rnnzoo/rnnzoo/datasets"
	"github.com/rnnzoo/rnnzoo/train/checkpoint"
)

// GCPercent is the garbage collector's target of the programs (GOGC) unless
// the environment sets GOGC: a collection when the heap has grown by half
// over what the last one found live, instead of Go's doubling. The heaps of
// these programs are mostly large arrays of floats, without pointers and
// cheap to mark, so the extra collections cost little: measured on the
// sentiment demo (AMD EPYC, 2026-12-07), peak RSS 260 → 201 MB for 3% more
// CPU time. serve sets its own (10).
const GCPercent = 50

// Env is what a command sees of the process.
type Env struct {
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	// Ctx is cancelled by Ctrl-C (SIGINT) or SIGTERM.
	Ctx context.Context
}

// Command is one subcommand.
type Command struct {
	Name  string
	Short string // one line for the help
	Run   func(env *Env, args []string) error
}

// Program is a set of subcommands; Default runs when the first argument is
// absent or a flag.
type Program struct {
	Name     string
	Summary  string // what the program is, one line
	Default  string
	Commands []Command
}

// UsageError marks an error in the command line (exit 2).
type UsageError struct{ Err error }

func (e *UsageError) Error() string { return e.Err.Error() }
func (e *UsageError) Unwrap() error { return e.Err }

// Usagef returns a usage error.
func Usagef(format string, args ...any) error {
	return &UsageError{fmt.Errorf(format, args...)}
}

// Main runs the program on os.Args and exits with its code.
func (p *Program) Main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, sigterm)
	defer stop()
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(GCPercent)
	}
	finish := startProfiles(os.Stderr)
	code := p.Run(&Env{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Ctx: ctx}, os.Args[1:])
	finish()
	stop()
	os.Exit(code)
}

// Run dispatches args and returns the exit code; errors go to env.Stderr.
func (p *Program) Run(env *Env, args []string) int {
	if env.Ctx == nil {
		env.Ctx = context.Background()
	}
	if env.Stdin == nil {
		env.Stdin = strings.NewReader("")
	}
	name := p.Default
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		name, args = args[0], args[1:]
	} else if len(args) > 0 && (args[0] == "-h" || args[0] == "-help" || args[0] == "--help") {
		name, args = "help", nil
	}
	if name == "help" {
		p.help(env.Stdout)
		return 0
	}
	var cmd *Command
	for i := range p.Commands {
		if p.Commands[i].Name == name {
			cmd = &p.Commands[i]
		}
	}
	if cmd == nil {
		fmt.Fprintf(env.Stderr, "%s: unknown command %q; see %s -h\n", p.Name, name, p.Name)
		return 2
	}
	err := cmd.Run(env, args)
	var ue *UsageError
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		return 0
	case errors.As(err, &ue):
		fmt.Fprintf(env.Stderr, "%s %s: %v; see %s %s -h\n", p.Name, cmd.Name, ue.Err, p.Name, cmd.Name)
		return 2
	case errors.Is(err, context.Canceled):
		fmt.Fprintf(env.Stderr, "%s %s: interrupted: %v\n", p.Name, cmd.Name, err)
		return 130
	}
	fmt.Fprintf(env.Stderr, "%s %s: %v\n", p.Name, cmd.Name, oneLine(err.Error()))
	return 1
}

func oneLine(s string) string { return strings.ReplaceAll(strings.TrimSpace(s), "\n", "; ") }

func (p *Program) help(w io.Writer) {
	fmt.Fprintf(w, "%s: %s\n\nusage: %s [command] [flags]   (no command: %s)\n\ncommands:\n", p.Name, p.Summary, p.Name, p.Default)
	for _, c := range p.Commands {
		fmt.Fprintf(w, "  %-10s %s\n", c.Name, c.Short)
	}
	fmt.Fprintf(w, "\n%s COMMAND -h lists the flags of a command.\n", p.Name)
}

// Flags returns a flag set for a command. It prints nothing itself: Parse
// turns a bad flag into a one-line usage error and -h into the list of
// flags on env.Stdout.
func Flags(env *Env, program, command string) *flag.FlagSet {
	fs := flag.NewFlagSet(program+" "+command, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	return fs
}

// Parse parses args; a bad flag is a usage error, -h prints the flags and
// returns flag.ErrHelp (exit 0). With noArgs, positional arguments are
// refused.
func Parse(env *Env, fs *flag.FlagSet, args []string, noArgs bool) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprintf(env.Stdout, "usage of %s:\n", fs.Name())
			fs.SetOutput(env.Stdout)
			fs.PrintDefaults()
			return err
		}
		return &UsageError{err}
	}
	if noArgs && fs.NArg() > 0 {
		return Usagef("unexpected argument %q", fs.Arg(0))
	}
	return nil
}

// PrintJSON writes v as one JSON line.
func PrintJSON(w io.Writer, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintln(w, string(b))
	return err
}

// Texts returns args, or else the non-empty lines of r (trimmed), each at
// most 1 MiB.
func Texts(args []string, r io.Reader) ([]string, error) {
	if len(args) > 0 {
		return args, nil
	}
	var lines []string
	n := 0
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		n++
		if s := strings.TrimSpace(sc.Text()); s != "" {
			lines = append(lines, s)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("standard input, line %d: %w", n+1, err)
	}
	return lines, nil
}

// Human returns where human-readable text goes: stderr when the command
// prints JSON (so that stdout holds only JSON lines), else stdout.
func (env *Env) Human(jsonOut bool) io.Writer {
	if jsonOut {
		return env.Stderr
	}
	return env.Stdout
}

// Common are the flags every command of every program has: -blas,
// -threads, -model and -json.
type Common struct {
	BLAS    string
	Threads int
	Model   string
	JSON    bool
}

// Register adds the common flags to fs; modelHelp describes -model.
func (c *Common) Register(fs *flag.FlagSet, modelHelp string) {
	fs.StringVar(&c.BLAS, "blas", "auto", "matrix kernels: auto, go, go:N, gonum, openblas, openblas:N")
	fs.IntVar(&c.Threads, "threads", 0, "GOMAXPROCS (0: all cores)")
	fs.StringVar(&c.Model, "model", "", modelHelp)
	fs.BoolVar(&c.JSON, "json", false, "print results as JSON lines on stdout (other text goes to stderr)")
}

// Setup applies -threads and -blas and says on stderr which BLAS runs.
func (c *Common) Setup(env *Env) error {
	if c.Threads < 0 {
		return Usagef("-threads %d, want ≥ 0", c.Threads)
	}
	if c.Threads > 0 {
		runtime.GOMAXPROCS(c.Threads)
	}
	info, err := blas.Setup(c.BLAS)
	if err != nil {
		return Usagef("-blas: %v", err)
	}
	fmt.Fprintf(env.Stderr, "BLAS: %v\n", info)
	if info.Why != "" {
		fmt.Fprintf(env.Stderr, "BLAS chosen by %s\n", info.Why)
	}
	return nil
}

// Builtin names a program's shipped model on the command line (-model builtin).
const Builtin = "builtin"

// ModelPath resolves -model for a command that reads a model: "builtin"
// stays; "" is the checkpoint that the program's demo or train saved in the
// cache directory (datasets.CacheFile(program, "model.ckpt")), or
// "builtin" when there is none yet. It says on stderr which it took.
func (env *Env) ModelPath(program, model string) (string, error) {
	return env.ModelFile(program, "model.ckpt", model)
}

// ModelFile is ModelPath with another default file name in the program's
// cache directory.
func (env *Env) ModelFile(program, file, model string) (string, error) {
	if model == "" {
		p, err := datasets.CacheFile(program, file)
		if err != nil {
			return "", err
		}
		model = Builtin
		if _, err := os.Stat(p); err == nil {
			model = p
		}
	}
	fmt.Fprintf(env.Stderr, "model: %s\n", model)
	return model, nil
}

// WritePath is the checkpoint a training command writes: -model, or else
// datasets.CacheFile(program, "model.ckpt"), which the reading commands
// take by default (ModelPath).
func (c *Common) WritePath(program string) (string, error) {
	if c.Model != "" {
		return c.Model, nil
	}
	return datasets.CacheFile(program, "model.ckpt")
}

// Saver is a model that writes itself as a weights-only checkpoint.
type Saver interface {
	Save(path string, int8 bool) error
}

// ONNXExporter is a model that writes itself as ONNX: it returns the
// files written (a model of several graphs may write one file each).
type ONNXExporter interface {
	ExportONNX(path string) ([]string, error)
}

// TorchExporter is a model that writes its weights as a PyTorch
// state_dict in safetensors.
type TorchExporter interface {
	ExportTorch(path string) error
}

// ExportCommand is the export command every program shares: it loads
// -model with load and writes it to -out in the -format asked: rnnzoo (its
// weights alone as a checkpoint; -int8: 8-bit weight matrices; a name
// ending in .gz: compressed), onnx (ONNXExporter) or torch
// (TorchExporter).
func ExportCommand[M Saver](program string, load func(env *Env, model string) (M, error)) Command {
	return Command{Name: "export", Short: "write a model: -format rnnzoo (weights only; -int8, .gz), onnx or torch (a PyTorch state_dict)", Run: func(env *Env, args []string) error {
		fs, c := Start(env, program, "export", ReadModelHelp)
		out := fs.String("out", "", "file to write (.gz: compressed)")
		format := fs.String("format", "rnnzoo", "rnnzoo (a weights-only checkpoint), onnx (ONNX, opset 17) or torch (safetensors with a torch.nn state_dict's names and layouts)")
		int8 := fs.Bool("int8", false, "store the weight matrices in 8 bits with a float32 scale per row or column (a quarter of the size; -format rnnzoo)")
		if err := Parse(env, fs, args, true); err != nil {
			return err
		}
		if *out == "" {
			return Usagef("-out FILE is required")
		}
		if *format != "rnnzoo" && *format != "onnx" && *format != "torch" {
			return Usagef("-format %q: want rnnzoo, onnx or torch", *format)
		}
		if *int8 && *format != "rnnzoo" {
			return Usagef("-int8 applies to -format rnnzoo only")
		}
		m, err := load(env, c.Model)
		if err != nil {
			return err
		}
		return exportAs(env, any(m), *format, *out, *int8)
	}}
}

// AverageCommand is the "average" subcommand: the mean weights of
// checkpoints of one model (checkpoint.Average; e.g. the last epochs a run
// kept with -keep-epochs), checked to load with from (the model package's
// FromCheckpoint) and written weights-only to -out (-int8: 8-bit weight
// matrices; .gz: compressed).
func AverageCommand[M any](program string, from func(*checkpoint.Checkpoint) (M, error)) Command {
	return Command{Name: "average", Short: "the mean weights of checkpoints of one model (e.g. the last epochs kept with -keep-epochs): average -out F CKPT…", Run: func(env *Env, args []string) error {
		fs := Flags(env, program, "average")
		out := fs.String("out", "", "file to write the averaged weights to (.gz: compressed)")
		int8 := fs.Bool("int8", false, "store the weight matrices in 8 bits with a float32 scale per row or column")
		if err := Parse(env, fs, args, false); err != nil {
			return err
		}
		if *out == "" || fs.NArg() == 0 {
			return Usagef("want -out FILE and at least one checkpoint")
		}
		ck, err := checkpoint.Average(fs.Args()...)
		if err != nil {
			return err
		}
		if _, err := from(ck); err != nil {
			return fmt.Errorf("the averaged weights: %w", err)
		}
		if *int8 {
			if err := ck.Quantize8(1024); err != nil {
				return err
			}
		}
		if err := ck.Write(*out); err != nil {
			return err
		}
		fmt.Fprintf(env.Stderr, "%s: the mean of %d checkpoints\n", *out, fs.NArg())
		return nil
	}}
}

func exportAs(env *Env, m any, format, out string, int8 bool) error {
	files := []string{out}
	switch format {
	case "onnx":
		x, ok := m.(ONNXExporter)
		if !ok {
			return fmt.Errorf("this model has no ONNX export")
		}
		var err error
		if files, err = x.ExportONNX(out); err != nil {
			return err
		}
	case "torch":
		x, ok := m.(TorchExporter)
		if !ok {
			return fmt.Errorf("this model has no PyTorch export")
		}
		if err := x.ExportTorch(out); err != nil {
			return err
		}
	default:
		if err := m.(Saver).Save(out, int8); err != nil {
			return err
		}
	}
	fmt.Fprintf(env.Stderr, "wrote %s\n", strings.Join(files, ", "))
	return nil
}

// TorchImporter is a model whose weights can be replaced by those of a
// PyTorch state_dict of the same architecture (safetensors or .npz).
type TorchImporter interface {
	ImportTorch(path string) error
}

// ImportCommand is the import command every program shares: it loads
// -model with load (the architecture, configuration and vocabulary: a
// checkpoint, or builtin), replaces its weights by those of the PyTorch
// state_dict -in (-format torch: safetensors, or .npz from numpy.savez)
// and writes the result to -out as a weights-only checkpoint, which the
// other commands read with -model.
func ImportCommand[M Saver](program string, load func(env *Env, model string) (M, error)) Command {
	return Command{Name: "import", Short: "a PyTorch state_dict (-format torch -in FILE.safetensors|.npz) into a checkpoint of -model's architecture (-out)", Run: func(env *Env, args []string) error {
		fs, c := Start(env, program, "import", "checkpoint, or builtin, whose architecture, configuration and vocabulary the weights fit (default: the one the demo or train saved, else builtin)")
		format := fs.String("format", "torch", "format of -in: torch (a torch.nn state_dict, as export -format torch writes it)")
		in := fs.String("in", "", "state_dict to read: safetensors, or .npz from numpy.savez")
		out := fs.String("out", "", "checkpoint to write (.gz: compressed)")
		if err := Parse(env, fs, args, true); err != nil {
			return err
		}
		if *format != "torch" {
			return Usagef("-format %q: want torch", *format)
		}
		if *in == "" || *out == "" {
			return Usagef("-in FILE and -out FILE are required")
		}
		m, err := load(env, c.Model)
		if err != nil {
			return err
		}
		x, ok := any(m).(TorchImporter)
		if !ok {
			return fmt.Errorf("this model has no PyTorch import")
		}
		if err := x.ImportTorch(*in); err != nil {
			return err
		}
		if err := m.Save(*out, false); err != nil {
			return err
		}
		fmt.Fprintf(env.Stderr, "wrote %s\n", *out)
		return nil
	}}
}

// ReadModelHelp is the -model help of a command that reads a model.
const ReadModelHelp = "checkpoint, or builtin (default: the one the demo or train saved, else builtin)"

// Start returns a command's flag set with the common flags registered.
func Start(env *Env, program, command, modelHelp string) (*flag.FlagSet, *Common) {
	fs := Flags(env, program, command)
	c := &Common{}
	c.Register(fs, modelHelp)
	return fs, c
}

// Ready parses args (see Parse), runs the checks of the parsed values, each
// failure a usage error, then applies -threads and -blas (Setup).
func (c *Common) Ready(env *Env, fs *flag.FlagSet, args []string, noArgs bool, checks ...func() error) error {
	if err := Parse(env, fs, args, noArgs); err != nil {
		return err
	}
	for _, check := range checks {
		if err := check(); err != nil {
			return &UsageError{err}
		}
	}
	return c.Setup(env)
}

// Result writes v as a JSON line on stdout with -json, and nothing
// without it (the command has written its text to Human).
func (c *Common) Result(env *Env, v any) error {
	if !c.JSON {
		return nil
	}
	return PrintJSON(env.Stdout, v)
}

// Print writes one result: v as a JSON line with -json, else text.
func (c *Common) Print(env *Env, text string, v any) error {
	if c.JSON {
		return PrintJSON(env.Stdout, v)
	}
	_, err := fmt.Fprintln(env.Stdout, text)
	return err
}

// LoadModel reads -model (see Env.ModelPath) with the model package's
// Pretrained or Load.
func LoadModel[M any](env *Env, program, model string, pretrained func() (M, error), load func(string) (M, error)) (M, error) {
	return LoadModelFile(env, program, "model.ckpt", model, pretrained, load)
}

// LoadModelFile is LoadModel with another default file name (see
// Env.ModelFile).
func LoadModelFile[M any](env *Env, program, file, model string, pretrained func() (M, error), load func(string) (M, error)) (M, error) {
	path, err := env.ModelFile(program, file, model)
	if err != nil {
		var zero M
		return zero, err
	}
	if path == Builtin {
		return pretrained()
	}
	return load(path)
}

// Interrupted adds to err, when it is a cancellation (Ctrl-C) after which
// the training state was saved at path, where that state is and that
// -resume continues it; other errors are returned as they are.
func Interrupted(err error, path string) error {
	if err == nil || !errors.Is(err, context.Canceled) || path == "" {
		return err
	}
	if _, serr := os.Stat(path); serr != nil {
		return fmt.Errorf("%w (nothing was saved: the run starts anew)", err)
	}
	return fmt.Errorf("%w (training state saved in %s; -resume continues it)", err, path)
}

// Positive is a check for Ready: the parsed value of the int flags named
// must be at least 1.
func Positive(flags map[string]*int) func() error {
	return func() error {
		names := make([]string, 0, len(flags))
		for name := range flags {
			names = append(names, name)
		}
		sort.Strings(names)
		for _, name := range names {
			if v := *flags[name]; v < 1 {
				return fmt.Errorf("-%s %d: want at least 1", name, v)
			}
		}
		return nil
	}
}

// IsSet says whether the flag name was given on the command line.
func IsSet(fs *flag.FlagSet, name string) (set bool) {
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}
