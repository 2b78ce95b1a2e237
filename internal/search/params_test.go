package search

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/url"
	"strings"
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

func TestParseQueryStrict(t *testing.T) {
	for _, tc := range []struct{ raw, param string }{
		{"q=gi%C3%A1+t%C4%83ng+50%", "query string"},
		{"q=zqxss%&format=csv", "query string"},
		{"sizee=5;", "query string"},
		{"q=a;size=5", "query string"},
		{"q=%zz", "query string"},
		{"size=5&size=500", "size"},
		{"sort=newest&sort=bogus", "sort"},
		{"q=a&q=b", "q"},
	} {
		_, err := ParseQuery(tc.raw)
		var pe *ParamError
		if !errors.As(err, &pe) || pe.Param != tc.param {
			t.Errorf("ParseQuery(%q) = %v, want a ParamError on %s", tc.raw, err, tc.param)
		}
	}
	v, err := ParseQuery("q=gi%C3%A1+t%C4%83ng+50%25&site=a.vn&site=b.vn")
	if err != nil || v.Get("q") != "giá tăng 50%" || len(v["site"]) != 2 {
		t.Errorf("a well-formed query string: %v, %v", v, err)
	}
	if _, err := ParseParams(url.Values{"size": {"5", "500"}}); err == nil {
		t.Error("ParseParams took a repeated size")
	}
}

func TestDatesOutsideTheEngineRange(t *testing.T) {
	for _, q := range []string{"from=0000", "to=9999-12-31", "to=9999", "from=1677-09-20", "to=2262", "from=2262-01"} {
		v, _ := url.ParseQuery(q)
		_, err := ParseParams(v)
		var pe *ParamError
		if !errors.As(err, &pe) || !strings.Contains(pe.Msg, "1678 to 2261") {
			t.Errorf("%s: %v, want a 400 naming the accepted range", q, err)
		}
	}
	for _, q := range []string{"from=1678", "to=2261-12-31", "from=1900-01-01&to=2261"} {
		v, _ := url.ParseQuery(q)
		if _, err := ParseParams(v); err != nil {
			t.Errorf("%s: %v", q, err)
		}
	}
}

func TestCursorForgeries(t *testing.T) {
	for _, score := range []string{"NaN", "-Inf", "+Inf", "nan", "1e400"} {
		c := encodeCursor(cursor{Sort: index.SortRelevance, Key: []string{score, "a"}})
		if _, err := decodeCursor(c); !IsBadRequest(err) {
			t.Errorf("cursor with score %s accepted", score)
		}
	}
	// 200 tied ids of 3 KB: the cursor this API hands out stays under the
	// cap (oldest ids dropped), and a forged one over it is refused.
	key := []string{"1.5"}
	for i := range 200 {
		key = append(key, strings.Repeat(string(rune('a'+i%26)), 3000))
	}
	enc := encodeCursor(cursor{Sort: index.SortRelevance, Key: key})
	if len(enc) > MaxCursorBytes {
		t.Errorf("encoded cursor of %d bytes, over %d", len(enc), MaxCursorBytes)
	}
	if c, err := decodeCursor(enc); err != nil || c.Key[len(c.Key)-1] != key[len(key)-1] {
		t.Errorf("trimmed cursor: %v (must keep the latest id)", err)
	}
	b, _ := json.Marshal(cursor{Sort: index.SortRelevance, Key: key})
	if _, err := decodeCursor(base64.RawURLEncoding.EncodeToString(b)); !IsBadRequest(err) {
		t.Errorf("an %d-byte cursor was accepted", base64.RawURLEncoding.EncodedLen(len(b)))
	}
}
