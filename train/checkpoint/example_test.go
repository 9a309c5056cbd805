package checkpoint_test

import (
	"fmt"
	"log"
	"os"
	"path/filepath"

	"gorgonia.org/tensor"

	"github.com/rnnzoo/rnnzoo/graph"
	"github.com/rnnzoo/rnnzoo/train/checkpoint"
)

// Write a model's weights with its kind and configuration, then read them
// back into a new model of the same shape.
func Example() {
	ps := graph.NewParams(tensor.Float32, 1)
	if _, err := graph.NewLinear(ps, "out", 4, 2); err != nil {
		log.Fatal(err)
	}
	dir, err := os.MkdirTemp("", "checkpoint-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "model.ckpt.gz")
	if err := checkpoint.WriteWeights(path, "toy", ps, map[string]int{"in": 4, "out": 2}, nil, map[string]float64{"accuracy": 0.5}, false); err != nil {
		log.Fatal(err)
	}
	ck, err := checkpoint.Read(path)
	if err != nil {
		log.Fatal(err)
	}
	fresh := graph.NewParams(tensor.Float32, 2)
	if _, err := graph.NewLinear(fresh, "out", 4, 2); err != nil {
		log.Fatal(err)
	}
	if err := ck.LoadParams(fresh); err != nil {
		log.Fatal(err)
	}
	fmt.Println(ck.Kind, string(ck.Config), ck.Params, ck.Metrics["accuracy"])
	fmt.Println(ck.CheckKind("sentiment"))
	fmt.Println("same weights:", fmt.Sprint(fresh.All()[0].F32()) == fmt.Sprint(ps.All()[0].F32()))
	// Output:
	// toy {"in":4,"out":2} [out.W out.b] 0.5
	// the checkpoint holds a toy model, not a sentiment model
	// same weights: true
}
