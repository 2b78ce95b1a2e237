package search

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/tracuu/tracuu/index"
)

// titleAllBoost weighs the clause "every word in the title". On 10,000
// articles (make eval) it lifted scattered-title-word queries from MRR@10
// 0.54 to 0.69 for 0.01 less on accented body spans; 0.3 gained half as
// much, 3.0 little more at twice the loss.
const titleAllBoost = 1.0

// Limits on what one query may ask of the engine.
const (
	MaxQueryBytes = 1000 // longer queries are refused, not truncated
	MaxClauses    = 64   // words, phrases and prefixes in one query
	MinPrefixLen  = 2    // "a*" would expand to most of the vocabulary
)

// SyntaxError is a malformed query: what is wrong and where (1-based
// character column), so a user can fix it.
type SyntaxError struct {
	Col int
	Msg string
}

func (e *SyntaxError) Error() string {
	if e.Col > 0 {
		return fmt.Sprintf("query: %s at character %d", e.Msg, e.Col)
	}
	return "query: " + e.Msg
}

// scopes are the fields a word may be scoped to with "field:".
var scopes = map[string]string{
	"title": index.FieldTitle, "body": index.FieldBody,
	"site": index.FieldSite, "section": index.FieldSection, "author": index.FieldAuthor,
}

// Parse turns what a user typed into a query tree. The language:
// words (all required), "exact phrases", -excluded, a OR b, (groups),
// field:word or field:"phrase" for title, body, site, section, author, and
// prefix* (at least two characters before the star). An empty query
// matches everything.
func Parse(s string) (index.Query, error) {
	if len(s) > MaxQueryBytes {
		return nil, &SyntaxError{Msg: fmt.Sprintf("longer than %d bytes", MaxQueryBytes)}
	}
	if !utf8.ValidString(s) {
		return nil, &SyntaxError{Msg: "not valid UTF-8"}
	}
	toks, err := lex(s)
	if err != nil {
		return nil, err
	}
	if len(toks) == 0 {
		return index.MatchAll{}, nil
	}
	p := &parser{toks: toks}
	q, err := p.or()
	if err != nil {
		return nil, err
	}
	if p.pos < len(p.toks) {
		t := p.toks[p.pos]
		return nil, &SyntaxError{Col: t.col, Msg: fmt.Sprintf("unexpected %q", t.text)}
	}
	if p.clauses > MaxClauses {
		return nil, &SyntaxError{Msg: fmt.Sprintf("more than %d words", MaxClauses)}
	}
	return q, nil
}

type tokKind int

const (
	tWord tokKind = iota
	tPhrase
	tOpen
	tClose
	tOr
)

type token struct {
	kind  tokKind
	text  string
	field string // for words and phrases scoped with "field:"
	neg   bool   // preceded by '-'
	col   int
}

func lex(s string) ([]token, error) {
	var toks []token
	col := func(i int) int { return utf8.RuneCountInString(s[:i]) + 1 }
	i := 0
	for i < len(s) {
		r, w := utf8.DecodeRuneInString(s[i:])
		switch {
		case unicode.IsSpace(r):
			i += w
			continue
		case r == '(':
			toks = append(toks, token{kind: tOpen, text: "(", col: col(i)})
			i++
			continue
		case r == ')':
			toks = append(toks, token{kind: tClose, text: ")", col: col(i)})
			i++
			continue
		}
		start := i
		t := token{col: col(i)}
		if s[i] == '-' {
			t.neg = true
			i++
		}
		// An optional field scope: letters followed by ':'.
		if j := strings.IndexByte(s[i:], ':'); j > 0 {
			if f, ok := scopes[strings.ToLower(s[i:i+j])]; ok {
				t.field = f
				i += j + 1
			}
		}
		if i < len(s) && s[i] == '"' {
			end := strings.IndexByte(s[i+1:], '"')
			if end < 0 {
				return nil, &SyntaxError{Col: col(i), Msg: "unclosed quote"}
			}
			t.kind, t.text = tPhrase, strings.TrimSpace(s[i+1:i+1+end])
			i += end + 2
			if t.text == "" {
				return nil, &SyntaxError{Col: col(start), Msg: "empty phrase"}
			}
			toks = append(toks, t)
			continue
		}
		j := i
		for j < len(s) {
			r, w := utf8.DecodeRuneInString(s[j:])
			if unicode.IsSpace(r) || r == '(' || r == ')' || r == '"' {
				break
			}
			j += w
		}
		t.text = s[i:j]
		i = j
		switch {
		case t.text == "" && (t.neg || t.field != ""):
			return nil, &SyntaxError{Col: t.col, Msg: "nothing after " + strings.TrimSpace(s[start:i])}
		case t.text == "OR" && !t.neg && t.field == "":
			t.kind = tOr
		default:
			t.kind = tWord
		}
		if t.text != "" {
			toks = append(toks, t)
		}
	}
	return toks, nil
}

type parser struct {
	toks    []token
	pos     int
	clauses int
}

func (p *parser) peek() *token {
	if p.pos < len(p.toks) {
		return &p.toks[p.pos]
	}
	return nil
}

