package bleve

import (
	"context"
	"fmt"

	blevelib "github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/tracuu/tracuu/index"
)

// collapseWindow bounds the hits a collapsed search looks through.
const collapseWindow = 5000

// collapse keeps the first hit of each cluster, pages the survivors, and
// counts for each the other matching articles of its cluster.
func (b *Bleve) collapse(ctx context.Context, q query.Query, req index.Request, out *index.Result) error {
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
	reps := index.FirstOfClusters(out.Hits, func(h index.Hit) string { return h.Article.Cluster }, seen, req.Offset, req.Size)
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
	creq := req.WithFilter(index.FieldCluster, clusters)
	cq := blevelib.NewSearchRequestOptions(b.filtered(q, creq, ""), 0, 0, false)
	cq.AddFacet(index.FieldCluster, blevelib.NewFacetRequest(index.FieldCluster, len(clusters)))
	res, err := b.search(ctx, cq)
	if err != nil {
		return fmt.Errorf("search: count copies: %w", err)
	}
	counts := map[string]int{}
	if fr := res.Facets[index.FieldCluster]; fr != nil && fr.Terms != nil {
		for _, t := range fr.Terms.Terms() {
			counts[t.Term] = t.Count
		}
	}
	index.SetCopies(out.Hits, counts)
	return nil
}

// priorLimit bounds how far before a cursor clustersBefore looks.
const priorLimit = 1000

// clustersBefore returns the clusters of hits that also have a match
// ranked before the request's cursor.
func (b *Bleve) clustersBefore(ctx context.Context, q query.Query, req index.Request, hits []index.Hit) (map[string]bool, error) {
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
	creq := req.WithFilter(index.FieldCluster, clusters)
	sr := blevelib.NewSearchRequestOptions(b.filtered(q, creq, ""), priorLimit, 0, false)
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
