package train

import (
	"fmt"
	"io"
	"math"
)

// Confusion is a confusion matrix: Confusion[gold][pred] counts the
// examples of class gold predicted as pred. It grows as larger class ids
// are added.
type Confusion [][]int

// NewConfusion returns a k×k zero matrix.
func NewConfusion(k int) Confusion {
	c := make(Confusion, k)
	for i := range c {
		c[i] = make([]int, k)
	}
	return c
}

func (c *Confusion) grow(k int) {
	for len(*c) < k {
		*c = append(*c, nil)
	}
	for i := range *c {
		for len((*c)[i]) < k {
			(*c)[i] = append((*c)[i], 0)
		}
	}
}

// Add counts pairs of predicted and gold class ids (negative ids, e.g. for
// padding, are skipped).
func (c *Confusion) Add(pred, gold []int) error {
	if len(pred) != len(gold) {
		return fmt.Errorf("train: %d predictions for %d labels", len(pred), len(gold))
	}
	for i, g := range gold {
		p := pred[i]
		if g < 0 || p < 0 {
			continue
		}
		if k := max(g, p) + 1; k > len(*c) {
			c.grow(k)
		}
		(*c)[g][p]++
	}
	return nil
}

// Total returns the number of counted examples.
func (c Confusion) Total() int {
	n := 0
	for _, row := range c {
		for _, v := range row {
			n += v
		}
	}
	return n
}

// Accuracy returns the share of examples on the diagonal (0 when empty).
func (c Confusion) Accuracy() float64 {
	n, ok := 0, 0
	for i, row := range c {
		for j, v := range row {
			n += v
			if i == j {
				ok += v
			}
		}
	}
	if n == 0 {
		return 0
	}
	return float64(ok) / float64(n)
}

// F1 returns the F1 score of each class (0 for a class with no true
// positive) and whether the class occurs as gold or prediction.
func (c Confusion) F1() (f1 []float64, present []bool) {
	k := len(c)
	f1, present = make([]float64, k), make([]bool, k)
	for i := 0; i < k; i++ {
		tp := c[i][i]
		var gold, pred int
		for j := 0; j < k; j++ {
			gold += c[i][j]
			pred += c[j][i]
		}
		present[i] = gold+pred > 0
		if tp > 0 {
			f1[i] = 2 * float64(tp) / float64(gold+pred)
		}
	}
	return f1, present
}

// MacroF1 returns the unweighted mean F1 over the classes that occur as gold
// label or as prediction (as scikit-learn's f1_score(average="macro") does
// when not given explicit labels).
func (c Confusion) MacroF1() float64 {
	f1, present := c.F1()
	var s float64
	n := 0
	for i, ok := range present {
		if ok {
			s += f1[i]
			n++
		}
	}
	if n == 0 {
		return 0
	}
	return s / float64(n)
}

// Perplexity returns exp(nll) for a mean negative log-likelihood per token
// in nats.
func Perplexity(nll float64) float64 { return math.Exp(nll) }

// BitsPerChar returns nll/ln 2: a mean negative log-likelihood per character
// in nats converted to bits.
func BitsPerChar(nll float64) float64 { return nll / math.Ln2 }

// Result is what a Task reports for one batch.
type Result struct {
	// Loss is the batch's mean loss (per example or per token).
	Loss float64
	// Weight is the number of examples or tokens the mean is over; the
	// epoch's loss is the weighted mean of the batches' losses. 0 counts
	// as 1.
	Weight float64
	// Pred and Gold are optional class predictions and labels (negative
	// entries are ignored), from which accuracy, macro-F1 and the
	// confusion matrix are computed.
	Pred, Gold []int
}

// EvalOptions says which metrics Evaluate derives.
type EvalOptions struct {
	// Classes sizes the confusion matrix (it grows if labels are larger).
	Classes int
	// LanguageModel reports perplexity and bits per character from the
	// loss, read as a mean negative log-likelihood per token in nats.
	LanguageModel bool
	// ConfusionLimit is the largest number of classes for which the
	// confusion matrix is kept (default 100; negative: never). Accuracy and
	// macro-F1 are computed for any number of classes.
	ConfusionLimit int
	// Extra, if set, is called after the batches and its metrics (e.g.
	// BLEU) are added to the result. A task computes such corpus-level
	// metrics from what it kept during its EvalBatch calls (e.g. the
	// decoded hypotheses and their references), and starts afresh.
	Extra func() (map[string]float64, error)
}

// Eval is the result of evaluating a model on a data split.
type Eval struct {
	Loss      float64            `json:"loss"`
	Weight    float64            `json:"weight"`  // examples or tokens
	Batches   int                `json:"batches"` //
	Metrics   map[string]float64 `json:"metrics"` // accuracy, macro_f1, perplexity, bpc, extras
	Confusion Confusion          `json:"confusion,omitempty"`
}

