package bleve

import (
	"context"

	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	"github.com/blevesearch/bleve/v2/search/searcher"
	bindex "github.com/blevesearch/bleve_index_api"
)

// heldShould wraps the optional clauses of a boolean query that also has
// required ones. Bleve v2.6.1's boolean searcher, when advanced to a
// document, advances its optional searcher too even when that searcher
// already stands at or past the document, so a match it has just returned
// is skipped and its score bonus lost. That happens whenever the boolean
// is one side of a conjunction (a filter, or a group beside other words),
// and made a filtered search rank differently from the same search
// unfiltered. The held searcher answers such an Advance with the match it
// returned last.
type heldShould struct {
	query.Query
}

func (q heldShould) Searcher(ctx context.Context, i bindex.IndexReader, m mapping.IndexMapping, options search.SearcherOptions) (search.Searcher, error) {
	s, err := q.Query.Searcher(ctx, i, m, options)
	if err != nil {
		return nil, err
	}
	if _, ok := s.(*searcher.MatchNoneSearcher); ok {
		return s, nil
	}
	return &heldSearcher{Searcher: s}, nil
}

func (q heldShould) Validate() error {
	if v, ok := q.Query.(query.ValidatableQuery); ok {
		return v.Validate()
	}
	return nil
}

// heldSearcher keeps a copy of the last match its searcher returned: the
// caller recycles the match itself.
type heldSearcher struct {
	search.Searcher
	held  bool
	id    bindex.IndexInternalID
	score float64
	expl  *search.Explanation
	locs  []search.FieldTermLocation
}

func (h *heldSearcher) Next(ctx *search.SearchContext) (*search.DocumentMatch, error) {
	m, err := h.Searcher.Next(ctx)
	h.keep(m)
	return m, err
}

func (h *heldSearcher) Advance(ctx *search.SearchContext, id bindex.IndexInternalID) (*search.DocumentMatch, error) {
	if h.held && h.id.Compare(id) >= 0 {
		// No match lies between id and the one returned last, which the
		// searcher has already moved past.
		m := ctx.DocumentMatchPool.Get()
		m.IndexInternalID = append(m.IndexInternalID[:0], h.id...)
		m.Score, m.Expl = h.score, h.expl
		m.FieldTermLocations = append(m.FieldTermLocations[:0], h.locs...)
		return m, nil
	}
	m, err := h.Searcher.Advance(ctx, id)
	h.keep(m)
	return m, err
}

func (h *heldSearcher) keep(m *search.DocumentMatch) {
	h.held = m != nil
	if m == nil {
		return
	}
	h.id = append(h.id[:0], m.IndexInternalID...)
	h.score, h.expl = m.Score, m.Expl
	h.locs = append(h.locs[:0], m.FieldTermLocations...)
}
