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
		return b.plan.textQuery(q.Field, q.Text, allWords)
	case index.Words:
		if len(q.Words) >= 2 {
			return b.translateBool(ctx, index.Bool{Must: []index.Query{q}})
		}
		plan, err := b.plan.words(q)
		if err != nil {
			return nil, err
		}
		return plan.words[0], nil
	case index.Phrase:
		return b.plan.textQuery(q.Field, q.Text, exactPhrase)
	case index.Prefix:
		return b.prefixQuery(ctx, q)
	case index.Bool:
		return b.translateBool(ctx, q)
	default:
		return nil, fmt.Errorf("%w: unsupported query node %T", index.ErrBadRequest, q)
	}
}

// translateBool maps a Bool onto a Bleve boolean query. Plain words
// (Words) among its required clauses share its boolean: their adjacency
// phrase joins it as its optional clause, and the clause for a title
// holding every word wraps it (see fieldPlan.words).
func (b *Bleve) translateBool(ctx context.Context, q index.Bool) (query.Query, error) {
	at := wordsAt(q)
	var plan wordsPlan
	var must []query.Query
	for i, sub := range q.Must {
		if i == at {
			var err error
			if plan, err = b.plan.words(sub.(index.Words)); err != nil {
				return nil, err
			}
			must = append(must, plan.words...)
			continue
		}
		t, err := b.translate(ctx, sub)
		if err != nil {
			return nil, err
		}
		must = append(must, t)
	}
	should, err := b.translateAll(ctx, q.Should)
	if err != nil {
		return nil, err
	}
	not, err := b.translateAll(ctx, q.Not)
	if err != nil {
		return nil, err
	}
	if at < 0 {
		return boolean(must, should, not, q.Boost), nil
	}
	if plan.phrase != nil {
		should = append(should, plan.phrase)
	}
	bq := boolean(must, should, not, 0)
	if plan.title == nil {
		return bq, nil
	}
	return boolean([]query.Query{bq}, []query.Query{plan.title}, nil, 0), nil
}

// wordsAt is the index in q.Must of the Words whose plan q's boolean takes
// in (translateBool), or -1. Only a boolean without optional clauses or a
// boost of its own can take one in: Bleve scales a disjunction by the
// share of its clauses that match, so a second optional clause beside the
// adjacency phrase would halve its reward.
func wordsAt(q index.Bool) int {
	if len(q.Should) > 0 || q.Boost > 0 && q.Boost != 1 {
		return -1
	}
	for i, sub := range q.Must {
		if w, ok := sub.(index.Words); ok && len(w.Words) >= 2 {
			return i
		}
	}
	return -1
}

func (b *Bleve) translateAll(ctx context.Context, qs []index.Query) ([]query.Query, error) {
	out := make([]query.Query, 0, len(qs))
	for _, sub := range qs {
		t, err := b.translate(ctx, sub)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, nil
}

// boolean combines translated clauses as index.Bool says: every must,
// none of not, at least one should when there is no must, boost scaling
// the whole clause.
func boolean(must, should, not []query.Query, boost float64) *query.BooleanQuery {
	bq := blevelib.NewBooleanQuery()
	for _, q := range must {
		bq.AddMust(q)
	}
	for _, q := range should {
		bq.AddShould(q)
	}
	for _, q := range not {
		bq.AddMustNot(q)
	}
	switch {
	case len(must) > 0 && len(should) > 0:
		bq.Should = heldShould{bq.Should}
	case len(must) == 0 && len(should) > 0:
		bq.SetMinShould(1)
	case len(must) == 0 && len(should) == 0:
		bq.AddMust(blevelib.NewMatchAllQuery())
	}
	if boost > 0 && boost != 1 {
		scaleBoost(bq, boost)
	}
	return bq
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
