package datasets

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// ModulePath is the import path of the rnnzoo module.
const ModulePath = "github.com/rnnzoo/rnnzoo"

// SharedEnv names the environment variable that points at the shared data
// directory (the one holding data/, bench/, ...).
const SharedEnv = "RNNZOO_SHARED"

// ErrNoShared is returned (wrapped) by SharedDir and SharedPath when the
// shared data cannot be found. Tests use errors.Is(err, ErrNoShared) to skip.
var ErrNoShared = errors.New("shared data not found")

// ModuleRoot walks up from the working directory to the directory whose
// go.mod declares ModulePath.
func ModuleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if isModuleRoot(dir) {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("datasets: no go.mod of %s above the working directory", ModulePath)
		}
		dir = parent
	}
}

func isModuleRoot(dir string) bool {
	f, err := os.Open(filepath.Join(dir, "go.mod"))
	if err != nil {
		return false
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) == 2 && fields[0] == "module" {
			return strings.Trim(fields[1], `"`) == ModulePath
		}
	}
	return false
}

// SharedDir returns the shared data directory: $RNNZOO_SHARED when set,
// else the directory shared/ beside the module root (../shared from the
// repository). The error wraps ErrNoShared and says where it looked.
func SharedDir() (string, error) {
	if d := os.Getenv(SharedEnv); d != "" {
		if st, err := os.Stat(d); err == nil && st.IsDir() {
			return d, nil
		}
		return "", fmt.Errorf("%w: $%s=%q is not a directory", ErrNoShared, SharedEnv, d)
	}
	root, err := ModuleRoot()
	if err != nil {
		return "", fmt.Errorf("%w: $%s is unset and %v", ErrNoShared, SharedEnv, err)
	}
	d := filepath.Join(filepath.Dir(root), "shared")
	if st, err := os.Stat(d); err == nil && st.IsDir() {
		return d, nil
	}
	return "", fmt.Errorf("%w: $%s is unset and %s does not exist", ErrNoShared, SharedEnv, d)
}

// SharedPath returns SharedDir()/rel (slash-separated rel, e.g.
// "data/mnist") after checking that it exists. Its error wraps ErrNoShared
// when the directory or the file is missing.
func SharedPath(rel string) (string, error) {
	d, err := SharedDir()
	if err != nil {
		return "", err
	}
	p := filepath.Join(d, filepath.FromSlash(rel))
	if _, err := os.Stat(p); err != nil {
		return "", fmt.Errorf("%w: %s is missing", ErrNoShared, p)
	}
	return p, nil
}

// CacheDir returns the rnnzoo cache directory, os.UserCacheDir()/rnnzoo,
// creating it if needed.
func CacheDir() (string, error) {
	base, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("datasets: no cache directory: %w", err)
	}
	d := filepath.Join(base, "rnnzoo")
	if err := os.MkdirAll(d, 0o755); err != nil {
		return "", fmt.Errorf("datasets: %w", err)
	}
	return d, nil
}

// CacheFile returns the path of file in the program's own folder of the
// cache directory (CacheDir()/program), creating the folder: where a
// program keeps its default checkpoint.
func CacheFile(program, file string) (string, error) {
	base, err := CacheDir()
	if err != nil {
		return "", err
	}
	d := filepath.Join(base, program)
	if err := os.MkdirAll(d, 0o755); err != nil {
		return "", fmt.Errorf("datasets: %w", err)
	}
	return filepath.Join(d, file), nil
}
