// Command gradflow makes the vanishing and exploding gradients of recurrent
// networks visible: it trains the Elman RNN (tanh and sigmoid), LSTM and GRU
// on two long-range tasks, the adding problem (graph.ManyToOne with a
// regression output) and the copy-memory task (graph.Synced), over a range
// of sequence lengths and seeds, with and without global-norm clipping,
// and records
//
//   - ‖∂L/∂h_t‖ for every time step t at initialisation and during training,
//   - the pre-clip global gradient norm of every update,
//   - the share of seeds that solve the task within a fixed budget of
//     updates (adding: test MSE below 0.01, where always answering 1 scores
//     about 0.167; copy: at least 90% of the recalled symbols right).
//
// Usage:
//
//	go run ./models/gradflow                 # the quick grid (32 runs, about 15 s) into a temporary directory
//	go run ./models/gradflow -out DIR        # the same into DIR
//	go run ./models/gradflow -full -out DIR  # the full experiment (at most about 2 hours on 2 cores)
//	go run ./models/gradflow replot -out DIR # figures and tables again, also of a stopped grid
//	go run ./models/gradflow -full -shard 1/4 -out DIR  # the second of four shards
//	go run ./models/gradflow merge DIR…      # the shards' results as one process writes them
//
// Each run writes its result atomically to DIR/runs/<name>.json, and a run
// whose result is there is skipped, so a stopped grid continues where it
// stopped when started again. At the end it writes DIR/runs.jsonl (one line
// per run, in the grid's order: its configuration, test curve, pre-clip
// norms and per-step gradient profiles; "init" lines are untrained float64
// profiles), DIR/summary.json, and the PNG figures gradnorm_init_<task>.png,
// gradnorm_train_<task>.png, success_<task>.png, metric_<task>.png and
// preclip_<task>.png; replot redraws them from what finished. Ctrl-C stops
// starting runs, waits for those under way, and exits 130.
//
// Sweeps: -grid sets the grid's dimensions as a sweep spec
// ("task=adding;cell=lstm,gru;T=10,20;seed=1..3;clip=0,1", or a JSON
// file). -shard i/n runs every n-th unit from the i-th (i from 0); without
// it a Slurm job array task (SLURM_ARRAY_TASK_ID of SLURM_ARRAY_TASK_COUNT)
// or a Kubernetes Indexed Job pod (JOB_COMPLETION_INDEX, with -shards N)
// runs its own shard. A shard writes only DIR/runs/ and grid.json; merge
// DIR… (the shards' directories, or one shared directory) then writes the
// same runs.jsonl, summary.json, tables and figures as one process does.
// Recipes: slurm/sweep.sbatch and k8s/indexed-job.yaml beside this file.
//
// The quick grid: lengths 10 and 20 (initialisation profiles also at 200),
// one seed, 400 updates per run. The full grid: lengths 10, 20, 50, 100 and
// 200, seeds 1–3, 3000 updates per run. Both: copy task with 5 symbols from
// 8 (Arjovsky et al. 2016 use 10; -copyk sets it), batch 32, 64 hidden
// units, Adam with learning rate 0.01, clipping threshold 1, float32
// training; the test set (256 examples in the full grid, 128 in the
// quick one) is scored every 100 (50) updates and a run stops once solved. With -json
// stdout holds one JSON object with the success rates and the initial
// gradient ratios. The same -seed gives the same runs.
//
// The experiment is a library, models/gradflow/flow: QuickGrid, FullGrid
// and Grid run it from Go and return the results; Report draws and
// summarises them.
package main
