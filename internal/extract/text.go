package extract

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/text/unicode/norm"
)

// clean returns s as NFC with runs of white space (including non-breaking
// and zero-width spaces) collapsed to one space, invalid UTF-8 replaced and
// ends trimmed.
func clean(s string) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		if isSpace(r) {
			space = true
			continue
		}
		if r == '\u200b' || r == '\u200c' || r == '\u200d' || r == '\ufeff' || r == '\u00ad' || (r < 0x20) {
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(r)
	}
	out := b.String()
	if !norm.NFC.IsNormalString(out) {
		out = norm.NFC.String(out)
	}
	return out
}

// isSpace reports white space, including no-break and ideographic spaces.
func isSpace(r rune) bool {
	return r == ' ' || r == '\t' || r == '\n' || r == '\r' || r == '\f' || r == '\u00a0' || r == '\u3000' ||
		(r > 0x2000 && r <= 0x200a) || r == '\u202f' || r == '\u205f' || (r > 0x7f && unicode.IsSpace(r))
}

// attr returns the value of the attribute key of n.
func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

// textOf returns the collapsed text under n.
func textOf(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		switch n.Type {
		case html.TextNode:
			b.WriteString(n.Data)
			return
		case html.ElementNode:
			switch n.Data {
			case "script", "style", "noscript", "template", "svg":
				return
			case "br", "p", "div", "li", "td", "th", "tr", "h1", "h2", "h3", "h4", "h5", "h6":
				b.WriteByte(' ')
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return clean(b.String())
}

// fold lower-cases s and strips Vietnamese diacritics (đ→d), for loose
// comparisons of labels and titles. It maps precomposed letters through a
// table instead of decomposing, since it runs on many lines of every page.
func fold(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			ascii = false
			break
		}
	}
	if ascii {
		return strings.ToLower(s)
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		r = unicode.ToLower(r)
		switch {
		case r < 0x80:
		case r >= 0xC0 && r < 0x250:
			r = foldLatin[r-0xC0]
		case r >= 0x1E00 && r < 0x1F00:
			r = foldExtended[r-0x1E00]
		case unicode.Is(unicode.Mn, r):
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// foldLatin and foldExtended map the letters of Latin-1 Supplement, Latin
// Extended-A/B and Latin Extended Additional (where Vietnamese lives) to
// their base letters.
var foldLatin, foldExtended = foldTable(0xC0, 0x250), foldTable(0x1E00, 0x1F00)

func foldTable(lo, hi rune) []rune {
	t := make([]rune, hi-lo)
	for r := lo; r < hi; r++ {
		base := r
		if d := []rune(norm.NFD.String(string(r))); len(d) > 0 {
			base = d[0]
		}
		if r == 'đ' || r == 'Đ' {
			base = 'd'
		}
		t[r-lo] = unicode.ToLower(base)
	}
	return t
}

// runeLen counts the characters of s.
func runeLen(s string) int { return utf8.RuneCountInString(s) }

// countWords counts space-separated words.
func countWords(s string) int { return len(strings.Fields(s)) }
