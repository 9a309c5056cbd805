// Package parallel splits loops whose iterations are independent over
// the process's threads (GOMAXPROCS), so that the elementwise work around
// the matrix products — the softmax of the output layer, the optimiser's
// update — uses the cores the products use.
//
// Each worker gets one contiguous range and the ranges do not overlap, so
// a loop whose iterations write only their own elements gives the same bits
// at any thread count; the callers keep every sum over a range's results in
// its serial order. Go's runtime has no parallel-for and the libraries of the
// field that have one (errgroup) spend an allocation per task; this one
// spends one goroutine per extra worker and no allocation for a single one.
package parallel
