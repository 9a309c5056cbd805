package embeddings

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"os"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"unicode"
)

// AnalogySection is one ": name" section of a questions-words file.
type AnalogySection struct {
	Name      string
	Questions [][4]string // a b c d: a is to b as c is to d
}

// ReadAnalogies reads the questions-words format: lines ": section" start a
// section, other lines hold four words.
func ReadAnalogies(r io.Reader, name string) ([]AnalogySection, error) {
	sc := bufio.NewScanner(r)
	var out []AnalogySection
	line := 0
	for sc.Scan() {
		line++
		t := strings.TrimSpace(sc.Text())
		if t == "" {
			continue
		}
		if strings.HasPrefix(t, ":") {
			s := strings.TrimSpace(t[1:])
			if s == "" {
				return nil, fmt.Errorf("%s:%d: section line without a name", name, line)
			}
			out = append(out, AnalogySection{Name: s})
			continue
		}
		f := strings.Fields(t)
		if len(f) != 4 {
			return nil, fmt.Errorf("%s:%d: %d fields, want 4 words \"a b c d\"", name, line, len(f))
		}
		if len(out) == 0 {
			out = append(out, AnalogySection{Name: "(no section)"})
		}
		s := &out[len(out)-1]
		s.Questions = append(s.Questions, [4]string{f[0], f[1], f[2], f[3]})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s:%d: %w", name, line+1, err)
	}
	return out, nil
}

// LoadAnalogies reads a questions-words file.
func LoadAnalogies(path string) ([]AnalogySection, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return ReadAnalogies(f, path)
}

// AnalogyOptions configure EvalAnalogies.
type AnalogyOptions struct {
	// Method is CosAdd (default) or CosMul.
	Method Method
	// Restrict limits both the questions (all four words must be among them)
	// and the candidate answers to the first Restrict words; 0 means all.
	// The C tool's compute-accuracy and gensim use 30000.
	Restrict int
	// CaseSensitive compares words as they are; by default words are matched
	// case-insensitively (the first, most frequent, casing wins) as
	// compute-accuracy and gensim do.
	CaseSensitive bool
	// Threads evaluates questions in parallel (default GOMAXPROCS).
	Threads int
}

// SectionScore is the result of one section.
type SectionScore struct {
	Name     string  `json:"name"`
	Correct  int     `json:"correct"`
	Answered int     `json:"answered"` // questions whose four words are known
	Total    int     `json:"total"`
	Accuracy float64 `json:"accuracy"` // Correct/Answered
}

// AnalogyScore is the result of EvalAnalogies.
type AnalogyScore struct {
	Sections  []SectionScore `json:"sections"`
	Correct   int            `json:"correct"`
	Answered  int            `json:"answered"`
	Total     int            `json:"total"`
	Accuracy  float64        `json:"accuracy"` // Correct/Answered
	Coverage  float64        `json:"coverage"` // Answered/Total
	Semantic  float64        `json:"semantic_accuracy"`
	Syntactic float64        `json:"syntactic_accuracy"` // sections named "gram…"
}

// EvalAnalogies answers every question whose words are known and scores the
// top answer (the question's three words excluded).
func (v *Vectors) EvalAnalogies(sections []AnalogySection, opt AnalogyOptions) AnalogyScore {
	n := v.limit(opt.Restrict)
	lookup := make(map[string]int, n)
	key := func(w string) string {
		if opt.CaseSensitive {
			return w
		}
		return strings.ToUpper(w)
	}
	for i := 0; i < n; i++ {
		k := key(v.Words[i])
		if _, ok := lookup[k]; !ok {
			lookup[k] = i
		}
	}
	v.units()
	threads := opt.Threads
	if threads <= 0 {
		threads = runtime.GOMAXPROCS(0)
	}
	var res AnalogyScore
	var semC, semN, synC, synN int
	for _, s := range sections {
		type job struct{ a, b, c, d int }
		var jobs []job
		for _, q := range s.Questions {
			var id [4]int
			ok := true
			for j, w := range q {
				i, found := lookup[key(w)]
				if !found {
					ok = false
					break
				}
				id[j] = i
			}
			if ok {
				jobs = append(jobs, job{id[0], id[1], id[2], id[3]})
			}
		}
		correct := 0
		var mu sync.Mutex
		var wg sync.WaitGroup
		next := 0
		for t := 0; t < threads; t++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				buf := make([]float32, v.Dim)
				local := 0
				for {
					mu.Lock()
					j := next
					next++
					mu.Unlock()
					if j >= len(jobs) {
						break
					}
					q := jobs[j]
					top := v.analogyIdx(q.a, q.b, q.c, opt.Method, 4, n, buf)
					ka, kb, kc := key(v.Words[q.a]), key(v.Words[q.b]), key(v.Words[q.c])
					for _, t := range top {
						k := key(t.Word)
						if k == ka || k == kb || k == kc {
							continue // another casing of a question word
						}
						if k == key(v.Words[q.d]) {
							local++
						}
						break
					}
				}
				mu.Lock()
				correct += local
				mu.Unlock()
			}()
		}
		wg.Wait()
		sc := SectionScore{Name: s.Name, Correct: correct, Answered: len(jobs), Total: len(s.Questions)}
		if sc.Answered > 0 {
			sc.Accuracy = float64(sc.Correct) / float64(sc.Answered)
		}
		res.Sections = append(res.Sections, sc)
		res.Correct += sc.Correct
		res.Answered += sc.Answered
		res.Total += sc.Total
		if strings.HasPrefix(s.Name, "gram") {
			synC += sc.Correct
			synN += sc.Answered
		} else {
			semC += sc.Correct
			semN += sc.Answered
		}
	}
	res.Accuracy = ratio(res.Correct, res.Answered)
	res.Coverage = ratio(res.Answered, res.Total)
	res.Semantic = ratio(semC, semN)
	res.Syntactic = ratio(synC, synN)
	return res
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// SimilarityPair is one line of a word-similarity set.
type SimilarityPair struct {
	A, B  string
	Score float64
}

