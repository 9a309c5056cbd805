package serve

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Options configure a Server. Zero fields take the defaults of
// DefaultOptions.
type Options struct {
	MaxBatch      int           // rows per forward pass (default 64)
	MaxDelay      time.Duration // longest wait for a batch to fill (default 2 ms)
	MaxBody       int64         // largest request body in bytes (default 1 MiB)
	MaxConcurrent int           // requests served at once; more get 503 (default 1024)
	QueueLength   int           // jobs waiting per model; more get 503 (default 4096)
	ReadTimeout   time.Duration // reading a whole request (default 10 s)
	WriteTimeout  time.Duration // from the end of the headers to the end of the answer (default 60 s)
	IdleTimeout   time.Duration // keep-alive connections (default 120 s)
	DrainTimeout  time.Duration // longest graceful shutdown (default 30 s)
	Logger        *slog.Logger  // one line per request at debug level (default: none)
}

// DefaultOptions returns the defaults.
func DefaultOptions() Options {
	return Options{
		MaxBatch: 64, MaxDelay: 2 * time.Millisecond, MaxBody: 1 << 20, MaxConcurrent: 1024,
		QueueLength: 4096, ReadTimeout: 10 * time.Second, WriteTimeout: 60 * time.Second,
		IdleTimeout: 120 * time.Second, DrainTimeout: 30 * time.Second,
	}
}

func (o *Options) fill() {
	d := DefaultOptions()
	positive(&o.MaxBatch, d.MaxBatch)
	positive(&o.MaxBody, d.MaxBody)
	positive(&o.MaxConcurrent, d.MaxConcurrent)
	positive(&o.QueueLength, d.QueueLength)
	positive(&o.ReadTimeout, d.ReadTimeout)
	positive(&o.WriteTimeout, d.WriteTimeout)
	positive(&o.IdleTimeout, d.IdleTimeout)
	positive(&o.DrainTimeout, d.DrainTimeout)
	o.MaxDelay = max(o.MaxDelay, 0)
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
}

// positive replaces a value ≤ 0 by its default.
func positive[T int | int64 | time.Duration](v *T, def T) {
	if *v <= 0 {
		*v = def
	}
}

// Loader builds the instances of a model (one per concurrent forward
// pass; each its own copy of the weights and graphs).
type Loader func() ([]Model, error)

// Server serves models over the Open Inference Protocol's REST binding.
type Server struct {
	opts    Options
	metrics *metrics
	sem     chan struct{}

	mu     sync.RWMutex
	models map[string]*entry
	order  []string
	closed bool
}

type entry struct {
	name    string
	load    Loader
	meta    ModelMetadata
	model   Model // the first instance: Parse and Outputs
	batcher *batcher
	inputs  map[string]TensorMetadata
	outputs map[string]bool
	ready   atomic.Bool
	err     error
}

// NewServer returns a server with no models.
func NewServer(opts Options) *Server {
	opts.fill()
	return &Server{opts: opts, metrics: newMetrics(), sem: make(chan struct{}, opts.MaxConcurrent), models: map[string]*entry{}}
}

// Add registers a model under name; Load (or Start) loads it.
func (s *Server) Add(name string, load Loader) error {
	if name == "" {
		return errors.New("serve: a model needs a name")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, dup := s.models[name]; dup {
		return fmt.Errorf("serve: two models named %q", name)
	}
	s.models[name] = &entry{name: name, load: load}
	s.order = append(s.order, name)
	return nil
}

// Load loads every model not loaded yet; a model is ready once loaded.
// The server answers (live, not ready) while this runs.
func (s *Server) Load() error {
	s.mu.RLock()
	var todo []*entry
	for _, n := range s.order {
		if e := s.models[n]; !e.ready.Load() {
			todo = append(todo, e)
		}
	}
	s.mu.RUnlock()
	var errs []error
	for _, e := range todo {
		if err := s.load(e); err != nil {
			errs = append(errs, fmt.Errorf("model %q: %w", e.name, err))
		}
	}
	return errors.Join(errs...)
}

func (s *Server) load(e *entry) error {
	insts, err := e.load()
	if err == nil && len(insts) == 0 {
		err = errors.New("the loader returned no instance")
	}
	if err != nil {
		s.mu.Lock()
		e.err = err
		s.mu.Unlock()
		return err
	}
	meta := insts[0].Metadata()
	meta.Name = e.name
	meta.Versions = []string{"1"}
	inputs := map[string]TensorMetadata{}
	for _, in := range meta.Inputs {
		inputs[in.Name] = in
	}
	outputs := map[string]bool{}
	for _, o := range meta.Outputs {
		outputs[o.Name] = true
	}
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return errors.New("the server closed while the model loaded")
	}
	e.meta, e.inputs, e.outputs, e.model = meta, inputs, outputs, insts[0]
	e.batcher = newBatcher(e.name, insts, s.opts.MaxBatch, s.opts.MaxDelay, s.opts.QueueLength, s.metrics)
	s.mu.Unlock()
	e.ready.Store(true)
	return nil
}

