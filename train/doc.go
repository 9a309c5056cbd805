// Package train is the one training loop of every rnnzoo model: optimizers
// with exported state (Adam, AdamW, SGD with momentum, RMSProp),
// learning-rate schedules, gradient clipping by global norm and by value,
// a NaN/Inf guard, checkpoints in safetensors format that resume bit for
// bit, metrics, a progress display, a JSONL log and PNG curves.
//
// # Using it
//
// A model program implements Task (its Params, and training and
// validation batches by index; each batch runs through the graph.Net of
// its sequence-length bucket, all nets sharing the Params; a Task may
// also implement EpochStarter to be told when each epoch begins, e.g. to
// recompose its batches or redraw its data augmentation), then:
//
//	tr, err := train.New(task, train.Config{
//		Epochs: 10, Seed: 1, ClipNorm: 5,
//		Optimizer: train.NewAdam(ps),
//		LR: train.Warmup{Steps: 100, Then: train.Cosine{Base: 1e-3, Steps: 5000}},
//		Patience: 3, Monitor: "accuracy",
//		Checkpoint: "model.ckpt", Log: "train.jsonl", PlotDir: ".",
//		ModelConfig: cfg, Vocabs: map[string]any{"words": vocab},
//		RandSources: map[string]*rand.PCG{"dropout": dropoutSrc},
//		StepNorms: norms, // optional: a *train.StepNormLog wired into the layers
//	})
//	if resume { err = tr.Resume("model.ckpt") }
//	report, err := tr.Fit()
//
// Flags registers the shared training flags (-epochs, -lr, -optimizer,
// -schedule, -warmup, -clip, -patience, -log, -plots, ...) and turns them
// into a Config. For eval and predict, package train/checkpoint reads the
// file back: checkpoint.Read gives the configuration and vocabularies (to
// rebuild the model) and Checkpoint.LoadParams the weights. Curves
// (Config.PlotDir, -plots) need package train/plots in the program.
//
// # One update
//
// For each batch in the epoch's shuffled order: Task.TrainBatch runs the
// net forward and backward (gradients accumulate in Param.Grad); the loss
// and the global gradient norm are checked for NaN/Inf (a
// *NonFiniteError names the first bad parameter gradient and its index);
// the norm is logged, then gradients are clipped (Config.ClipNorm,
// Config.ClipValue); the optimizer steps with the schedule's rate for this
// step; gradients are zeroed; the weights are checked for NaN/Inf.
//
// # Checkpoints
//
// A checkpoint is one safetensors file (package train/checkpoint, which
// lists the metadata keys and tensor names): the weights under their parameter
// names, optimizer moments as "optim.<slot>.<param>", best weights as
// "best.<param>", and in the metadata the model config, vocabularies,
// metrics, a format version, the training state (step, epoch, position
// and batch order in the epoch, RNG states, early-stopping state, history)
// and a SHA-256 of the data. It is written atomically (temporary file,
// fsync, rename); the reader checks every length, offset, dtype, shape and
// the checksum, and refuses a damaged file with an error wrapping
// checkpoint.ErrCorrupt.
//
// # Reproducibility
//
// With the same seeds, data and configuration, a run gives the same
// weights bit for bit on the same machine and binary: shuffling draws from
// a PCG seeded by Config.Seed, dropout from the sources in
// Config.RandSources, and the optimizers update each element on its own
// (Adam splits large parameters over the threads, elementwise: the same bits
// at any thread count). A resumed
// run equals an uninterrupted one bit for bit (tested). What can change
// the bits: a different BLAS (rnnzoo's Go kernels, gonum's or OpenBLAS:
// blas.Setup("auto") takes whichever is faster on the CPU, and OpenBLAS
// with more than one thread may split sums differently), another kernel or CPU
// architecture (the AVX2 micro-kernel against the portable Go one; fused
// multiply-add, which the Go compiler uses on arm64 and with GOAMD64=v3
// where an expression allows it), and a model that runs batches in several
// goroutines and adds their gradients in a varying order. The programs'
// documented reproductions pin the BLAS and the threads with
// RNNZOO_BLAS=go:1 and GOMAXPROCS=1.
//
// # Diagnostics
//
// Each epoch's log line has the mean and maximum global gradient norm and
// the share of clipped updates; Config.ParamGradNorms adds each
// parameter's mean gradient norm. For the norms ‖∂L/∂h_t‖ per time step of
// a recurrent layer, make a StepNormLog, set the layer's callback to
// log.Recorder(name) (graph.Recurrent.StepGradNorms) and pass the log as
// Config.StepNorms: each epoch line then has the mean norm at every step
// ("step_norms"), over that epoch's training batches.
//
// # Output
//
// Config.Progress (default standard error) shows a progress bar with the
// running loss, rate and ETA when it is a terminal, and one line per epoch
// otherwise. Config.Log appends JSONL Records: an "epoch" line (training
// loss and accuracy, learning rate, gradient norm mean and maximum, share
// of clipped updates, optional per-parameter and per-step norms) and an
// "eval" line (validation loss, accuracy, macro-F1, confusion matrix,
// perplexity and bits per character for language models, task metrics
// from EvalOptions.Extra) per epoch; with Config.LogEvery also a "step"
// line every so many updates. Config.PlotDir receives loss.png,
// accuracy.png, gradnorm.png and, when layers report step norms,
// stepnorms-<layer>.png (mean ‖∂L/∂h_t‖ against t, log scale, for a few
// epochs). A program's final -json line can be Eval.Summary().
package train
