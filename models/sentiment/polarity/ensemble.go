package polarity

import (
	"fmt"
	"math"
	"os"
	"slices"
	"strings"

	"github.com/rnnzoo/rnnzoo/graph"
	"github.com/rnnzoo/rnnzoo/train"
)

// Ensemble is several models trained apart (other seeds, other word
// vectors) that classify together by averaging their class probabilities:
//
//	p(c | text) = (1/K) Σ_k p_k(c | text),   label = argmax_c p(c | text)
//
// Models that err on different sentences cancel part of each other's
// errors: on SST-2, three BiLSTMs of 84.6–85.0% dev accuracy (one on this
// module's vectors, two on GloVe) score 86.2% together (RESULTS.md). The
// members must name the same classes; each reads the text with its own
// vocabulary.
type Ensemble struct {
	Members []*Model
}

// Classifier is what a Model and an Ensemble both do.
type Classifier interface {
	Predict(texts []string) ([]Prediction, error)
	Evaluate(texts []string, labels []int) (*train.Eval, error)
}

var (
	_ Classifier = (*Model)(nil)
	_ Classifier = (*Ensemble)(nil)
)

// EnsembleNames splits a list of checkpoints separated by commas ("a.ckpt,
// b.ckpt"), as the sentiment program's -model takes an ensemble. It returns
// nil when spec names one model: it has no comma, or it is an existing
// file whose own name has one.
func EnsembleNames(spec string) ([]string, error) {
	if _, err := os.Stat(spec); err == nil || !strings.Contains(spec, ",") {
		return nil, nil
	}
	names := strings.Split(spec, ",")
	for i, n := range names {
		if names[i] = strings.TrimSpace(n); names[i] == "" {
			return nil, fmt.Errorf("%q: an empty name in the list", spec)
		}
	}
	return names, nil
}

// NewEnsemble checks that the members agree on their classes.
func NewEnsemble(members ...*Model) (*Ensemble, error) {
	if len(members) == 0 {
		return nil, fmt.Errorf("polarity: an ensemble needs at least one model")
	}
	for i, m := range members {
		if m == nil {
			return nil, fmt.Errorf("polarity: ensemble member %d is nil", i)
		}
	}
	first := members[0].cfg.labels()
	for i, m := range members[1:] {
		if !slices.Equal(m.cfg.labels(), first) {
			return nil, fmt.Errorf("polarity: ensemble member %d has classes %v, member 0 %v", i+1, m.cfg.labels(), first)
		}
	}
	return &Ensemble{Members: members}, nil
}

// LoadEnsemble loads one checkpoint per member.
func LoadEnsemble(paths ...string) (*Ensemble, error) {
	ms := make([]*Model, len(paths))
	for i, p := range paths {
		m, err := Load(p)
		if err != nil {
			return nil, err
		}
		ms[i] = m
	}
	return NewEnsemble(ms...)
}

// Config is the first member's configuration (the class names are
// every member's); the zero Config for an ensemble without members.
func (e *Ensemble) Config() Config {
	if len(e.Members) == 0 || e.Members[0] == nil {
		return Config{}
	}
	return e.Members[0].cfg
}

// check reports an ensemble that NewEnsemble would refuse (one built as a
// struct literal).
func (e *Ensemble) check() error {
	if len(e.Members) == 0 {
		return fmt.Errorf("polarity: an ensemble needs at least one model")
	}
	_, err := NewEnsemble(e.Members...)
	return err
}

// Predict classifies texts by the members' mean probabilities.
func (e *Ensemble) Predict(texts []string) ([]Prediction, error) {
	if err := e.check(); err != nil {
		return nil, err
	}
	var out []Prediction
	for k, m := range e.Members {
		ps, err := m.Predict(texts)
		if err != nil {
			return nil, fmt.Errorf("polarity: ensemble member %d: %w", k, err)
		}
		if k == 0 {
			out = ps
			for i := range out { // owned here: the sums below write into them
				out[i].Probabilities = slices.Clone(out[i].Probabilities)
			}
			continue
		}
		for i := range out {
			for c, p := range ps[i].Probabilities {
				out[i].Probabilities[c] += p
			}
		}
	}
	names := e.Members[0].cfg.labels()
	k := float64(len(e.Members))
	for i := range out {
		p := out[i].Probabilities
		for c := range p {
			p[c] /= k
		}
		out[i].Label = graph.ArgmaxRow(p)
		out[i].Name = names[out[i].Label]
	}
	return out, nil
}

// Evaluate scores the ensemble on labelled texts: accuracy, macro-F1 and
// the confusion matrix of its predictions, and as loss the mean negative
// log of the mean probability of the gold class.
func (e *Ensemble) Evaluate(texts []string, labels []int) (*train.Eval, error) {
	if err := e.check(); err != nil {
		return nil, err
	}
	classes := e.Members[0].cfg.Classes
	if err := checkLabelled(texts, labels, classes); err != nil {
		return nil, err
	}
	preds, err := e.Predict(texts)
	if err != nil {
		return nil, err
	}
	r := train.Result{Weight: float64(len(texts)), Pred: make([]int, len(preds)), Gold: labels}
	for i, p := range preds {
		r.Pred[i] = p.Label
		r.Loss -= math.Log(max(p.Probabilities[labels[i]], math.SmallestNonzeroFloat64))
	}
	r.Loss /= r.Weight
	return train.Evaluate(1, func(int) (train.Result, error) { return r, nil }, train.EvalOptions{Classes: classes})
}
