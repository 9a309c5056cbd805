package zoo

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rnnzoo/rnnzoo/datasets/images"
	"github.com/rnnzoo/rnnzoo/datasets/sentiment"
	"github.com/rnnzoo/rnnzoo/models/charlm/lm"
	"github.com/rnnzoo/rnnzoo/models/imagecols/cols"
	"github.com/rnnzoo/rnnzoo/models/sentiment/polarity"
	"github.com/rnnzoo/rnnzoo/models/translate/translator"
	"github.com/rnnzoo/rnnzoo/serve"
)

// zooServer serves the four shipped models under their kinds' names.
func zooServer(t testing.TB, opts serve.Options) (*serve.Server, *httptest.Server) {
	t.Helper()
	srv := serve.NewServer(opts)
	for _, k := range Kinds {
		if err := srv.Add(k, Loader(Spec{Name: k, Kind: k, Path: Builtin}, 1)); err != nil {
			t.Fatal(err)
		}
	}
	if err := srv.Load(); err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(func() { ts.Close(); srv.Close() })
	return srv, ts
}

type answer struct {
	status int
	body   []byte
}

func do(t testing.TB, method, url, body string) answer {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if ct := resp.Header.Get("Content-Type"); method == http.MethodPost && ct != "application/json" {
		t.Errorf("%s %s: Content-Type %q", method, url, ct)
	}
	return answer{resp.StatusCode, b}
}

func decodeResponse(t testing.TB, a answer) serve.InferResponse {
	t.Helper()
	if a.status != 200 {
		t.Fatalf("status %d: %s", a.status, a.body)
	}
	var r serve.InferResponse
	if err := json.Unmarshal(a.body, &r); err != nil {
		t.Fatalf("%v: %s", err, a.body)
	}
	return r
}

func output(t testing.TB, r serve.InferResponse, name string) serve.OutputTensor {
	t.Helper()
	for _, o := range r.Outputs {
		if o.Name == name {
			return o
		}
	}
	t.Fatalf("no output %q in %+v", name, r)
	return serve.OutputTensor{}
}

func floats(t testing.TB, v any) []float64 {
	t.Helper()
	xs, ok := v.([]any)
	if !ok {
		t.Fatalf("data %T, want an array", v)
	}
	out := make([]float64, len(xs))
	for i, x := range xs {
		out[i] = x.(float64)
	}
	return out
}

func textBody(name string, texts []string, params string) string {
	data, _ := json.Marshal(texts)
	p := ""
	if params != "" {
		p = `,"parameters":` + params
	}
	return fmt.Sprintf(`{"id":"r1"%s,"inputs":[{"name":%q,"datatype":"BYTES","shape":[%d],"data":%s}]}`, p, name, len(texts), data)
}

