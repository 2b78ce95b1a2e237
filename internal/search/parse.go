package search

import (
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/tracuu/tracuu/index"
	"github.com/tracuu/tracuu/internal/vi"
)

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
// matches everything. Operators count only where they cannot be anything
// else (a '-' glued to the word after it, balanced quotes and
// parentheses, OR between two clauses, a known field glued to its word);
// every other character that is not a letter or a digit is ignored, as
// the analyzers ignore it, so pasted titles and questions search as words.
func Parse(s string) (index.Query, error) {
	toks, err := tokens(s)
	if err != nil {
		return nil, err
	}
	return parse(s, toks, nil)
}

// tokens refuses a query too long or not UTF-8, and splits the rest.
func tokens(s string) ([]token, error) {
	if len(s) > MaxQueryBytes {
		return nil, &SyntaxError{Msg: fmt.Sprintf("longer than %d bytes", MaxQueryBytes)}
	}
	if !utf8.ValidString(s) {
		return nil, &SyntaxError{Msg: "not valid UTF-8"}
	}
	return lex(s), nil
}

// parse builds the query tree of s from its tokens, with other readings
// of some plain words: readings maps a token's index (see plainWords) to
// the text to search for it. A reading that is the word without its marks
// replaces it; any other reading (the syllable keystrokes spell) is
// searched alongside it.
func parse(s string, toks []token, readings map[int]string) (index.Query, error) {
	if len(toks) == 0 {
		return index.MatchAll{}, nil
	}
	p := &parser{src: s, toks: toks, readings: readings}
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
	kind       tokKind
	text       string
	field      string // for words and phrases scoped with "field:"
	neg        bool   // preceded by '-'
	col        int
	start, end int // bytes of text in the query
}

// plain reports whether t is a word on the default fields that is
// required: the words a plan groups, and the ones other readings apply to.
func (t *token) plain() bool {
	return t.kind == tWord && !t.neg && t.field == "" && !strings.HasSuffix(t.text, "*") && isSimpleWord(t.text)
}

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r) }

func lex(s string) []token {
	var toks []token
	col := func(i int) int { return utf8.RuneCountInString(s[:i]) + 1 }
	runeAt := func(i int) rune {
		if i >= len(s) {
			return 0
		}
		r, _ := utf8.DecodeRuneInString(s[i:])
		return r
	}
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
		t := token{col: col(i)}
		// A '-' excludes only when glued to the word or phrase it excludes;
		// "Mỹ - Ấn" is a dash, and "Su -30" a number's hyphen.
		if s[i] == '-' && (isWordRune(runeAt(i+1)) && !unicode.IsDigit(runeAt(i+1)) || runeAt(i+1) == '"') {
			t.neg = true
			i++
		}
		// A field scope: a known field name glued to ':' and to its word.
		if j := strings.IndexByte(s[i:], ':'); j > 0 {
			if f, ok := scopes[strings.ToLower(s[i:i+j])]; ok && i+j+1 < len(s) && !unicode.IsSpace(runeAt(i+j+1)) {
				t.field = f
				i += j + 1
			}
		}
		if i < len(s) && s[i] == '"' {
			if end := strings.IndexByte(s[i+1:], '"'); end >= 0 {
				t.kind, t.text = tPhrase, strings.TrimSpace(s[i+1:i+1+end])
				t.start, t.end = i+1, i+1+end
				i += end + 2
				if strings.IndexFunc(t.text, isWordRune) >= 0 {
					toks = append(toks, t)
				}
				continue
			}
			i++ // a lone quote mark is punctuation
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
		ws, we := trimWord(s, i, j)
		i = j
		if ws == we {
			continue // punctuation alone: "đại sứ ,", "Mỹ - Ấn"
		}
		t.text, t.start, t.end = s[ws:we], ws, we
		t.kind = tWord
		if t.text == "OR" && !t.neg && t.field == "" {
			t.kind = tOr
		}
		toks = append(toks, t)
	}
	return operators(toks)
}

// trimWord returns the bytes of s[i:j] without the characters around the
// word that are not letters or digits, keeping a prefix's trailing '*'.
func trimWord(s string, i, j int) (int, int) {
	for i < j {
		r, w := utf8.DecodeRuneInString(s[i:j])
		if isWordRune(r) {
			break
		}
		i += w
	}
	end := j
	for end > i {
		r, w := utf8.DecodeLastRuneInString(s[i:end])
		if isWordRune(r) || r == '*' {
			break
		}
		end -= w
	}
	if stem := strings.TrimRight(s[i:end], "*"); len(stem) < end-i {
		// "word*" is a prefix; "word.*" or "…*" is punctuation.
		if r, _ := utf8.DecodeLastRuneInString(stem); !isWordRune(r) {
			end = i + len(strings.TrimRightFunc(stem, func(r rune) bool { return !isWordRune(r) }))
		}
	}
	return i, end
}

// operators keeps parentheses and OR where they are operators: unmatched
// or empty parentheses are dropped as punctuation, and an OR without a
// clause on each side is the word "OR".
func operators(toks []token) []token {
	drop := make([]bool, len(toks))
	var open []int
	for i, t := range toks {
		switch t.kind {
		case tOpen:
			open = append(open, i)
		case tClose:
			if len(open) == 0 {
				drop[i] = true
				continue
			}
			o := open[len(open)-1]
			open = open[:len(open)-1]
			inner := false
			for k := o + 1; k < i; k++ {
				if !drop[k] {
					inner = true
					break
				}
			}
			if !inner {
				drop[o], drop[i] = true, true
			}
		}
	}
	for _, o := range open {
		drop[o] = true
	}
	var out []token
	for i, t := range toks {
		if !drop[i] {
			out = append(out, t)
		}
	}
	for i := range out {
		if out[i].kind != tOr {
			continue
		}
		before := i > 0 && (out[i-1].kind == tWord || out[i-1].kind == tPhrase || out[i-1].kind == tClose)
		after := i+1 < len(out) && (out[i+1].kind == tWord || out[i+1].kind == tPhrase || out[i+1].kind == tOpen)
		if !before || !after {
			out[i].kind = tWord
		}
	}
	return out
}

