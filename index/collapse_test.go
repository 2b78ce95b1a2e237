package index

import (
	"slices"
	"testing"

	"github.com/tracuu/tracuu/internal/article"
)

func TestCollapseHelpers(t *testing.T) {
	hit := func(id, cluster string) Hit { return Hit{Article: article.Article{ID: id, Cluster: cluster}} }
	hits := []Hit{hit("a1", "a"), hit("x", ""), hit("a2", "a"), hit("b1", "b"), hit("y", ""), hit("c1", "c")}
	cluster := func(h Hit) string { return h.Article.Cluster }
	ids := func(hs []Hit) []string {
		var out []string
		for _, h := range hs {
			out = append(out, h.Article.ID)
		}
		return out
	}
	for _, c := range []struct {
		name         string
		seen         []string
		offset, size int
		want         []string
	}{
		{"first of each cluster, unclustered all kept", nil, 0, 10, []string{"a1", "x", "b1", "y", "c1"}},
		{"paged", nil, 1, 2, []string{"x", "b1"}},
		{"clusters shown before are left out", []string{"a"}, 0, 10, []string{"x", "b1", "y", "c1"}},
		{"past the end", nil, 9, 2, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			seen := map[string]bool{}
			for _, s := range c.seen {
				seen[s] = true
			}
			if got := ids(FirstOfClusters(hits, cluster, seen, c.offset, c.size)); !slices.Equal(got, c.want) {
				t.Errorf("FirstOfClusters = %q, want %q", got, c.want)
			}
		})
	}

	reps := []Hit{hit("a1", "a"), hit("b1", "b"), hit("x", "")}
	SetCopies(reps, map[string]int{"a": 3, "b": 1})
	if reps[0].Copies != 2 || reps[1].Copies != 0 || reps[2].Copies != 0 {
		t.Errorf("copies %d %d %d, want 2 0 0", reps[0].Copies, reps[1].Copies, reps[2].Copies)
	}

	r := Request{Filters: map[string][]string{FieldSite: {"vnexpress.net"}}}
	n := r.WithFilter(FieldCluster, []string{"a"})
	if len(r.Filters) != 1 || len(n.Filters) != 2 || n.Filters[FieldCluster][0] != "a" || n.Filters[FieldSite][0] != "vnexpress.net" {
		t.Errorf("WithFilter: original %v, new %v", r.Filters, n.Filters)
	}
}
