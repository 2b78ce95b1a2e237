package bleve

import (
	"github.com/blevesearch/bleve/v2/search/query"
)

// required returns q without the optional clauses of booleans that also
// have required ones. Those clauses move scores, never which articles
// match, so a search that only counts (no hits asked for) skips them and
// scoring altogether: a phrase bonus is the dearest part of a query.
// Booleans on the way are copied; q itself is left as it was.
func required(q query.Query) query.Query {
	switch q := q.(type) {
	case *query.BooleanQuery:
		c := *q
		if c.Must != nil {
			c.Must = required(q.Must)
		}
		switch {
		case c.Must != nil && optional(q.Should):
			c.Should = nil
		case c.Should != nil:
			c.Should = required(q.Should)
		}
		return &c
	case *query.ConjunctionQuery:
		c := *q
		c.Conjuncts = make([]query.Query, len(q.Conjuncts))
		for i, sub := range q.Conjuncts {
			c.Conjuncts[i] = required(sub)
		}
		return &c
	case *query.DisjunctionQuery:
		c := *q
		c.Disjuncts = make([]query.Query, len(q.Disjuncts))
		for i, sub := range q.Disjuncts {
			c.Disjuncts[i] = required(sub)
		}
		return &c
	case heldShould:
		return heldShould{required(q.Query)}
	default:
		return q
	}
}

// optional reports whether a boolean's should clause may match nothing.
func optional(should query.Query) bool {
	switch s := should.(type) {
	case nil:
		return false
	case heldShould:
		return optional(s.Query)
	case *query.DisjunctionQuery:
		return s.Min == 0
	default:
		return false
	}
}
