package zoo

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/rnnzoo/rnnzoo/datasets/images"
	"github.com/rnnzoo/rnnzoo/datasets/sentiment"
	"github.com/rnnzoo/rnnzoo/internal/cli"
	"github.com/rnnzoo/rnnzoo/serve"
)

// gcPercent is the GC target of a server (GOGC), unless the environment
// sets one.
const gcPercent = 10

// models is the repeated -model flag.
type models []string

func (m *models) String() string     { return strings.Join(*m, " ") }
func (m *models) Set(v string) error { *m = append(*m, v); return nil }

// Command is the serve command of a program whose models are of kind:
// it serves the -model values (default: the kind's shipped model) until
// SIGINT or SIGTERM, or with -loadtest URL measures a running server.
func Command(program, kind string) cli.Command {
	return cli.Command{
		Name:  "serve",
		Short: "answer over HTTP with the Open Inference Protocol (-addr, -model [name=]M, repeated); -loadtest URL measures a server",
		Run: func(env *cli.Env, args []string) error {
			return run(env, program, kind, args)
		},
	}
}

func run(env *cli.Env, program, kind string, args []string) error {
	fs := cli.Flags(env, program, "serve")
	var c cli.Common
	fs.StringVar(&c.BLAS, "blas", "go:1", "matrix kernels: auto, go, go:N, gonum, openblas, openblas:N (default go:1: at serving batch sizes the Go kernels beat OpenBLAS, and each instance keeps to one core)")
	fs.IntVar(&c.Threads, "threads", 0, "GOMAXPROCS (0: all cores)")
	fs.BoolVar(&c.JSON, "json", false, "print results as JSON lines on stdout (other text goes to stderr)")
	var specs models
	fs.Var(&specs, "model", "model to serve: [name=]M, M a checkpoint, builtin or (imagecols) digits|mnist|fashion; repeat for several (default: builtin)")
	d := serve.DefaultOptions()
	o := d
	addr := fs.String("addr", "127.0.0.1:8080", "address to listen on (port 0: any free port)")
	instances := fs.Int("instances", 0, "copies of each model, each running its own batches (0: one per core)")
	fs.IntVar(&o.MaxBatch, "max-batch", d.MaxBatch, "most rows in one forward pass")
	fs.DurationVar(&o.MaxDelay, "max-delay", d.MaxDelay, "longest wait for a batch to fill")
	fs.Int64Var(&o.MaxBody, "max-body", d.MaxBody, "largest request body in bytes (more: 413)")
	fs.IntVar(&o.MaxConcurrent, "max-concurrent", d.MaxConcurrent, "requests served at once (more: 503)")
	fs.IntVar(&o.QueueLength, "queue", d.QueueLength, "requests waiting per model (more: 503)")
	fs.DurationVar(&o.ReadTimeout, "read-timeout", d.ReadTimeout, "time to read a request")
	fs.DurationVar(&o.WriteTimeout, "write-timeout", d.WriteTimeout, "time to answer a request")
	fs.DurationVar(&o.IdleTimeout, "idle-timeout", d.IdleTimeout, "how long an idle keep-alive connection stays open")
	fs.DurationVar(&o.DrainTimeout, "drain-timeout", d.DrainTimeout, "longest wait for requests in flight at shutdown")
	logLevel := fs.String("log-level", "info", "info, or debug: one line per request")
	load := fs.String("loadtest", "", "instead of serving, send load to the server at this URL (loopback only)")
	clients := fs.String("clients", "1,8,64", "with -loadtest: concurrent clients of each level")
	duration := fs.Duration("duration", 20*time.Second, "with -loadtest: length of each level")
	if err := c.Ready(env, fs, args, true, cli.Positive(map[string]*int{"max-batch": &o.MaxBatch, "max-concurrent": &o.MaxConcurrent, "queue": &o.QueueLength}), func() error {
		if *instances < 0 || o.MaxBody <= 0 || o.MaxDelay < 0 {
			return fmt.Errorf("-instances, -max-body and -max-delay must not be negative (-max-body above 0)")
		}
		if *logLevel != "info" && *logLevel != "debug" {
			return fmt.Errorf("-log-level %q: want info or debug", *logLevel)
		}
		return nil
	}); err != nil {
		return err
	}
	if *load != "" {
		return loadTest(env, &c, kind, specs, *load, *clients, *duration)
	}
	if len(specs) == 0 {
		specs = models{Builtin}
	}
	level := slog.LevelInfo
	if *logLevel == "debug" {
		level = slog.LevelDebug
	}
	o.Logger = slog.New(slog.NewTextHandler(env.Stderr, &slog.HandlerOptions{Level: level}))
	n := *instances
	if n == 0 {
		n = runtime.GOMAXPROCS(0)
	}
	if os.Getenv("GOGC") == "" {
		// The live heap is mostly the models' compiled graphs; the default
		// target (100% over it) let the process drift towards twice that.
		debug.SetGCPercent(gcPercent)
	}
	srv := serve.NewServer(o)
	for _, v := range specs {
		s, err := ParseSpec(v, kind)
		if err != nil {
			return cli.Usagef("-model: %v", err)
		}
		if err := srv.Add(s.Name, Loader(s, n)); err != nil {
			return cli.Usagef("-model: %v", err)
		}
		fmt.Fprintf(env.Stderr, "model %q: %s %s, %d instances\n", s.Name, s.Kind, s.Path, n)
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "listening on http://%s\n", ln.Addr())
	err = srv.Serve(env.Ctx, ln)
	fmt.Fprintln(env.Stderr, "stopped")
	return err
}

