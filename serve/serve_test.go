package serve_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rnnzoo/rnnzoo/serve"
)

// slowUpper is upper with every batch taking 200 ms.
type slowUpper struct{ upper }

func (s slowUpper) Infer(rows []any) ([]any, error) {
	time.Sleep(200 * time.Millisecond)
	return s.upper.Infer(rows)
}

func post(t *testing.T, url, body string) (int, string) {
	t.Helper()
	resp, err := http.Post(url, "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

const goBody = `{"inputs":[{"name":"text","datatype":"BYTES","shape":[1],"data":["go"]}]}`

func start(t *testing.T, opts serve.Options, m serve.Model) string {
	srv := serve.NewServer(opts)
	srv.Add("upper", func() ([]serve.Model, error) { return []serve.Model{m}, nil })
	if err := srv.Load(); err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(func() { ts.Close(); srv.Close() })
	return ts.URL
}

// TestConcurrencyLimit: a request over -max-concurrent gets 503 at once.
func TestConcurrencyLimit(t *testing.T) {
	url := start(t, serve.Options{MaxConcurrent: 1}, slowUpper{})
	var wg sync.WaitGroup
	codes := make([]int, 2)
	for i := range codes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if i == 1 {
				time.Sleep(50 * time.Millisecond) // the first is in flight
			}
			codes[i], _ = post(t, url+"/v2/models/upper/infer", goBody)
		}()
	}
	wg.Wait()
	if codes[0] != 200 || codes[1] != 503 {
		t.Errorf("codes %v, want [200 503]", codes)
	}
}

// TestClosedServer: after Close, inference is refused with 503, not hung.
func TestClosedServer(t *testing.T) {
	srv := serve.NewServer(serve.Options{})
	srv.Add("upper", func() ([]serve.Model, error) { return []serve.Model{upper{}}, nil })
	if err := srv.Load(); err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	defer ts.Close()
	srv.Close()
	if code, body := post(t, ts.URL+"/v2/models/upper/infer", goBody); code != 503 {
		t.Errorf("after Close: %d %s", code, body)
	}
}

// TestDebugLog: one line per request at debug level, none at info.
func TestDebugLog(t *testing.T) {
	for _, level := range []slog.Level{slog.LevelDebug, slog.LevelInfo} {
		var buf bytes.Buffer
		var mu sync.Mutex
		h := slog.NewTextHandler(&lockedWriter{w: &buf, mu: &mu}, &slog.HandlerOptions{Level: level})
		url := start(t, serve.Options{Logger: slog.New(h)}, upper{})
		post(t, url+"/v2/models/upper/infer", goBody)
		post(t, url+"/v2/models/upper/infer", `{`)
		http.Get(url + "/v2/health/live")
		mu.Lock()
		lines := strings.Count(buf.String(), "\n")
		out := buf.String()
		mu.Unlock()
		want := 0
		if level == slog.LevelDebug {
			want = 3
		}
		if lines != want {
			t.Errorf("level %v: %d lines, want %d:\n%s", level, lines, want, out)
		}
		if level == slog.LevelDebug && (!strings.Contains(out, "code=400") || !strings.Contains(out, "model=upper")) {
			t.Errorf("debug lines lack the code or the model:\n%s", out)
		}
	}
}

type lockedWriter struct {
	w  io.Writer
	mu *sync.Mutex
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// TestLoadTestLoopbackOnly: the load generator refuses any other host,
// and measures a server on loopback.
func TestLoadTestLoopbackOnly(t *testing.T) {
	for _, u := range []string{"http://10.0.0.1:8080", "http://example.com", "http://[2001:db8::1]:80"} {
		if serve.Loopback(u) {
			t.Errorf("Loopback(%q)", u)
		}
		if _, err := serve.LoadTest(context.Background(), serve.LoadOptions{URL: u, Model: "m", Bodies: [][]byte{[]byte("{}")}, Clients: []int{1}, Duration: time.Millisecond}); err == nil || !strings.Contains(err.Error(), "only sends to") {
			t.Errorf("LoadTest(%q): %v", u, err)
		}
	}
	if _, err := serve.LoadTest(context.Background(), serve.LoadOptions{URL: "http://127.0.0.1:1", Model: "m", Bodies: [][]byte{nil}, Clients: []int{8, 0}, Duration: time.Millisecond}); err == nil {
		t.Error("LoadTest took a level of 0 clients")
	}
	url := start(t, serve.Options{}, upper{})
	rep, err := serve.LoadTest(context.Background(), serve.LoadOptions{URL: url, Model: "upper", Bodies: [][]byte{[]byte(goBody)},
		Clients: []int{1, 4}, Duration: 200 * time.Millisecond, Marks: []int{10}})
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range rep.Levels {
		if l.Errors != 0 || l.Requests == 0 || l.P50 <= 0 || l.RSSStart <= 0 {
			t.Errorf("level %+v", l)
		}
	}
	if rep.RSSAt[0] <= 0 {
		t.Errorf("no RSS after 10 requests: %+v", rep)
	}
}
