//go:build !(openblas && cgo) && !((darwin || freebsd || linux || netbsd) && (amd64 || arm64))

package blas

import "errors"

func loadOpenBLAS() (*obLib, error) {
	return nil, errors.New("loading OpenBLAS at run time is not supported on this platform; build with -tags openblas")
}
