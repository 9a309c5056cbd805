package sweep_test

import (
	"fmt"
	"log"

	"github.com/rnnzoo/rnnzoo/sweep"
)

// A grid of 2×2×3 runs split over 4 shards: each shard takes every fourth
// run, so all of them together run each run once.
func Example() {
	spec, err := sweep.Parse("cell=lstm,gru;hidden=64,128;seed=1..3")
	if err != nil {
		log.Fatal(err)
	}
	runs := spec.Runs()
	fmt.Println(len(runs), "runs; the first:", runs[0].Name, runs[0].Args())
	shard, from, err := sweep.Resolve("", 0, func(name string) string {
		return map[string]string{"SLURM_ARRAY_TASK_ID": "1", "SLURM_ARRAY_TASK_COUNT": "4"}[name]
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("shard", shard, "from", from)
	for _, r := range shard.Select(runs) {
		fmt.Println(r.Index, r.Name)
	}
	// Output:
	// 12 runs; the first: cell=lstm,hidden=64,seed=1 [-cell=lstm -hidden=64 -seed=1]
	// shard 1/4 from SLURM_ARRAY_TASK_ID=1 of 4
	// 1 cell=lstm,hidden=64,seed=2
	// 5 cell=lstm,hidden=128,seed=3
	// 9 cell=gru,hidden=128,seed=1
}

// The same grid as a JSON file: its keys keep the file's order.
func ExampleParseJSON() {
	spec, err := sweep.ParseJSON("grid.json", []byte(`{"lr": [1e-3, 3e-3], "bidirectional": [true, false], "seed": "1..2"}`))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(spec, "=", spec.Len(), "runs")
	_, err = sweep.ParseJSON("grid.json", []byte("{\n  \"lr\": [1e-3],\n  \"seed\": {\"from\": 1}\n}"))
	fmt.Println(err)
	// Output:
	// lr=1e-3,3e-3;bidirectional=true,false;seed=1,2 = 8 runs
	// grid.json:3: key "seed": value {: want a string, a number or a boolean
}
