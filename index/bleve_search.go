package index

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
)

// facetSizes bounds how many buckets each facet returns.
var facetSizes = map[string]int{FieldSite: 50, FieldSection: 50, FieldAuthor: 50, FieldYear: 200, FieldMonth: 2400, FieldDay: 100000}

// Search runs a request. Facet counts for a filtered field ignore that
// field's own filter (multi-select facets), which costs one extra
// count-only search per such field.
func (b *Bleve) Search(ctx context.Context, req Request) (Result, error) {
	start := time.Now()
	docs, err := b.idx.DocCount()
	if err != nil {
		return Result{}, fmt.Errorf("search: %w", err)
	}
	ctx, cost := withBudget(ctx, docs)
	q, err := b.translate(ctx, req.Query)
	if err != nil {
		return Result{}, err
	}
	release, err := cost.acquire(ctx)
	if err != nil {
		return Result{}, err
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
		return Result{}, err
	}
	if after != nil {
		// Ties already shown come back and are dropped below.
		size += len(after.shown)
	}
	var joint, separate []string
	for _, f := range req.Facets {
		if _, ok := facetSizes[f]; !ok {
			return Result{}, fmt.Errorf("%w: unknown facet %q", ErrBadRequest, f)
		}
		if len(req.Filters[f]) > 0 {
			separate = append(separate, f)
		} else {
			joint = append(joint, f)
		}
	}
	// A search that asks for no hits only counts: no scores, no optional
	// clauses.
	countOnly := size == 0 && !req.Collapse
	mq := q
	if countOnly {
		mq = required(q)
	}
	mainQ := b.counting(b.filtered(mq, req, ""), joint)
	main := bleve.NewSearchRequestOptions(mainQ, size, offset, false)
	if countOnly {
		main.Score = bleve.ScoreNone
	}
	main.Fields = []string{fSource}
	main.SortByCustom(sortOrder(req.Sort))
	if after != nil {
		main.From = 0
		main.SearchAfter = after.key
	}
	res, err := b.search(ctx, main)
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
		if after != nil && after.shown[h.ID] {
			after.seenAt[h.ID] = h.Score
			continue // a tie shown on an earlier page
		}
		out.Hits = append(out.Hits, Hit{Article: a, Score: h.Score, SortKey: h.Sort})
	}
	if after != nil && !req.Collapse && len(out.Hits) > req.Size {
		out.Hits = out.Hits[:req.Size]
	}
	setSortKeys(req.Sort, after, out.Hits)
	if req.Collapse {
		if err := b.collapse(ctx, q, req, &out); err != nil {
			return Result{}, err
		}
	}
	for _, f := range joint {
		out.Facets[f] = mainQ.counts.result(f, facetSizes[f])
	}
	for _, f := range separate {
		fq := b.counting(b.filtered(required(q), req, f), []string{f})
		freq := bleve.NewSearchRequestOptions(fq, 0, 0, false)
		freq.Score = bleve.ScoreNone
		if _, err := b.search(ctx, freq); err != nil {
			return Result{}, fmt.Errorf("search: facet %s: %w", f, err)
		}
		out.Facets[f] = fq.counts.result(f, facetSizes[f])
	}
	out.Took = time.Since(start)
	return out, nil
}

// A relevance sort is by score alone: a tie-break on the id makes Bleve
// load a sort value for every matching document, which tripled the cost of
// common-word queries. Ties keep Bleve's internal order, which is stable
// for an index snapshot, so pages by offset are consistent; a cursor
// carries the score of the last hit and the ids of the hits shown with
// exactly that score, which the next page drops when Bleve returns them
// again. Date sorts need a value per hit anyway and keep the id tie-break.

// tieSlack is how far apart two scores may be and still count as tied.
func tieSlack(s float64) float64 { return math.Max(math.Abs(s)*1e-9, 1e-12) }

func tied(a, b float64) bool { return math.Abs(a-b) <= tieSlack(math.Max(math.Abs(a), math.Abs(b))) }

// maxTies bounds the ids a relevance cursor carries.
const maxTies = 200

// MaxCursorKey is the longest sort key a cursor may carry.
const MaxCursorKey = maxTies + 1

// cursorAfter is a decoded cursor.
type cursorAfter struct {
	key   []string        // what Bleve's SearchAfter takes
	score float64         // relevance: the score of the last hit shown
	shown map[string]bool // relevance: ids shown with exactly that score
	// seenAt holds the scores the shown ids came back with this time:
	// merges shift scores, so an id shown before can still lie ahead.
	seenAt map[string]float64
}

