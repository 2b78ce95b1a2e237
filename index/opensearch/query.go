package opensearch

import (
	"context"
	"fmt"
	"strings"

	"github.com/tracuu/tracuu/index"
	"github.com/tracuu/tracuu/internal/indexdoc"
	"github.com/tracuu/tracuu/internal/terms"
	"github.com/tracuu/tracuu/internal/vi"
)

// The query plan is the embedded engine's (see its plan.go), written in
// the query DSL: a word typed with marks matches that spelling in the
// canonical word field, one typed without matches the folded field; a
// phrase is answered from the folded pair field (two words: one pair term;
// more: a phrase over the run of pairs), its marked words required in the
// canonical fields; a title match outweighs a body match and an exact
// spelling a folded one. Scores are the engine's BM25, so ranking can
// differ a little (Lucene sums optional clauses where Bleve scales them
// by the share that matched).

// tuning holds the boosts of the embedded engine's plan: title 2, body 1,
// exact spelling ×2, phrases from pair fields ×4 (measured there with
// cmd/tracuu-eval --tune; see index/bleve's tuning).
// TitleAll weighs the clause for a title holding every plain word.
var tuning = struct{ Title, Body, Exact, Pairs, TitleAll float64 }{Title: 2, Body: 1, Exact: 2, Pairs: 4, TitleAll: 1}

type textField struct {
	exact, folded string // word fields
	pairs, fpairs string // pair fields
	boost         float64
}

// textFields returns the text fields a query of field searches: title and
// body for "", one of them by name, none for any other field.
func textFields(field string) []textField {
	title := textField{fTitle, fTitleFolded, fTitlePairs, fTitleFPairs, tuning.Title}
	body := textField{fBody, fBodyFolded, fBodyPairs, fBodyFPairs, tuning.Body}
	switch field {
	case "":
		return []textField{title, body}
	case index.FieldTitle:
		return []textField{title}
	case index.FieldBody:
		return []textField{body}
	}
	return nil
}

// planner translates a query tree; prefix completions ask the engine.
type planner struct {
	ctx context.Context
	b   *Backend
}

func (p planner) translate(q index.Query) (obj, error) {
	switch q := q.(type) {
	case nil, index.MatchAll:
		return matchAll(), nil
	case index.Term:
		return textQuery(q.Field, q.Text, false, false)
	case index.Words:
		return wordsQuery(q)
	case index.Phrase:
		return textQuery(q.Field, q.Text, true, false)
	case index.Prefix:
		return p.prefixQuery(q)
	case index.Bool:
		return p.boolQuery(q)
	default:
		return nil, fmt.Errorf("%w: unsupported query node %T", index.ErrBadRequest, q)
	}
}

// wordsQuery plans plain words as the embedded engine does: every word
// required (scored by its folded form when there are several, so that the
// span, not repeated marked words, ranks the spelling typed), then the
// words side by side as typed, punctuation kept, and on the default
// fields a title holding every word, both optional. A word with a Reading
// matches either spelling and the rewards look for the Reading.
func wordsQuery(q index.Words) (obj, error) {
	if len(q.Words) == 0 {
		return nil, fmt.Errorf("%w: Words without a word", index.ErrBadRequest)
	}
	several := len(q.Words) > 1
	var must []any
	for _, w := range q.Words {
		wq, err := textQuery(q.Field, w.Text, false, several)
		if err != nil {
			return nil, err
		}
		if w.Reading != "" {
			rq, err := textQuery(q.Field, w.Reading, false, several)
			if err != nil {
				return nil, err
			}
			wq = anyOf([]any{wq, rq})
		}
		must = append(must, wq)
	}
	if !several {
		return must[0].(obj), nil
	}
	var title []any
	for _, meant := range q.Meant() {
		tq, err := textQuery(index.FieldTitle, meant, false, false)
		if err != nil {
			return nil, err
		}
		title = append(title, tq)
	}
	phrase, err := textQuery(q.Field, q.Span(), true, false)
	if err != nil {
		return nil, err
	}
	should := []any{phrase}
	if q.Field == "" {
		should = append(should, withBoost(all(title, nil), tuning.TitleAll))
	}
	return obj{"bool": obj{"must": must, "should": should}}, nil
}

