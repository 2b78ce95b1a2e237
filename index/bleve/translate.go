package bleve

import (
	"context"
	"fmt"

	blevelib "github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/tracuu/tracuu/index"
)

// translate maps the backend-neutral query tree onto Bleve queries with
// our field plan: folded fields always, exact fields boosted when the text
// carries marks.
func (b *Bleve) translate(ctx context.Context, q index.Query) (query.Query, error) {
	switch q := q.(type) {
	case nil, index.MatchAll:
		return blevelib.NewMatchAllQuery(), nil
	case index.Term:
		return textQuery(q.Field, q.Text, false, q.Folded)
	case index.Phrase:
		return textQuery(q.Field, q.Text, true, false)
	case index.Prefix:
		return b.prefixQuery(ctx, q)
	case index.Bool:
		return b.translateBool(ctx, q)
	default:
		return nil, fmt.Errorf("%w: unsupported query node %T", index.ErrBadRequest, q)
	}
}

func (b *Bleve) translateBool(ctx context.Context, q index.Bool) (query.Query, error) {
	bq := blevelib.NewBooleanQuery()
	add := func(qs []index.Query, to func(...query.Query)) error {
		for _, sub := range qs {
			t, err := b.translate(ctx, sub)
			if err != nil {
				return err
			}
			to(t)
		}
		return nil
	}
	if err := add(q.Must, bq.AddMust); err != nil {
		return nil, err
	}
	if err := add(q.Should, bq.AddShould); err != nil {
		return nil, err
	}
	if err := add(q.Not, bq.AddMustNot); err != nil {
		return nil, err
	}
	switch {
	case len(q.Must) > 0 && len(q.Should) > 0:
		bq.Should = heldShould{bq.Should}
	case len(q.Must) == 0 && len(q.Should) > 0:
		bq.SetMinShould(1)
	case len(q.Must) == 0 && len(q.Should) == 0:
		bq.AddMust(blevelib.NewMatchAllQuery())
	}
	if q.Boost > 0 && q.Boost != 1 {
		scaleBoost(bq, q.Boost)
	}
	return bq, nil
}

// scaleBoost multiplies the boosts of every scoring leaf under q by m:
// Bleve ignores the boost of boolean, conjunction and disjunction queries,
// so a clause's weight has to reach its leaves.
func scaleBoost(q query.Query, m float64) {
	switch q := q.(type) {
	case *query.BooleanQuery:
		scaleBoost(q.Must, m)
		scaleBoost(q.Should, m)
	case *query.ConjunctionQuery:
		for _, c := range q.Conjuncts {
			scaleBoost(c, m)
		}
	case heldShould:
		scaleBoost(q.Query, m)
	case *query.DisjunctionQuery:
		for _, d := range q.Disjuncts {
			scaleBoost(d, m)
		}
	case query.BoostableQuery:
		q.SetBoost(q.Boost() * m)
	}
}