// Models returns the names of the registered models, in the order added.
func (s *Server) Models() []string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return append([]string(nil), s.order...)
}

// Close stops the batchers (after the requests in flight).
func (s *Server) Close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closed = true
	for _, e := range s.models {
		if e.batcher != nil && e.ready.Swap(false) {
			e.batcher.close()
		}
	}
}

// Handler returns the HTTP handler of the protocol's endpoints and
// /metrics.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /v2/health/live", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]bool{"live": true})
	})
	mux.HandleFunc("GET /v2/health/ready", s.serverReady)
	mux.HandleFunc("GET /v2", s.serverMetadata)
	mux.HandleFunc("GET /v2/models/{name}", s.modelMetadata)
	mux.HandleFunc("GET /v2/models/{name}/versions/{version}", s.modelMetadata)
	mux.HandleFunc("GET /v2/models/{name}/ready", s.modelReady)
	mux.HandleFunc("GET /v2/models/{name}/versions/{version}/ready", s.modelReady)
	mux.HandleFunc("POST /v2/models/{name}/infer", s.infer)
	mux.HandleFunc("POST /v2/models/{name}/versions/{version}/infer", s.infer)
	mux.Handle("GET /metrics", promhttp.HandlerFor(s.metrics.registry, promhttp.HandlerOpts{}))
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, Errorf(http.StatusNotFound, "no endpoint %s %s", r.Method, r.URL.Path))
	})
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/infer") {
			mux.ServeHTTP(w, r) // counted and logged by infer
			return
		}
		start := time.Now()
		rec := &statusWriter{ResponseWriter: w, code: http.StatusOK}
		mux.ServeHTTP(rec, r)
		model := ""
		if rest, ok := strings.CutPrefix(r.URL.Path, "/v2/models/"); ok {
			model, _, _ = strings.Cut(rest, "/")
			if _, known := s.modelEntry(model); !known {
				model = "" // unknown names do not make new series
			}
		}
		s.metrics.requests.WithLabelValues(model, strconv.Itoa(rec.code)).Inc()
		if s.opts.Logger.Enabled(r.Context(), slog.LevelDebug) {
			s.opts.Logger.Debug("request", "method", r.Method, "path", r.URL.Path, "code", rec.code,
				"ms", float64(time.Since(start).Microseconds())/1000, "remote", r.RemoteAddr)
		}
	})
}

// statusWriter remembers the status code written through it.
type statusWriter struct {
	http.ResponseWriter
	code int
}

func (w *statusWriter) WriteHeader(code int) {
	w.code = code
	w.ResponseWriter.WriteHeader(code)
}

func (s *Server) modelEntry(name string) (*entry, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	e, ok := s.models[name]
	return e, ok
}

