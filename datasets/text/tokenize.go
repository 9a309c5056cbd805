package text

import (
	"bufio"
	"io"
	"strings"
	"unicode"
)

// Tokenizer splits text into tokens. The zero value lower-cases; set
// KeepCase to keep the case.
type Tokenizer struct {
	KeepCase bool
}

// Tokenize splits s with the default Tokenizer (lower-casing).
func Tokenize(s string) []string { return Tokenizer{}.Tokenize(s) }

// English clitics split off the end of a word, Penn Treebank style.
var clitics = []string{"n't", "'s", "'re", "'ve", "'ll", "'d", "'m"}

// Irregular negations: the stem that stays before "n't".
var negStems = map[string]string{"can": "ca", "won": "wo", "shan": "sha", "ain": "ai"}

// French (and Italian) elided words whose apostrophe stays on the left.
var elisions = map[string]bool{"l": true, "d": true, "j": true, "m": true, "n": true, "s": true,
	"t": true, "c": true, "qu": true, "jusqu": true, "lorsqu": true, "puisqu": true, "quoiqu": true,
	"un": true, "dell": true, "all": true, "nell": true, "sull": true}

func isApostrophe(r rune) bool { return r == '\'' || r == '’' || r == 'ʼ' }

func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r)
}

// Tokenize splits s into tokens.
func (t Tokenizer) Tokenize(s string) []string {
	if !t.KeepCase {
		s = strings.ToLower(s)
	}
	rs := []rune(s)
	var out []string
	for i := 0; i < len(rs); {
		r := rs[i]
		switch {
		case unicode.IsSpace(r) || unicode.IsControl(r) || r == '\ufeff':
			i++
		case isWordRune(r):
			j := i + 1
			for j < len(rs) {
				c := rs[j]
				if isWordRune(c) {
					j++
					continue
				}
				// Joiners inside a word: apostrophes and hyphens between
				// letters, '.' and ',' between digits.
				if j+1 < len(rs) && isWordRune(rs[j+1]) {
					if isApostrophe(c) || c == '-' || c == '‐' {
						j++
						continue
					}
					if (c == '.' || c == ',') && unicode.IsDigit(rs[j-1]) && unicode.IsDigit(rs[j+1]) {
						j++
						continue
					}
				}
				break
			}
			// A trailing clitic apostrophe with nothing after ("dogs'")
			// is punctuation, taken by the default case.
			out = appendWord(out, string(rs[i:j]))
			i = j
		case r == '.' || r == '…':
			// A run of dots is one token: "." or "...".
			j := i
			for j < len(rs) && (rs[j] == '.' || rs[j] == '…') {
				j++
			}
			if j-i == 1 && r == '.' {
				out = append(out, ".")
			} else {
				out = append(out, "...")
			}
			i = j
		default:
			if isApostrophe(r) {
				// A clitic already split off, as in pre-tokenised text
				// ("it 's"), stays one token.
				if c := leadingClitic(rs[i:]); c != "" {
					out = append(out, c)
					i += len([]rune(c))
					continue
				}
				out = append(out, "'")
			} else {
				out = append(out, string(r))
			}
			i++
		}
	}
	return out
}

// leadingClitic returns the clitic ("'s", "'ll", ...) that rs starts with
// when a non-word rune or the end follows it, else "".
func leadingClitic(rs []rune) string {
	for _, c := range clitics {
		if c[0] != '\'' {
			continue
		}
		n := len(c)
		if len(rs) < n || (len(rs) > n && isWordRune(rs[n])) {
			continue
		}
		if got := "'" + string(rs[1:n]); strings.EqualFold(got, c) {
			return got
		}
	}
	return ""
}

// appendWord splits clitics and elisions off one word and appends the parts.
func appendWord(out []string, w string) []string {
	if !strings.ContainsAny(w, "'’ʼ") {
		return append(out, w)
	}
	w = strings.NewReplacer("’", "'", "ʼ", "'").Replace(w)
	if w == "n't" {
		return append(out, w)
	}
	// French elision: l'homme, qu'il, jusqu'à.
	if k := strings.IndexByte(w, '\''); k > 0 && elisions[w[:k]] && k+1 < len(w) {
		rest := w[k+1:]
		if !isClitic(rest) {
			out = append(out, w[:k+1])
			return appendWord(out, rest)
		}
	}
	for _, c := range clitics {
		if len(w) > len(c) && strings.HasSuffix(w, c) {
			stem := w[:len(w)-len(c)]
			if c == "n't" {
				if s, ok := negStems[stem]; ok {
					stem = s
				}
			}
			if strings.HasSuffix(stem, "'") { // "rock'n't"-like oddities
				break
			}
			return append(out, stem, c)
		}
	}
	return append(out, w)
}

// isClitic reports whether the part after an apostrophe is an English
// clitic ("s" of "it's").
func isClitic(s string) bool {
	for _, c := range clitics {
		if "'"+s == c {
			return true
		}
	}
	return false
}

// Detokenize joins tokens into text: no space before closing punctuation
// and clitics ("ca" "n't" → "can't"), none after opening punctuation and
// elisions.
func Detokenize(tokens []string) string {
	var b strings.Builder
	noSpaceNext := true
	quoteOpen := false
	for _, tok := range tokens {
		attach := false
		switch {
		case tok == "n't" || tok == "'s" || tok == "'re" || tok == "'ve" || tok == "'ll" || tok == "'d" || tok == "'m":
			attach = true // "ca" "n't" → "can't" by itself
		case tok == "\"":
			attach = quoteOpen
		case len([]rune(tok)) == 1 && strings.ContainsAny(tok, ".,;:!?)]}%»"):
			attach = true
		case tok == "...":
			attach = true
		}
		if !attach && !noSpaceNext && b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(tok)
		noSpaceNext = false
		switch {
		case tok == "\"":
			if !quoteOpen {
				noSpaceNext = true
			}
			quoteOpen = !quoteOpen
		case strings.ContainsAny(tok, "([{¿¡«$") && len([]rune(tok)) == 1:
			noSpaceNext = true
		case strings.HasSuffix(tok, "'") && len(tok) > 1 && elisions[strings.TrimSuffix(tok, "'")]:
			noSpaceNext = true
		}
	}
	return b.String()
}

// WriteTokenized writes each text as Tokenize splits it, tokens joined by
// single spaces, one text a line (texts without tokens are skipped): a
// corpus in the tokenisation the models read, e.g. to train word vectors on.
func WriteTokenized(w io.Writer, texts []string) error {
	bw := bufio.NewWriter(w)
	for _, s := range texts {
		if toks := Tokenize(s); len(toks) > 0 {
			bw.WriteString(strings.Join(toks, " "))
			bw.WriteByte('\n')
		}
	}
	return bw.Flush()
}
