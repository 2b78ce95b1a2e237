package extract

import "strings"

// substrings matches a lower-case class/id string containing any of its
// entries. A list of literals searched with strings.Contains is several
// times faster than the equivalent regexp alternation, and class names are
// tested for every element of every page.
type substrings []string

// in reports whether s contains an entry of l.
func (l substrings) in(s string) bool {
	for _, w := range l {
		if strings.Contains(s, w) {
			return true
		}
	}
	return false
}

// words matches a class/id string in which one of its entries appears as a
// whole word, words being separated by white space, '-' or '_'; entries may
// span up to three words ("tin-lien-quan").
type words map[string]bool

// newWords builds a words matcher.
func newWords(ws ...string) words {
	m := make(words, len(ws))
	for _, w := range ws {
		m[strings.ReplaceAll(w, "_", "-")] = true
	}
	return m
}

// in reports whether s has an entry of w as a whole word.
func (w words) in(s string) bool {
	for len(s) > 0 {
		// Next space-separated token, without allocating.
		j := strings.IndexAny(s, " \t\n\r\f")
		tok := s
		if j >= 0 {
			tok, s = s[:j], s[j+1:]
		} else {
			s = ""
		}
		if tok == "" {
			continue
		}
		if strings.IndexByte(tok, '_') >= 0 {
			tok = strings.ReplaceAll(tok, "_", "-")
		}
		if w[tok] {
			return true
		}
		if strings.IndexByte(tok, '-') < 0 {
			continue
		}
		// Every run of one to three '-'-separated parts is a substring
		// of tok, so it can be looked up without building it.
		var starts [64]int
		n := 0
		starts[n] = 0
		n++
		for k := 0; k < len(tok) && n < len(starts)-1; k++ {
			if tok[k] == '-' {
				starts[n] = k + 1
				n++
			}
		}
		starts[n] = len(tok) + 1
		for a := 0; a < n; a++ {
			for b := a + 1; b <= n && b <= a+3; b++ {
				if part := tok[starts[a] : starts[b]-1]; part != "" && w[part] {
					return true
				}
			}
		}
	}
	return false
}
