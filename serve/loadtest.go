package serve

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// LoadOptions configure LoadTest.
type LoadOptions struct {
	URL      string        // the server, e.g. http://127.0.0.1:8080 (loopback only)
	Model    string        // the model's name
	Bodies   [][]byte      // inference request bodies, sent in turn
	Clients  []int         // concurrent clients of each level, e.g. 1, 8, 64
	Duration time.Duration // of each level
	Warmup   time.Duration // unmeasured requests before the first level
	// Marks are request counts (over the whole test, warm-up included) at
	// which the server's resident memory is read, e.g. 1,000 and 100,000.
	Marks []int
}

// LoadLevel is the result of one level of a load test.
type LoadLevel struct {
	Clients   int     `json:"clients"`
	Requests  int     `json:"requests"`
	Errors    int     `json:"errors"`
	Seconds   float64 `json:"seconds"`
	PerSecond float64 `json:"requests_per_second"`
	P50       float64 `json:"p50_ms"`
	P90       float64 `json:"p90_ms"`
	P99       float64 `json:"p99_ms"`
	Max       float64 `json:"max_ms"`
	RSSStart  int64   `json:"rss_start_bytes"`
	RSSEnd    int64   `json:"rss_end_bytes"`
	// FirstError is the first failure's message, if any.
	FirstError string `json:"first_error,omitempty"`
}

// LoadReport is what LoadTest measured.
type LoadReport struct {
	Levels []LoadLevel `json:"levels"`
	// RSSAt is the server's resident memory when the whole test had sent
	// Marks[i] requests (0 where the test sent fewer).
	Marks []int   `json:"marks"`
	RSSAt []int64 `json:"rss_at_bytes"`
	Total int     `json:"total_requests"`
}

// LoadTest sends bounded load to a server on the loopback interface:
// for each level, that many clients each send one request at a time (a
// closed loop) for Duration. Latency is from the start of sending to the
// end of reading the answer; a request fails unless it gets a 200. The
// server's resident memory comes from its /metrics
// (process_resident_memory_bytes).
func LoadTest(ctx context.Context, o LoadOptions) (*LoadReport, error) {
	u, err := url.Parse(o.URL)
	if err != nil {
		return nil, fmt.Errorf("loadtest: URL %q: %v", o.URL, err)
	}
	if !loopback(u.Hostname()) {
		return nil, fmt.Errorf("loadtest: %q is not on this machine: the load generator only sends to 127.0.0.1, ::1 or localhost", o.URL)
	}
	if len(o.Bodies) == 0 || len(o.Clients) == 0 || o.Duration <= 0 {
		return nil, fmt.Errorf("loadtest: need request bodies, client counts and a duration")
	}
	for _, c := range o.Clients {
		if c < 1 || c > 4096 {
			return nil, fmt.Errorf("loadtest: clients %v: want 1 to 4096 each", o.Clients)
		}
	}
	maxClients := slices.Max(o.Clients)
	client := LoopbackClient(maxClients)
	defer client.CloseIdleConnections()
	base := strings.TrimRight(o.URL, "/")
	inferPath := strings.TrimRight(u.Path, "/") + "/v2/models/" + url.PathEscape(o.Model) + "/infer"
	reqs := rawRequests(u, inferPath, o.Bodies)
	addr := u.Host
	if u.Port() == "" {
		addr = net.JoinHostPort(u.Hostname(), "80")
	}
	dial := client.Transport.(*http.Transport).DialContext
	metricsURL := base + "/metrics"
	rep := &LoadReport{Marks: o.Marks, RSSAt: make([]int64, len(o.Marks))}
	var sent atomic.Int64
	var markMu sync.Mutex
	var nextMark atomic.Int64
	mark := func(n int64) {
		markMu.Lock()
		defer markMu.Unlock()
		for int(nextMark.Load()) < len(o.Marks) && n >= int64(o.Marks[nextMark.Load()]) {
			rss, _ := ResidentMemory(ctx, client, metricsURL)
			rep.RSSAt[nextMark.Load()] = rss
			nextMark.Add(1)
		}
	}
	run := func(clients int, d time.Duration) LoadLevel {
		lv := LoadLevel{Clients: clients}
		lats := make([][]float64, clients)
		errs := make([]int, clients)
		var firstErr atomic.Value
		deadline := time.Now().Add(d)
		start := time.Now()
		var wg sync.WaitGroup
		for c := range clients {
			wg.Add(1)
			go func() {
				defer wg.Done()
				rc := &rawClient{addr: addr, dial: dial}
				defer rc.close()
				for i := c; time.Now().Before(deadline) && ctx.Err() == nil; i += clients {
					t0 := time.Now()
					err := rc.do(ctx, reqs[i%len(reqs)])
					lat := time.Since(t0)
					if err != nil {
						errs[c]++
						firstErr.CompareAndSwap(nil, err.Error())
					} else {
						lats[c] = append(lats[c], float64(lat.Microseconds())/1000)
					}
					if n := sent.Add(1); int(nextMark.Load()) < len(o.Marks) {
						mark(n)
					}
				}
			}()
		}
		wg.Wait()
		lv.Seconds = time.Since(start).Seconds()
		var all []float64
		for c := range clients {
			all = append(all, lats[c]...)
			lv.Errors += errs[c]
		}
		lv.Requests = len(all) + lv.Errors
		lv.PerSecond = float64(len(all)) / lv.Seconds
		slices.Sort(all)
		lv.P50, lv.P90, lv.P99 = quantile(all, 0.5), quantile(all, 0.9), quantile(all, 0.99)
		if len(all) > 0 {
			lv.Max = all[len(all)-1]
		}
		if s, ok := firstErr.Load().(string); ok {
			lv.FirstError = s
		}
		return lv
	}
	if o.Warmup > 0 {
		run(min(8, maxClients), o.Warmup)
	}
	for _, c := range o.Clients {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		rssStart, err := ResidentMemory(ctx, client, metricsURL)
		if err != nil {
			return nil, err
		}
		lv := run(c, o.Duration)
		lv.RSSStart = rssStart
		if lv.RSSEnd, err = ResidentMemory(ctx, client, metricsURL); err != nil {
			return nil, err
		}
		rep.Levels = append(rep.Levels, lv)
	}
	rep.Total = int(sent.Load())
	return rep, nil
}

