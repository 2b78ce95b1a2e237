package search

import (
	"context"
	"strings"
	"unicode/utf8"

	"github.com/tracuu/tracuu/index"
	"github.com/tracuu/tracuu/internal/vi"
)

// Suggestion is one completion of what the user is typing.
type Suggestion struct {
	Text string `json:"text"`
	Kind string `json:"kind"`         // "term": words as written in titles; "title": an article
	ID   string `json:"id,omitempty"` // the article, for kind "title"
}

// SuggestResponse is the answer of /api/suggest.
type SuggestResponse struct {
	Suggestions []Suggestion `json:"suggestions"`
}

// MaxSuggest bounds the suggestions of one answer.
const MaxSuggest = 20

// suggestExpand is how many of the most frequent title words starting with
// the last word typed a suggestion searches for. All of them would be
// thousands for one letter (tens of milliseconds); the frequent ones are
// the completions worth offering.
const suggestExpand = 24

// suggestDocs bounds the articles those words may be held by: a search
// visits every article it matches (about half a microsecond each), and the
// most frequent title words of one letter are in tens of thousands of
// titles. A prefix's first word is always taken.
const suggestDocs = 8000

// Suggest completes the words typed so far from article titles: "quy che
// d" → "quy chế dân chủ …". A word typed without marks matches every
// spelling, one typed with marks that spelling, as in a search; a word
// that reads as input-method keystrokes ("quy chees dd") matches the
// syllable it spells too. Completions are the words of real titles, so
// they come back with their tone marks even when typed without. The last
// word is a prefix; the others must match whole.
func (s *Service) Suggest(ctx context.Context, q string, size int) (SuggestResponse, error) {
	out := SuggestResponse{Suggestions: []Suggestion{}}
	if len(q) > MaxQueryBytes || !utf8.ValidString(q) {
		return out, &ParamError{Param: "q", Msg: "too long or not UTF-8"}
	}
	typed := words(q)
	if len(typed) == 0 {
		return out, nil
	}
	var must []index.Query
	var folded [][]string // per word typed, the folded forms it may take
	for i, w := range typed {
		text := q[w[0]:w[1]]
		last := i == len(typed)-1
		word := func(t string) index.Query {
			if last {
				return index.Prefix{Field: index.FieldTitle, Text: t, Top: suggestExpand, MaxDocs: suggestDocs}
			}
			return index.Term{Field: index.FieldTitle, Text: t}
		}
		keys, ok := vi.Keystrokes(text)
		if last {
			keys, ok = vi.KeystrokePrefix(text)
		}
		forms := []string{vi.Fold(text)}
		if ok {
			forms = append(forms, vi.Fold(keys))
			must = append(must, index.Bool{Should: []index.Query{word(text), word(keys)}})
		} else {
			must = append(must, word(text))
		}
		folded = append(folded, forms)
	}
	res, err := s.Backend.Search(ctx, index.Request{Query: index.Bool{Must: must}, Size: size * 2})
	if err != nil {
		return out, err
	}
	seenTerm := map[string]bool{}
	var terms, titles []Suggestion
	for _, h := range res.Hits {
		title := h.Article.Title
		if t := completion(title, folded); t != "" && !seenTerm[t] {
			seenTerm[t] = true
			terms = append(terms, Suggestion{Text: t, Kind: "term"})
		}
		titles = append(titles, Suggestion{Text: title, Kind: "title", ID: h.Article.ID})
	}
	for _, list := range [][]Suggestion{terms, titles} {
		for _, sg := range list {
			if len(out.Suggestions) < size {
				out.Suggestions = append(out.Suggestions, sg)
			}
		}
	}
	return out, nil
}

// completion finds the typed words in a title (folded, last one as a
// prefix) and returns them as the title writes them, plus one more word
// for context: typing "quy che d" in a title with "Quy chế dân chủ" gives
// "quy chế dân chủ".
func completion(title string, typed [][]string) string {
	ws := words(title)
	for i := 0; i+len(typed) <= len(ws); i++ {
		ok := true
		for j, forms := range typed {
			f := vi.Fold(title[ws[i+j][0]:ws[i+j][1]])
			fits := false
			for _, t := range forms {
				if (j < len(typed)-1 && f == t) || (j == len(typed)-1 && strings.HasPrefix(f, t)) {
					fits = true
				}
			}
			if !fits {
				ok = false
				break
			}
		}
		if !ok {
			continue
		}
		end := i + len(typed) - 1
		if end+1 < len(ws) && ws[end+1][0]-ws[end][1] == 1 { // the next word, when only a space apart
			end++
		}
		return vi.Normalize(title[ws[i][0]:ws[end][1]])
	}
	return ""
}