// ReadSimilarity reads "word1 word2 score" lines (tab or space separated);
// blank lines and lines starting with '#' are skipped.
func ReadSimilarity(r io.Reader, name string) ([]SimilarityPair, error) {
	sc := bufio.NewScanner(r)
	var out []SimilarityPair
	line := 0
	for sc.Scan() {
		line++
		t := strings.TrimSpace(sc.Text())
		if t == "" || strings.HasPrefix(t, "#") {
			continue
		}
		f := strings.Fields(t)
		if len(f) < 3 {
			return nil, fmt.Errorf("%s:%d: %d fields, want \"word1 word2 score\"", name, line, len(f))
		}
		s, err := strconv.ParseFloat(f[2], 64)
		if err != nil || math.IsNaN(s) || math.IsInf(s, 0) {
			return nil, fmt.Errorf("%s:%d: field 3 (score) %q: not a number", name, line, f[2])
		}
		out = append(out, SimilarityPair{f[0], f[1], s})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s:%d: %w", name, line+1, err)
	}
	return out, nil
}

// LoadSimilarity reads a word-similarity file.
func LoadSimilarity(path string) ([]SimilarityPair, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return ReadSimilarity(f, path)
}

// SimilarityScore is the result of EvalSimilarity.
type SimilarityScore struct {
	Spearman float64 `json:"spearman"`
	Used     int     `json:"pairs_used"`
	Total    int     `json:"pairs_total"`
	Coverage float64 `json:"coverage"`
}

// EvalSimilarity computes Spearman's rank correlation between the human
// scores and the cosine of the pairs whose two words are known (looked up as
// given, then lower-cased).
func (v *Vectors) EvalSimilarity(pairs []SimilarityPair) SimilarityScore {
	var human, model []float64
	find := func(w string) (int, bool) {
		if i, ok := v.index[w]; ok {
			return i, true
		}
		i, ok := v.index[strings.Map(unicode.ToLower, w)]
		return i, ok
	}
	u := v.units()
	d := v.Dim
	for _, p := range pairs {
		ia, ok1 := find(p.A)
		ib, ok2 := find(p.B)
		if !ok1 || !ok2 {
			continue
		}
		var s float64
		for j := 0; j < d; j++ {
			s += float64(u[ia*d+j]) * float64(u[ib*d+j])
		}
		human = append(human, p.Score)
		model = append(model, s)
	}
	return SimilarityScore{Spearman: Spearman(human, model), Used: len(human), Total: len(pairs), Coverage: ratio(len(human), len(pairs))}
}

// Spearman returns Spearman's rho of x and y (ties get their mean rank);
// 0 when fewer than two pairs or a constant series.
func Spearman(x, y []float64) float64 {
	if len(x) != len(y) || len(x) < 2 {
		return 0
	}
	rx, ry := ranks(x), ranks(y)
	var mx, my float64
	for i := range rx {
		mx += rx[i]
		my += ry[i]
	}
	mx /= float64(len(rx))
	my /= float64(len(ry))
	var sxy, sxx, syy float64
	for i := range rx {
		dx, dy := rx[i]-mx, ry[i]-my
		sxy += dx * dy
		sxx += dx * dx
		syy += dy * dy
	}
	if sxx == 0 || syy == 0 {
		return 0
	}
	return sxy / math.Sqrt(sxx*syy)
}

func ranks(x []float64) []float64 {
	idx := make([]int, len(x))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return x[idx[a]] < x[idx[b]] })
	r := make([]float64, len(x))
	for i := 0; i < len(idx); {
		j := i
		for j+1 < len(idx) && x[idx[j+1]] == x[idx[i]] {
			j++
		}
		mean := float64(i+j)/2 + 1
		for k := i; k <= j; k++ {
			r[idx[k]] = mean
		}
		i = j + 1
	}
	return r
}

// Write prints the score as compute-accuracy does: one line per section,
// then the semantic and syntactic accuracies and the total.
func (s AnalogyScore) Write(w io.Writer) {
	for _, sec := range s.Sections {
		fmt.Fprintf(w, "%-28s %6.2f%%  (%d/%d answered of %d)\n", sec.Name, 100*sec.Accuracy, sec.Correct, sec.Answered, sec.Total)
	}
	fmt.Fprintf(w, "semantic %.2f%%  syntactic %.2f%%\n", 100*s.Semantic, 100*s.Syntactic)
	fmt.Fprintf(w, "total accuracy %.2f%% (%d/%d)  coverage %.2f%% (%d/%d questions)\n",
		100*s.Accuracy, s.Correct, s.Answered, 100*s.Coverage, s.Answered, s.Total)
}
