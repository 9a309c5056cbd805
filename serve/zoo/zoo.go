package zoo

import (
	"errors"
	"fmt"
	"strings"

	"github.com/rnnzoo/rnnzoo/models/charlm/lm"
	"github.com/rnnzoo/rnnzoo/models/imagecols/cols"
	"github.com/rnnzoo/rnnzoo/models/sentiment/polarity"
	"github.com/rnnzoo/rnnzoo/models/translate/translator"
	"github.com/rnnzoo/rnnzoo/serve"
	"github.com/rnnzoo/rnnzoo/train/checkpoint"
)

// Kinds are the model kinds the zoo serves.
var Kinds = []string{polarity.Kind, translator.Kind, cols.Kind, lm.Kind}

// Builtin names a kind's shipped model in a -model value.
const Builtin = "builtin"

// Spec is one model to serve: its name in the URLs and where its weights
// come from.
type Spec struct {
	Name string
	Kind string // sentiment, translate, imagecols or charlm
	// Path is a checkpoint file, or "builtin" (the kind's shipped model),
	// or for imagecols one of cols.PretrainedNames ("digits", "mnist",
	// "fashion").
	Path string
}

// ParseSpec reads a -model value: "M" or "name=M", where M is a
// checkpoint path, "builtin" or (imagecols) a shipped data set's name. A
// checkpoint's kind is read from the file; without a name the model is
// named by its kind. kind is the program's: the kind of "builtin" and of
// a file written before checkpoints recorded their kind.
func ParseSpec(value, kind string) (Spec, error) {
	name, path, named := strings.Cut(value, "=")
	if !named {
		name, path = "", value
	}
	if path == "" {
		return Spec{}, fmt.Errorf("-model %q: no model after the name", value)
	}
	if named && !validName(name) {
		return Spec{}, fmt.Errorf("-model %q: a model name is letters, digits, '.', '_' and '-'", value)
	}
	s := Spec{Name: name, Kind: kind, Path: path}
	if path != Builtin && !(kind == cols.Kind && isPretrainedImages(path)) {
		ck, err := checkpoint.Read(path)
		if err != nil {
			return Spec{}, err
		}
		if ck.Kind != "" {
			s.Kind = ck.Kind
		}
	}
	if !known(s.Kind) {
		return Spec{}, fmt.Errorf("%s: a %q model cannot be served (serve has %s)", path, s.Kind, strings.Join(Kinds, ", "))
	}
	if s.Name == "" {
		s.Name = s.Kind
	}
	return s, nil
}

func validName(n string) bool {
	if n == "" || len(n) > 128 {
		return false
	}
	for _, r := range n {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '_' || r == '-') {
			return false
		}
	}
	return true
}

func known(kind string) bool {
	for _, k := range Kinds {
		if k == kind {
			return true
		}
	}
	return false
}

func isPretrainedImages(name string) bool {
	for _, n := range cols.PretrainedNames() {
		if n == name {
			return true
		}
	}
	return false
}

// Loader returns the loader of a spec with the given number of instances
// (copies of the model, each running its own batches).
func Loader(s Spec, instances int) serve.Loader {
	return func() ([]serve.Model, error) {
		instances = max(instances, 1)
		out := make([]serve.Model, 0, instances)
		for range instances {
			m, err := Open(s)
			if err != nil {
				return nil, err
			}
			out = append(out, m)
		}
		return out, nil
	}
}

// Open loads the model of a spec and wraps it for the server.
func Open(s Spec) (serve.Model, error) {
	builtin := s.Path == Builtin
	switch s.Kind {
	case polarity.Kind:
		m, err := pick(builtin, polarity.Pretrained, polarity.Load, s.Path)
		if err != nil {
			return nil, err
		}
		if err := m.Warmup(); err != nil {
			return nil, err
		}
		return Sentiment{m}, nil
	case translator.Kind:
		m, err := pick(builtin, translator.Pretrained, translator.Load, s.Path)
		if err != nil {
			return nil, err
		}
		m.Params().Seal() // the server never changes the weights
		return Translate{m}, nil
	case lm.Kind:
		m, err := pick(builtin, lm.Pretrained, lm.Load, s.Path)
		if err != nil {
			return nil, err
		}
		m.Params.Seal()
		return CharLM{m}, nil
	case cols.Kind:
		if builtin || isPretrainedImages(s.Path) {
			name := s.Path
			if builtin {
				name = cols.Digits
			}
			c, err := cols.Pretrained(name)
			if err != nil {
				return nil, err
			}
			c.Params.Seal()
			return Images{c}, nil
		}
		m, err := cols.Load(s.Path)
		if err != nil {
			return nil, err
		}
		if m.Classifier == nil {
			return nil, fmt.Errorf("%s: the checkpoint holds an image generator; serve answers with classifiers", s.Path)
		}
		m.Classifier.Params.Seal()
		return Images{m.Classifier}, nil
	}
	return nil, errors.New("unknown model kind " + s.Kind)
}

func pick[M any](builtin bool, pretrained func() (M, error), load func(string) (M, error), path string) (M, error) {
	if builtin {
		return pretrained()
	}
	return load(path)
}