// Summary returns the loss, the number of examples and the metrics as one
// flat map, ready for a program's final -json line.
func (e *Eval) Summary() map[string]float64 {
	m := map[string]float64{"loss": e.Loss, "examples": e.Weight}
	for k, v := range e.Metrics {
		m[k] = v
	}
	return m
}

// Evaluate runs batch(0..n−1) (forward passes of a model in evaluation mode)
// and combines their results: the weighted mean loss, accuracy and macro-F1
// when the batches report predictions, perplexity and bits per character
// for a language model, and the Extra metrics.
func Evaluate(n int, batch func(i int) (Result, error), opt EvalOptions) (*Eval, error) {
	e := &Eval{Metrics: map[string]float64{}}
	limit := opt.ConfusionLimit
	if limit == 0 {
		limit = 100
	}
	var st classStats
	var conf Confusion
	if opt.Classes > 0 && opt.Classes <= limit {
		conf = NewConfusion(opt.Classes)
	}
	keep := limit > 0
	var sum float64
	havePred := false
	for i := 0; i < n; i++ {
		r, err := batch(i)
		if err != nil {
			return nil, fmt.Errorf("train: evaluating batch %d: %w", i, err)
		}
		w := r.Weight
		if w == 0 {
			w = 1
		}
		sum += r.Loss * w
		e.Weight += w
		if r.Gold == nil {
			continue
		}
		havePred = true
		if len(r.Pred) != len(r.Gold) {
			return nil, fmt.Errorf("train: batch %d has %d predictions for %d labels", i, len(r.Pred), len(r.Gold))
		}
		st.add(r.Pred, r.Gold)
		if keep {
			if st.classes() > limit {
				keep, conf = false, nil // too many classes for a matrix
			} else if err := conf.Add(r.Pred, r.Gold); err != nil {
				return nil, err
			}
		}
	}
	e.Batches = n
	if e.Weight > 0 {
		e.Loss = sum / e.Weight
	}
	if havePred {
		e.Confusion = conf
		e.Metrics["accuracy"] = st.accuracy()
		e.Metrics["macro_f1"] = st.macroF1()
	}
	if opt.LanguageModel {
		e.Metrics["perplexity"] = Perplexity(e.Loss)
		e.Metrics["bpc"] = BitsPerChar(e.Loss)
	}
	if opt.Extra != nil {
		extra, err := opt.Extra()
		if err != nil {
			return nil, fmt.Errorf("train: task metrics: %w", err)
		}
		for k, v := range extra {
			e.Metrics[k] = v
		}
	}
	return e, nil
}

// classStats counts, per class, true positives, gold labels and
// predictions: enough for accuracy and macro-F1 in O(classes) memory.
type classStats struct {
	tp, gold, pred []int
	n, right       int
}

func (s *classStats) classes() int { return len(s.tp) }

func (s *classStats) grow(k int) {
	for len(s.tp) <= k {
		s.tp, s.gold, s.pred = append(s.tp, 0), append(s.gold, 0), append(s.pred, 0)
	}
}

func (s *classStats) add(pred, gold []int) {
	for i, g := range gold {
		p := pred[i]
		if g < 0 || p < 0 {
			continue
		}
		s.grow(max(g, p))
		s.n++
		s.gold[g]++
		s.pred[p]++
		if p == g {
			s.tp[g]++
			s.right++
		}
	}
}

func (s *classStats) accuracy() float64 {
	if s.n == 0 {
		return 0
	}
	return float64(s.right) / float64(s.n)
}

func (s *classStats) macroF1() float64 {
	var sum float64
	k := 0
	for c := range s.tp {
		if s.gold[c]+s.pred[c] == 0 {
			continue
		}
		k++
		sum += 2 * float64(s.tp[c]) / float64(s.gold[c]+s.pred[c])
	}
	if k == 0 {
		return 0
	}
	return sum / float64(k)
}

// Format writes the matrix as text: a header of predicted class ids, then
// one row per true class, with its name (from names, when given) at the end.
func (c Confusion) Format(w io.Writer, names []string) {
	fmt.Fprintln(w, "confusion matrix (rows: true class, columns: predicted):")
	fmt.Fprintf(w, "%6s", "")
	for j := range c {
		fmt.Fprintf(w, "%6d", j)
	}
	fmt.Fprintln(w)
	for i, row := range c {
		fmt.Fprintf(w, "%6d", i)
		for _, v := range row {
			fmt.Fprintf(w, "%6d", v)
		}
		if i < len(names) {
			fmt.Fprintf(w, "   %s", names[i])
		}
		fmt.Fprintln(w)
	}
}
