package bench

import (
	"math/rand/v2"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/tracuu/tracuu/internal/vi"
)

// Query classes of the mix, in report order.
const (
	ClassTerm       = "term"       // one word
	ClassTwoTerms   = "two-term"   // two words of one title, not side by side
	ClassPhrase     = "phrase"     // 2–4 adjacent syllables, quoted
	ClassAccentless = "accentless" // 2–3 adjacent syllables typed without marks
)

// Classes lists the query classes in report order.
var Classes = []string{ClassTerm, ClassTwoTerms, ClassPhrase, ClassAccentless}

// Query is one query of the mix.
type Query struct {
	Class  string `json:"class"`
	Text   string `json:"q"`      // as a user types it, quotes included
	Words  string `json:"-"`      // the words without quotes, for the baseline
	Phrase bool   `json:"phrase"` // the baseline runs a phrase query
}

// Mix generates n queries, a quarter of each class, from the sampled
// titles of c with a fixed seed: the same corpus and seed give the same
// mix. Every query is taken from a real title, so it matches something.
func (c *Corpus) Mix(n int, seed uint64) []Query {
	rng := rand.New(rand.NewPCG(seed, 1))
	out := make([]Query, 0, n)
	seen := map[string]bool{}
	for i := 0; len(out) < n && i < n*200; i++ {
		class := Classes[len(out)%len(Classes)]
		q, ok := c.makeQuery(class, rng)
		if !ok || seen[q.Text] {
			continue
		}
		seen[q.Text] = true
		out = append(out, q)
	}
	return out
}

func (c *Corpus) makeQuery(class string, rng *rand.Rand) (Query, bool) {
	title := c.sample[rng.IntN(len(c.sample))].Title
	switch class {
	case ClassTerm:
		ws := longWords(words(title))
		if len(ws) == 0 {
			return Query{}, false
		}
		w := ws[rng.IntN(len(ws))]
		return Query{Class: class, Text: w, Words: w}, true
	case ClassTwoTerms:
		ws := words(title)
		if len(ws) < 3 {
			return Query{}, false
		}
		i := rng.IntN(len(ws) - 2)
		j := i + 2 + rng.IntN(len(ws)-i-2)
		if ws[i] == ws[j] || utf8.RuneCountInString(ws[i]) < 2 || utf8.RuneCountInString(ws[j]) < 2 {
			return Query{}, false
		}
		t := ws[i] + " " + ws[j]
		return Query{Class: class, Text: t, Words: t}, true
	case ClassPhrase, ClassAccentless:
		lo, hi := 2, 4
		if class == ClassAccentless {
			hi = 3
		}
		size := lo + rng.IntN(hi-lo+1)
		span, ok := pickSpan(title, size, rng)
		if !ok {
			return Query{}, false
		}
		if class == ClassPhrase {
			return Query{Class: class, Text: `"` + span + `"`, Words: span, Phrase: true}, true
		}
		f := vi.Fold(span)
		if f == span {
			return Query{}, false // no marks to drop: not an accent-less query
		}
		return Query{Class: class, Text: f, Words: f}, true
	}
	return Query{}, false
}

// pickSpan picks size adjacent words of title that are separated by
// spaces only, so the span is a phrase of the text for every tokenizer.
func pickSpan(title string, size int, rng *rand.Rand) (string, bool) {
	var runs [][]string
	var cur []string
	for _, tok := range strings.Fields(strings.ToLower(title)) {
		if isWord(tok) {
			cur = append(cur, tok)
			continue
		}
		if len(cur) > 0 {
			runs = append(runs, cur)
		}
		cur = nil
	}
	if len(cur) > 0 {
		runs = append(runs, cur)
	}
	var fit [][]string
	for _, r := range runs {
		if len(r) >= size {
			fit = append(fit, r)
		}
	}
	if len(fit) == 0 {
		return "", false
	}
	r := fit[rng.IntN(len(fit))]
	i := rng.IntN(len(r) - size + 1)
	return strings.Join(r[i:i+size], " "), true
}

func isWord(s string) bool {
	for _, r := range s {
		if !unicode.IsLetter(r) {
			return false
		}
	}
	return s != ""
}

// longWords keeps words of two letters or more: a one-letter "word" is
// mostly an initial.
func longWords(ws []string) []string {
	out := ws[:0:0]
	for _, w := range ws {
		if utf8.RuneCountInString(w) >= 2 {
			out = append(out, w)
		}
	}
	return out
}

// Suggestions generates n things a user may be typing into the search box:
// the first one to three words of a sampled title, the last one cut short
// (at least one letter), with or without marks.
func (c *Corpus) Suggestions(n int, seed uint64) []string {
	rng := rand.New(rand.NewPCG(seed, 2))
	out := make([]string, 0, n)
	seen := map[string]bool{}
	for i := 0; len(out) < n && i < n*200; i++ {
		ws := words(c.sample[rng.IntN(len(c.sample))].Title)
		if len(ws) == 0 {
			continue
		}
		k := 1 + rng.IntN(min(3, len(ws)))
		ws = ws[:k]
		last := []rune(ws[k-1])
		ws[k-1] = string(last[:1+rng.IntN(len(last))])
		s := strings.Join(ws, " ")
		if rng.IntN(2) == 0 {
			s = vi.Fold(s)
		}
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}
