package cols

import (
	"embed"
	"fmt"
	"github.com/rnnzoo/rnnzoo/train/checkpoint"
	"sort"
	"strings"
)

// pretrainedFS holds the shipped classifiers, one file per data set (see
// the model cards in the package doc and the commands that make them).
//
//go:embed pretrained/*.ckpt.gz
var pretrainedFS embed.FS

// pretrainedFile is the shipped checkpoint of a data set.
func pretrainedFile(dataset string) string { return "pretrained/" + dataset + ".ckpt.gz" }

// PretrainedNames lists the data sets with a shipped classifier.
func PretrainedNames() []string {
	ents, _ := pretrainedFS.ReadDir("pretrained")
	var names []string
	for _, e := range ents {
		if n, ok := strings.CutSuffix(e.Name(), ".ckpt.gz"); ok {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	return names
}

// Pretrained returns the shipped classifier of a data set: "digits" (the
// embedded 8×8 digits), "mnist" or "fashion" (Fashion-MNIST). It is decoded
// anew on every call; keep the model rather than calling it per request.
func Pretrained(dataset string) (*Classifier, error) {
	gz, err := pretrainedFS.ReadFile(pretrainedFile(dataset))
	if err != nil {
		return nil, fmt.Errorf("cols: no shipped classifier for %q (there are: %s)", dataset, strings.Join(PretrainedNames(), ", "))
	}
	m, err := checkpoint.LoadEmbedded("cols: "+pretrainedFile(dataset), gz, FromCheckpoint)
	if err != nil {
		return nil, err
	}
	if m.Classifier == nil {
		return nil, fmt.Errorf("cols: %s holds no classifier", pretrainedFile(dataset))
	}
	return m.Classifier, nil
}
