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
//	go run ./models/gradflow                 # the quick demo (~2 minutes) into a temporary directory
//	go run ./models/gradflow -quick -out DIR # the same into DIR
//	go run ./models/gradflow -out DIR        # the full experiment (at most about 2 hours on 2 cores)
//
// It writes DIR/runs.jsonl (one line per run: its configuration, test curve,
// pre-clip norms and per-step gradient profiles; "init" lines are untrained
// float64 profiles), DIR/summary.json, and the PNG figures
// gradnorm_init_<task>.png, gradnorm_train_<task>.png, success_<task>.png,
// metric_<task>.png and preclip_<task>.png. With -json the last line on
// stdout is a JSON object with the success rates and the initial gradient
// ratios. The same -seed gives the same runs.
package main
