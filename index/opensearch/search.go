package opensearch

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/tracuu/tracuu/index"
	"github.com/tracuu/tracuu/internal/article"
	"github.com/tracuu/tracuu/internal/indexdoc"
)

// facetSizes bounds how many buckets each facet returns, as in the
// embedded engine.
var facetSizes = map[string]int{
	index.FieldSite: 50, index.FieldSection: 50, index.FieldAuthor: 50,
	index.FieldYear: 200, index.FieldMonth: 2400, index.FieldDay: 100000,
}

// histograms are the facets counted per calendar period of the publication
// time in Vietnam, keyed as the embedded engine keys them.
var histograms = map[string]struct{ interval, format string }{
	index.FieldYear:  {"year", "yyyy"},
	index.FieldMonth: {"month", "yyyy-MM"},
	index.FieldDay:   {"day", "yyyy-MM-dd"},
}

// vietnamOffset is the time zone of the archive (article.Vietnam), which
// dates without one are read in and histograms cut days in.
const vietnamOffset = "+07:00"

// collapseWindow bounds the hits a collapsed search looks through;
// priorLimit bounds how far before a cursor it looks for clusters already
// shown. Both as in the embedded engine.
const (
	collapseWindow = 5000
	priorLimit     = 1000
)

// Search runs a request as one _search: the query with the filters of
// fields not faceted in bool.filter, the filters of faceted fields in
// post_filter, and each facet an aggregation under the filters of the
// other faceted fields, so that a facet's counts ignore its own filter
// (multi-select facets) at no extra request. A cursor is a search_after
// key (score or date, then the id); Collapse reads a window of hits and
// keeps the first of each cluster, as the embedded engine does.
func (b *Backend) Search(ctx context.Context, req index.Request) (index.Result, error) {
	start := time.Now()
	for _, f := range req.Facets {
		if _, ok := facetSizes[f]; !ok {
			return index.Result{}, fmt.Errorf("%w: unknown facet %q", index.ErrBadRequest, f)
		}
	}
	if req.Size < 0 || req.Offset < 0 {
		return index.Result{}, fmt.Errorf("%w: negative size or offset", index.ErrBadRequest)
	}
	q, err := planner{ctx, b}.translate(req.Query)
	if err != nil {
		return index.Result{}, err
	}
	after, err := searchAfter(req)
	if err != nil {
		return index.Result{}, err
	}
	size, offset := req.Size, req.Offset
	if req.Collapse {
		// Enough hits that, once copies are folded away, the page is
		// still full in all but the most duplicated result lists.
		size, offset = min(collapseWindow, (req.Offset+req.Size)*5+20), 0
	}
	if after != nil {
		offset = 0
	}
	body := searchBody(q, req, size, offset, after)
	if req.Collapse && size > 0 {
		body["_source"] = arr{index.FieldCluster}
	}
	ans, err := b.search(ctx, body)
	if err != nil {
		return index.Result{}, err
	}
	out := index.Result{Total: ans.total, Facets: map[string][]index.FacetValue{}}
	if req.Collapse {
		if err := b.collapse(ctx, q, req, ans.Hits.Hits, &out); err != nil {
			return index.Result{}, err
		}
	} else {
		for _, h := range ans.Hits.Hits {
			a, err := indexdoc.Decode(h.Source.Src)
			if err != nil {
				return index.Result{}, fmt.Errorf("search: hit %s: %w", h.ID, err)
			}
			a.ID = h.ID
			out.Hits = append(out.Hits, index.Hit{Article: a, Score: h.score(), SortKey: h.sortKey()})
		}
	}
	for _, f := range req.Facets {
		vals, err := facetValues(f, ans.Aggregations["f_"+f])
		if err != nil {
			return index.Result{}, fmt.Errorf("search: facet %s: %w", f, err)
		}
		out.Facets[f] = vals
	}
	out.Took = time.Since(start)
	return out, nil
}

// searchBody is the _search body of a request: see Search.
func searchBody(q obj, req index.Request, size, offset int, after []any) obj {
	separate := map[string]bool{}
	for _, f := range req.Facets {
		if len(req.Filters[f]) > 0 {
			separate[f] = true
		}
	}
	var filter, post []any
	for _, f := range index.FilterFields {
		c := fieldFilter(req, f)
		switch {
		case c == nil:
		case separate[f]:
			post = append(post, c)
		default:
			filter = append(filter, c)
		}
	}
	if d := dateFilter(req); d != nil {
		filter = append(filter, d)
	}
	body := obj{"query": all(arr{q}, filter), "size": size, "track_total_hits": true}
	if offset > 0 {
		body["from"] = offset
	}
	if size > 0 {
		body["sort"] = sortOrder(req.Sort, false)
		body["_source"] = arr{fSource}
		if req.Sort != index.SortRelevance {
			body["track_scores"] = true // hits carry scores in every order
		}
	}
	if after != nil {
		body["search_after"] = after
	}
	if len(post) > 0 {
		body["post_filter"] = all(nil, post)
	}
	aggs := obj{}
	for _, f := range req.Facets {
		var others []any
		for _, g := range index.FilterFields {
			if separate[g] && g != f {
				others = append(others, fieldFilter(req, g))
			}
		}
		within := matchAll()
		if len(others) > 0 {
			within = all(nil, others)
		}
		aggs["f_"+f] = obj{"filter": within, "aggs": obj{"v": facetAgg(f)}}
	}
	if len(aggs) > 0 {
		body["aggs"] = aggs
	}
	return body
}

