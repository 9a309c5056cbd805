package cols

import (
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/rnnzoo/rnnzoo/datasets/images"
	"github.com/rnnzoo/rnnzoo/internal/atomicfile"
)

// Data chooses a data set of images: the embedded 8×8 digits, MNIST or
// Fashion-MNIST (IDX files in Dir, the cache directory or, for
// Fashion-MNIST, Debian's dataset-fashion-mnist).
type Data struct {
	Dataset  string // digits, mnist or fashion ("": digits, or mnist with Dir)
	Dir      string
	Download bool // download MNIST/Fashion-MNIST into the cache when not found
}

// Register adds -data, -dataset and -download to fs.
func (d *Data) Register(fs *flag.FlagSet) {
	fs.StringVar(&d.Dir, "data", d.Dir, "directory of the four IDX files of -dataset (default: the cache and, for fashion, "+images.DebianFashionDir+")")
	fs.StringVar(&d.Dataset, "dataset", d.Dataset, "digits (embedded 8×8), mnist or fashion (default: digits, or mnist with -data)")
	fs.BoolVar(&d.Download, "download", d.Download, "download MNIST/Fashion-MNIST into the cache when not found")
}

// Check settles the data set (from Dataset, or Dir, or the digits) and
// reports a choice that cannot be loaded.
func (d *Data) Check() error {
	if d.Dataset == "" {
		d.Dataset = Digits
		if d.Dir != "" {
			d.Dataset = images.MNIST
		}
	}
	switch {
	case d.Dataset != Digits && d.Dataset != images.MNIST && d.Dataset != images.Fashion:
		return fmt.Errorf("-dataset %q: want digits, mnist or fashion", d.Dataset)
	case d.Dataset == Digits && d.Dir != "":
		return fmt.Errorf("-data is for mnist or fashion; the digits are embedded")
	}
	return nil
}

// Load returns the training and test sets.
func (d *Data) Load() (trainSet, test *images.Set, err error) {
	if err := d.Check(); err != nil {
		return nil, nil, err
	}
	if d.Dataset == Digits {
		return images.DigitsSplit()
	}
	return images.Open(d.Dataset, d.Dir, d.Download)
}

// DataDefaults gives the options that were not set explicitly (set reports
// whether the flag of that name was given) the defaults of the data set
// (see DefaultOptions): -epochs, -batch, -lr, -dropout, -reshuffle,
// -bidirectional, -layers, -pool, -augment, -test-augment, -valid and
// -patience.
// -patience follows -epochs when only -epochs is given (no early stop, the
// best epoch kept), and is 0 with -average-epochs; with -limit below twice the held-out count, a tenth of
// the images is held out instead.
func (o *Options) DataDefaults(dataset string, set func(flag string) bool) {
	def := DefaultOptions(dataset)
	if !set("bidirectional") {
		o.Bidirectional = def.Bidirectional
	}
	if !set("layers") {
		o.Layers = def.Layers
	}
	if !set("pool") {
		o.Pool = def.Pool
	}
	if !set("augment") {
		o.Augment = def.Augment
	}
	if !set("test-augment") {
		o.TestAugment = def.TestAugment
	}
	if !set("valid") {
		o.Valid = def.Valid
		if o.Limit > 0 && float64(o.Limit) < 2*def.Valid {
			o.Valid = 0.1 // a short run (-limit) holds out a tenth
		}
	}
	if !set("patience") {
		o.Patience = def.Patience
		if set("epochs") && def.Patience > 0 {
			o.Patience = o.Epochs
		}
		if o.AverageEpochs > 0 {
			o.Patience = 0 // the average replaces the best epoch
		}
	}
	if !set("epochs") {
		o.Epochs = def.Epochs
	}
	if !set("batch") {
		o.Batch = def.Batch
	}
	if !set("lr") {
		o.LR = def.LR
	}
	if !set("dropout") {
		o.Dropout = def.Dropout
	}
	if !set("reshuffle") {
		o.Reshuffle = def.Reshuffle
	}
}

// ReadImages reads the images of PNG files (scaled to the model's size,
// see ReadPNG for invert) and IDX files (N×H×W uint8, gzip or raw, of the
// model's size; at most limit of each, 0: all), and names each "file" or
// "file[i]".
func ReadImages(paths []string, cfg *Config, invert string, limit int) (names []string, imgs [][]float32, err error) {
	for _, f := range paths {
		if strings.EqualFold(filepath.Ext(f), ".png") {
			img, err := ReadPNG(f, cfg.H, cfg.W, invert)
			if err != nil {
				return nil, nil, err
			}
			names, imgs = append(names, f), append(imgs, img)
			continue
		}
		x, err := images.ReadIDXFile(f)
		if err != nil {
			return nil, nil, err
		}
		set, err := images.FromIDX(f, x, nil)
		if err != nil {
			return nil, nil, err
		}
		if set.N == 0 {
			return nil, nil, fmt.Errorf("%s: no images", f)
		}
		if set.H != cfg.H || set.W != cfg.W {
			return nil, nil, fmt.Errorf("%s: images are %d×%d, the model reads %d×%d", f, set.H, set.W, cfg.H, cfg.W)
		}
		for i := 0; i < set.N && (limit <= 0 || i < limit); i++ {
			names, imgs = append(names, fmt.Sprintf("%s[%d]", f, i)), append(imgs, set.Image(i))
		}
	}
	return names, imgs, nil
}

// WriteGrid draws Grid(ref, perClass, seed) and writes it to a PNG file
// (one row per class, each pixel scale×scale; scale 0: 8 for images of at
// most 8 rows, else 2), atomically; it returns the images.
func (g *Generator) WriteGrid(path string, ref *images.Set, perClass, scale int, seed int64) ([][]float32, error) {
	grid, err := g.Grid(ref, perClass, seed)
	if err != nil {
		return nil, err
	}
	if scale == 0 {
		scale = 2
		if g.Config.H <= 8 {
			scale = 8
		}
	}
	err = atomicfile.Write(path, func(w io.Writer) error {
		return images.WriteGridPNG(w, grid, g.Config.H, g.Config.W, perClass, scale)
	})
	return grid, err
}