type parser struct {
	src      string
	toks     []token
	pos      int
	clauses  int
	readings map[int]string
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

// plainWord is one plain word of a group, as it will be searched.
type plainWord struct {
	tok  int // index of its token
	word index.Word
}

// and := unary+ ; two plain default-field words or more are one Words:
// what the user asked for, which the backend ranks.
func (p *parser) and() (index.Query, error) {
	var b index.Bool
	var plain []plainWord
	var plainAt []int // where in b.Must the plain words are
	for t := p.peek(); t != nil && t.kind != tOr && t.kind != tClose; t = p.peek() {
		at := p.pos
		neg := t.neg
		q, word, err := p.unary()
		if err != nil {
			return nil, err
		}
		switch {
		case neg:
			b.Not = append(b.Not, q)
		default:
			if word != nil {
				plain = append(plain, plainWord{at, *word})
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
		// The plain words become one Words where the first of them stood;
		// the other clauses keep their places.
		ws := index.Words{Words: p.words(plain)}
		must := []index.Query{}
		for i, q := range b.Must {
			switch {
			case i == plainAt[0]:
				must = append(must, ws)
			case !slices.Contains(plainAt, i):
				must = append(must, q)
			}
		}
		if len(must) == 1 && len(b.Not) == 0 {
			return ws, nil
		}
		b.Must = must
		return b, nil
	}
	if len(b.Must) == 1 && len(b.Not) == 0 {
		return b.Must[0], nil
	}
	return b, nil
}

// words returns the plain words of a group, each with what separated it
// in the query from the word before it when they were neighbours there.
func (p *parser) words(ws []plainWord) []index.Word {
	out := make([]index.Word, len(ws))
	for i, w := range ws {
		out[i] = w.word
		if i == 0 {
			continue
		}
		prev, cur := p.toks[ws[i-1].tok], p.toks[w.tok]
		if w.tok == ws[i-1].tok+1 && cur.start > prev.end {
			if sep := p.src[prev.end:cur.start]; sep != " " {
				out[i].Sep = sep
			}
		}
	}
	return out
}

// unary := "(" or ")" | word | phrase ; for a plain word on the default
// fields it also returns the word as searched, with its reading.
func (p *parser) unary() (index.Query, *index.Word, error) {
	at := p.pos
	t := p.toks[at]
	p.pos++
	switch t.kind {
	case tOpen:
		q, err := p.or()
		if err != nil {
			return nil, nil, err
		}
		if c := p.peek(); c == nil || c.kind != tClose {
			return nil, nil, &SyntaxError{Col: t.col, Msg: "unclosed parenthesis"}
		}
		p.pos++
		return q, nil, nil
	case tClose:
		return nil, nil, &SyntaxError{Col: t.col, Msg: "unmatched )"}
	}
	// A phrase or a hyphen chain costs the engine a clause per word, so
	// its words count against the limit one by one.
	p.clauses += max(1, wordCount(t.text))
	if t.kind == tPhrase {
		return index.Phrase{Field: t.field, Text: t.text}, nil, nil
	}
	text := t.text
	if strings.HasSuffix(text, "*") {
		stem := strings.TrimRight(text, "*")
		if strings.ContainsAny(stem, "*") || utf8.RuneCountInString(stem) < MinPrefixLen {
			return nil, nil, &SyntaxError{Col: t.col, Msg: fmt.Sprintf("prefix %q: at least %d letters before *, and * only at the end", text, MinPrefixLen)}
		}
		return index.Prefix{Field: t.field, Text: stem}, nil, nil
	}
	if strings.Contains(text, "*") {
		return nil, nil, &SyntaxError{Col: t.col, Msg: fmt.Sprintf("%q: wildcards are only allowed at the end of a word", text)}
	}
	if t.field == "" && !isSimpleWord(text) {
		// "Covid-19", "04/2015/NĐ-CP": the parts must stay together.
		return index.Phrase{Text: text}, nil, nil
	}
	if !t.plain() {
		return index.Term{Field: t.field, Text: text}, nil, nil
	}
	r, ok := p.readings[at]
	switch {
	case !ok || r == text:
		return index.Term{Text: text}, &index.Word{Text: text}, nil
	case r == vi.Fold(text):
		return index.Term{Text: r}, &index.Word{Text: r}, nil
	}
	return index.Bool{Should: []index.Query{index.Term{Text: text}, index.Term{Text: r}}}, &index.Word{Text: text, Reading: r}, nil
}

// plainWords lists the plain words of s, split into toks (see token.plain), by token index,
// and which of them follow another plain word with only spaces between:
// the pairs.
func plainWords(s string, toks []token) (words map[int]string, pairs [][2]int) {
	words = map[int]string{}
	for i := range toks {
		if !toks[i].plain() {
			continue
		}
		words[i] = toks[i].text
		if _, ok := words[i-1]; ok && strings.TrimSpace(s[toks[i-1].end:toks[i].start]) == "" {
			pairs = append(pairs, [2]int{i - 1, i})
		}
	}
	return words, pairs
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
