// Package terms turns text into the terms a search index holds for it: the
// words of Vietnamese text in canonical and folded form, and the pairs of
// adjacent words, as the embedded engine's analyzers make them (package
// index: vi_exact, vi_folded, vi_exact_pairs, vi_folded_pairs). It knows no
// engine, so that a backend which cannot run our analysis inside its engine
// (a cluster) sends these terms pre-analysed and both engines index the same.
//
// How text splits: Unicode word boundaries (UAX #29, the segmenter Bleve's
// "unicode" tokenizer runs), so a syllable is a word, "10.000" and
// "vnexpress.net" stay whole, and "25/09/2020" or "NĐ-CP" split into parts
// that stay adjacent. A word longer than MaxTokenBytes is dropped. Sentence
// punctuation (see IsBreak) leaves one position empty, so that no pair
// spans the end of a sentence or clause.
package terms

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/segment"

	"github.com/tracuu/tracuu/internal/vi"
)

// MaxTokenBytes is the longest word indexed: a "word" of hundreds of
// letters is junk, and every prefix search matching it would pay for it.
// Longer words are dropped; their position stays empty so that no pair
// spans them. It equals index.MaxTokenBytes.
const MaxTokenBytes = 100

// Word is one word of a text at its position. Positions count from 1 and
// skip one at each break and for each word dropped as too long: two words
// are adjacent when their positions differ by one.
type Word struct {
	Text string
	Pos  int
}

// token is a word as the segmenter found it, before normalization.
type token struct {
	raw []byte
	pos int
}

// tokens splits text at Unicode word boundaries, numbering the words with a
// gap at each break and dropping the over-long ones after numbering them.
func tokens(text string) []token {
	input := []byte(text)
	var out []token
	seg := segment.NewWordSegmenterDirect(input)
	start, pos, prevEnd := 0, 0, -1
	for seg.Segment() {
		b := seg.Bytes()
		end := start + len(b)
		if seg.Type() != segment.None {
			pos++
			if prevEnd >= 0 && IsBreak(text[prevEnd:start]) {
				pos++
			}
			prevEnd = end
			if len(b) <= MaxTokenBytes {
				out = append(out, token{raw: b, pos: pos})
			}
		}
		start = end
	}
	return out
}

// Words returns the words of text in canonical form (vi.NormalizeToken):
// the terms of the canonical word fields, and what a phrase is made of.
func Words(text string) []Word {
	ts := tokens(text)
	out := make([]Word, len(ts))
	for i, t := range ts {
		out[i] = Word{string(vi.NormalizeToken(t.raw)), t.pos}
	}
	return out
}

// FoldedWords returns the words of text without marks (vi.FoldToken): the
// terms of the folded word fields.
func FoldedWords(text string) []Word {
	ts := tokens(text)
	out := make([]Word, len(ts))
	for i, t := range ts {
		out[i] = Word{string(vi.FoldToken(t.raw)), t.pos}
	}
	return out
}

// Fold returns the folded twin of canonical words, positions kept. Folding
// a canonical word gives what folding the raw word gives.
func Fold(ws []Word) []Word {
	out := make([]Word, len(ws))
	for i, w := range ws {
		out[i] = Word{FoldWord(w.Text), w.Pos}
	}
	return out
}

// Marked reports whether a canonical word carries marks: only then does its
// folded form differ, and only then does its spelling narrow a search.
func Marked(w string) bool { return FoldWord(w) != w }

// FoldWord is a word without marks (vi.FoldToken).
func FoldWord(w string) string { return string(vi.FoldToken([]byte(w))) }

// Pairs returns the pairs of adjacent words, each the two words joined by
// sep, at the position of the first: the terms of the pair fields. Words a
// gap separates make no pair.
func Pairs(ws []Word, sep string) []Word {
	var out []Word
	for i := 1; i < len(ws); i++ {
		a, b := ws[i-1], ws[i]
		if b.Pos == a.Pos+1 {
			out = append(out, Word{a.Text + sep + b.Text, a.Pos})
		}
	}
	return out
}

// Runs groups the pairs of words (joined by sep) into runs of pairs that
// follow one another without a gap: what a phrase must find, in order, in a
// pair field. single holds the words that a gap left without a neighbour;
// a phrase finds those in a word field.
func Runs(ws []Word, sep string) (runs [][]string, single []string) {
	var run []string
	flush := func() {
		if len(run) > 0 {
			runs = append(runs, run)
			run = nil
		}
	}
	for i, w := range ws {
		prevAdj := i > 0 && ws[i-1].Pos+1 == w.Pos
		nextAdj := i+1 < len(ws) && ws[i+1].Pos == w.Pos+1
		if !prevAdj && !nextAdj {
			flush()
			single = append(single, w.Text)
			continue
		}
		if !prevAdj {
			flush()
		}
		if nextAdj {
			run = append(run, w.Text+sep+ws[i+1].Text)
		}
	}
	flush()
	return runs, single
}

// Texts returns the words' texts.
func Texts(ws []Word) []string {
	out := make([]string, len(ws))
	for i, w := range ws {
		out[i] = w.Text
	}
	return out
}

// IsBreak reports whether the text between two words ends a sentence or a
// clause: a line break; a bracket or quotation mark; or a full stop, comma,
// colon, semicolon, question or exclamation mark, ellipsis or dash next to
// a space. Glued punctuation ("25/09", "Covid-19", "https://", "a@b") joins
// the parts of one thing and is no break.
func IsBreak(gap string) bool {
	if gap == "" {
		return false
	}
	space, punct := false, false
	for i := 0; i < len(gap); {
		r, n := utf8.DecodeRuneInString(gap[i:])
		i += n
		switch r {
		case '\n', '\r', '(', ')', '[', ']', '{', '}', '"', '“', '”', '«', '»', '„', '–', '—', '…':
			return true
		case '.', ',', ';', ':', '!', '?', '-':
			punct = true
		default:
			if unicode.IsSpace(r) {
				space = true
			}
		}
	}
	return space && punct
}

// Join joins words with single spaces, the way a whitespace tokenizer
// splits them again.
func Join(ws []Word) string {
	var b strings.Builder
	for i, w := range ws {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(w.Text)
	}
	return b.String()
}
