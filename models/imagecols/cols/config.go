package cols

import (
	"encoding/json"
	"errors"
	"fmt"
	"github.com/rnnzoo/rnnzoo/train/checkpoint"
	"strconv"

	"github.com/rnnzoo/rnnzoo/datasets/images"
	"github.com/rnnzoo/rnnzoo/graph"
	"gorgonia.org/tensor"
)

// Model kinds stored in Config.Kind.
const (
	KindClassifier = "classifier"
	KindGenerator  = "generator"
)

// Config describes a model and the images it reads. It is stored as JSON
// in every checkpoint.
type Config struct {
	Kind    string `json:"kind"`    // KindClassifier or KindGenerator
	Dataset string `json:"dataset"` // digits, mnist or fashion (informative)
	// H and W are the image height and width in pixels.
	H int `json:"h"`
	W int `json:"w"`
	// Rows reads the image row by row (H steps of W pixels) instead of
	// column by column (W steps of H pixels).
	Rows          bool           `json:"rows"`
	Cell          graph.CellKind `json:"cell"` // lstm, gru or rnn
	Bidirectional bool           `json:"bidirectional"`
	Layers        int            `json:"layers"`
	Hidden        int            `json:"hidden"`
	Dropout       float64        `json:"dropout"`
	Classes       int            `json:"classes"`
	// Pool is how the classifier reduces the recurrent outputs over the
	// steps: last (the zero value), max or mean.
	Pool       graph.Pool `json:"pool,omitempty"`
	ClassNames []string   `json:"class_names,omitempty"`
	// TestAugment is the classifier's test-time augmentation, in the
	// syntax of images.ParseAugment ("" or "none": the image alone):
	// Classify, Predict and Evaluate average the class probabilities over
	// every view images.Augment.Views lists ("flip,shift1": the image and
	// its mirror, each shifted by −1, 0 and 1 pixel in both directions,
	// 18 views). Training and the per-epoch validation read one view, and
	// so do the ONNX and PyTorch exports (the single-view network; average
	// their outputs over the views yourself).
	TestAugment string `json:"test_augment,omitempty"`
	// StyleMean and StyleStd standardise the generator's style features.
	StyleMean []float64 `json:"style_mean,omitempty"`
	StyleStd  []float64 `json:"style_std,omitempty"`
}

// Steps and Features give the sequence shape of an image: (W, H) by
// columns, (H, W) by rows.
func (c *Config) Steps() int {
	if c.Rows {
		return c.H
	}
	return c.W
}

// Features is the size of one step's input vector.
func (c *Config) Features() int {
	if c.Rows {
		return c.W
	}
	return c.H
}

// MaxSide is the largest image side a model reads (a side is a sequence
// length or a feature count; MNIST's is 28).
const MaxSide = 4096

// Validate checks the configuration and says what is wrong.
func (c *Config) Validate() error {
	var errs []error
	if c.Kind != KindClassifier && c.Kind != KindGenerator {
		errs = append(errs, fmt.Errorf("kind %q is not %q or %q", c.Kind, KindClassifier, KindGenerator))
	}
	if c.H < 1 || c.W < 1 || c.H > MaxSide || c.W > MaxSide {
		errs = append(errs, fmt.Errorf("image size %d×%d: each side must be in 1..%d", c.H, c.W, MaxSide))
	}
	if c.Cell < graph.RNN || c.Cell > graph.GRU {
		errs = append(errs, fmt.Errorf("cell %d: want lstm, gru or rnn", int(c.Cell)))
	}
	if c.Layers < 1 {
		errs = append(errs, fmt.Errorf("-layers %d: need at least 1", c.Layers))
	}
	if c.Hidden < 1 {
		errs = append(errs, fmt.Errorf("-hidden %d: need at least 1", c.Hidden))
	}
	if !(c.Dropout >= 0 && c.Dropout < 1) { // NaN too
		errs = append(errs, fmt.Errorf("-dropout %g: want 0 ≤ p < 1", c.Dropout))
	}
	if c.Pool < graph.PoolLast || c.Pool > graph.PoolMean {
		errs = append(errs, fmt.Errorf("pool %d: want last, max or mean", int(c.Pool)))
	}
	if _, err := images.ParseAugment(c.TestAugment); err != nil {
		errs = append(errs, fmt.Errorf("test augmentation: %w", err))
	}
	if c.Classes < 2 {
		errs = append(errs, fmt.Errorf("%d classes: need at least 2", c.Classes))
	}
	if c.Kind == KindGenerator {
		if c.Bidirectional {
			errs = append(errs, errors.New("-bidirectional: a generator emits columns in order and cannot be bidirectional"))
		}
		if len(c.StyleMean) != NumStyles || len(c.StyleStd) != NumStyles {
			errs = append(errs, fmt.Errorf("generator needs %d style means and deviations", NumStyles))
		}
	}
	return errors.Join(errs...)
}

func (c *Config) stack() graph.StackConfig {
	return graph.StackConfig{
		Kind: c.Cell, Hidden: c.Hidden, Layers: c.Layers,
		Bidirectional: c.Bidirectional, Merge: graph.Concat, Dropout: c.Dropout,
	}
}

