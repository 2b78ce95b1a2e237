package index

import (
	"fmt"
	"strings"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/tracuu/tracuu/internal/vi"
)

// Boosts of the field plan: a title match outweighs a body match, and an
// exact-mark match outweighs a folded one, so an accented query ranks the
// documents spelled as typed first.
const (
	boostTitle = 3.0
	boostBody  = 1.0
	boostExact = 2.0
)

type textField struct {
	exact, folded string
	boost         float64
}

func textFields(field string) ([]textField, error) {
	title := textField{fTitle, fTitleFolded, boostTitle}
	body := textField{fBody, fBodyFolded, boostBody}
	switch field {
	case "":
		return []textField{title, body}, nil
	case FieldTitle:
		return []textField{title}, nil
	case FieldBody:
		return []textField{body}, nil
	}
	return nil, nil
}

// textQuery matches text in a field: a keyword field by its facet value,
// a text field through its folded twin and, when the text has marks, its
// exact field with a higher boost.
func textQuery(field, text string, phrase bool) (query.Query, error) {
	fields, err := textFields(field)
	if err != nil {
		return nil, err
	}
	if fields == nil {
		if !isKeywordField(field) {
			return nil, fmt.Errorf("%w: unknown field %q", ErrBadRequest, field)
		}
		tq := bleve.NewTermQuery(facetValue(text))
		tq.SetField(field)
		return tq, nil
	}
	marks := vi.HasMarks(text)
	var any []query.Query
	for _, f := range fields {
		any = append(any, match(f.folded, AnalyzerFolded, text, phrase, f.boost))
		if marks {
			any = append(any, match(f.exact, AnalyzerExact, text, phrase, f.boost*boostExact))
		}
	}
	return bleve.NewDisjunctionQuery(any...), nil
}

func match(field, analyzer, text string, phrase bool, boost float64) query.Query {
	if phrase {
		q := bleve.NewMatchPhraseQuery(text)
		q.SetField(field)
		q.Analyzer = analyzer
		q.SetBoost(boost)
		return q
	}
	q := bleve.NewMatchQuery(text)
	q.SetField(field)
	q.Analyzer = analyzer
	q.SetOperator(query.MatchQueryOperatorAnd)
	q.SetBoost(boost)
	return q
}

func isKeywordField(f string) bool {
	for _, k := range FacetFields {
		if k == f {
			return true
		}
	}
	return false
}

// prefixQuery matches words that start with text, on the folded field so
// that "hanoi*"-style completions ignore marks.
func prefixQuery(field, text string) (query.Query, error) {
	fields, err := textFields(field)
	if err != nil {
		return nil, err
	}
	if fields == nil {
		return nil, fmt.Errorf("%w: prefix search is for text fields, not %q", ErrBadRequest, field)
	}
	p := strings.TrimSpace(vi.Fold(text))
	if p == "" {
		return nil, fmt.Errorf("%w: empty prefix", ErrBadRequest)
	}
	var any []query.Query
	for _, f := range fields {
		pq := bleve.NewPrefixQuery(p)
		pq.SetField(f.folded)
		pq.SetBoost(f.boost)
		any = append(any, pq)
	}
	return bleve.NewDisjunctionQuery(any...), nil
}
