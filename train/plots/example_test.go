package plots_test

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/rnnzoo/rnnzoo/train"
	"github.com/rnnzoo/rnnzoo/train/plots"
)

// Two epochs of a history (training lines and validation evaluations)
// drawn as PNG files.
func ExampleWrite() {
	dir, err := os.MkdirTemp("", "plots")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	mean, max := 0.8, 2.5
	history := []train.Record{
		{Event: "epoch", Epoch: 1, Loss: 0.9, Metrics: map[string]float64{"accuracy": 0.6}, GradNormMean: &mean, GradNormMax: &max},
		{Event: "eval", Epoch: 1, Loss: 0.8, Metrics: map[string]float64{"accuracy": 0.65}},
		{Event: "epoch", Epoch: 2, Loss: 0.5, Metrics: map[string]float64{"accuracy": 0.8}, GradNormMean: &mean, GradNormMax: &max},
		{Event: "eval", Epoch: 2, Loss: 0.6, Metrics: map[string]float64{"accuracy": 0.75}},
	}
	if err := plots.Write(dir, history); err != nil {
		panic(err)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.png"))
	for _, f := range files {
		fmt.Println(filepath.Base(f))
	}
	// Output:
	// accuracy.png
	// gradnorm.png
	// loss.png
}
