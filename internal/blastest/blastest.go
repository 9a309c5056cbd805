// Package blastest is the TestMain of the packages whose tests and
// benchmarks must run the BLAS the programs run (blas.Setup("auto"), or
// RNNZOO_BLAS), not Gorgonia's default (gonum's).
package blastest

import (
	"flag"
	"fmt"
	"os"
	"testing"

	"github.com/rnnzoo/rnnzoo/blas"
)

// Main installs the programs' BLAS, says which one under -v or -bench, and
// runs the tests: call it as TestMain(m) { blastest.Main(m) }.
func Main(m *testing.M) {
	info, err := blas.Setup("auto")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	flag.Parse()
	if testing.Verbose() || flag.Lookup("test.bench").Value.String() != "" {
		fmt.Fprintf(os.Stderr, "BLAS: %v\n", info)
	}
	os.Exit(m.Run())
}
