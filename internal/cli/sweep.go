package cli

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/rnnzoo/rnnzoo/sweep"
)

// sweepHelp are the flags that Sweepable adds to a training command.
const sweepHelp = `
sweep flags (see package sweep):
  -grid string
    	run a grid: inline "key=v1,v2;key2=1..3" (each key a flag of this command) or a JSON file
  -out string
    	directory of the sweep: DIR/<run>/result.json, its checkpoint and log.txt (required with -grid)
  -shard string
    	run shard i/n of the grid (i from 0); default: SLURM_ARRAY_TASK_ID or JOB_COMPLETION_INDEX, else all
  -shards int
    	number of shards when JOB_COMPLETION_INDEX gives the index (the Job's completions)
`

// SweepFlags are the flags of a sweep, cut from a command line.
type SweepFlags struct {
	Grid, Out, Shard string
	Shards           int
}

// CutSweepFlags removes -grid, -out, -shard and -shards (as -f v, -f=v or
// with two dashes) from args and returns them and the rest; ok says
// whether -grid was among them.
func CutSweepFlags(args []string) (sf SweepFlags, rest []string, ok bool, err error) {
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			rest = append(rest, args[i:]...)
			break
		}
		name, val, hasVal := strings.Cut(strings.TrimPrefix(strings.TrimPrefix(a, "-"), "-"), "=")
		if !strings.HasPrefix(a, "-") || (name != "grid" && name != "out" && name != "shard" && name != "shards") {
			rest = append(rest, a)
			continue
		}
		if !hasVal {
			if i+1 >= len(args) {
				return sf, nil, false, Usagef("flag needs an argument: -%s", name)
			}
			i++
			val = args[i]
		}
		switch name {
		case "grid":
			sf.Grid, ok = val, true
		case "out":
			sf.Out = val
		case "shard":
			sf.Shard = val
		case "shards":
			if sf.Shards, err = strconv.Atoi(val); err != nil || sf.Shards < 1 {
				return sf, nil, false, Usagef("-shards %q: want a positive integer", val)
			}
		}
	}
	return sf, rest, ok, nil
}

// Sweepable wraps a training command so that it also runs grids. With
// -grid SPEC -out DIR it runs each run of its shard (-shard i/n, else the
// scheduler's index, see sweep.Resolve) as the command itself with the
// run's values as flags and -<output> DIR/<run>/<file>, skips the runs
// whose result exists, and writes each result (the run's final -json
// line) atomically to DIR/<run>/result.json; the run's log goes to
// DIR/<run>/log.txt. A run that was stopped resumes from its checkpoint
// when the command has -resume. Without -grid it is train itself.
func Sweepable(program, output, file string, train func(env *Env, args []string) error) func(env *Env, args []string) error {
	return func(env *Env, args []string) error {
		sf, rest, ok, err := CutSweepFlags(args)
		if err != nil {
			return err
		}
		if !ok {
			err := train(env, args)
			if errors.Is(err, flag.ErrHelp) {
				fmt.Fprint(env.Stdout, sweepHelp)
			}
			return err
		}
		return runSweep(env, program, output, file, sf, rest, train)
	}
}

func runSweep(env *Env, program, output, file string, sf SweepFlags, rest []string, train func(env *Env, args []string) error) error {
	spec, err := sweep.Load(sf.Grid)
	if err != nil {
		return &UsageError{err}
	}
	if sf.Out == "" {
		return Usagef("-grid needs -out DIR")
	}
	shard, from, err := sweep.Resolve(sf.Shard, sf.Shards, os.Getenv)
	if err != nil {
		return &UsageError{err}
	}
	flags, err := checkKeys(env, spec, output, train)
	if err != nil {
		return err
	}
	jsonOut, shared := false, []string(nil)
	for _, a := range rest {
		if a == "-json" || a == "--json" || a == "-json=true" || a == "--json=true" {
			jsonOut = true // every run gets -json; the sweep's own output follows it
		} else {
			shared = append(shared, a)
		}
	}
	rest = shared
	m := sweep.Manifest{Program: program, Spec: spec, Args: rest, Runs: spec.Len()}
	if err := sweep.Claim(sf.Out, m); err != nil {
		return err
	}
	runs := shard.Select(spec.Runs())
	human := env.Human(jsonOut)
	fmt.Fprintf(env.Stderr, "%s: grid of %d runs, shard %v (%s): %d runs, into %s\n", program, spec.Len(), shard, from, len(runs), sf.Out)
	ran, skipped := 0, 0
	var failed []string
	for k, r := range runs {
		if done, err := sweep.Done(sf.Out, r); err != nil {
			return err
		} else if done {
			skipped++
			fmt.Fprintf(env.Stderr, "[%d/%d] %s: done before, skipped\n", k+1, len(runs), r.Name)
			continue
		}
		res, err := runOne(env, sf.Out, output, file, r, rest, flags["resume"], train)
		var ue *UsageError
		switch {
		case errors.As(err, &ue):
			return Usagef("run %s: %v", r.Name, ue.Err)
		case env.Ctx.Err() != nil:
			return fmt.Errorf("%w (the finished runs are in %s; the same command continues the sweep)", env.Ctx.Err(), sf.Out)
		case err != nil:
			failed = append(failed, r.Name)
			fmt.Fprintf(env.Stderr, "[%d/%d] %s: failed: %v (log: %s)\n", k+1, len(runs), r.Name, err, filepath.Join(sf.Out, r.Name, "log.txt"))
			continue
		}
		ran++
		fmt.Fprintf(env.Stderr, "[%d/%d] %s: %.1f s\n", k+1, len(runs), r.Name, res.Seconds)
	}
	if len(failed) > 0 {
		return fmt.Errorf("%d of %d runs failed: %s (their logs are in %s/<run>/log.txt; the same command retries them)", len(failed), len(runs), strings.Join(failed, " "), sf.Out)
	}
	fmt.Fprintf(human, "shard %v: %d runs ran, %d skipped (done before); when every shard is done: %s merge %s\n", shard, ran, skipped, program, sf.Out)
	if jsonOut {
		return PrintJSON(env.Stdout, map[string]any{"shard": shard.String(), "runs": len(runs), "ran": ran, "skipped": skipped, "out": sf.Out})
	}
	return nil
}

