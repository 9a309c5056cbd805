package main

import (
	"bytes"
	"compress/gzip"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/rnnzoo/rnnzoo/datasets/text"
	"github.com/rnnzoo/rnnzoo/train"
)

// pretrainedFS holds the compact pretrained checkpoint (see
// pretrained/README.md for the command that makes it).
//
//go:embed pretrained
var pretrainedFS embed.FS

// pretrainedName is the embedded checkpoint; -model builtin selects it.
const pretrainedName = "pretrained/bible-eng-spa.ckpt.gz"

// builtinModel names the embedded checkpoint on the command line.
const builtinModel = "builtin"

// hasPretrained reports whether the binary carries a pretrained model.
func hasPretrained() bool {
	_, err := pretrainedFS.ReadFile(pretrainedName)
	return err == nil
}

// loadModel rebuilds a translator from a checkpoint file (gzip-compressed
// when its name ends in .gz), from the embedded one ("builtin"), or from
// the one train or the demo last saved ("").
func loadModel(path string) (*translator, error) {
	var b []byte
	var err error
	switch path {
	case builtinModel:
		if b, err = pretrainedFS.ReadFile(pretrainedName); err != nil {
			return nil, errors.New("this build has no pretrained model; train one (see pretrained/README.md)")
		}
		path = pretrainedName
	case "":
		if path, err = defaultModelPath(); err != nil {
			return nil, err
		}
		fallthrough
	default:
		if b, err = os.ReadFile(path); err != nil {
			return nil, err
		}
	}
	if strings.HasSuffix(path, ".gz") {
		zr, err := gzip.NewReader(bytes.NewReader(b))
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		if b, err = io.ReadAll(zr); err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
	}
	ck, err := train.DecodeCheckpoint(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	t, err := fromCheckpoint(ck)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	t.path = path
	return t, nil
}

// fromCheckpoint rebuilds the model and loads its weights.
func fromCheckpoint(ck *train.Checkpoint) (*translator, error) {
	var cfg modelConfig
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
	t, err := newTranslator(cfg, src, tgt, tc, 1, 64)
	if err != nil {
		return nil, err
	}
	if err := ck.LoadParams(t.ps); err != nil {
		return nil, err
	}
	t.metrics = ck.Metrics
	return t, nil
}
