package text

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestTokenize(t *testing.T) {
	cases := []struct {
		in   string
		want string
	}{
		{"I don't like it.", "i|do|n't|like|it|."},
		{"It's GREAT, isn't it?!", "it|'s|great|,|is|n't|it|?|!"},
		{"We can't, won't.", "we|ca|n't|,|wo|n't|."},
		{"They're here; we'll see... I'd go, I'm sure", "they|'re|here|;|we|'ll|see|...|i|'d|go|,|i|'m|sure"},
		{"The dogs' bone", "the|dogs|'|bone"},
		{"¿Qué pasó? ¡Ayúdame!", "¿|qué|pasó|?|¡|ayúdame|!"},
		{"L'homme qu'il a vu aujourd'hui, c'est Jean.", "l'|homme|qu'|il|a|vu|aujourd'hui|,|c'|est|jean|."},
		{"J’ai mangé à l’école.", "j'|ai|mangé|à|l'|école|."},
		{"a well-known 3.5-star film, $1,000 (really)", "a|well-known|3.5-star|film|,|$|1,000|(|really|)"},
		{"\"Quoted\" text", "\"|quoted|\"|text"},
		{"  \t\n ", ""},
		{"Ça coûte 5 €.", "ça|coûte|5|€|."},
		{"e\u0301te\u0301", "e\u0301te\u0301"},
		{"Niño's toy", "niño|'s|toy"},
		{"it 's a film that does n't work , we 'll see", "it|'s|a|film|that|does|n't|work|,|we|'ll|see"},
		{"'sup 'hello' 'S", "'|sup|'|hello|'|'s"},
	}
	for _, c := range cases {
		got := strings.Join(Tokenize(c.in), "|")
		if got != c.want {
			t.Errorf("Tokenize(%q) = %q, want %q", c.in, got, c.want)
		}
	}
	if got := (Tokenizer{KeepCase: true}).Tokenize("Don't Stop"); !reflect.DeepEqual(got, []string{"Do", "n't", "Stop"}) {
		t.Errorf("KeepCase: %q", got)
	}
}

func TestDetokenize(t *testing.T) {
	cases := []string{
		"i don't like it.",
		"we can't, won't.",
		"it's great, isn't it?!",
		"¿qué pasó? ¡ayúdame!",
		"l'homme qu'il a vu, c'est jean.",
		"he said \"hello\" to me (twice)...",
	}
	for _, c := range cases {
		if got := Detokenize(Tokenize(c)); got != c {
			t.Errorf("Detokenize(Tokenize(%q)) = %q", c, got)
		}
	}
}

func FuzzTokenize(f *testing.F) {
	for _, s := range []string{"I don't like it.", "¿Qué pasó?", "l'homme", "'''", "a'-b", "3.5.", "n't", "\xff\xfe"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, tok := range Tokenize(s) {
			if tok == "" || strings.ContainsAny(tok, " \t\n") {
				t.Fatalf("bad token %q from %q", tok, s)
			}
			if utf8.ValidString(s) && !utf8.ValidString(tok) {
				t.Fatalf("invalid UTF-8 token %q", tok)
			}
		}
		_ = Detokenize(Tokenize(s))
	})
}

func ExampleTokenize() {
	fmt.Printf("%q\n", Tokenize("I don't think it's bad."))
	fmt.Printf("%q\n", Tokenize("¿Dónde está l'hôtel?"))
	fmt.Println(Detokenize(Tokenize("I don't think it's bad.")))
	// Output:
	// ["i" "do" "n't" "think" "it" "'s" "bad" "."]
	// ["¿" "dónde" "está" "l'" "hôtel" "?"]
	// i don't think it's bad.
}
