// Package serve serves models over HTTP with the Open Inference Protocol
// (the REST binding of KServe's "v2" protocol, also spoken by Triton,
// Seldon MLServer and TorchServe), so that a client written for any of
// those works against rnnzoo unchanged.
//
// Endpoints:
//
//	GET  /v2/health/live             200 while the process answers
//	GET  /v2/health/ready            200 once every model is loaded, else 503
//	GET  /v2                         server metadata
//	GET  /v2/models/{name}           inputs and outputs (datatype, shape), parameters
//	GET  /v2/models/{name}/ready     200 or 503
//	POST /v2/models/{name}/infer     inference ({"inputs": [...]} → {"outputs": [...]})
//	GET  /metrics                    Prometheus text format
//
// The versioned forms (/v2/models/{name}/versions/1/…) answer too. Errors
// are the protocol's {"error": "…"}: 400 for a malformed request (bad JSON,
// unknown input, wrong datatype or shape, empty input), 404 for an unknown
// model, 413 for a body over Options.MaxBody (refused from its
// Content-Length before it is read), 503 when a model is not ready or the
// server is over its limits.
//
// Dynamic batching: the rows of concurrent requests are merged into one
// forward pass of at most Options.MaxBatch rows, as Triton's dynamic
// batcher does. A worker that has a batch with room waits at most
// Options.MaxDelay for more rows, and only while other requests are being
// read, so a request that arrives alone is not delayed. Each answer goes
// back to its own request. A request with more rows than MaxBatch runs
// in a forward pass of its own (the model splits it as it needs). A model
// may run several instances (copies of
// its weights and graphs), each with its own worker, so that two batches
// run at once on two cores.
//
// Package serve knows nothing of the zoo's models: a Model parses requests
// into rows, computes batches of rows and assembles outputs. The adapters
// of the sentiment, translate, imagecols and charlm models are in package
// serve/zoo, and every program has a serve command built on it:
//
//	go run ./models/sentiment serve -addr 127.0.0.1:8080
//	curl -s localhost:8080/v2/models/sentiment/infer \
//	    -d '{"inputs":[{"name":"text","datatype":"BYTES","shape":[1],"data":["a fine film"]}]}'
//
// LoadTest is the load generator of the results: closed-loop clients,
// each sending one request at a time, and the latency quantiles,
// throughput and the server's resident memory (from its /metrics).
package serve
