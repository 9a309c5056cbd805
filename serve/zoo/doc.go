// Package zoo serves the zoo's models with package serve: adapters that
// map the Open Inference Protocol's tensors onto each model, the loaders of
// shipped models and checkpoints, and the serve command every program has.
//
//	model      inputs                              parameters                     outputs
//	sentiment  text BYTES [N]                      –                              label BYTES [N], probabilities FP32 [N, C]
//	translate  text BYTES [N]                      beam, alpha, max_length        translation BYTES [N]
//	imagecols  image FP32 or UINT8 [N, H, W]       –                              label INT64 [N], probabilities FP32 [N, 10]
//	charlm     prime BYTES [1]                     n, temperature, seed           text BYTES [1]
//
// Label names are the model metadata's parameter "labels". A -model value
// is "M" or "name=M", M a checkpoint (its kind read from the file),
// "builtin" (the program's shipped model) or, for imagecols, the name of a
// shipped classifier ("digits", "mnist", "fashion"):
//
//	go run ./models/sentiment serve                                  # the shipped model, as "sentiment"
//	go run ./models/imagecols serve -model digits -model fashion=fashion
//	go run ./models/sentiment serve -model mine=sst2.ckpt -model builtin
//
// Each model runs -instances copies (default one per core), each with its
// own batches, its weights sealed (graph.Params.Seal: the recurrent layers
// keep them packed for the matrix kernels); the serve command uses the pure-Go kernels on one thread per
// instance (-blas go:1), which beat OpenBLAS at serving batch sizes, and
// keeps the garbage collector's target at 10% over the live heap (GOGC=10
// unless set), since the heap is mostly the models' compiled graphs.
// `serve -loadtest URL` is the load generator of the results
// (models/sentiment/RESULTS.md).
package zoo