func matchAll() obj  { return obj{"match_all": obj{}} }
func matchNone() obj { return obj{"match_none": obj{}} }

// term is a term query; a boost of 1 is left out.
func term(field, value string, boost float64) obj {
	body := obj{"value": value}
	if boost != 1 {
		body["boost"] = boost
	}
	return obj{"term": obj{field: body}}
}

// all requires every clause of must (scored) and filter (not scored).
func all(must, filter []any) obj {
	if len(must) == 1 && len(filter) == 0 {
		return must[0].(obj)
	}
	b := obj{}
	if len(must) > 0 {
		b["must"] = must
	}
	if len(filter) > 0 {
		b["filter"] = filter
	}
	return obj{"bool": b}
}

// anyOf matches one clause at least, summing the scores of those matching.
func anyOf(qs []any) obj {
	if len(qs) == 1 {
		return qs[0].(obj)
	}
	return obj{"bool": obj{"should": qs, "minimum_should_match": 1}}
}

// withBoost sets the boost of a term, match_phrase or bool query.
func withBoost(q obj, boost float64) obj {
	if boost == 1 {
		return q
	}
	for kind, v := range q {
		body := v.(obj)
		switch kind {
		case "term", "match_phrase":
			for _, fv := range body {
				fv.(obj)["boost"] = boost
			}
		case "bool":
			body["boost"] = boost
		}
	}
	return q
}

// textQuery matches text in a field: a keyword field by its facet value, a
// text field word by word, or as a phrase.
func textQuery(field, text string, phrase, scoreFolded bool) (obj, error) {
	fields := textFields(field)
	if fields == nil {
		if !index.IsFacetField(field) {
			return nil, fmt.Errorf("%w: unknown field %q", index.ErrBadRequest, field)
		}
		return term(field, indexdoc.FacetValue(text), 1), nil
	}
	words := terms.Words(text)
	if len(words) == 0 {
		return matchNone(), nil
	}
	var alts []any
	for _, f := range fields {
		if phrase && len(words) >= 2 {
			alts = append(alts, phraseQuery(f, words))
			continue
		}
		var must, filter []any
		for _, w := range words {
			m, fl := wordQuery(f, w.Text, scoreFolded)
			must = append(must, m)
			if fl != nil {
				filter = append(filter, fl)
			}
		}
		alts = append(alts, all(must, filter))
	}
	return anyOf(alts), nil
}

// wordQuery matches one canonical word in the word fields of f: its
// spelling when it has marks, else its folded form. With scoreFolded the
// folded form scores and the spelling only filters: other clauses (a
// phrase, the title) rank the spelling typed.
func wordQuery(f textField, w string, scoreFolded bool) (scored, filter obj) {
	folded := term(f.folded, terms.FoldWord(w), f.boost)
	if !terms.Marked(w) {
		return folded, nil
	}
	if scoreFolded {
		return folded, term(f.exact, w, 1)
	}
	return term(f.exact, w, f.boost*tuning.Exact), nil
}

