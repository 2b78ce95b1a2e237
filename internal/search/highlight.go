package search

import (
	"html"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/tracuu/tracuu/index"
	"github.com/tracuu/tracuu/internal/vi"
)

// snippetBytes is the length of a snippet window: about 25–35 Vietnamese
// words, enough to judge a hit, small enough for a search box dropdown.
const snippetBytes = 320

// highlighter marks the words of a query in article text, the way the
// query matched them: a word typed with marks where the text spells it so
// (any tone placement, any case), a word typed without marks in every
// spelling ("quy che" marks "quy chế"). In a query that mixes the two
// ("việt nam"), a word typed without marks is marked only as typed in a
// text that holds it so, not in its other spellings ("năm"). It works on
// the stored text itself, so marks land on the words as published.
type highlighter struct {
	exact    map[string]bool // canonical words typed with marks
	folded   map[string]bool // words typed without marks
	exactPre []string        // prefixes typed with marks, canonical
	prefixes []string        // prefixes typed without marks
}

func newHighlighter(q index.Query) *highlighter {
	h := &highlighter{exact: map[string]bool{}, folded: map[string]bool{}}
	h.collect(q)
	return h
}

func (h *highlighter) collect(q index.Query) {
	switch q := q.(type) {
	case index.Term:
		h.addText(q.Field, q.Text)
	case index.Words:
		for _, w := range q.Words {
			h.addText(q.Field, w.Text)
			h.addText(q.Field, w.Reading)
		}
	case index.Phrase:
		h.addText(q.Field, q.Text)
	case index.Prefix:
		if q.Field == "" || q.Field == index.FieldTitle || q.Field == index.FieldBody {
			if vi.HasMarks(q.Text) {
				h.exactPre = append(h.exactPre, vi.Normalize(q.Text))
			} else {
				h.prefixes = append(h.prefixes, vi.Fold(q.Text))
			}
		}
	case index.Bool:
		for _, s := range q.Must {
			h.collect(s)
		}
		for _, s := range q.Should {
			h.collect(s)
		}
	}
}

func (h *highlighter) addText(field, text string) {
	if field != "" && field != index.FieldTitle && field != index.FieldBody {
		return
	}
	for _, w := range words(text) {
		word := text[w[0]:w[1]]
		if vi.HasMarks(word) {
			h.exact[vi.Normalize(word)] = true
		} else {
			h.folded[vi.Fold(word)] = true
		}
	}
}

// matches reports whether word is one the query matched. n is its
// canonical form, computed only when the query has words with marks (""
// otherwise); asTyped holds the unmarked query words that this text
// spells without marks.
func (h *highlighter) matches(word, n string, asTyped map[string]bool) bool {
	if n != "" {
		if h.exact[n] {
			return true
		}
		for _, p := range h.exactPre {
			if strings.HasPrefix(n, p) {
				return true
			}
		}
		word = n
	}
	f := vi.Fold(word)
	if h.folded[f] && (!asTyped[f] || n == f) {
		return true
	}
	for _, p := range h.prefixes {
		if strings.HasPrefix(f, p) {
			return true
		}
	}
	return false
}

// words returns the byte spans of the words of s: runs of letters, digits
// and combining marks, the way the index tokenizes. Stored text is as
// published, so invisible format characters (a soft hyphen, a zero-width
// joiner) may sit inside a word: like the tokenizer, they do not split it.
func words(s string) [][2]int {
	var out [][2]int
	start := -1
	for i, r := range s {
		in := unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r) || start >= 0 && unicode.Is(unicode.Cf, r) && r != '\u200b'

		switch {
		case in && start < 0:
			start = i
		case !in && start >= 0:
			out = append(out, [2]int{start, i})
			start = -1
		}
	}
	if start >= 0 {
		out = append(out, [2]int{start, len(s)})
	}
	return out
}