// Serve answers on ln until ctx is cancelled, then shuts down gracefully:
// it stops accepting, lets the requests in flight finish (at most
// DrainTimeout), and stops the batchers. Models not loaded yet are loaded
// after the server starts answering.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	srv := &http.Server{
		Handler:           s.Handler(),
		ReadHeaderTimeout: s.opts.ReadTimeout,
		ReadTimeout:       s.opts.ReadTimeout,
		WriteTimeout:      s.opts.WriteTimeout,
		IdleTimeout:       s.opts.IdleTimeout,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(s.opts.Logger.Handler(), slog.LevelDebug),
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	loaded := make(chan struct{})
	go func() {
		defer close(loaded)
		// A model that fails to load stays not ready (503, with the
		// reason); the others serve.
		if err := s.Load(); err != nil {
			s.opts.Logger.Error("loading", "error", err)
		}
	}()
	var err error
	select {
	case err = <-errc:
	case <-ctx.Done():
		dctx, cancel := context.WithTimeout(context.Background(), s.opts.DrainTimeout)
		defer cancel()
		if e := srv.Shutdown(dctx); e != nil {
			err = fmt.Errorf("serve: graceful shutdown: %w", e)
		}
	}
	<-loaded
	s.Close()
	return err
}

func (s *Server) lookup(name, version string) (*entry, error) {
	s.mu.RLock()
	e, ok := s.models[name]
	s.mu.RUnlock()
	if !ok {
		return nil, Errorf(http.StatusNotFound, "unknown model %q", name)
	}
	if version != "" && version != "1" {
		return nil, Errorf(http.StatusNotFound, "model %q has no version %q (it has version 1)", name, version)
	}
	if !e.ready.Load() {
		s.mu.RLock()
		err := e.err
		s.mu.RUnlock()
		if err != nil {
			return nil, Errorf(http.StatusServiceUnavailable, "model %q failed to load: %v", name, err)
		}
		return nil, Errorf(http.StatusServiceUnavailable, "model %q is not ready", name)
	}
	return e, nil
}

func (s *Server) serverReady(w http.ResponseWriter, r *http.Request) {
	for _, n := range s.Models() {
		if _, err := s.lookup(n, ""); err != nil {
			writeJSON(w, http.StatusServiceUnavailable, map[string]any{"ready": false, "error": err.Error()})
			return
		}
	}
	writeJSON(w, http.StatusOK, map[string]bool{"ready": true})
}

func (s *Server) serverMetadata(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, ServerMetadata{Name: "rnnzoo", Version: Version, Extensions: []string{}})
}

func (s *Server) modelMetadata(w http.ResponseWriter, r *http.Request) {
	e, err := s.lookup(r.PathValue("name"), r.PathValue("version"))
	if err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, e.meta)
}

func (s *Server) modelReady(w http.ResponseWriter, r *http.Request) {
	if _, err := s.lookup(r.PathValue("name"), r.PathValue("version")); err != nil {
		writeJSON(w, statusOf(err), map[string]any{"name": r.PathValue("name"), "ready": false, "error": err.Error()})
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"name": r.PathValue("name"), "ready": true})
}

// Version is the server version GET /v2 reports.
const Version = "1"

func (s *Server) infer(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	name := r.PathValue("name")
	s.metrics.inflight.Inc()
	defer s.metrics.inflight.Dec()
	code, rows, err := s.inferBody(w, r, name)
	label := name
	if code == http.StatusNotFound {
		label = "" // unknown names do not make new series
	}
	s.metrics.requests.WithLabelValues(label, strconv.Itoa(code)).Inc()
	if code == http.StatusOK {
		s.metrics.latency.WithLabelValues(name).Observe(time.Since(start).Seconds())
	}
	if s.opts.Logger.Enabled(r.Context(), slog.LevelDebug) {
		attrs := []any{"model", name, "code", code, "rows", rows, "ms", float64(time.Since(start).Microseconds()) / 1000, "remote", r.RemoteAddr}
		if err != nil {
			attrs = append(attrs, "error", err.Error())
		}
		s.opts.Logger.Debug("infer", attrs...)
	}
}