// filtered is q under every filter of req, for the searches around a
// collapsed one.
func filtered(q obj, req index.Request) obj {
	var filter []any
	for _, f := range index.FilterFields {
		if c := fieldFilter(req, f); c != nil {
			filter = append(filter, c)
		}
	}
	if d := dateFilter(req); d != nil {
		filter = append(filter, d)
	}
	return all(arr{q}, filter)
}

// fieldFilter accepts the values of one keyword field (OR), each in the
// spelling the index counts it under; nil when the request names none.
func fieldFilter(req index.Request, f string) obj {
	vals := req.Filters[f]
	if len(vals) == 0 {
		return nil
	}
	norm := make([]any, len(vals))
	for i, v := range vals {
		norm[i] = indexdoc.FacetValue(v)
	}
	return obj{"terms": obj{f: norm}}
}

// dateFilter bounds the publication time: From inclusive, To exclusive.
func dateFilter(req index.Request) obj {
	if req.From.IsZero() && req.To.IsZero() {
		return nil
	}
	r := obj{}
	if !req.From.IsZero() {
		r["gte"] = req.From.Format(dateLayout)
	}
	if !req.To.IsZero() {
		r["lt"] = req.To.Format(dateLayout)
	}
	return obj{"range": obj{fPublished: r}}
}

// facetAgg counts one facet: keyword fields by value, most frequent first
// then by value (the embedded engine's order); histograms per calendar
// period in Vietnam time, every period with a match.
func facetAgg(f string) obj {
	if h, ok := histograms[f]; ok {
		return obj{"date_histogram": obj{
			"field": fPublished, "calendar_interval": h.interval, "format": h.format,
			"time_zone": vietnamOffset, "min_doc_count": 1,
		}}
	}
	return obj{"terms": obj{
		"field": f, "size": facetSizes[f],
		"order": arr{obj{"_count": "desc"}, obj{"_key": "asc"}},
	}}
}

// sortOrder is the sort of a request, every order ending with the id so
// that cursors are exact; reverse gives the order backwards (to look
// before a cursor). Undated articles come last either way.
func sortOrder(s index.Sort, reverse bool) arr {
	dir := func(forward string) string {
		if !reverse {
			return forward
		}
		if forward == "asc" {
			return "desc"
		}
		return "asc"
	}
	missing := "_last"
	if reverse {
		missing = "_first"
	}
	id := obj{fUID: obj{"order": dir("asc")}}
	switch s {
	case index.SortNewest:
		return arr{obj{fPublished: obj{"order": dir("desc"), "missing": missing}}, id}
	case index.SortOldest:
		return arr{obj{fPublished: obj{"order": dir("asc"), "missing": missing}}, id}
	default:
		return arr{obj{"_score": obj{"order": dir("desc")}}, id}
	}
}

// searchAfter decodes a cursor: the score (relevance) or the publication
// time in epoch milliseconds (date orders), then the id. Anything else is
// a forged or stale cursor.
func searchAfter(req index.Request) ([]any, error) {
	if len(req.After) == 0 {
		return nil, nil
	}
	if len(req.After) != 2 {
		return nil, index.ErrBadCursor
	}
	var first any
	if req.Sort == index.SortRelevance {
		f, err := strconv.ParseFloat(req.After[0], 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			return nil, index.ErrBadCursor
		}
		first = f
	} else {
		n, err := strconv.ParseInt(req.After[0], 10, 64)
		if err != nil {
			return nil, index.ErrBadCursor
		}
		first = n
	}
	return []any{first, req.After[1]}, nil
}

// searchAnswer is the part of a _search answer we read.
type searchAnswer struct {
	Shards struct {
		Total    int `json:"total"`
		Failed   int `json:"failed"`
		Failures []struct {
			Index  string `json:"index"`
			Reason struct {
				Type   string `json:"type"`
				Reason string `json:"reason"`
			} `json:"reason"`
		} `json:"failures"`
	} `json:"_shards"`
	Hits struct {
		Total json.RawMessage `json:"total"`
		Hits  []rawHit        `json:"hits"`
	} `json:"hits"`
	Aggregations map[string]json.RawMessage `json:"aggregations"`
	PitID        string                     `json:"pit_id"`
	total        uint64
}

