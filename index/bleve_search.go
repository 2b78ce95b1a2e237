package index

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
)

// facetSizes bounds how many buckets each facet returns.
var facetSizes = map[string]int{FieldSite: 50, FieldSection: 50, FieldAuthor: 50, FieldYear: 200, FieldMonth: 2400}

// Search runs a request. Facet counts for a filtered field ignore that
// field's own filter (multi-select facets), which costs one extra
// count-only search per such field.
func (b *Bleve) Search(ctx context.Context, req Request) (Result, error) {
	start := time.Now()
	q, err := b.translate(req.Query)
	if err != nil {
		return Result{}, err
	}
	size, offset := req.Size, req.Offset
	if req.Collapse {
		// Fetch enough hits that, after copies are folded away, the page
		// is still full in all but the most duplicated result lists.
		size, offset = min(collapseWindow, (req.Offset+req.Size)*5+20), 0
	}
	main := bleve.NewSearchRequestOptions(b.filtered(q, req, ""), size, offset, false)
	main.Fields = []string{fSource}
	main.SortByCustom(sortOrder(req.Sort))
	if len(req.After) > 0 {
		if len(req.After) != len(main.Sort) {
			return Result{}, fmt.Errorf("%w: cursor does not fit this sort order", ErrBadRequest)
		}
		main.From = 0
		main.SearchAfter = req.After
	}
	var separate []string
	for _, f := range req.Facets {
		size, ok := facetSizes[f]
		if !ok {
			return Result{}, fmt.Errorf("%w: unknown facet %q", ErrBadRequest, f)
		}
		if len(req.Filters[f]) > 0 {
			separate = append(separate, f)
			continue
		}
		main.AddFacet(f, bleve.NewFacetRequest(f, size))
	}
	res, err := b.idx.SearchInContext(ctx, main)
	if err != nil {
		return Result{}, fmt.Errorf("search: %w", err)
	}
	out := Result{Total: res.Total, Facets: map[string][]FacetValue{}}
	for _, h := range res.Hits {
		src, _ := h.Fields[fSource].(string)
		a, err := decodeSource([]byte(src))
		if err != nil {
			return Result{}, fmt.Errorf("search: hit %s: %w", h.ID, err)
		}
		a.ID = h.ID
		out.Hits = append(out.Hits, Hit{Article: a, Score: h.Score, SortKey: sortKey(h)})
	}
	if req.Collapse {
		if err := b.collapse(ctx, q, req, &out); err != nil {
			return Result{}, err
		}
	}
	for name, fr := range res.Facets {
		out.Facets[name] = facetValues(name, fr)
	}
	for _, f := range separate {
		fq := bleve.NewSearchRequestOptions(b.filtered(q, req, f), 0, 0, false)
		fq.AddFacet(f, bleve.NewFacetRequest(f, facetSizes[f]))
		fres, err := b.idx.SearchInContext(ctx, fq)
		if err != nil {
			return Result{}, fmt.Errorf("search: facet %s: %w", f, err)
		}
		out.Facets[f] = facetValues(f, fres.Facets[f])
	}
	out.Took = time.Since(start)
	return out, nil
}

// sortKey is the hit's position in the sort order, as Bleve's SearchAfter
// takes it back: Bleve reports a score sort as the literal "_score", but
// pages after it only with the score itself.
func sortKey(h *search.DocumentMatch) []string {
	key := append([]string(nil), h.Sort...)
	for i, v := range key {
		if v == "_score" {
			key[i] = strconv.FormatFloat(h.Score, 'g', -1, 64)
		}
	}
	return key
}

// collapseWindow bounds the hits a collapsed search looks through.
const collapseWindow = 5000

// collapse keeps the first hit of each cluster, pages the survivors, and
// counts for each the other matching articles of its cluster.
func (b *Bleve) collapse(ctx context.Context, q query.Query, req Request, out *Result) error {
	seen := map[string]bool{}
	if len(req.After) > 0 {
		// With a cursor, a cluster whose best-placed copy came before the
		// cursor was shown on an earlier page.
		prior, err := b.clustersBefore(ctx, q, req, out.Hits)
		if err != nil {
			return err
		}
		for c := range prior {
			seen[c] = true
		}
	}
	var reps []Hit
	for _, h := range out.Hits {
		c := h.Article.Cluster
		if c != "" && seen[c] {
			continue
		}
		seen[c] = c != ""
		reps = append(reps, h)
	}
	if req.Offset >= len(reps) {
		reps = nil
	} else {
		reps = reps[req.Offset:min(len(reps), req.Offset+req.Size)]
	}
	out.Hits = reps
	var clusters []string
	for _, h := range reps {
		if h.Article.Cluster != "" {
			clusters = append(clusters, h.Article.Cluster)
		}
	}
	if len(clusters) == 0 {
		return nil
	}
	creq := req
	creq.Filters = map[string][]string{}
	for k, v := range req.Filters {
		creq.Filters[k] = v
	}
	creq.Filters[FieldCluster] = clusters
	cq := bleve.NewSearchRequestOptions(b.filtered(q, creq, ""), 0, 0, false)
	cq.AddFacet(FieldCluster, bleve.NewFacetRequest(FieldCluster, len(clusters)))
	res, err := b.idx.SearchInContext(ctx, cq)
	if err != nil {
		return fmt.Errorf("search: count copies: %w", err)
	}
	counts := map[string]int{}
	if fr := res.Facets[FieldCluster]; fr != nil && fr.Terms != nil {
		for _, t := range fr.Terms.Terms() {
			counts[t.Term] = t.Count
		}
	}
	for i := range out.Hits {
		if n := counts[out.Hits[i].Article.Cluster]; n > 1 {
			out.Hits[i].Copies = n - 1
		}
	}
	return nil
}

