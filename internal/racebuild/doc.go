// Package racebuild says whether the race detector is on (go test
// -race), so that tests which only compare with outside runtimes (ONNX
// Runtime, PyTorch), and exercise no concurrency of ours, can leave that
// slower run to the plain one.
package racebuild
