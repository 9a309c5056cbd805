package lm

import (
	_ "embed"
	"github.com/rnnzoo/rnnzoo/train/checkpoint"
)

//go:embed pretrained/sotu.ckpt.gz
var pretrainedGz []byte

// PretrainedFile is the name of the shipped checkpoint in this package's
// directory.
const PretrainedFile = "pretrained/sotu.ckpt.gz"

// Pretrained returns the shipped model, trained on the State of the Union
// addresses (see the model card in the package doc). It is decoded anew on
// every call; keep the model rather than calling it per request.
func Pretrained() (*Model, error) {
	return checkpoint.LoadEmbedded("lm: "+PretrainedFile, pretrainedGz, FromCheckpoint)
}