// spans returns the matched words of text, with neighbours separated only
// by spaces merged, so a phrase is marked as one "<mark>quy chế</mark>".
func (h *highlighter) spans(text string) [][2]int {
	var out [][2]int
	ws := words(text)
	// Canonical forms are needed only to compare words typed with marks;
	// a query without them folds each word once, as it always did.
	var norms []string
	var typed map[string]bool
	if len(h.exact) > 0 || len(h.exactPre) > 0 {
		norms = make([]string, len(ws))
		for i, w := range ws {
			norms[i] = vi.Normalize(text[w[0]:w[1]])
			if h.folded[norms[i]] {
				// A mixed query: this text spells an unmarked word as typed.
				if typed == nil {
					typed = map[string]bool{}
				}
				typed[norms[i]] = true
			}
		}
	}
	for i, w := range ws {
		n := ""
		if norms != nil {
			n = norms[i]
		}
		if !h.matches(text[w[0]:w[1]], n, typed) {
			continue
		}
		if n := len(out); n > 0 && strings.TrimSpace(text[out[n-1][1]:w[0]]) == "" && !strings.Contains(text[out[n-1][1]:w[0]], "\n") {
			out[n-1][1] = w[1]
			continue
		}
		out = append(out, w)
	}
	return out
}

// Mark returns all of text HTML-escaped with the query's words in <mark>.
func (h *highlighter) Mark(text string) string {
	return render(text, h.spans(text), 0, len(text))
}

// Snippet returns the window of text with the most matches, HTML-escaped,
// with matches in <mark> and "…" where text was cut.
func (h *highlighter) Snippet(text string) string {
	spans := h.spans(text)
	if len(spans) == 0 {
		end := cutAt(text, snippetBytes)
		return render(text, nil, 0, end)
	}
	// Slide a window over the spans and keep the one covering most of them.
	best, bestN := 0, 0
	for i := range spans {
		n := 0
		for j := i; j < len(spans) && spans[j][1]-spans[i][0] <= snippetBytes; j++ {
			n++
		}
		if n > bestN {
			best, bestN = i, n
		}
	}
	start := spans[best][0] - snippetBytes/5
	if start < 0 {
		start = 0
	} else {
		start = wordStart(text, start)
	}
	end := cutAt(text, start+snippetBytes)
	var in [][2]int
	for _, s := range spans {
		if s[0] >= start && s[1] <= end {
			in = append(in, s)
		}
	}
	return render(text, in, start, end)
}

// cutAt returns a cut position at or before n that ends a word.
func cutAt(text string, n int) int {
	if n >= len(text) {
		return len(text)
	}
	for n > 0 && !utf8.RuneStart(text[n]) {
		n--
	}
	if i := strings.LastIndexAny(text[:n], " \n\t"); i > n-40 && i > 0 {
		return i
	}
	return n
}

// wordStart moves i forward to the start of the next word.
func wordStart(text string, i int) int {
	for i < len(text) && !utf8.RuneStart(text[i]) {
		i++
	}
	if j := strings.IndexAny(text[i:], " \n\t"); j >= 0 && j < 40 {
		return i + j + 1
	}
	return i
}

func render(text string, spans [][2]int, start, end int) string {
	var b strings.Builder
	if start > 0 {
		b.WriteString("… ")
	}
	pos := start
	for _, s := range spans {
		b.WriteString(flat(text[pos:s[0]]))
		b.WriteString("<mark>")
		b.WriteString(flat(text[s[0]:s[1]]))
		b.WriteString("</mark>")
		pos = s[1]
	}
	b.WriteString(flat(text[pos:end]))
	if end < len(text) {
		b.WriteString(" …")
	}
	return strings.TrimSpace(b.String())
}

// flat escapes text for HTML and collapses runs of white space (paragraph
// breaks included) into one space.
func flat(s string) string {
	s = html.EscapeString(s)
	if !strings.ContainsAny(s, "\n\r\t") && !strings.Contains(s, "  ") {
		return s
	}
	var b strings.Builder
	space := false
	for _, r := range s {
		if unicode.IsSpace(r) {
			space = true
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
	}
	if space {
		b.WriteByte(' ')
	}
	return b.String()
}
