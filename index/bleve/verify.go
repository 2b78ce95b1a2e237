package bleve

import (
	"context"
	"fmt"
	"slices"

	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	"github.com/blevesearch/bleve/v2/search/searcher"
	bindex "github.com/blevesearch/bleve_index_api"
)

// verifiedPhrase matches the articles that its candidates (queries, all
// required) match and whose word field holds the phrase: the slot terms
// at consecutive positions, an empty slot standing for any term or none.
//
// Bleve's phrase searcher cannot serve here: when the document it is
// advanced to fails the positions, it walks on to the next document that
// passes, through every article holding all the phrase's words, which for
// frequent syllables is the slow positional phrase the pair terms exist
// to avoid. Here the candidates (rare pair terms) lead, and positions are
// read for their articles only.
type verifiedPhrase struct {
	candidates []query.Query
	field      string
	slots      []string
	boost      float64 // of the slot terms' scores; 0 makes them a pure filter
}

func (q *verifiedPhrase) Searcher(ctx context.Context, r bindex.IndexReader, m mapping.IndexMapping, options search.SearcherOptions) (search.Searcher, error) {
	// Term vectors reach the slot terms only when the conjunction asks for
	// them too: without, Bleve may merge its terms into one bitmap.
	vopts := options
	vopts.IncludeTermVectors = true
	var ss []search.Searcher
	closeAll := func() {
		for _, s := range ss {
			s.Close()
		}
	}
	for _, c := range q.candidates {
		s, err := c.Searcher(ctx, r, m, options)
		if err != nil {
			closeAll()
			return nil, err
		}
		ss = append(ss, s)
	}
	var terms []string
	for _, t := range q.slots {
		if t != "" && !slices.Contains(terms, t) {
			terms = append(terms, t)
		}
	}
	for _, t := range terms {
		s, err := searcher.NewTermSearcher(ctx, r, t, q.field, q.boost, vopts)
		if err != nil {
			closeAll()
			return nil, fmt.Errorf("phrase term %q: %w", t, err)
		}
		ss = append(ss, s)
	}
	conj, err := searcher.NewConjunctionSearcher(ctx, r, ss, vopts)
	if err != nil {
		closeAll()
		return nil, err
	}
	return &verifySearcher{Searcher: conj, field: q.field, slots: q.slots}, nil
}

// verifySearcher passes on the matches of its searcher whose positions
// hold the phrase.
type verifySearcher struct {
	search.Searcher
	field string
	slots []string
	pos   map[string][]int // positions of each slot term in the current match
}

func (v *verifySearcher) Next(ctx *search.SearchContext) (*search.DocumentMatch, error) {
	m, err := v.Searcher.Next(ctx)
	return v.first(ctx, m, err)
}

func (v *verifySearcher) Advance(ctx *search.SearchContext, id bindex.IndexInternalID) (*search.DocumentMatch, error) {
	m, err := v.Searcher.Advance(ctx, id)
	return v.first(ctx, m, err)
}

// first returns m if it holds the phrase, else the next match that does.
func (v *verifySearcher) first(ctx *search.SearchContext, m *search.DocumentMatch, err error) (*search.DocumentMatch, error) {
	for m != nil && err == nil {
		if v.holds(m) {
			m.FieldTermLocations = m.FieldTermLocations[:0]
			return m, nil
		}
		ctx.DocumentMatchPool.Put(m)
		m, err = v.Searcher.Next(ctx)
	}
	return m, err
}

// holds reports whether the match has every slot term at the slot's
// offset from one start position.
func (v *verifySearcher) holds(m *search.DocumentMatch) bool {
	if v.pos == nil {
		v.pos = make(map[string][]int, len(v.slots))
	}
	for t := range v.pos {
		v.pos[t] = v.pos[t][:0]
	}
	for _, l := range m.FieldTermLocations {
		if l.Field == v.field {
			v.pos[l.Term] = append(v.pos[l.Term], int(l.Location.Pos))
		}
	}
	lead := -1
	for i, t := range v.slots {
		if t != "" {
			lead = i
			break
		}
	}
	if lead < 0 {
		return true
	}
next:
	for _, p := range v.pos[v.slots[lead]] {
		start := p - lead
		for i, t := range v.slots {
			if i == lead || t == "" {
				continue
			}
			if !slices.Contains(v.pos[t], start+i) {
				continue next
			}
		}
		return true
	}
	return false
}
