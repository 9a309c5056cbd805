package zoo_test

import (
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/rnnzoo/rnnzoo/serve"
	"github.com/rnnzoo/rnnzoo/serve/zoo"
)

// Serve the shipped sentiment model and ask it about one sentence, as any
// Open Inference Protocol client would.
func ExampleLoader() {
	srv := serve.NewServer(serve.Options{})
	spec, err := zoo.ParseSpec("builtin", "sentiment")
	if err != nil {
		log.Fatal(err)
	}
	srv.Add(spec.Name, zoo.Loader(spec, 1))
	if err := srv.Load(); err != nil {
		log.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	defer ts.Close()
	defer srv.Close()

	body := `{"inputs":[{"name":"text","datatype":"BYTES","shape":[1],"data":["I loved every minute of it."]}],
	          "outputs":[{"name":"label"}]}`
	resp, err := http.Post(ts.URL+"/v2/models/sentiment/infer", "application/json", strings.NewReader(body))
	if err != nil {
		log.Fatal(err)
	}
	defer resp.Body.Close()
	answer, _ := io.ReadAll(resp.Body)
	fmt.Println(resp.StatusCode, string(answer))
	// Output:
	// 200 {"model_name":"sentiment","model_version":"1","outputs":[{"name":"label","shape":[1],"datatype":"BYTES","data":["positive"]}]}
}