// or := and ("OR" and)*
func (p *parser) or() (index.Query, error) {
	first, err := p.and()
	if err != nil {
		return nil, err
	}
	alts := []index.Query{first}
	for t := p.peek(); t != nil && t.kind == tOr; t = p.peek() {
		p.pos++
		if n := p.peek(); n == nil || n.kind == tOr || n.kind == tClose {
			return nil, &SyntaxError{Col: t.col, Msg: "OR needs something on both sides"}
		}
		next, err := p.and()
		if err != nil {
			return nil, err
		}
		alts = append(alts, next)
	}
	if len(alts) == 1 {
		return first, nil
	}
	return index.Bool{Should: alts}, nil
}

// and := unary+ ; plain default-field words also reward adjacency.
func (p *parser) and() (index.Query, error) {
	var b index.Bool
	var plain []string
	var plainAt []int // where in b.Must the plain words are
	for t := p.peek(); t != nil && t.kind != tOr && t.kind != tClose; t = p.peek() {
		neg := t.neg
		q, isPlain, err := p.unary()
		if err != nil {
			return nil, err
		}
		switch {
		case neg:
			b.Not = append(b.Not, q)
		default:
			if isPlain {
				plain = append(plain, t.text)
				plainAt = append(plainAt, len(b.Must))
			}
			b.Must = append(b.Must, q)
		}
	}
	if len(b.Must) == 0 && len(b.Not) == 0 {
		t := p.peek()
		if t == nil {
			return nil, &SyntaxError{Msg: "query ends where a word was expected"}
		}
		return nil, &SyntaxError{Col: t.col, Msg: fmt.Sprintf("unexpected %q", t.text)}
	}
	if len(plain) > 1 {
		// Documents with the words side by side, in order, rank first.
		b.Should = append(b.Should, index.Phrase{Text: strings.Join(plain, " ")})
		// The phrase (through pairs as typed) and the title clause reward
		// the spelling typed, so the words themselves match folded only.
		// Rewarding each word's marks on its own ranked articles that
		// repeat common words above the one holding the span: on 20,000
		// articles (make eval --docs 20000) body spans went from MRR@10
		// 0.88 to 0.98, scattered title words from 0.88 to 0.85 (0.88
		// again once BM25 got sound statistics, index/bm25.go), and
		// two-word queries got a third faster (p50 25 → 17 ms at 100k).
		for _, i := range plainAt {
			t := b.Must[i].(index.Term)
			t.Folded = true
			b.Must[i] = t
		}
		// An article whose title holds every word ranks high even when the
		// words are apart there. It is a clause of its own, outside b:
		// Bleve scales a disjunction by the share of its clauses that match,
		// so a second Should beside the phrase would halve its reward.
		inTitle := index.Bool{Boost: titleAllBoost}
		for _, w := range plain {
			inTitle.Must = append(inTitle.Must, index.Term{Field: index.FieldTitle, Text: w})
		}
		return index.Bool{Must: []index.Query{b}, Should: []index.Query{inTitle}}, nil
	}
	if len(b.Must) == 1 && len(b.Not) == 0 && len(b.Should) == 0 {
		return b.Must[0], nil
	}
	return b, nil
}

// unary := "(" or ")" | word | phrase ; reports whether it was a plain word
// on the default fields.
func (p *parser) unary() (index.Query, bool, error) {
	t := p.toks[p.pos]
	p.pos++
	switch t.kind {
	case tOpen:
		q, err := p.or()
		if err != nil {
			return nil, false, err
		}
		if c := p.peek(); c == nil || c.kind != tClose {
			return nil, false, &SyntaxError{Col: t.col, Msg: "unclosed parenthesis"}
		}
		p.pos++
		return q, false, nil
	case tClose:
		return nil, false, &SyntaxError{Col: t.col, Msg: "unmatched )"}
	}
	// A phrase or a hyphen chain costs the engine a clause per word, so
	// its words count against the limit one by one.
	p.clauses += max(1, wordCount(t.text))
	if t.kind == tPhrase {
		return index.Phrase{Field: t.field, Text: t.text}, false, nil
	}
	text := t.text
	if strings.HasSuffix(text, "*") {
		stem := strings.TrimRight(text, "*")
		if strings.ContainsAny(stem, "*?") || utf8.RuneCountInString(stem) < MinPrefixLen {
			return nil, false, &SyntaxError{Col: t.col, Msg: fmt.Sprintf("prefix %q: at least %d letters before *, and * only at the end", text, MinPrefixLen)}
		}
		return index.Prefix{Field: t.field, Text: stem}, false, nil
	}
	if strings.ContainsAny(text, "*?") {
		return nil, false, &SyntaxError{Col: t.col, Msg: fmt.Sprintf("%q: wildcards are only allowed at the end of a word", text)}
	}
	if t.field == "" && !isSimpleWord(text) {
		// "Covid-19", "04/2015/NĐ-CP": the parts must stay together.
		return index.Phrase{Text: text}, false, nil
	}
	return index.Term{Field: t.field, Text: text}, t.field == "", nil
}

func isSimpleWord(s string) bool {
	for _, r := range s {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) && !unicode.IsMark(r) {
			return false
		}
	}
	return true
}

// wordCount counts the runs of letters and digits in s.
func wordCount(s string) int {
	n, in := 0, false
	for _, r := range s {
		w := unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r)
		if w && !in {
			n++
		}
		in = w
	}
	return n
}