// inferBody serves one inference request and returns its status code and
// number of rows.
func (s *Server) inferBody(w http.ResponseWriter, r *http.Request, name string) (int, int, error) {
	fail := func(err error) (int, int, error) {
		writeError(w, err)
		return statusOf(err), 0, err
	}
	select {
	case s.sem <- struct{}{}:
		defer func() { <-s.sem }()
	default:
		return fail(Errorf(http.StatusServiceUnavailable, "too many concurrent requests (limit %d)", cap(s.sem)))
	}
	e, err := s.lookup(name, r.PathValue("version"))
	if err != nil {
		return fail(err)
	}
	if r.ContentLength > s.opts.MaxBody {
		// Refused before reading: the connection is closed after the answer.
		w.Header().Set("Connection", "close")
		return fail(Errorf(http.StatusRequestEntityTooLarge, "request body of %d bytes is over the limit of %d bytes", r.ContentLength, s.opts.MaxBody))
	}
	b := e.batcher
	b.incoming.Add(1)
	job, req, err := s.parse(w, r, e)
	b.incoming.Add(-1)
	if err != nil {
		return fail(err)
	}
	results, err := b.submit(r.Context(), job)
	if err != nil {
		return fail(err)
	}
	outs, err := e.model.Outputs(job, results)
	if err != nil {
		return fail(err)
	}
	if len(req.Outputs) > 0 {
		want := map[string]bool{}
		for _, o := range req.Outputs {
			want[o.Name] = true
		}
		kept := outs[:0]
		for _, o := range outs {
			if want[o.Name] {
				kept = append(kept, o)
			}
		}
		outs = kept
	}
	writeJSON(w, http.StatusOK, InferResponse{ModelName: name, ModelVersion: "1", ID: req.ID, Outputs: outs})
	return http.StatusOK, len(job.Rows), nil
}

// parse reads, decodes and checks a request body.
func (s *Server) parse(w http.ResponseWriter, r *http.Request, e *entry) (*Job, *InferRequest, error) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, s.opts.MaxBody))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return nil, nil, Errorf(http.StatusRequestEntityTooLarge, "request body is over the limit of %d bytes", s.opts.MaxBody)
		}
		return nil, nil, BadRequest("reading the request body: %v", err)
	}
	var req InferRequest
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(&req); err != nil {
		return nil, nil, BadRequest("malformed JSON: %v", err)
	}
	if dec.More() {
		return nil, nil, BadRequest("malformed JSON: data after the request object")
	}
	if len(req.Inputs) == 0 {
		return nil, nil, BadRequest("the request has no inputs")
	}
	seen := map[string]bool{}
	for _, in := range req.Inputs {
		meta, ok := e.inputs[in.Name]
		if !ok {
			return nil, nil, BadRequest("unknown input %q (model %q takes %s)", in.Name, e.name, names(e.inputs))
		}
		if seen[in.Name] {
			return nil, nil, BadRequest("input %q is given twice", in.Name)
		}
		seen[in.Name] = true
		if !datatypes[in.Datatype] {
			return nil, nil, BadRequest("input %q: unknown datatype %q", in.Name, in.Datatype)
		}
		if len(in.Shape) != len(meta.Shape) {
			return nil, nil, BadRequest("input %q has shape %v, want %d dimensions %v", in.Name, in.Shape, len(meta.Shape), meta.Shape)
		}
		for i, d := range meta.Shape {
			if d >= 0 && in.Shape[i] != d {
				return nil, nil, BadRequest("input %q has shape %v, want %v", in.Name, in.Shape, meta.Shape)
			}
		}
	}
	for n := range e.inputs {
		if !seen[n] {
			return nil, nil, BadRequest("input %q is missing", n)
		}
	}
	for _, o := range req.Outputs {
		if !e.outputs[o.Name] {
			return nil, nil, BadRequest("unknown output %q", o.Name)
		}
	}
	job, err := e.model.Parse(&req)
	if err != nil {
		return nil, nil, err
	}
	if len(job.Rows) == 0 {
		return nil, nil, BadRequest("the request has no rows")
	}
	return job, &req, nil
}

func names(m map[string]TensorMetadata) string {
	var out []string
	for n := range m {
		out = append(out, strconv.Quote(n))
	}
	sort.Strings(out)
	return fmt.Sprint(out)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		status = http.StatusInternalServerError
		body, _ = json.Marshal(map[string]string{"error": "encoding the answer: " + err.Error()})
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	w.Write(body)
}

func writeError(w http.ResponseWriter, err error) {
	writeJSON(w, statusOf(err), map[string]string{"error": err.Error()})
}
