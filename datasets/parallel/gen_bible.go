//go:build ignore

// gen_bible rebuilds bible/web-rv1909.tsv.gz: verse pairs of the World
// English Bible (SWORD module engWEB2015eb, Debian sword-text-web) and the
// Reina-Valera 1909 (spaRV1909eb, Debian sword-text-sparv), both public
// domain. It exports both modules with mod2imp (Debian libsword-utils),
// strips the OSIS markup (notes, titles and speaker labels dropped with
// their text, other tags kept as their text), pairs verses by reference,
// drops verse 1 of every Psalm (the Spanish side carries the superscription
// there), keeps pairs of at most -maxwords words a side, and writes
// "Book C:V<TAB>English<TAB>Spanish" lines, gzipped.
//
// Run by `go generate` in datasets/parallel, after
//
//	apt-get install sword-text-web sword-text-sparv libsword-utils
//
// -web and -rv read existing mod2imp exports instead of running mod2imp;
// -maxwords 0 keeps every pair (to compare with another extract).
package main

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"flag"
	"fmt"
	"html"
	"log"
	"os"
	"os/exec"
	"regexp"
	"strings"
)

func main() {
	webPath := flag.String("web", "", "mod2imp export of engWEB2015eb (default: run mod2imp)")
	rvPath := flag.String("rv", "", "mod2imp export of spaRV1909eb (default: run mod2imp)")
	out := flag.String("o", "bible/web-rv1909.tsv.gz", "output file (.gz: gzipped)")
	maxWords := flag.Int("maxwords", 20, "keep pairs of at most this many words a side (0: all)")
	flag.Parse()
	web := parseImp(export("engWEB2015eb", *webPath))
	rv := parseImp(export("spaRV1909eb", *rvPath))
	var buf bytes.Buffer
	kept, psalm1, long, missing := 0, 0, 0, 0
	for _, v := range web.order {
		en, es := web.text[v], rv.text[v]
		if en == "" || es == "" {
			missing++
			continue
		}
		if strings.HasPrefix(v, "Psalms ") && strings.HasSuffix(v, ":1") {
			psalm1++
			continue
		}
		if *maxWords > 0 && (len(strings.Fields(en)) > *maxWords || len(strings.Fields(es)) > *maxWords) {
			long++
			continue
		}
		fmt.Fprintf(&buf, "%s\t%s\t%s\n", v, en, es)
		kept++
	}
	data := buf.Bytes()
	if strings.HasSuffix(*out, ".gz") {
		var z bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&z, gzip.BestCompression)
		zw.Write(data)
		zw.Close()
		data = z.Bytes()
	}
	if err := os.WriteFile(*out, data, 0o644); err != nil {
		log.Fatal(err)
	}
	log.Printf("%s: %d pairs (%d Psalm verse 1 dropped, %d longer than %d words, %d without both sides), %d bytes",
		*out, kept, psalm1, long, *maxWords, missing, len(data))
}

func export(module, path string) []byte {
	if path != "" {
		b, err := os.ReadFile(path)
		if err != nil {
			log.Fatal(err)
		}
		return b
	}
	cmd := exec.Command("mod2imp", module)
	cmd.Stderr = os.Stderr
	b, err := cmd.Output()
	if err != nil {
		log.Fatalf("mod2imp %s: %v (apt-get install libsword-utils sword-text-web sword-text-sparv)", module, err)
	}
	return b
}

type bible struct {
	order []string
	text  map[string]string
}

// A verse key: "Book C:V" with C, V > 0 (0 marks book and chapter headings).
var verseKey = regexp.MustCompile(`^(.+) ([1-9][0-9]*):([1-9][0-9]*)$`)

func parseImp(b []byte) bible {
	bb := bible{text: map[string]string{}}
	key := ""
	var body strings.Builder
	flush := func() {
		if key != "" {
			if _, dup := bb.text[key]; !dup {
				bb.order = append(bb.order, key)
			}
			bb.text[key] = strip(body.String())
		}
		body.Reset()
	}
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		line := sc.Text()
		if k, ok := strings.CutPrefix(line, "$$$"); ok {
			flush()
			key = ""
			if verseKey.MatchString(k) {
				key = k
			}
			continue
		}
		body.WriteString(line)
		body.WriteByte(' ')
	}
	if err := sc.Err(); err != nil {
		log.Fatal(err)
	}
	flush()
	return bb
}

var (
	tagRe   = regexp.MustCompile(`<(/?)([A-Za-z]+)[^>]*?(/?)>`)
	spaceRe = regexp.MustCompile(`\s+`)
	// Elements dropped with their content.
	dropped = map[string]bool{"note": true, "title": true, "speaker": true}
)

// strip removes the OSIS markup of one verse.
func strip(s string) string {
	var b strings.Builder
	depth := 0 // inside dropped elements
	last := 0
	for _, m := range tagRe.FindAllStringSubmatchIndex(s, -1) {
		if depth == 0 {
			b.WriteString(s[last:m[0]])
		}
		last = m[1]
		closing, name, selfClosing := s[m[2]:m[3]] == "/", s[m[4]:m[5]], s[m[6]:m[7]] == "/"
		if !dropped[name] || selfClosing {
			// Line and paragraph milestones separate words.
			if name == "l" || name == "lb" || name == "div" || name == "lg" {
				b.WriteByte(' ')
			}
			continue
		}
		if closing {
			if depth > 0 {
				depth--
				if depth == 0 {
					b.WriteByte(' ') // a note stood between two words
				}
			}
		} else {
			depth++
		}
	}
	if depth == 0 {
		b.WriteString(s[last:])
	}
	t := html.UnescapeString(b.String())
	t = spaceRe.ReplaceAllString(t, " ")
	t = strings.TrimSpace(t)
	// Space before punctuation left by removed markup.
	for _, p := range []string{",", ".", ";", ":", "?", "!", "”", "’"} {
		t = strings.ReplaceAll(t, " "+p, p)
	}
	return t
}
