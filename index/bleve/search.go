package bleve

import (
	"context"
	"fmt"
	"time"

	blevelib "github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/tracuu/tracuu/index"
)

// facetSizes bounds how many buckets each facet returns.
var facetSizes = map[string]int{index.FieldSite: 50, index.FieldSection: 50, index.FieldAuthor: 50, index.FieldYear: 200, index.FieldMonth: 2400, index.FieldDay: 100000}

// Search runs a request. Facet counts for a filtered field ignore that
// field's own filter (multi-select facets), which costs one extra
// count-only search per such field.
func (b *Bleve) Search(ctx context.Context, req index.Request) (index.Result, error) {
	start := time.Now()
	docs, err := b.idx.DocCount()
	if err != nil {
		return index.Result{}, fmt.Errorf("search: %w", err)
	}
	ctx, cost := withBudget(ctx, docs)
	q, err := b.translate(ctx, req.Query)
	if err != nil {
		return index.Result{}, err
	}
	release, err := cost.acquire(ctx)
	if err != nil {
		return index.Result{}, err
	}
	defer release()
	size, offset := req.Size, req.Offset
	if req.Collapse {
		// Fetch enough hits that, after copies are folded away, the page
		// is still full in all but the most duplicated result lists.
		size, offset = min(collapseWindow, (req.Offset+req.Size)*5+20), 0
	}
	after, err := parseAfter(req)
	if err != nil {
		return index.Result{}, err
	}
	if after != nil {
		// Ties already shown come back and are dropped below.
		size += len(after.shown)
	}
	var joint, separate []string
	for _, f := range req.Facets {
		if _, ok := facetSizes[f]; !ok {
			return index.Result{}, fmt.Errorf("%w: unknown facet %q", index.ErrBadRequest, f)
		}
		if len(req.Filters[f]) > 0 {
			separate = append(separate, f)
		} else {
			joint = append(joint, f)
		}
	}
	// Counting needs no scores and no optional clauses: a search that asks
	// for no hits only counts, and so do the facet searches below.
	countOnly := size == 0 && !req.Collapse
	countQ := q
	if countOnly || len(separate) > 0 {
		countQ = required(q)
	}
	mq := q
	if countOnly {
		mq = countQ
	}
	mainQ := b.counting(b.filtered(mq, req, ""), joint)
	main := blevelib.NewSearchRequestOptions(mainQ, size, offset, false)
	if countOnly {
		main.Score = blevelib.ScoreNone
	}
	main.Fields = []string{fSource}
	main.SortByCustom(sortOrder(req.Sort))
	if after != nil {
		main.From = 0
		main.SearchAfter = after.key
	}
	res, err := b.search(ctx, main)
	if err != nil {
		return index.Result{}, fmt.Errorf("search: %w", err)
	}
	out := index.Result{Total: res.Total, Facets: map[string][]index.FacetValue{}}
	for _, h := range res.Hits {
		src, _ := h.Fields[fSource].(string)
		a, err := decodeSource([]byte(src))
		if err != nil {
			return index.Result{}, fmt.Errorf("search: hit %s: %w", h.ID, err)
		}
		a.ID = h.ID
		if after != nil && after.shown[h.ID] {
			after.seenAt[h.ID] = h.Score
			continue // a tie shown on an earlier page
		}
		out.Hits = append(out.Hits, index.Hit{Article: a, Score: h.Score, SortKey: h.Sort})
	}
	if after != nil && !req.Collapse && len(out.Hits) > req.Size {
		out.Hits = out.Hits[:req.Size]
	}
	setSortKeys(req.Sort, after, out.Hits)
	if req.Collapse {
		if err := b.collapse(ctx, q, req, &out); err != nil {
			return index.Result{}, err
		}
	}
	for _, f := range joint {
		out.Facets[f] = mainQ.counts.result(f, facetSizes[f])
	}
	for _, f := range separate {
		fq := b.counting(b.filtered(countQ, req, f), []string{f})
		freq := blevelib.NewSearchRequestOptions(fq, 0, 0, false)
		freq.Score = blevelib.ScoreNone
		if _, err := b.search(ctx, freq); err != nil {
			return index.Result{}, fmt.Errorf("search: facet %s: %w", f, err)
		}
		out.Facets[f] = fq.counts.result(f, facetSizes[f])
	}
	out.Took = time.Since(start)
	return out, nil
}

// counting wraps q so that searching it counts the facets fields.
func (b *Bleve) counting(q query.Query, fields []string) *countingQuery {
	return &countingQuery{Query: q, cache: b.facets, fields: fields}
}

// fUID holds each article's id as a keyword doc value, to break ties in
// sorts without Bleve's _id sort, which loads the stored id of every
// matching document.
const fUID = "uid"

func sortOrder(s index.Sort) search.SortOrder {
	id := &search.SortField{Field: fUID, Type: search.SortFieldAsString}
	switch s {
	case index.SortNewest:
		return search.SortOrder{&search.SortField{Field: fPublished, Desc: true, Missing: search.SortFieldMissingLast}, id}
	case index.SortOldest:
		return search.SortOrder{&search.SortField{Field: fPublished, Missing: search.SortFieldMissingLast}, id}
	default:
		return search.SortOrder{&search.SortScore{Desc: true}}
	}
}

// filtered wraps q with the request's filters, leaving out the filter on
// the field named skip. Filters are boosted to zero: they select, they do
// not rank, so a hit scores the same with or without them (which cursors
// compared across queries rely on).
func (b *Bleve) filtered(q query.Query, req index.Request, skip string) query.Query {
	musts := []query.Query{q}
	for _, f := range index.FilterFields {
		vals := req.Filters[f]
		if f == skip || len(vals) == 0 {
			continue
		}
		var any []query.Query
		for _, v := range vals {
			tq := blevelib.NewTermQuery(facetValue(v))
			tq.SetField(f)
			tq.SetBoost(0)
			any = append(any, tq)
		}
		dq := blevelib.NewDisjunctionQuery(any...)
		dq.SetBoost(0)
		musts = append(musts, dq)
	}
	if !req.From.IsZero() || !req.To.IsZero() {
		incl, excl := true, false
		dq := blevelib.NewDateRangeInclusiveQuery(req.From, req.To, &incl, &excl)
		dq.SetField(fPublished)
		dq.SetBoost(0)
		musts = append(musts, dq)
	}
	if len(musts) == 1 {
		return q
	}
	return blevelib.NewConjunctionQuery(musts...)
}
