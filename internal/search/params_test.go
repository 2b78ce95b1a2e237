package search

import (
	"errors"
	"net/url"
	"testing"
	"time"

	"github.com/tracuu/tracuu/index"
	"github.com/tracuu/tracuu/internal/article"
)

func TestParseParams(t *testing.T) {
	v, _ := url.ParseQuery("q=dân+chủ&site=a.vn&site=b.vn&from=2020-02&to=2020&sort=newest&size=20&page=3&facets=site,month")
	p, err := ParseParams(v)
	if err != nil {
		t.Fatal(err)
	}
	if p.Q != "dân chủ" || len(p.Filters["site"]) != 2 || p.Sort != index.SortNewest || p.Size != 20 || p.Page != 3 {
		t.Errorf("params = %+v", p)
	}
	if !p.From.Equal(time.Date(2020, 2, 1, 0, 0, 0, 0, article.Vietnam)) || !p.To.Equal(time.Date(2021, 1, 1, 0, 0, 0, 0, article.Vietnam)) {
		t.Errorf("from/to = %v / %v; want Feb 2020 up to the end of 2020", p.From, p.To)
	}
	if len(p.Facets) != 2 || p.Facets[1] != "month" {
		t.Errorf("facets = %v", p.Facets)
	}
	d, _ := ParseParams(url.Values{})
	if d.Size != 10 || d.Page != 1 || len(d.Facets) != 3 {
		t.Errorf("defaults = %+v", d)
	}
}

func TestParseParamsErrors(t *testing.T) {
	for _, tc := range []struct{ query, param string }{
		{"size=abc", "size"}, {"size=0", "size"}, {"size=101", "size"}, {"page=0", "page"}, {"page=-1", "page"},
		{"page=1001&size=10", "page"}, {"page=101&size=100", "page"}, {"from=2020-13", "from"}, {"to=20201", "to"},
		{"from=2021&to=2020", "to"}, {"sort=best", "sort"}, {"facets=site,colour", "facets"}, {"qq=x", "qq"},
		{"after=x&page=2", "after"},
	} {
		v, _ := url.ParseQuery(tc.query)
		_, err := ParseParams(v)
		var pe *ParamError
		if !errors.As(err, &pe) || pe.Param != tc.param {
			t.Errorf("%s: err %v, want a ParamError on %s", tc.query, err, tc.param)
		}
	}
}

func TestCursorRoundTripAndTampering(t *testing.T) {
	c := cursor{Sort: index.SortNewest, Key: []string{"x", "a01"}}
	got, err := decodeCursor(encodeCursor(c))
	if err != nil || got.Sort != c.Sort || len(got.Key) != 2 || got.Key[1] != "a01" {
		t.Fatalf("round trip = %+v, %v", got, err)
	}
	for _, bad := range []string{"", "!!!", "e30", encodeCursor(cursor{Sort: 9, Key: []string{"a"}}), encodeCursor(cursor{})} {
		if _, err := decodeCursor(bad); !IsBadRequest(err) {
			t.Errorf("decodeCursor(%q) = %v, want a bad-request error", bad, err)
		}
	}
}

func FuzzCursor(f *testing.F) {
	f.Add(encodeCursor(cursor{Sort: index.SortNewest, Key: []string{"x", "a01"}}))
	f.Add("e30")
	f.Add("eyJzIjo5LCJrIjpbXX0")
	f.Fuzz(func(t *testing.T, s string) {
		c, err := decodeCursor(s)
		if err != nil {
			if !IsBadRequest(err) {
				t.Fatalf("decodeCursor(%q): %v is not a bad request", s, err)
			}
			return
		}
		again, err := decodeCursor(encodeCursor(c))
		if err != nil || again.Sort != c.Sort || len(again.Key) != len(c.Key) {
			t.Fatalf("cursor %+v does not round-trip: %+v, %v", c, again, err)
		}
	})
}
