// Package flow runs the vanishing/exploding-gradient experiment of
// models/gradflow: one training run of one recurrent cell on one long-range
// task (the adding problem or the copy-memory task) at one sequence length,
// with or without global-norm clipping, recording
//
//   - ‖∂L/∂h_t‖ for every time step t of the recurrent layer, averaged over
//     the test batches, at initialisation and at later evaluations
//     (graph.Recurrent.StepGradNorms);
//   - the global gradient norm of every update before clipping
//     (train.ClipGradNorm / train.GradNorm);
//   - the test metric over training and whether the run solved the task
//     within its budget of updates (adding: test MSE below 0.01; copy: at
//     least 90% of the recalled symbols right).
//
// Grid runs many such runs over cells, lengths, seeds and clipping on a
// few goroutines, and the plot functions draw the figures of models/gradflow/RESULTS.md.
package flow
