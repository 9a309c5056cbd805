// Package cblas links OpenBLAS with cgo when built with -tags openblas.
// It is separate from package blas because a cgo package cannot hold Go
// assembly. Without the tag (or without cgo) it is empty.
package cblas
