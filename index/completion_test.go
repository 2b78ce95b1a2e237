package index

import (
	"slices"
	"testing"
)

func TestMostFrequent(t *testing.T) {
	counts := []TermCount{{"thì", 50}, {"thế", 30}, {"thủ", 20}, {"thư", 5}}
	for _, tc := range []struct {
		top, maxDocs int
		want         []string
	}{
		{2, 0, []string{"thì", "thế"}},
		{10, 0, []string{"thì", "thế", "thủ", "thư"}},
		{10, 85, []string{"thì", "thế"}}, // a third word would pass 85 articles
		{10, 10, []string{"thì"}},        // always at least one
		{0, 0, nil},
	} {
		if got := MostFrequent(counts, tc.top, tc.maxDocs); !slices.Equal(got, tc.want) {
			t.Errorf("MostFrequent(top %d, maxDocs %d) = %q, want %q", tc.top, tc.maxDocs, got, tc.want)
		}
	}
}