func parseAfter(req Request) (*cursorAfter, error) {
	if len(req.After) == 0 {
		return nil, nil
	}
	bad := ErrBadCursor
	if req.Sort != SortRelevance {
		if len(req.After) != len(sortOrder(req.Sort)) {
			return nil, bad
		}
		return &cursorAfter{key: req.After}, nil
	}
	score, err := strconv.ParseFloat(req.After[0], 64)
	if err != nil || math.IsNaN(score) || math.IsInf(score, 0) || len(req.After) > maxTies+1 {
		return nil, bad
	}
	// Bleve's SearchAfter skips hits whose sort values equal the cursor's;
	// asking for what comes after a score a hair higher keeps the ties, and
	// the ones already shown are dropped by id. The hair is relative, not
	// one float step: a background merge that purges deleted documents
	// shifts BM25 statistics, and with them every score, by a few ulps.
	up := strconv.FormatFloat(score+tieSlack(score), 'g', -1, 64)
	c := &cursorAfter{key: []string{up}, score: score, shown: map[string]bool{}, seenAt: map[string]float64{}}
	for _, id := range req.After[1:] {
		c.shown[id] = true
	}
	return c, nil
}

// setSortKeys gives each hit the cursor that pages after it.
func setSortKeys(s Sort, after *cursorAfter, hits []Hit) {
	if s != SortRelevance {
		return // Bleve's sort values are the key as they are
	}
	for i := range hits {
		score := hits[i].Score
		key := []string{strconv.FormatFloat(score, 'g', -1, 64)}
		if after != nil {
			// Keep every id shown before that may still come after this
			// hit: those not seen this time, or seen at or below its score.
			for id := range after.shown {
				if at, ok := after.seenAt[id]; !ok || at <= score+tieSlack(score) {
					key = append(key, id)
				}
			}
		}
		for j := 0; j <= i; j++ {
			if tied(hits[j].Score, score) {
				key = append(key, hits[j].Article.ID)
			}
		}
		if len(key) > maxTies+1 {
			key = append(key[:1], key[len(key)-maxTies:]...)
		}
		hits[i].SortKey = key
	}
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
	creq := withClusters(req, clusters)
	cq := bleve.NewSearchRequestOptions(b.filtered(q, creq, ""), 0, 0, false)
	cq.AddFacet(FieldCluster, bleve.NewFacetRequest(FieldCluster, len(clusters)))
	res, err := b.search(ctx, cq)
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

// withClusters is req narrowed to the given clusters.
func withClusters(req Request, clusters []string) Request {
	f := make(map[string][]string, len(req.Filters)+1)
	for k, v := range req.Filters {
		f[k] = v
	}
	f[FieldCluster] = clusters
	req.Filters = f
	return req
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
	creq := withClusters(req, clusters)
	sr := bleve.NewSearchRequestOptions(b.filtered(q, creq, ""), priorLimit, 0, false)
	sr.Fields = []string{fSource}
	sr.SortByCustom(sortOrder(req.Sort))
	after, err := parseAfter(req)
	if err != nil {
		return nil, err
	}
	sr.SearchBefore = after.key
	res, err := b.search(ctx, sr)
	if err != nil {
		return nil, fmt.Errorf("search: clusters before cursor: %w", err)
	}
	for _, h := range res.Hits {
		src, _ := h.Fields[fSource].(string)
		if a, err := decodeSource([]byte(src)); err == nil && a.Cluster != "" {
			prior[a.Cluster] = true
		}
	}
	// The cursor's own article (its id ends every sort key), and for a
	// relevance cursor the ties shown with it, were on earlier pages too;
	// SearchBefore leaves them out.
	ids := []string{req.After[len(req.After)-1]}
	for id := range after.shown {
		ids = append(ids, id)
	}
	for _, id := range ids {
		if a, ok, err := b.Get(ctx, id); err == nil && ok && a.Cluster != "" {
			prior[a.Cluster] = true
		}
	}
	return prior, nil
}

// counting wraps q so that searching it counts the facets fields.
func (b *Bleve) counting(q query.Query, fields []string) *countingQuery {
	return &countingQuery{Query: q, cache: b.facets, fields: fields}
}

// fUID holds each article's id as a keyword doc value, to break ties in
// sorts without Bleve's _id sort, which loads the stored id of every
// matching document.
const fUID = "uid"

func sortOrder(s Sort) search.SortOrder {
	id := &search.SortField{Field: fUID, Type: search.SortFieldAsString}
	switch s {
	case SortNewest:
		return search.SortOrder{&search.SortField{Field: fPublished, Desc: true, Missing: search.SortFieldMissingLast}, id}
	case SortOldest:
		return search.SortOrder{&search.SortField{Field: fPublished, Missing: search.SortFieldMissingLast}, id}
	default:
		return search.SortOrder{&search.SortScore{Desc: true}}
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
func (b *Bleve) translate(ctx context.Context, q Query) (query.Query, error) {
	switch q := q.(type) {
	case nil, MatchAll:
		return bleve.NewMatchAllQuery(), nil
	case Term:
		return textQuery(q.Field, q.Text, false, q.Folded)
	case Phrase:
		return textQuery(q.Field, q.Text, true, false)
	case Prefix:
		return b.prefixQuery(ctx, q)
	case Bool:
		return b.translateBool(ctx, q)
	default:
		return nil, fmt.Errorf("%w: unsupported query node %T", ErrBadRequest, q)
	}
}

func (b *Bleve) translateBool(ctx context.Context, q Bool) (query.Query, error) {
	bq := bleve.NewBooleanQuery()
	add := func(qs []Query, to func(...query.Query)) error {
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
		bq.AddMust(bleve.NewMatchAllQuery())
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