func loadTest(env *cli.Env, c *cli.Common, kind string, specs models, target, clients string, d time.Duration) error {
	if !serve.Loopback(target) {
		return cli.Usagef("-loadtest %q: the load generator only sends to 127.0.0.1, ::1 or localhost", target)
	}
	name := kind // the name serve gives an unnamed model
	if len(specs) > 0 {
		if n, _, ok := strings.Cut(specs[0], "="); ok {
			name = n
		}
	}
	var levels []int
	for _, f := range strings.Split(clients, ",") {
		k, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || k < 1 {
			return cli.Usagef("-clients %q: want counts above 0 separated by commas", clients)
		}
		levels = append(levels, k)
	}
	meta, err := fetchMetadata(env.Ctx, serve.LoopbackClient(1), strings.TrimRight(target, "/")+"/v2/models/"+name)
	if err != nil {
		return err
	}
	bodies, err := Requests(meta, 1000)
	if err != nil {
		return err
	}
	out := env.Human(c.JSON)
	fmt.Fprintf(out, "load test of %q (%s) at %s: clients %v, %v each, one row per request\n", name, meta.Platform, target, levels, d)
	rep, err := serve.LoadTest(env.Ctx, serve.LoadOptions{URL: target, Model: name, Bodies: bodies, Clients: levels,
		Duration: d, Warmup: 2 * time.Second, Marks: []int{1000, 100000}})
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "%8s %9s %7s %10s %8s %8s %8s %8s %10s %10s\n", "clients", "requests", "errors", "req/s", "p50 ms", "p90 ms", "p99 ms", "max ms", "RSS start", "RSS end")
	for _, l := range rep.Levels {
		fmt.Fprintf(out, "%8d %9d %7d %10.0f %8.2f %8.2f %8.2f %8.1f %9.1fM %9.1fM\n", l.Clients, l.Requests, l.Errors, l.PerSecond,
			l.P50, l.P90, l.P99, l.Max, float64(l.RSSStart)/(1<<20), float64(l.RSSEnd)/(1<<20))
		if l.FirstError != "" {
			fmt.Fprintf(out, "  first error: %s\n", l.FirstError)
		}
	}
	for i, m := range rep.Marks {
		if rep.RSSAt[i] > 0 {
			fmt.Fprintf(out, "server RSS after %d requests: %.1f MB\n", m, float64(rep.RSSAt[i])/(1<<20))
		}
	}
	return c.Result(env, rep)
}

func fetchMetadata(ctx context.Context, c *http.Client, u string) (*serve.ModelMetadata, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	resp, err := c.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("%s: HTTP %d: %s", u, resp.StatusCode, b)
	}
	var m serve.ModelMetadata
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("%s: %v", u, err)
	}
	return &m, nil
}

// Requests returns n request bodies of one row each for a model of the
// zoo, from its metadata: the embedded UCI sentences for text models,
// primes for charlm, the embedded digits (8×8) or seeded random images
// for image models.
func Requests(meta *serve.ModelMetadata, n int) ([][]byte, error) {
	if len(meta.Inputs) != 1 {
		return nil, fmt.Errorf("model %q has %d inputs; the load test knows the zoo's one-input models", meta.Name, len(meta.Inputs))
	}
	in := meta.Inputs[0]
	var out [][]byte
	add := func(t serve.InputTensor, params map[string]any) error {
		b, err := json.Marshal(serve.InferRequest{Inputs: []serve.InputTensor{t}, Parameters: params})
		out = append(out, b)
		return err
	}
	switch {
	case in.Datatype == serve.BYTES && in.Name == "prime":
		primes := []string{"The Congress", "My fellow citizens", "In the year", "We must"}
		for i := range n {
			data, _ := json.Marshal([]string{primes[i%len(primes)]})
			if err := add(serve.InputTensor{Name: in.Name, Datatype: serve.BYTES, Shape: []int64{1}, Data: data}, map[string]any{"n": 50, "seed": i}); err != nil {
				return nil, err
			}
		}
	case in.Datatype == serve.BYTES:
		ex, err := sentiment.UCI()
		if err != nil {
			return nil, err
		}
		for i := range min(n, len(ex)) {
			data, _ := json.Marshal([]string{ex[i].Text})
			if err := add(serve.InputTensor{Name: in.Name, Datatype: serve.BYTES, Shape: []int64{1}, Data: data}, nil); err != nil {
				return nil, err
			}
		}
	case len(in.Shape) == 3:
		h, w := int(in.Shape[1]), int(in.Shape[2])
		set, err := images.Digits()
		if err != nil {
			return nil, err
		}
		rng := rand.New(rand.NewPCG(1, 2))
		for i := range n {
			img := make([]float32, h*w)
			if h == set.H && w == set.W {
				k := i % set.N
				set.ImageTo(img, k)
			} else {
				for j := range img {
					img[j] = rng.Float32()
				}
			}
			data, _ := json.Marshal(img)
			if err := add(serve.InputTensor{Name: in.Name, Datatype: serve.FP32, Shape: []int64{1, int64(h), int64(w)}, Data: data}, nil); err != nil {
				return nil, err
			}
		}
	default:
		return nil, fmt.Errorf("model %q: input %q (%s %v) is not one the load test knows", meta.Name, in.Name, in.Datatype, in.Shape)
	}
	return out, nil
}