// TestRoundTrip serves every shipped model and checks each endpoint's
// answer, and that every inference equals the model's own answer.
func TestRoundTrip(t *testing.T) {
	_, ts := zooServer(t, serve.Options{})
	for _, path := range []string{"/v2/health/live", "/v2/health/ready", "/v2", "/v2/models/sentiment/ready", "/v2/models/charlm/versions/1/ready"} {
		if a := do(t, "GET", ts.URL+path, ""); a.status != 200 {
			t.Errorf("GET %s: %d %s", path, a.status, a.body)
		}
	}
	var sm serve.ServerMetadata
	if err := json.Unmarshal(do(t, "GET", ts.URL+"/v2", "").body, &sm); err != nil || sm.Name != "rnnzoo" {
		t.Errorf("server metadata %+v, %v", sm, err)
	}
	var meta serve.ModelMetadata
	if err := json.Unmarshal(do(t, "GET", ts.URL+"/v2/models/sentiment", "").body, &meta); err != nil {
		t.Fatal(err)
	}
	if meta.Name != "sentiment" || meta.Inputs[0].Name != "text" || meta.Inputs[0].Datatype != "BYTES" ||
		meta.Outputs[1].Name != "probabilities" || meta.Outputs[1].Shape[1] != 2 || meta.Parameters["labels"] != "negative,positive" {
		t.Errorf("sentiment metadata %+v", meta)
	}

	t.Run("sentiment", func(t *testing.T) {
		m, err := polarity.Pretrained()
		if err != nil {
			t.Fatal(err)
		}
		texts := []string{"a wonderful, moving film", "the worst service I have ever had", ""}
		want, err := m.Predict(texts)
		if err != nil {
			t.Fatal(err)
		}
		r := decodeResponse(t, do(t, "POST", ts.URL+"/v2/models/sentiment/infer", textBody("text", texts, "")))
		if r.ModelName != "sentiment" || r.ID != "r1" {
			t.Errorf("response %+v", r)
		}
		labels := output(t, r, "label")
		probs := output(t, r, "probabilities")
		if fmt.Sprint(labels.Shape) != "[3]" || fmt.Sprint(probs.Shape) != "[3 2]" || probs.Datatype != "FP32" {
			t.Fatalf("shapes %v %v", labels.Shape, probs.Shape)
		}
		p := floats(t, probs.Data)
		for i, w := range want {
			if labels.Data.([]any)[i] != w.Name {
				t.Errorf("text %d: label %v, want %s", i, labels.Data.([]any)[i], w.Name)
			}
			for c := range 2 {
				if math.Abs(p[2*i+c]-w.Probabilities[c]) > 1e-6 {
					t.Errorf("text %d class %d: %v, want %v", i, c, p[2*i+c], w.Probabilities[c])
				}
			}
		}
		// Only the outputs asked for.
		body := `{"inputs":[{"name":"text","datatype":"BYTES","shape":[2],"data":["good","bad"]}],"outputs":[{"name":"label"}]}`
		r = decodeResponse(t, do(t, "POST", ts.URL+"/v2/models/sentiment/versions/1/infer", body))
		if len(r.Outputs) != 1 || r.Outputs[0].Name != "label" {
			t.Errorf("asked for label only, got %+v", r.Outputs)
		}
	})

	t.Run("translate", func(t *testing.T) {
		m, err := translator.Pretrained()
		if err != nil {
			t.Fatal(err)
		}
		texts := []string{"And God said, Let there be light.", "The Lord is my shepherd."}
		o := translator.DefaultDecodeOptions()
		o.Beam, o.MaxOut = 2, 30
		want, err := m.Translate(texts, o)
		if err != nil {
			t.Fatal(err)
		}
		r := decodeResponse(t, do(t, "POST", ts.URL+"/v2/models/translate/infer", textBody("text", texts, fmt.Sprintf(`{"beam":2,"alpha":%g,"max_length":30}`, o.Alpha))))
		got := output(t, r, "translation").Data.([]any)
		for i := range want {
			if got[i] != want[i] {
				t.Errorf("sentence %d: %q, want %q", i, got[i], want[i])
			}
		}
		if a := do(t, "POST", ts.URL+"/v2/models/translate/infer", textBody("text", texts, `{"beam":0}`)); a.status != 400 || !bytes.Contains(a.body, []byte(`beam`)) {
			t.Errorf("beam 0: %d %s", a.status, a.body)
		}
	})

	t.Run("imagecols", func(t *testing.T) {
		c, err := cols.Pretrained(cols.Digits)
		if err != nil {
			t.Fatal(err)
		}
		_, test, err := images.DigitsSplit()
		if err != nil {
			t.Fatal(err)
		}
		hw := test.H * test.W
		imgs := [][]float32{test.Pixels[:hw], test.Pixels[hw : 2*hw]}
		want, err := c.Classify(imgs)
		if err != nil {
			t.Fatal(err)
		}
		u8 := make([]int, 2*hw) // the same images as UINT8, nested [N][H][W]
		for i, v := range test.Pixels[:2*hw] {
			u8[i] = int(math.Round(float64(v) * 255))
		}
		nested := make([][][]int, 2)
		for i := range nested {
			nested[i] = make([][]int, test.H)
			for y := range test.H {
				nested[i][y] = u8[i*hw+y*test.W : i*hw+(y+1)*test.W]
			}
		}
		fp, _ := json.Marshal(test.Pixels[:2*hw])
		un, _ := json.Marshal(nested)
		for _, body := range []string{
			fmt.Sprintf(`{"inputs":[{"name":"image","datatype":"FP32","shape":[2,8,8],"data":%s}]}`, fp),
			fmt.Sprintf(`{"inputs":[{"name":"image","datatype":"UINT8","shape":[2,8,8],"data":%s}]}`, un),
		} {
			r := decodeResponse(t, do(t, "POST", ts.URL+"/v2/models/imagecols/infer", body))
			labels := output(t, r, "label")
			p := floats(t, output(t, r, "probabilities").Data)
			if labels.Datatype != "INT64" || len(p) != 20 {
				t.Fatalf("outputs %+v", r.Outputs)
			}
			for i, w := range want {
				if int(labels.Data.([]any)[i].(float64)) != w.Class {
					t.Errorf("image %d: label %v, want %d", i, labels.Data.([]any)[i], w.Class)
				}
				if math.Abs(p[10*i+w.Class]-w.Prob) > 0.02 { // UINT8 rounds the pixels
					t.Errorf("image %d: p %v, want %v", i, p[10*i+w.Class], w.Prob)
				}
			}
		}
	})

	t.Run("charlm", func(t *testing.T) {
		m, err := lm.Pretrained()
		if err != nil {
			t.Fatal(err)
		}
		want, err := m.Sample("Mr. Speaker, ", 40, 0.5, 7)
		if err != nil {
			t.Fatal(err)
		}
		body := textBody("prime", []string{"Mr. Speaker, "}, `{"n":40,"temperature":0.5,"seed":7}`)
		for range 2 { // the same seed, the same text
			got := output(t, decodeResponse(t, do(t, "POST", ts.URL+"/v2/models/charlm/infer", body)), "text").Data.([]any)
			if got[0] != want {
				t.Errorf("sample %q, want %q", got[0], want)
			}
		}
	})
}