// checkKeys refuses grid keys that are not flags of the command (read from
// its -h) or that the sweep sets itself, and returns the command's flags.
func checkKeys(env *Env, spec sweep.Spec, output string, train func(env *Env, args []string) error) (map[string]bool, error) {
	var help bytes.Buffer
	if err := train(&Env{Stdout: &help, Stderr: &help, Ctx: env.Ctx}, []string{"-h"}); !errors.Is(err, flag.ErrHelp) {
		return nil, fmt.Errorf("listing the flags: %v", err)
	}
	flags := map[string]bool{}
	sc := bufio.NewScanner(&help)
	for sc.Scan() {
		if f, ok := strings.CutPrefix(sc.Text(), "  -"); ok {
			name, _, _ := strings.Cut(f, " ")
			flags[name] = true
		}
	}
	for _, p := range spec.Params {
		if p.Key == output || p.Key == "json" || p.Key == "resume" {
			return nil, Usagef("-grid: key %q is set by the sweep itself", p.Key)
		}
		if !flags[p.Key] {
			return nil, Usagef("-grid: key %q is not a flag of this command (see -h)", p.Key)
		}
	}
	return flags, nil
}

// runOne trains run r and writes its result. When the run's checkpoint is
// there (a run that was stopped) and the command has -resume, it resumes.
func runOne(env *Env, dir, output, file string, r sweep.Run, rest []string, canResume bool, train func(env *Env, args []string) error) (*sweep.Result, error) {
	runDir := filepath.Join(dir, r.Name)
	if err := os.MkdirAll(runDir, 0o755); err != nil {
		return nil, err
	}
	logf, err := os.OpenFile(filepath.Join(runDir, "log.txt"), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		return nil, err
	}
	defer logf.Close()
	ckpt := filepath.Join(runDir, file)
	args := append(append(append([]string(nil), rest...), r.Args()...), "-"+output+"="+ckpt, "-json")
	if _, err := os.Stat(ckpt); err == nil && canResume {
		args = append(args, "-resume")
	}
	fmt.Fprintf(logf, "args: %q\n", args)
	var stdout bytes.Buffer
	start := time.Now()
	if err := train(&Env{Stdin: strings.NewReader(""), Stdout: &stdout, Stderr: logf, Ctx: env.Ctx}, args); err != nil {
		fmt.Fprintf(logf, "error: %v\n", err)
		return nil, err
	}
	res := &sweep.Result{Run: r, Args: args, Seconds: time.Since(start).Seconds()}
	lines := strings.Split(strings.TrimSpace(stdout.String()), "\n")
	dec := json.NewDecoder(strings.NewReader(lines[len(lines)-1]))
	dec.UseNumber()
	if err := dec.Decode(&res.Metrics); err != nil {
		return nil, fmt.Errorf("its last output line %q is no JSON object: %v", lines[len(lines)-1], err)
	}
	return res, sweep.WriteJSON(filepath.Join(runDir, sweep.ResultFile), res)
}

// MergeCommand is the merge command of a program whose train command is
// Sweepable: it gathers the results of the shards' directories into one
// table, printed and written to -out/merged.json.
func MergeCommand(program string) Command {
	return Command{Name: "merge", Short: "gather the results of a sweep's shards (train -grid … -out DIR) into one table: merge DIR…", Run: func(env *Env, args []string) error {
		fs := Flags(env, program, "merge")
		out := fs.String("out", "", "directory for merged.json (default: the first DIR)")
		partial := fs.Bool("partial", false, "write the table even when runs are missing (default: an error)")
		jsonOut := fs.Bool("json", false, "print the table as one JSON line on stdout")
		if err := Parse(env, fs, args, false); err != nil {
			return err
		}
		if fs.NArg() == 0 {
			return Usagef("give the directories of the shards: %s merge DIR…", program)
		}
		t, err := sweep.Merge(fs.Args())
		if err != nil {
			return err
		}
		if *out == "" {
			*out = fs.Arg(0)
		}
		t.WriteText(env.Human(*jsonOut))
		if len(t.Missing) > 0 && !*partial {
			return fmt.Errorf("%d of %d runs have no result (run their shards again, or merge -partial)", len(t.Missing), t.Manifest.Runs)
		}
		if err := sweep.WriteJSON(filepath.Join(*out, sweep.MergedFile), t); err != nil {
			return err
		}
		if *jsonOut {
			return PrintJSON(env.Stdout, t)
		}
		return nil
	}}
}
