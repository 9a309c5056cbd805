package flow_test

import (
	"context"
	"fmt"
	"log"

	"github.com/rnnzoo/rnnzoo/models/gradflow/flow"
)

// Run a small grid from Go and read its results: the tanh RNN and the LSTM
// on the adding problem at T = 5, one seed, with and without clipping.
func ExampleGrid() {
	g := flow.QuickGrid()
	g.Tasks, g.Cells, g.Lengths, g.ProfileLengths = []string{flow.Adding}, []string{"rnn-tanh", "lstm"}, []int{5}, nil
	g.Run.Steps, g.Run.Hidden = 20, 8
	inits, runs, err := flow.Grid(context.Background(), g, nil, nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(len(inits), "initialisation profiles,", len(runs), "training runs")
	for _, r := range runs {
		fmt.Printf("%s T=%d clip %g: %d updates\n", r.Cell, r.T, r.Clip, r.Updates)
	}
	// Output:
	// 2 initialisation profiles, 4 training runs
	// rnn-tanh T=5 clip 0: 20 updates
	// rnn-tanh T=5 clip 1: 20 updates
	// lstm T=5 clip 0: 20 updates
	// lstm T=5 clip 1: 20 updates
}
