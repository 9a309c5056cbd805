package blas_test

import (
	"fmt"

	"github.com/rnnzoo/rnnzoo/blas"
	gblas "gonum.org/v1/gonum/blas"
)

// C = A·B for a 2×3 and a 3×2 matrix, row-major, with the pure-Go kernels
// (the same call gonum's blas.Float32 takes).
func ExampleImplementation_Sgemm() {
	impl := blas.Implementation{Threads: 1}
	a := []float32{1, 2, 3, 4, 5, 6}
	b := []float32{1, 0, 0, 1, 1, 1}
	c := make([]float32, 4)
	impl.Sgemm(gblas.NoTrans, gblas.NoTrans, 2, 2, 3, 1, a, 3, b, 2, 0, c, 2)
	fmt.Println(c)
	// Output: [4 5 10 11]
}

// The recurrent weights U are packed once and multiplied by the state of
// every step: the same results as Sgemm, without packing U per step.
func ExampleImplementation_PackB() {
	impl := blas.Implementation{Threads: 1}
	u := []float32{1, 2, 3, 4} // 2×2
	p := impl.PackB(false, 2, 2, u, 2)
	defer p.Release()
	h := []float32{1, 1}
	for step := 0; step < 3; step++ {
		next := make([]float32, 2)
		impl.SgemmPacked(false, 1, 1, h, 2, p, 0, next, 2) // h ← h·U
		h = next
		fmt.Println(h)
	}
	// Output:
	// [4 6]
	// [22 32]
	// [118 172]
}
