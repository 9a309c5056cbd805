//go:build !(openblas && cgo) && (darwin || freebsd || linux || netbsd) && (amd64 || arm64)

package blas

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/ebitengine/purego"
)

// EnvLib names the OpenBLAS shared library to load instead of the default
// search list (a path or a soname).
const EnvLib = "RNNZOO_OPENBLAS_LIB"

func openBLASNames() []string {
	if p := os.Getenv(EnvLib); p != "" {
		return []string{p}
	}
	return []string{
		// Only LP64 builds (32-bit integers): the 64-bit-integer builds
		// (libopenblas64_) have other symbol names and argument sizes.
		"libopenblas.so.0", "libopenblas.so", "libopenblasp-r0.so",
		"libopenblas.dylib",
		"/opt/homebrew/opt/openblas/lib/libopenblas.dylib",
		"/usr/local/opt/openblas/lib/libopenblas.dylib",
	}
}

// loadOpenBLAS dlopens OpenBLAS without cgo and binds the CBLAS functions.
func loadOpenBLAS() (*obLib, error) {
	var errs []string
	for _, name := range openBLASNames() {
		h, err := purego.Dlopen(name, purego.RTLD_NOW|purego.RTLD_LOCAL)
		if err != nil {
			errs = append(errs, err.Error())
			continue
		}
		lib, err := bindOpenBLAS(h)
		if err != nil {
			errs = append(errs, name+": "+err.Error())
			purego.Dlclose(h)
			continue
		}
		lib.how = "dlopen " + name
		return lib, nil
	}
	return nil, errors.New(strings.Join(errs, "; "))
}

func bindOpenBLAS(h uintptr) (lib *obLib, err error) {
	// RegisterLibFunc panics on a missing symbol; check with Dlsym first.
	has := func(sym string) bool {
		_, e := purego.Dlsym(h, sym)
		return e == nil
	}
	for _, s := range []string{"cblas_sgemm", "cblas_dgemm"} {
		if !has(s) {
			return nil, fmt.Errorf("no symbol %s", s)
		}
	}
	defer func() {
		if r := recover(); r != nil {
			lib, err = nil, fmt.Errorf("binding OpenBLAS: %v", r)
		}
	}()
	lib = new(obLib)
	purego.RegisterLibFunc(&lib.sgemm, h, "cblas_sgemm")
	purego.RegisterLibFunc(&lib.dgemm, h, "cblas_dgemm")
	if has("openblas_set_num_threads") {
		purego.RegisterLibFunc(&lib.setThreads, h, "openblas_set_num_threads")
	}
	if has("openblas_get_num_threads") {
		purego.RegisterLibFunc(&lib.getThreads, h, "openblas_get_num_threads")
	}
	if has("openblas_get_config") {
		purego.RegisterLibFunc(&lib.config, h, "openblas_get_config")
	}
	return lib, nil
}