// CheckSet says whether a data set fits the configuration (image size and
// labels).
func (c *Config) CheckSet(s *images.Set) error {
	if s == nil || s.N == 0 {
		return errors.New("no images")
	}
	if s.H != c.H || s.W != c.W {
		return fmt.Errorf("%s: images are %d×%d, the model reads %d×%d", s.Name, s.H, s.W, c.H, c.W)
	}
	for i, l := range s.Labels {
		if l >= c.Classes {
			return fmt.Errorf("%s: image %d has label %d, the model knows %d classes", s.Name, i, l, c.Classes)
		}
	}
	return nil
}

// ClassName names class k.
func (c *Config) ClassName(k int) string {
	if k >= 0 && k < len(c.ClassNames) {
		return c.ClassNames[k]
	}
	return fmt.Sprint(k)
}

// Kind is the model kind recorded in this package's checkpoints (Config.Kind
// says which of the two models a checkpoint holds).
const Kind = "imagecols"

// Name names the architecture: the cell, "bi" for bidirectional, the
// number of layers above one, "-rows" when reading rows, e.g. "bilstm".
func (c *Config) Name() string {
	n := c.Cell.String()
	if c.Bidirectional {
		n = "bi" + n
	}
	if c.Layers > 1 {
		n += strconv.Itoa(c.Layers)
	}
	if c.Rows {
		n += "-rows"
	}
	return n
}

// Model is a classifier or a generator rebuilt from a checkpoint.
type Model struct {
	Config     Config
	Classifier *Classifier
	Generator  *Generator
	Checkpoint *checkpoint.Checkpoint
}

// Load reads a checkpoint written by this package (".gz": compressed) and
// rebuilds its model with the saved weights.
func Load(path string) (*Model, error) { return checkpoint.Load(path, FromCheckpoint) }

// FromCheckpoint rebuilds a model from a decoded checkpoint.
func FromCheckpoint(ck *checkpoint.Checkpoint) (*Model, error) {
	if err := ck.CheckKind(Kind); err != nil {
		return nil, err
	}
	var cfg Config
	if err := json.Unmarshal(ck.Config, &cfg); err != nil {
		return nil, fmt.Errorf("model configuration: %w", err)
	}
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("not an imagecols model: %w", err)
	}
	h := float64(cfg.Hidden)
	if err := ck.CheckWeights(float64(cfg.Layers)*h*h + h*float64(min(cfg.H, cfg.W)) + h*float64(cfg.Classes)); err != nil {
		return nil, err
	}
	m := &Model{Config: cfg, Checkpoint: ck}
	var ps *graph.Params
	var err error
	switch cfg.Kind {
	case KindClassifier:
		if m.Classifier, err = NewClassifier(cfg, 0); err != nil {
			return nil, err
		}
		m.Classifier.Metrics = ck.Metrics
		ps = m.Classifier.Params
	default:
		if m.Generator, err = NewGenerator(cfg, 0); err != nil {
			return nil, err
		}
		ps = m.Generator.Params
	}
	if err := ck.LoadParams(ps); err != nil {
		return nil, err
	}
	return m, nil
}

// LoadClassifier reads a classifier checkpoint; a generator's is refused.
func LoadClassifier(path string) (*Classifier, error) {
	m, err := Load(path)
	if err != nil {
		return nil, err
	}
	if m.Classifier == nil {
		return nil, fmt.Errorf("%s holds a %s, not a classifier", path, m.Config.Kind)
	}
	return m.Classifier, nil
}

// LoadGenerator reads a generator checkpoint; a classifier's is refused.
func LoadGenerator(path string) (*Generator, error) {
	m, err := Load(path)
	if err != nil {
		return nil, err
	}
	if m.Generator == nil {
		return nil, fmt.Errorf("%s holds a %s, not a generator", path, m.Config.Kind)
	}
	return m.Generator, nil
}

// Save writes the classifier's weights and configuration (".gz": compressed;
// int8: 8-bit weight matrices).
func (c *Classifier) Save(path string, int8 bool) error {
	return checkpoint.WriteWeights(path, Kind, c.Params, c.Config, nil, c.Metrics, int8)
}

// Save writes the generator's weights and configuration (".gz": compressed;
// int8: 8-bit weight matrices).
func (g *Generator) Save(path string, int8 bool) error {
	return checkpoint.WriteWeights(path, Kind, g.Params, g.Config, nil, nil, int8)
}

func newParams(seed uint64) *graph.Params { return graph.NewParams(tensor.Float32, seed) }

// writeSeq writes image img (H×W, row-major) as sequence row b of a
// time-major buffer x [T,B,F].
func (c *Config) writeSeq(x []float32, B, b int, img []float32) {
	T, F := c.Steps(), c.Features()
	for t := 0; t < T; t++ {
		row := x[(t*B+b)*F : (t*B+b+1)*F]
		for f := range row {
			if c.Rows {
				row[f] = img[t*c.W+f]
			} else {
				row[f] = img[f*c.W+t]
			}
		}
	}
}

// imageFromSeq is the inverse of writeSeq for one generated sequence
// [T][F].
func (c *Config) imageFromSeq(seq [][]float64) []float32 {
	img := make([]float32, c.H*c.W)
	for t, v := range seq {
		for f, p := range v {
			if c.Rows {
				img[t*c.W+f] = float32(p)
			} else {
				img[f*c.W+t] = float32(p)
			}
		}
	}
	return img
}
