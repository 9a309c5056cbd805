package translator

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"github.com/rnnzoo/rnnzoo/train/checkpoint"

	"github.com/rnnzoo/rnnzoo/datasets/text"
)

//go:embed pretrained/bible-eng-spa.ckpt.gz
var pretrainedGz []byte

// PretrainedFile is the name of the shipped checkpoint in this package's
// directory (see pretrained/README.md for the command that makes it).
const PretrainedFile = "pretrained/bible-eng-spa.ckpt.gz"

// Pretrained returns the shipped English→Spanish Bible translator (see the
// model card in the package doc). It is decoded anew on every call; keep
// the model rather than calling it per request.
func Pretrained() (*Model, error) {
	return checkpoint.LoadEmbedded("translator: "+PretrainedFile, pretrainedGz, FromCheckpoint)
}

// Load reads a model from a checkpoint file written by Train, the translate
// program or Save (".gz" files are decompressed).
func Load(path string) (*Model, error) { return checkpoint.Load(path, FromCheckpoint) }

// vocabs are the checkpoint's vocabularies.
func (t *Model) vocabs() map[string]any {
	return map[string]any{"src": t.src, "tgt": t.tgt, "truecase": t.truecase}
}

// Save writes the weights alone, with the configuration, vocabularies and
// Metrics, to path (".gz" compresses it); with int8, every weight matrix
// is stored in 8 bits with a float32 scale per row or column
// (checkpoint.Checkpoint.Quantize8), the biases in float32.
func (t *Model) Save(path string, int8 bool) error {
	return checkpoint.WriteWeights(path, Kind, t.ps, t.cfg, t.vocabs(), t.Metrics, int8)
}

// Average returns a model whose weights are the element-wise mean of the
// checkpoints' (of one model: the same configuration and vocabularies),
// such as the last epochs of a run kept by train's -keep-epochs: see
// checkpoint.Average.
func Average(paths []string) (*Model, error) {
	ck, err := checkpoint.Average(paths...)
	if err != nil {
		return nil, err
	}
	return FromCheckpoint(ck)
}

// FromCheckpoint rebuilds a model from a decoded checkpoint.
func FromCheckpoint(ck *checkpoint.Checkpoint) (*Model, error) {
	if err := ck.CheckKind(Kind); err != nil {
		return nil, err
	}
	if ck.Config == nil {
		return nil, fmt.Errorf("the checkpoint has no model config")
	}
	var cfg Config
	if err := json.Unmarshal(ck.Config, &cfg); err != nil {
		return nil, fmt.Errorf("model config: %w", err)
	}
	vocab := func(name string) (*text.Vocab, error) {
		raw, ok := ck.Vocabs[name]
		if !ok {
			return nil, fmt.Errorf("no vocabulary %q (not a translator checkpoint?)", name)
		}
		v := &text.Vocab{}
		if err := json.Unmarshal(raw, v); err != nil {
			return nil, fmt.Errorf("vocabulary %q: %w", name, err)
		}
		return v, nil
	}
	src, err := vocab("src")
	if err != nil {
		return nil, err
	}
	tgt, err := vocab("tgt")
	if err != nil {
		return nil, err
	}
	tc := map[string]string{}
	if raw, ok := ck.Vocabs["truecase"]; ok {
		if err := json.Unmarshal(raw, &tc); err != nil {
			return nil, fmt.Errorf("truecase table: %w", err)
		}
	}
	if src.Size() != cfg.SrcVocab || tgt.Size() != cfg.TgtVocab {
		return nil, fmt.Errorf("the vocabularies have %d and %d words, the model config %d and %d", src.Size(), tgt.Size(), cfg.SrcVocab, cfg.TgtVocab)
	}
	h, eh, e := float64(cfg.Hidden), float64(cfg.EncHidden), float64(cfg.EmbedDim)
	if err := ck.CheckWeights((float64(cfg.SrcVocab)+float64(cfg.TgtVocab))*e + float64(cfg.Layers)*(eh*eh+h*h) + h*float64(cfg.TgtVocab)); err != nil {
		return nil, err
	}
	t, err := New(cfg, src, tgt, tc, 1, 64)
	if err != nil {
		return nil, err
	}
	if err := ck.LoadParams(t.ps); err != nil {
		return nil, err
	}
	t.Metrics = ck.Metrics
	return t, nil
}