type rawHit struct {
	ID     string   `json:"_id"`
	Score  *float64 `json:"_score"`
	Source struct {
		Src     json.RawMessage `json:"src"`
		Cluster string          `json:"cluster"`
	} `json:"_source"`
	Sort []json.RawMessage `json:"sort"`
}

func (h rawHit) score() float64 {
	if h.Score == nil {
		return 0
	}
	return *h.Score
}

// sortKey is the hit's sort values as the contract's cursor: numbers as
// the engine wrote them, so they go back unchanged.
func (h rawHit) sortKey() []string {
	out := make([]string, 0, len(h.Sort))
	for _, v := range h.Sort {
		var s string
		if len(v) > 0 && v[0] == '"' && json.Unmarshal(v, &s) == nil {
			out = append(out, s)
			continue
		}
		out = append(out, string(bytes.TrimSpace(v)))
	}
	return out
}

// search runs a _search body on the alias. The engine refusing the body
// (400) is a bad request: the query (a window past the engine's
// max_result_window, a malformed cursor) or our plan of it. A shard that
// failed fails the search: its articles would silently be missing.
func (b *Backend) search(ctx context.Context, body obj) (*searchAnswer, error) {
	return b.searchAt(ctx, b.path("_search"), body)
}

// searchAt runs a _search body at path: an index's, or "/_search" for a
// point in time.
func (b *Backend) searchAt(ctx context.Context, path string, body obj) (*searchAnswer, error) {
	var ans searchAnswer
	err := b.c.send(ctx, call{method: http.MethodPost, path: path, body: mustJSON(body)}, &ans)
	if err != nil {
		var apiErr *APIError
		if errors.As(err, &apiErr) && apiErr.Status == http.StatusBadRequest {
			return nil, fmt.Errorf("search: %w: %v", index.ErrBadRequest, err)
		}
		return nil, fmt.Errorf("search: %w", err)
	}
	if ans.Shards.Failed > 0 {
		why := ""
		if len(ans.Shards.Failures) > 0 {
			f := ans.Shards.Failures[0]
			why = ": " + f.Reason.Type + ": " + f.Reason.Reason
		}
		return nil, fmt.Errorf("search: %d of %d shards failed%s", ans.Shards.Failed, ans.Shards.Total, why)
	}
	// Totals are {"value": N, "relation": "eq"} since Elasticsearch 7; a
	// bare number before, and with rest_total_hits_as_int.
	var t struct {
		Value uint64 `json:"value"`
	}
	if err := json.Unmarshal(ans.Hits.Total, &t); err == nil {
		ans.total = t.Value
	} else if err := json.Unmarshal(ans.Hits.Total, &ans.total); err != nil && len(ans.Hits.Total) > 0 {
		return nil, fmt.Errorf("search: total %s: %w", ans.Hits.Total, err)
	}
	return &ans, nil
}

// facetValues reads one facet's buckets. A histogram longer than its size
// keeps its most frequent periods, in time order, as the embedded engine.
func facetValues(f string, raw json.RawMessage) ([]index.FacetValue, error) {
	out := []index.FacetValue{}
	if len(raw) == 0 {
		return out, nil
	}
	var agg struct {
		V struct {
			Buckets []struct {
				Key         json.RawMessage `json:"key"`
				KeyAsString string          `json:"key_as_string"`
				DocCount    int             `json:"doc_count"`
			} `json:"buckets"`
		} `json:"v"`
	}
	if err := json.Unmarshal(raw, &agg); err != nil {
		return nil, err
	}
	for _, bk := range agg.V.Buckets {
		v := bk.KeyAsString
		if v == "" && json.Unmarshal(bk.Key, &v) != nil {
			v = string(bk.Key)
		}
		if bk.DocCount > 0 {
			out = append(out, index.FacetValue{Value: v, Count: bk.DocCount})
		}
	}
	if _, ok := histograms[f]; ok && len(out) > facetSizes[f] {
		slices.SortFunc(out, func(a, b index.FacetValue) int {
			if a.Count != b.Count {
				return cmp.Compare(b.Count, a.Count)
			}
			return strings.Compare(a.Value, b.Value)
		})
		out = out[:facetSizes[f]]
		slices.SortFunc(out, func(a, b index.FacetValue) int { return strings.Compare(a.Value, b.Value) })
	}
	return out, nil
}

