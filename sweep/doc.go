// Package sweep runs grids of runs on the schedulers researchers already
// have: a spec expands into an ordered list of runs, a shard (-shard i/n,
// or the index that a Slurm job array or a Kubernetes Indexed Job gives
// each task) picks every n-th of them, each run writes its result
// atomically into a directory of its own and is skipped when that result
// exists, and Merge gathers the results of all shards.
//
// A spec is a list of keys, each with its values, in order:
//
//	cell=lstm,gru;hidden=64,128;seed=1..3
//
// or the same as a JSON object in a file, its keys in the file's order:
//
//	{"cell": ["lstm", "gru"], "hidden": [64, 128], "seed": "1..3"}
//
// It expands into the Cartesian product, the first key varying slowest
// (nested loops in the order written): 2×2×3 = 12 runs, each named by its
// values ("cell=lstm,hidden=64,seed=1"). "a..b" is the integers from a to
// b. The same spec always gives the same runs in the same order, so every
// shard of a sweep computes the same list and takes its own part: run i
// belongs to shard i mod n (round robin, which spreads runs of every size
// over the shards).
//
// A shard that is killed or preempted is simply started again: the runs
// whose result exists are skipped, the others run anew. Nothing here
// schedules or starts processes: Slurm, Kubernetes or a shell loop does.
package sweep