// LoopbackClient returns an HTTP client for up to conns concurrent
// requests that connects only to loopback addresses (whatever a name
// resolves to) and follows no redirect.
func LoopbackClient(conns int) *http.Client {
	dialer := &net.Dialer{Timeout: 5 * time.Second, Control: func(network, address string, _ syscall.RawConn) error {
		host, _, err := net.SplitHostPort(address)
		if err != nil {
			return err
		}
		if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
			return fmt.Errorf("loadtest: %s is not a loopback address", address)
		}
		return nil
	}}
	return &http.Client{
		Transport: &http.Transport{DialContext: dialer.DialContext, MaxIdleConnsPerHost: conns, MaxConnsPerHost: conns, DisableCompression: true},
		Timeout:   30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return errors.New("loadtest: the server answered with a redirect")
		},
	}
}

// Loopback says whether a URL's host is this machine's loopback interface
// (127.0.0.0/8, ::1 or localhost).
func Loopback(rawURL string) bool {
	u, err := url.Parse(rawURL)
	return err == nil && loopback(u.Hostname())
}

func loopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// quantile returns the q-quantile of sorted values (nearest rank).
func quantile(sorted []float64, q float64) float64 {
	if len(sorted) == 0 {
		return 0
	}
	i := int(q*float64(len(sorted))+0.5) - 1
	return sorted[min(max(i, 0), len(sorted)-1)]
}

// ResidentMemory reads process_resident_memory_bytes from a /metrics URL.
func ResidentMemory(ctx context.Context, c *http.Client, metricsURL string) (int64, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, metricsURL, nil)
	if err != nil {
		return 0, err
	}
	resp, err := c.Do(req)
	if err != nil {
		return 0, fmt.Errorf("reading the server's memory: %w", err)
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(io.LimitReader(resp.Body, 4<<20))
	for sc.Scan() {
		name, val, ok := strings.Cut(sc.Text(), " ")
		if ok && name == "process_resident_memory_bytes" {
			f, err := strconv.ParseFloat(strings.TrimSpace(val), 64)
			if err != nil {
				return 0, fmt.Errorf("%s: process_resident_memory_bytes %q: %v", metricsURL, val, err)
			}
			return int64(f), nil
		}
	}
	return 0, fmt.Errorf("%s has no process_resident_memory_bytes", metricsURL)
}