// collapse keeps the first hit of each cluster among the window of hits,
// pages the survivors by Offset and Size, fetches their articles, and
// counts for each the other matching articles of its cluster. With a
// cursor, a cluster whose best-placed copy came before the cursor was
// shown on an earlier page and is skipped.
func (b *Backend) collapse(ctx context.Context, q obj, req index.Request, hits []rawHit, out *index.Result) error {
	seen := map[string]bool{}
	if len(req.After) > 0 {
		prior, err := b.clustersBefore(ctx, q, req, hits)
		if err != nil {
			return err
		}
		for c := range prior {
			seen[c] = true
		}
	}
	reps := index.FirstOfClusters(hits, func(h rawHit) string { return h.Source.Cluster }, seen, req.Offset, req.Size)
	if len(reps) == 0 {
		return nil
	}
	ids := make([]string, len(reps))
	for i, h := range reps {
		ids[i] = h.ID
	}
	arts, err := b.articles(ctx, ids)
	if err != nil {
		return fmt.Errorf("search: %w", err)
	}
	var clusters []string
	for _, h := range reps {
		a, ok := arts[h.ID]
		if !ok {
			continue // deleted since the window was read
		}
		out.Hits = append(out.Hits, index.Hit{Article: a, Score: h.score(), SortKey: h.sortKey()})
		if a.Cluster != "" && !slices.Contains(clusters, a.Cluster) {
			clusters = append(clusters, a.Cluster)
		}
	}
	if len(clusters) == 0 {
		return nil
	}
	body := obj{
		"query": filtered(q, req.WithFilter(index.FieldCluster, clusters)), "size": 0, "track_total_hits": false,
		"aggs": obj{"c": obj{"terms": obj{"field": index.FieldCluster, "size": len(clusters)}}},
	}
	ans, err := b.search(ctx, body)
	if err != nil {
		return fmt.Errorf("count copies: %w", err)
	}
	var agg struct {
		Buckets []struct {
			Key      string `json:"key"`
			DocCount int    `json:"doc_count"`
		} `json:"buckets"`
	}
	if err := json.Unmarshal(ans.Aggregations["c"], &agg); err != nil && len(ans.Aggregations["c"]) > 0 {
		return fmt.Errorf("search: count copies: %w", err)
	}
	counts := map[string]int{}
	for _, bk := range agg.Buckets {
		counts[bk.Key] = bk.DocCount
	}
	index.SetCopies(out.Hits, counts)
	return nil
}

// clustersBefore returns the clusters of hits that also have a match
// placed before the request's cursor: the same query narrowed to those
// clusters, sorted backwards from the cursor, and the cursor's own article
// (search_after leaves it out).
func (b *Backend) clustersBefore(ctx context.Context, q obj, req index.Request, hits []rawHit) (map[string]bool, error) {
	var clusters []string
	for _, h := range hits {
		if c := h.Source.Cluster; c != "" && !slices.Contains(clusters, c) {
			clusters = append(clusters, c)
		}
	}
	prior := map[string]bool{}
	if len(clusters) == 0 {
		return prior, nil
	}
	after, err := searchAfter(req)
	if err != nil {
		return nil, err
	}
	body := obj{
		"query": filtered(q, req.WithFilter(index.FieldCluster, clusters)), "size": priorLimit,
		"sort": sortOrder(req.Sort, true), "search_after": after, "_source": arr{index.FieldCluster},
		"track_total_hits": false,
	}
	ans, err := b.search(ctx, body)
	if err != nil {
		return nil, fmt.Errorf("clusters before cursor: %w", err)
	}
	for _, h := range ans.Hits.Hits {
		if h.Source.Cluster != "" {
			prior[h.Source.Cluster] = true
		}
	}
	arts, err := b.articles(ctx, req.After[len(req.After)-1:])
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	for _, a := range arts {
		if a.Cluster != "" {
			prior[a.Cluster] = true
		}
	}
	return prior, nil
}

// articles fetches stored articles by id; ids not found are left out.
func (b *Backend) articles(ctx context.Context, ids []string) (map[string]article.Article, error) {
	var ans struct {
		Docs []struct {
			ID     string `json:"_id"`
			Found  bool   `json:"found"`
			Source struct {
				Src json.RawMessage `json:"src"`
			} `json:"_source"`
		} `json:"docs"`
	}
	q := url.Values{"_source_includes": {fSource}}
	if err := b.c.send(ctx, call{method: http.MethodPost, path: b.path("_mget"), query: q, body: mustJSON(obj{"ids": ids})}, &ans); err != nil {
		return nil, fmt.Errorf("fetch articles: %w", err)
	}
	out := make(map[string]article.Article, len(ids))
	for _, d := range ans.Docs {
		if !d.Found {
			continue
		}
		a, err := indexdoc.Decode(d.Source.Src)
		if err != nil {
			return nil, fmt.Errorf("fetch article %s: %w", d.ID, err)
		}
		a.ID = d.ID
		out[d.ID] = a
	}
	return out, nil
}
