package index

// Collapse (Request.Collapse) keeps the best-placed hit of each cluster of
// near-duplicates and counts the other matching articles of its cluster
// as the hit's Copies. The helpers below are the engine-neutral part every
// backend shares; finding the window of hits, the clusters shown before a
// cursor and the counts is each engine's own.

// FirstOfClusters keeps, in order, the first hit of each cluster not in
// seen (hits without a cluster all stay), then pages them by offset and
// size. seen is extended with the clusters kept.
func FirstOfClusters[H any](hits []H, cluster func(H) string, seen map[string]bool, offset, size int) []H {
	var reps []H
	for _, h := range hits {
		c := cluster(h)
		if c != "" && seen[c] {
			continue
		}
		seen[c] = c != ""
		reps = append(reps, h)
	}
	if offset >= len(reps) {
		return nil
	}
	return reps[offset:min(len(reps), offset+size)]
}

// SetCopies sets each hit's Copies from the matches counted per cluster:
// every match of its cluster but the hit itself.
func SetCopies(hits []Hit, counts map[string]int) {
	for i := range hits {
		if n := counts[hits[i].Article.Cluster]; n > 1 {
			hits[i].Copies = n - 1
		}
	}
}

// WithFilter returns r with the filter on field replaced by values; r's
// own filters are left as they were.
func (r Request) WithFilter(field string, values []string) Request {
	f := make(map[string][]string, len(r.Filters)+1)
	for k, v := range r.Filters {
		f[k] = v
	}
	f[field] = values
	r.Filters = f
	return r
}
