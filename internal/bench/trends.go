package bench

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"time"
)

// TrendFigures compare a trends request of two queries with monthly
// buckets to a search of the first of them with the site, section and
// month facets, both over HTTP, alternating, on the same query pairs.
type TrendFigures struct {
	Pairs   int     `json:"pairs"`
	Trends  Latency `json:"trends"`
	Faceted Latency `json:"faceted_search"`
	Ratio   float64 `json:"p50_ratio"` // trends p50 / faceted search p50
}

// trendPairs is how many query pairs the trends phase asks.
const trendPairs = 40

func trends(ctx context.Context, hc *http.Client, base string, mix []Query) (*TrendFigures, error) {
	var tr, fs []time.Duration
	n := min(trendPairs, len(mix)/2)
	for pass := 0; pass < 2; pass++ { // the first pass warms up
		for i := 0; i < n; i++ {
			a, b := mix[2*i].Text, mix[2*i+1].Text
			t := time.Now()
			if _, err := get(ctx, hc, base+"/api/trends?interval=month&q="+url.QueryEscape(a)+"&q="+url.QueryEscape(b)); err != nil {
				return nil, fmt.Errorf("trends: %w", err)
			}
			d := time.Since(t)
			t = time.Now()
			if _, err := get(ctx, hc, searchURL(base, a)+"&facets=site,section,month"); err != nil {
				return nil, fmt.Errorf("trends baseline: %w", err)
			}
			if pass == 1 {
				tr, fs = append(tr, d), append(fs, time.Since(t))
			}
		}
	}
	f := &TrendFigures{Pairs: n, Trends: summarize(tr), Faceted: summarize(fs)}
	if f.Faceted.P50 > 0 {
		f.Ratio = round(f.Trends.P50/f.Faceted.P50, 2)
	}
	return f, nil
}