// priorLimit bounds how far before a cursor clustersBefore looks.
const priorLimit = 1000

// clustersBefore returns the clusters of hits that also have a match
// ranked before the request's cursor.
func (b *Bleve) clustersBefore(ctx context.Context, q query.Query, req Request, hits []Hit) (map[string]bool, error) {
	set := map[string]bool{}
	var clusters []string
	for _, h := range hits {
		if c := h.Article.Cluster; c != "" && !set[c] {
			set[c] = true
			clusters = append(clusters, c)
		}
	}
	prior := map[string]bool{}
	if len(clusters) == 0 {
		return prior, nil
	}
	creq := req
	creq.Filters = map[string][]string{}
	for k, v := range req.Filters {
		creq.Filters[k] = v
	}
	creq.Filters[FieldCluster] = clusters
	sr := bleve.NewSearchRequestOptions(b.filtered(q, creq, ""), priorLimit, 0, false)
	sr.Fields = []string{fSource}
	sr.SortByCustom(sortOrder(req.Sort))
	sr.SearchBefore = req.After
	res, err := b.idx.SearchInContext(ctx, sr)
	if err != nil {
		return nil, fmt.Errorf("search: clusters before cursor: %w", err)
	}
	for _, h := range res.Hits {
		src, _ := h.Fields[fSource].(string)
		if a, err := decodeSource([]byte(src)); err == nil && a.Cluster != "" {
			prior[a.Cluster] = true
		}
	}
	// The cursor's own article (its id ends every sort key) was on the
	// previous page too; SearchBefore leaves it out.
	if a, ok, err := b.Get(ctx, req.After[len(req.After)-1]); err == nil && ok && a.Cluster != "" {
		prior[a.Cluster] = true
	}
	return prior, nil
}

func facetValues(name string, fr *search.FacetResult) []FacetValue {
	out := []FacetValue{}
	if fr == nil || fr.Terms == nil {
		return out
	}
	for _, t := range fr.Terms.Terms() {
		out = append(out, FacetValue{Value: t.Term, Count: t.Count})
	}
	if name == FieldYear || name == FieldMonth {
		// A histogram reads in time order, not by count.
		sort.Slice(out, func(i, j int) bool { return out[i].Value < out[j].Value })
	}
	return out
}

func sortOrder(s Sort) search.SortOrder {
	id := &search.SortDocID{}
	switch s {
	case SortNewest:
		return search.SortOrder{&search.SortField{Field: fPublished, Desc: true, Missing: search.SortFieldMissingLast}, id}
	case SortOldest:
		return search.SortOrder{&search.SortField{Field: fPublished, Missing: search.SortFieldMissingLast}, id}
	default:
		return search.SortOrder{&search.SortScore{Desc: true}, id}
	}
}

// filtered wraps q with the request's filters, leaving out the filter on
// the field named skip. Filters are boosted to zero: they select, they do
// not rank, so a hit scores the same with or without them (which cursors
// compared across queries rely on).
func (b *Bleve) filtered(q query.Query, req Request, skip string) query.Query {
	musts := []query.Query{q}
	for _, f := range FilterFields {
		vals := req.Filters[f]
		if f == skip || len(vals) == 0 {
			continue
		}
		var any []query.Query
		for _, v := range vals {
			tq := bleve.NewTermQuery(facetValue(v))
			tq.SetField(f)
			tq.SetBoost(0)
			any = append(any, tq)
		}
		dq := bleve.NewDisjunctionQuery(any...)
		dq.SetBoost(0)
		musts = append(musts, dq)
	}
	if !req.From.IsZero() || !req.To.IsZero() {
		incl, excl := true, false
		dq := bleve.NewDateRangeInclusiveQuery(req.From, req.To, &incl, &excl)
		dq.SetField(fPublished)
		dq.SetBoost(0)
		musts = append(musts, dq)
	}
	if len(musts) == 1 {
		return q
	}
	return bleve.NewConjunctionQuery(musts...)
}

// translate maps the backend-neutral query tree onto Bleve queries with
// our field plan: folded fields always, exact fields boosted when the text
// carries marks.
func (b *Bleve) translate(q Query) (query.Query, error) {
	switch q := q.(type) {
	case nil, MatchAll:
		return bleve.NewMatchAllQuery(), nil
	case Term:
		return textQuery(q.Field, q.Text, false)
	case Phrase:
		return textQuery(q.Field, q.Text, true)
	case Prefix:
		return prefixQuery(q.Field, q.Text)
	case Bool:
		return b.translateBool(q)
	default:
		return nil, fmt.Errorf("%w: unsupported query node %T", ErrBadRequest, q)
	}
}

func (b *Bleve) translateBool(q Bool) (query.Query, error) {
	bq := bleve.NewBooleanQuery()
	add := func(qs []Query, to func(...query.Query)) error {
		for _, sub := range qs {
			t, err := b.translate(sub)
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
	case len(q.Must) == 0 && len(q.Should) > 0:
		bq.SetMinShould(1)
	case len(q.Must) == 0 && len(q.Should) == 0:
		bq.AddMust(bleve.NewMatchAllQuery())
	}
	return bq, nil
}
