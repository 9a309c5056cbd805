package serve_test

import (
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/rnnzoo/rnnzoo/serve"
)

// upper is a Model that answers each string of its input "text" in upper
// case: one row per string, so concurrent requests share batches.
type upper struct{}

func (upper) Metadata() serve.ModelMetadata {
	return serve.ModelMetadata{
		Platform: "example",
		Inputs:   []serve.TensorMetadata{{Name: "text", Datatype: serve.BYTES, Shape: []int64{-1}}},
		Outputs:  []serve.TensorMetadata{{Name: "upper", Datatype: serve.BYTES, Shape: []int64{-1}}},
	}
}

func (upper) Parse(req *serve.InferRequest) (*serve.Job, error) {
	texts, err := req.Inputs[0].Strings()
	if err != nil {
		return nil, err
	}
	job := &serve.Job{}
	for _, s := range texts {
		job.Rows = append(job.Rows, s)
	}
	return job, nil
}

func (upper) Infer(rows []any) ([]any, error) {
	out := make([]any, len(rows))
	for i, r := range rows {
		out[i] = strings.ToUpper(r.(string))
	}
	return out, nil
}

func (upper) Outputs(job *serve.Job, results []any) ([]serve.OutputTensor, error) {
	data := make([]string, len(results))
	for i, r := range results {
		data[i] = r.(string)
	}
	return []serve.OutputTensor{{Name: "upper", Datatype: serve.BYTES, Shape: []int64{int64(len(data))}, Data: data}}, nil
}

func ExampleNewServer() {
	srv := serve.NewServer(serve.Options{})
	srv.Add("upper", func() ([]serve.Model, error) { return []serve.Model{upper{}}, nil })
	if err := srv.Load(); err != nil {
		log.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	defer ts.Close()
	defer srv.Close()
	for _, body := range []string{
		`{"inputs":[{"name":"text","datatype":"BYTES","shape":[2],"data":["go","zoo"]}]}`,
		`{"inputs":[{"name":"txt","datatype":"BYTES","shape":[1],"data":["go"]}]}`,
	} {
		resp, err := http.Post(ts.URL+"/v2/models/upper/infer", "application/json", strings.NewReader(body))
		if err != nil {
			log.Fatal(err)
		}
		answer, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		fmt.Println(resp.StatusCode, string(answer))
	}
	// Output:
	// 200 {"model_name":"upper","model_version":"1","outputs":[{"name":"upper","shape":[2],"datatype":"BYTES","data":["GO","ZOO"]}]}
	// 400 {"error":"unknown input \"txt\" (model \"upper\" takes [\"text\"])"}
}
