package index

// TermCount is a word of the index and the number of articles holding it.
type TermCount struct {
	Term  string
	Count uint64
}

// MostFrequent returns the terms of counts (most frequent first) that a
// prefix completion searches: the first top of them, and with maxDocs > 0
// only as many as maxDocs articles hold in all (at least one).
func MostFrequent(counts []TermCount, top, maxDocs int) []string {
	var out []string
	docs := uint64(0)
	for _, t := range counts[:min(top, len(counts))] {
		docs += t.Count
		if maxDocs > 0 && len(out) > 0 && docs > uint64(maxDocs) {
			break
		}
		out = append(out, t.Term)
	}
	return out
}