// TestErrors sends each kind of bad request and checks its status and
// message.
func TestErrors(t *testing.T) {
	_, ts := zooServer(t, serve.Options{MaxBody: 4096})
	long := strings.Repeat("x", 5000)
	cases := []struct {
		name, path, body string
		status           int
		msg              string
	}{
		{"malformed JSON", "sentiment", `{"inputs":[`, 400, "malformed JSON"},
		{"not an object", "sentiment", `[1,2]`, 400, "malformed JSON"},
		{"trailing data", "sentiment", `{"inputs":[]} {}`, 400, "malformed JSON"},
		{"no inputs", "sentiment", `{"inputs":[]}`, 400, "no inputs"},
		{"unknown input", "sentiment", `{"inputs":[{"name":"txt","datatype":"BYTES","shape":[1],"data":["a"]}]}`, 400, `unknown input "txt"`},
		{"twice", "sentiment", `{"inputs":[{"name":"text","datatype":"BYTES","shape":[1],"data":["a"]},{"name":"text","datatype":"BYTES","shape":[1],"data":["a"]}]}`, 400, "twice"},
		{"wrong datatype", "sentiment", `{"inputs":[{"name":"text","datatype":"FP32","shape":[1],"data":[1.5]}]}`, 400, "want BYTES"},
		{"unknown datatype", "sentiment", `{"inputs":[{"name":"text","datatype":"STRING","shape":[1],"data":["a"]}]}`, 400, "unknown datatype"},
		{"not a string", "sentiment", `{"inputs":[{"name":"text","datatype":"BYTES","shape":[1],"data":[7]}]}`, 400, "not a string"},
		{"shape and data differ", "sentiment", `{"inputs":[{"name":"text","datatype":"BYTES","shape":[3],"data":["a","b"]}]}`, 400, "needs 3"},
		{"too many elements", "sentiment", `{"inputs":[{"name":"text","datatype":"BYTES","shape":[1],"data":["a","b"]}]}`, 400, "data has 2 elements, shape [1] needs 1"},
		{"nested too deep", "sentiment", `{"inputs":[{"name":"text","datatype":"BYTES","shape":[2],"data":[["a"],["b"]]}]}`, 400, "nested deeper"},
		{"ragged", "imagecols", `{"inputs":[{"name":"image","datatype":"FP32","shape":[1,8,8],"data":[[[0,0,0,0,0,0,0,0]]]}]}`, 400, "has 1 items, shape [1 8 8] needs 8"},
		{"FP32 range", "imagecols", fmt.Sprintf(`{"inputs":[{"name":"image","datatype":"FP32","shape":[1,8,8],"data":[1e39%s]}]}`, strings.Repeat(",0", 63)), 400, "outside the FP32 range"},
		{"NaN parameter", "charlm", `{"parameters":{"temperature":"NaN"},"inputs":[{"name":"prime","datatype":"BYTES","shape":[1],"data":["a"]}]}`, 400, "want a finite number"},
		{"wrong rank", "sentiment", `{"inputs":[{"name":"text","datatype":"BYTES","shape":[1,1],"data":["a"]}]}`, 400, "want 1 dimensions"},
		{"empty input", "sentiment", `{"inputs":[{"name":"text","datatype":"BYTES","shape":[0],"data":[]}]}`, 400, "is empty"},
		{"negative shape", "sentiment", `{"inputs":[{"name":"text","datatype":"BYTES","shape":[-1],"data":["a"]}]}`, 400, "negative"},
		{"huge shape", "sentiment", `{"inputs":[{"name":"text","datatype":"BYTES","shape":[9223372036854775807],"data":["a"]}]}`, 400, "more than"},
		{"no data", "sentiment", `{"inputs":[{"name":"text","datatype":"BYTES","shape":[1]}]}`, 400, "no data"},
		{"unknown output", "sentiment", `{"inputs":[{"name":"text","datatype":"BYTES","shape":[1],"data":["a"]}],"outputs":[{"name":"logits"}]}`, 400, `unknown output "logits"`},
		{"image shape", "imagecols", `{"inputs":[{"name":"image","datatype":"FP32","shape":[1,28,28],"data":[]}]}`, 400, "want [-1 8 8]"},
		{"image datatype", "imagecols", `{"inputs":[{"name":"image","datatype":"INT64","shape":[1,1,1],"data":[1]}]}`, 400, "shape"},
		{"pixel range", "imagecols", fmt.Sprintf(`{"inputs":[{"name":"image","datatype":"FP32","shape":[1,8,8],"data":[2%s]}]}`, strings.Repeat(",0", 63)), 400, "outside [0, 1]"},
		{"uint8 range", "imagecols", fmt.Sprintf(`{"inputs":[{"name":"image","datatype":"UINT8","shape":[1,8,8],"data":[256%s]}]}`, strings.Repeat(",0", 63)), 400, "not a UINT8"},
		{"NaN", "imagecols", fmt.Sprintf(`{"inputs":[{"name":"image","datatype":"FP32","shape":[1,8,8],"data":["NaN"%s]}]}`, strings.Repeat(",0", 63)), 400, "not a finite number"},
		{"bad parameter", "charlm", `{"parameters":{"n":"many"},"inputs":[{"name":"prime","datatype":"BYTES","shape":[1],"data":["a"]}]}`, 400, `parameter "n"`},
		{"n too large", "charlm", `{"parameters":{"n":1000000},"inputs":[{"name":"prime","datatype":"BYTES","shape":[1],"data":["a"]}]}`, 400, `parameter "n"`},
		{"unknown model", "nosuch", `{}`, 404, `unknown model "nosuch"`},
		{"too large", "sentiment", `{"inputs":[{"name":"text","datatype":"BYTES","shape":[1],"data":["` + long + `"]}]}`, 413, "over the limit"},
	}
	for _, c := range cases {
		a := do(t, "POST", ts.URL+"/v2/models/"+c.path+"/infer", c.body)
		var e struct{ Error string }
		if err := json.Unmarshal(a.body, &e); err != nil {
			t.Errorf("%s: body %s is not the protocol's error: %v", c.name, a.body, err)
		}
		if a.status != c.status || !strings.Contains(e.Error, c.msg) {
			t.Errorf("%s: %d %q, want %d with %q", c.name, a.status, e.Error, c.status, c.msg)
		}
	}
	if a := do(t, "GET", ts.URL+"/v2/models/sentiment/versions/2", ""); a.status != 404 {
		t.Errorf("version 2: %d %s", a.status, a.body)
	}
	if a := do(t, "GET", ts.URL+"/v3", ""); a.status != 404 || !bytes.Contains(a.body, []byte(`"error"`)) {
		t.Errorf("unknown path: %d %s", a.status, a.body)
	}
}