// phraseQuery matches canonical words ws (two or more) side by side and in
// order, each marked word spelled as typed: the folded pairs decide
// adjacency; the canonical pair of two marked neighbours, or the canonical
// word of a marked word without a marked neighbour, requires the spelling.
// Two marked words are their canonical pair alone: one term, exact.
func phraseQuery(f textField, ws []terms.Word) obj {
	boost := f.boost * tuning.Pairs
	var must []any
	covered := make([]bool, len(ws))
	for i := 1; i < len(ws); i++ {
		a, b := ws[i-1], ws[i]
		if b.Pos != a.Pos+1 || !terms.Marked(a.Text) || !terms.Marked(b.Text) {
			continue
		}
		must = append(must, term(f.pairs, a.Text+pairSep+b.Text, f.boost*tuning.Exact))
		covered[i-1], covered[i] = true, true
	}
	if len(ws) == 2 && len(must) == 1 {
		return withBoost(must[0].(obj), boost+f.boost*tuning.Exact)
	}
	for i, w := range ws {
		if !covered[i] && terms.Marked(w.Text) {
			must = append(must, term(f.exact, w.Text, f.boost*tuning.Exact))
		}
	}
	return all(append([]any{pairPhrase(f.fpairs, f.folded, terms.Fold(ws), boost)}, must...), nil)
}

// pairPhrase matches folded words ws as a phrase: each run of adjacent
// words as its pair terms in order (one pair: a term query; more: a phrase
// of pair terms, which the engine splits at the spaces), and a word that
// sentence punctuation left alone as a word.
func pairPhrase(pairs, words string, ws []terms.Word, boost float64) obj {
	runs, single := terms.Runs(ws, pairSep)
	var must []any
	for _, run := range runs {
		if len(run) == 1 {
			must = append(must, term(pairs, run[0], 1))
			continue
		}
		must = append(must, obj{"match_phrase": obj{pairs: obj{"query": strings.Join(run, " ")}}})
	}
	for _, w := range single {
		must = append(must, term(words, w, 1))
	}
	return withBoost(all(must, nil), boost)
}

// prefixQuery matches words starting with the prefix: typed without marks
// on the folded field (any spelling), with marks on the canonical one.
// With Top, only the most frequent such words are searched (index.MostFrequent).
func (p planner) prefixQuery(q index.Prefix) (obj, error) {
	fields := textFields(q.Field)
	if fields == nil {
		return nil, fmt.Errorf("%w: prefix search is for text fields, not %q", index.ErrBadRequest, q.Field)
	}
	pre := strings.TrimSpace(vi.Fold(q.Text))
	if pre == "" {
		return nil, fmt.Errorf("%w: empty prefix", index.ErrBadRequest)
	}
	exact := vi.HasMarks(q.Text)
	if exact {
		pre = strings.TrimSpace(vi.Normalize(q.Text))
	}
	var alts []any
	for _, f := range fields {
		field := f.folded
		if exact {
			field = f.exact
		}
		if q.Top <= 0 {
			alts = append(alts, obj{"prefix": obj{field: obj{"value": pre, "boost": f.boost}}})
			continue
		}
		counts, err := p.b.prefixCounts(p.ctx, field, pre)
		if err != nil {
			return nil, err
		}
		for _, w := range index.MostFrequent(counts, q.Top, q.MaxDocs) {
			alts = append(alts, term(field, w, f.boost))
		}
	}
	if len(alts) == 0 {
		return matchNone(), nil
	}
	return anyOf(alts), nil
}

// boolQuery combines clauses: every Must, none of Not; without Must, one
// Should at least; Should otherwise only adds to the score. A Bool of Not
// alone matches everything else, scoring as match_all.
func (p planner) boolQuery(q index.Bool) (obj, error) {
	b := obj{}
	for _, part := range []struct {
		key string
		qs  []index.Query
	}{{"must", q.Must}, {"should", q.Should}, {"must_not", q.Not}} {
		var out []any
		for _, sub := range part.qs {
			t, err := p.translate(sub)
			if err != nil {
				return nil, err
			}
			out = append(out, t)
		}
		if len(out) > 0 {
			b[part.key] = out
		}
	}
	switch {
	case len(q.Must) == 0 && len(q.Should) > 0:
		b["minimum_should_match"] = 1
	case len(q.Must) == 0:
		b["must"] = []any{matchAll()}
	}
	if q.Boost > 0 && q.Boost != 1 {
		b["boost"] = q.Boost
	}
	return obj{"bool": b}, nil
}
