package images

import (
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/rnnzoo/rnnzoo/datasets"
)

// The IDX families Open knows.
const (
	MNIST   = "mnist"
	Fashion = "fashion"
)

// DebianFashionDir is where Debian's dataset-fashion-mnist puts its files.
const DebianFashionDir = "/usr/share/datasets/fashion-mnist"

// FashionClasses names the ten Fashion-MNIST classes.
var FashionClasses = []string{"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
	"Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"}

// The four files of a family, by their canonical base names.
var idxFiles = []string{"train-images-idx3-ubyte", "train-labels-idx1-ubyte",
	"t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"}

type family struct {
	cacheName string
	mirrors   []string // base URLs, tried in order
	// SHA-256 of each file's decompressed content, in idxFiles order, so
	// that a recompressed copy is accepted.
	sums [4]string
}

var families = map[string]family{
	MNIST: {
		cacheName: "mnist",
		mirrors: []string{
			"https://ossci-datasets.s3.amazonaws.com/mnist/",
			"https://storage.googleapis.com/cvdf-datasets/mnist/",
		},
		sums: [4]string{
			"ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
			"65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
			"0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
			"ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2",
		},
	},
	Fashion: {
		cacheName: "fashion-mnist",
		mirrors: []string{
			"http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",
		},
		sums: [4]string{
			"c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888",
			"bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9",
			"5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b",
			"0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34",
		},
	},
}

// ErrNotFound is wrapped by Open when a family's files are nowhere to be
// found and downloading was not asked for.
var ErrNotFound = errors.New("IDX files not found")

// findFile returns the path of base in dir: base.gz, base, or the variant
// with a dot before idx (train-images.idx3-ubyte) that some archives use.
func findFile(dir, base string) (string, bool) {
	dotted := strings.Replace(base, "-idx", ".idx", 1)
	for _, name := range []string{base + ".gz", base, dotted + ".gz", dotted} {
		p := filepath.Join(dir, name)
		if st, err := os.Stat(p); err == nil && !st.IsDir() {
			return p, true
		}
	}
	return "", false
}

// hasAll reports whether dir holds all four files.
func hasAll(dir string) bool {
	for _, b := range idxFiles {
		if _, ok := findFile(dir, b); !ok {
			return false
		}
	}
	return true
}

// SearchDirs lists where Open looks for a family when no directory is
// given: the cache directory, then (Fashion-MNIST) Debian's directory.
func SearchDirs(name string) []string {
	fam, ok := families[name]
	if !ok {
		return nil
	}
	var dirs []string
	if c, err := datasets.CacheDir(); err == nil {
		dirs = append(dirs, filepath.Join(c, fam.cacheName))
	}
	if name == Fashion {
		dirs = append(dirs, DebianFashionDir)
	}
	return dirs
}

// Open loads the train and test sets of a family, MNIST or Fashion. With
// dir set it reads that directory only (a -data flag: any folder of the four
// IDX files, gzipped or not). Otherwise it searches SearchDirs(name) and,
// when download is true and nothing was found, downloads the files into the
// cache directory, each checked by SHA-256.
func Open(name, dir string, download bool) (train, test *Set, err error) {
	fam, ok := families[name]
	if !ok {
		return nil, nil, fmt.Errorf("images: unknown data set %q (want %s or %s)", name, MNIST, Fashion)
	}
	if dir == "" {
		for _, d := range SearchDirs(name) {
			if hasAll(d) {
				dir = d
				break
			}
		}
	}
	if dir == "" {
		if !download {
			return nil, nil, fmt.Errorf("images: %w: %s is in none of %v; give a directory, or allow the download", ErrNotFound, name, SearchDirs(name))
		}
		if dir, err = downloadFamily(fam); err != nil {
			return nil, nil, err
		}
	}
	return LoadDir(name, dir)
}

// LoadDir reads the four IDX files of a family from dir.
func LoadDir(name, dir string) (train, test *Set, err error) {
	var x [4]*IDX
	for i, b := range idxFiles {
		p, ok := findFile(dir, b)
		if !ok {
			return nil, nil, fmt.Errorf("images: %w: %s has no %s[.gz]", ErrNotFound, dir, b)
		}
		if x[i], err = ReadIDXFile(p); err != nil {
			return nil, nil, err
		}
	}
	if train, err = FromIDX(name+"/train", x[0], x[1]); err != nil {
		return nil, nil, fmt.Errorf("%s: %w", dir, err)
	}
	if test, err = FromIDX(name+"/test", x[2], x[3]); err != nil {
		return nil, nil, fmt.Errorf("%s: %w", dir, err)
	}
	if name == Fashion {
		train.ClassNames, test.ClassNames = FashionClasses, FashionClasses
	}
	if test.H != train.H || test.W != train.W {
		return nil, nil, fmt.Errorf("%s: train images are %d×%d, test images %d×%d", dir, train.H, train.W, test.H, test.W)
	}
	// Both families have ten classes: a larger label is a damaged file,
	// not an eleventh class.
	for _, s := range []*Set{train, test} {
		for i, l := range s.Labels {
			if l > 9 {
				return nil, nil, fmt.Errorf("%s: %s: label %d of image %d is not a class 0..9 of %s", dir, s.Name, l, i, name)
			}
		}
		if s.N == 0 {
			return nil, nil, fmt.Errorf("%s: %s: no images", dir, s.Name)
		}
		s.Classes = 10
	}
	return train, test, nil
}

func downloadFamily(fam family) (string, error) {
	cache, err := datasets.CacheDir()
	if err != nil {
		return "", err
	}
	dir := filepath.Join(cache, fam.cacheName)
	for i, b := range idxFiles {
		dst := filepath.Join(dir, b+".gz")
		sum := fam.sums[i]
		check := func(p string) error { return verifyContent(p, sum) }
		var errs []error
		for _, m := range fam.mirrors {
			err := datasets.DownloadVerified(m+b+".gz", dst, check)
			if err == nil {
				errs = nil
				break
			}
			errs = append(errs, err)
		}
		if errs != nil {
			return "", errors.Join(errs...)
		}
	}
	return dir, nil
}

// verifyContent checks the SHA-256 of the decompressed content of a gzip
// file (or of a raw file).
func verifyContent(path, sum string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	var r io.Reader = f
	var head [2]byte
	if n, _ := io.ReadFull(f, head[:]); n == 2 && head[0] == 0x1f && head[1] == 0x8b {
		f.Seek(0, io.SeekStart)
		zr, err := gzip.NewReader(f)
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		r = zr
	} else {
		f.Seek(0, io.SeekStart)
	}
	h := sha256.New()
	if _, err := io.Copy(h, r); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if got := hex.EncodeToString(h.Sum(nil)); got != sum {
		return fmt.Errorf("%s: content sha256 %s, want %s", path, got, sum)
	}
	return nil
}