// start runs srv on a free loopback port until cancel.
func start(t *testing.T, srv *serve.Server) (url string, cancel func(), done chan error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done = make(chan error, 1)
	go func() { done <- srv.Serve(ctx, ln) }()
	return "http://" + ln.Addr().String(), cancel, done
}

func waitReady(t *testing.T, url string) {
	for i := 0; do(t, "GET", url+"/v2/health/ready", "").status != 200; i++ {
		if i > 1000 {
			t.Fatal("never ready")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestNotReady: while a model loads, the server is live, not ready, and
// inference gets 503.
func TestNotReady(t *testing.T) {
	release := make(chan struct{})
	srv := serve.NewServer(serve.Options{})
	srv.Add("sentiment", func() ([]serve.Model, error) {
		<-release
		return Loader(Spec{Kind: polarity.Kind, Path: Builtin}, 1)()
	})
	url, cancel, done := start(t, srv)
	if a := do(t, "GET", url+"/v2/health/live", ""); a.status != 200 {
		t.Errorf("live: %d", a.status)
	}
	for _, p := range []string{"/v2/health/ready", "/v2/models/sentiment/ready"} {
		if a := do(t, "GET", url+p, ""); a.status != 503 {
			t.Errorf("%s while loading: %d %s", p, a.status, a.body)
		}
	}
	a := do(t, "POST", url+"/v2/models/sentiment/infer", textBody("text", []string{"good"}, ""))
	if a.status != 503 || !bytes.Contains(a.body, []byte("not ready")) {
		t.Errorf("infer while loading: %d %s", a.status, a.body)
	}
	close(release)
	waitReady(t, url)
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

// TestBatchingKeepsAnswers: a sentence gets the same probabilities alone
// and inside batches of every size, and concurrent requests (merged into
// batches by the server) get the answers they get alone.
func TestBatchingKeepsAnswers(t *testing.T) {
	ex, err := sentiment.UCI()
	if err != nil {
		t.Fatal(err)
	}
	texts := sentiment.Texts(ex[:130])
	m, err := polarity.Pretrained()
	if err != nil {
		t.Fatal(err)
	}
	alone := make([][]float64, len(texts))
	for i, s := range texts {
		p, err := m.Predict([]string{s})
		if err != nil {
			t.Fatal(err)
		}
		alone[i] = p[0].Probabilities
	}
	for _, n := range []int{2, 7, 64, 130} {
		p, err := m.Predict(texts[:n])
		if err != nil {
			t.Fatal(err)
		}
		for i := range p {
			for c := range p[i].Probabilities {
				if d := math.Abs(p[i].Probabilities[c] - alone[i][c]); d > 1e-5 {
					t.Fatalf("batch of %d: text %d class %d differs by %g", n, i, c, d)
				}
			}
		}
	}

	srv, ts := zooServer(t, serve.Options{MaxDelay: 5 * time.Millisecond})
	_ = srv
	var wg sync.WaitGroup
	var bad atomic.Int64
	for g := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := g; i < len(texts); i += 16 {
				r := decodeResponse(t, do(t, "POST", ts.URL+"/v2/models/sentiment/infer", textBody("text", texts[i:i+1], "")))
				p := floats(t, output(t, r, "probabilities").Data)
				for c := range p {
					if math.Abs(p[c]-alone[i][c]) > 1e-5 {
						bad.Add(1)
					}
				}
			}
		}()
	}
	wg.Wait()
	if bad.Load() > 0 {
		t.Errorf("%d probabilities of concurrent requests differ from the answers alone", bad.Load())
	}
	metrics := string(do(t, "GET", ts.URL+"/metrics", "").body)
	var sum, count float64
	for _, l := range strings.Split(metrics, "\n") {
		fmt.Sscanf(l, `rnnzoo_batch_size_sum{model="sentiment"} %g`, &sum)
		fmt.Sscanf(l, `rnnzoo_batch_size_count{model="sentiment"} %g`, &count)
	}
	if count == 0 || sum <= count {
		t.Errorf("%g rows in %g batches: no batch merged requests", sum, count)
	}
	for _, want := range []string{`rnnzoo_requests_total{code="200",model="sentiment"}`, `rnnzoo_batch_size_count{model="sentiment"}`,
		`rnnzoo_request_duration_seconds_bucket{model="sentiment"`, `rnnzoo_queue_length{model="sentiment"} 0`, "process_resident_memory_bytes"} {
		if !strings.Contains(metrics, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
}

// slow delays every batch, to hold requests in flight.
type slow struct {
	serve.Model
	started chan struct{}
	once    sync.Once
}

func (s *slow) Infer(rows []any) ([]any, error) {
	s.once.Do(func() { close(s.started) })
	time.Sleep(300 * time.Millisecond)
	return s.Model.Infer(rows)
}

// TestShutdownDrains: a request in flight when the shutdown starts gets its
// answer; the server then stops accepting and Serve returns.
func TestShutdownDrains(t *testing.T) {
	m, err := Open(Spec{Kind: polarity.Kind, Path: Builtin})
	if err != nil {
		t.Fatal(err)
	}
	s := &slow{Model: m, started: make(chan struct{})}
	srv := serve.NewServer(serve.Options{})
	srv.Add("sentiment", func() ([]serve.Model, error) { return []serve.Model{s}, nil })
	url, cancel, done := start(t, srv)
	waitReady(t, url)
	got := make(chan answer, 1)
	go func() {
		resp, err := http.Post(url+"/v2/models/sentiment/infer", "application/json", strings.NewReader(textBody("text", []string{"fine"}, "")))
		if err != nil {
			got <- answer{status: -1, body: []byte(err.Error())}
			return
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		got <- answer{resp.StatusCode, b}
	}()
	<-s.started
	cancel()
	a := <-got
	if a.status != 200 {
		t.Errorf("request in flight at shutdown: %d %s", a.status, a.body)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if _, err := http.Get(url + "/v2/health/live"); err == nil {
		t.Error("the server still accepts after shutdown")
	}
}

// countingReader is an endless body that counts what was read of it.
type countingReader struct {
	n, limit int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	if c.n >= c.limit {
		return 0, io.EOF
	}
	k := min(int64(len(p)), c.limit-c.n)
	for i := range p[:k] {
		p[i] = ' '
	}
	atomic.AddInt64(&c.n, k)
	return int(k), nil
}

// TestLargeBodyRefused: a 10 MB body is refused with 413 without being
// read, whether its length is declared or it comes chunked.
func TestLargeBodyRefused(t *testing.T) {
	_, ts := zooServer(t, serve.Options{})
	for _, chunked := range []bool{false, true} {
		body := &countingReader{limit: 10 << 20}
		req, err := http.NewRequest("POST", ts.URL+"/v2/models/sentiment/infer", body)
		if err != nil {
			t.Fatal(err)
		}
		if !chunked {
			req.ContentLength = body.limit
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatalf("chunked %v: %v", chunked, err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 413 || !bytes.Contains(b, []byte("over the limit")) {
			t.Errorf("chunked %v: %d %s", chunked, resp.StatusCode, b)
		}
		if n := atomic.LoadInt64(&body.n); n >= body.limit {
			t.Errorf("chunked %v: the client sent all %d bytes", chunked, n)
		}
	}
}

// TestParseSpec reads -model values.
func TestParseSpec(t *testing.T) {
	dir := t.TempDir()
	m, err := polarity.Pretrained()
	if err != nil {
		t.Fatal(err)
	}
	path := dir + "/s.ckpt"
	if err := m.Save(path, true); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ value, kind, want string }{
		{"builtin", "sentiment", "sentiment sentiment builtin"},
		{"a=builtin", "charlm", "a charlm builtin"},
		{"fashion", "imagecols", "imagecols imagecols fashion"},
		{"mine=" + path, "translate", "mine sentiment " + path}, // the file's kind wins
		{path, "charlm", "sentiment sentiment " + path},
	} {
		s, err := ParseSpec(c.value, c.kind)
		if err != nil || fmt.Sprintf("%s %s %s", s.Name, s.Kind, s.Path) != c.want {
			t.Errorf("ParseSpec(%q, %q) = %+v, %v; want %s", c.value, c.kind, s, err, c.want)
		}
	}
	for _, bad := range []string{"", "x=", "a b=builtin", dir + "/missing.ckpt"} {
		if _, err := ParseSpec(bad, "sentiment"); err == nil {
			t.Errorf("ParseSpec(%q) accepted", bad)
		}
	}
}

// FuzzInfer feeds arbitrary bodies to the inference endpoint of a text
// and an image model: every answer is 200, 400 or 413 with a JSON body.
func FuzzInfer(f *testing.F) {
	for _, s := range []string{
		textBody("text", []string{"good film"}, ""),
		`{"inputs":[{"name":"text","datatype":"BYTES","shape":[2],"data":[["a"],["b"]]}]}`,
		`{"inputs":[{"name":"image","datatype":"UINT8","shape":[1,8,8],"data":[0]}]}`,
		`{"inputs":[{"name":"text","datatype":"BYTES","shape":[1],"data":[[[["deep"]]]]}]}`,
		`{"inputs":[{"name":"text","datatype":"BYTES","shape":[1],"data":null}]}`,
		`{"inputs":[{"name":"text","datatype":"BYTES","shape":null,"data":"a"}]}`,
		`{"parameters":{"beam":1e300},"inputs":[]}`,
	} {
		f.Add(s, false)
		f.Add(s, true)
	}
	srv := serve.NewServer(serve.Options{MaxBody: 1 << 16})
	srv.Add("text", Loader(Spec{Kind: polarity.Kind, Path: Builtin}, 1))
	srv.Add("image", Loader(Spec{Kind: cols.Kind, Path: Builtin}, 1))
	if err := srv.Load(); err != nil {
		f.Fatal(err)
	}
	h := srv.Handler()
	f.Fuzz(func(t *testing.T, body string, image bool) {
		model := "text"
		if image {
			model = "image"
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("POST", "/v2/models/"+model+"/infer", strings.NewReader(body)))
		if c := rec.Code; c != 200 && c != 400 && c != 413 {
			t.Fatalf("status %d: %s", c, rec.Body)
		}
		if !json.Valid(rec.Body.Bytes()) {
			t.Fatalf("answer is not JSON: %s", rec.Body)
		}
	})
}
