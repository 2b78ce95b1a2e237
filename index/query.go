package index

import "strings"

// Query is a node of a backend-neutral query tree. Text in leaves is as the
// user typed it; backends analyze it with their own field plan.
type Query interface{ query() }

// Term matches a word (one or more syllables, analyzed by the backend) in a
// field, or in the default text fields when Field is "". Each syllable typed
// with marks matches that spelling only (any tone placement, NFC or NFD,
// any case); one typed without marks matches every spelling.
type Term struct {
	Field string
	Text  string
}

// Words is what a user means by typing plain words: articles holding every
// one of them, each matched as a Term of Field (the default text fields
// when ""). Among those, articles holding the words side by side and in
// order rank higher, and with the default fields so do articles whose title
// holds every word. How much higher, and how the engine finds adjacency, is
// the backend's ranking plan. One word alone is the Term (or, with a
// Reading, either spelling).
type Words struct {
	Field string
	Words []Word
}

// Meant returns each word as meant: its Reading when it has one.
func (q Words) Meant() []string {
	out := make([]string, len(q.Words))
	for i, w := range q.Words {
		out[i] = w.Text
		if w.Reading != "" {
			out[i] = w.Reading
		}
	}
	return out
}

// Span is the words as meant joined by what was typed between them: the
// text that side-by-side matches look for.
func (q Words) Span() string {
	var b strings.Builder
	for i, w := range q.Meant() {
		if i > 0 {
			sep := q.Words[i].Sep
			if sep == "" {
				sep = " "
			}
			b.WriteString(sep)
		}
		b.WriteString(w)
	}
	return b.String()
}

// Word is one word of Words.
type Word struct {
	Text string
	// Reading, when set, is another reading of the word (the syllable that
	// input-method keystrokes spell): the word matches as Text or as
	// Reading, and the side-by-side and title rewards look for Reading,
	// the reading meant.
	Reading string
	// Sep is what the query had between this word and the one before it,
	// when the two were neighbours there; "" stands for one space. Sentence
	// punctuation in it (", ", " - ") says the words are not meant side by
	// side across it.
	Sep string
}

// Phrase matches words adjacent and in order, each spelled as a Term's.
type Phrase struct {
	Field string
	Text  string
}

// Prefix matches words starting with Text: any spelling when Text has no
// marks, that spelling when it has. Top > 0 keeps only the Top
// most frequent such words: completions want the likely words, and a
// prefix of one or two letters starts thousands. MaxDocs > 0 (with Top)
// also stops taking words once those taken are held by MaxDocs articles in
// all, keeping at least one: the cost of a search is the articles it
// visits, and the few top words of one letter are in tens of thousands.
type Prefix struct {
	Field   string
	Text    string
	Top     int
	MaxDocs int
}

// Bool combines clauses: every Must, none of Not; when Must is empty at
// least one Should; Should clauses otherwise only add to the score.
type Bool struct {
	Must   []Query
	Should []Query
	Not    []Query
	Boost  float64 // weight of this clause's score; 0 means 1
}

// MatchAll matches every article.
type MatchAll struct{}

func (Term) query()     {}
func (Words) query()    {}
func (Phrase) query()   {}
func (Prefix) query()   {}
func (Bool) query()     {}
func (MatchAll) query() {}
