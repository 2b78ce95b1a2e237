package search

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/tracuu/tracuu/index"
	"github.com/tracuu/tracuu/internal/article"
)

// Limits of a trends request.
const (
	MaxTrendQueries = 8
	MaxTrendBuckets = 5000 // about 14 years of days; coarser intervals go further
)

// Trend intervals.
const (
	IntervalYear  = "year"
	IntervalMonth = "month"
	IntervalWeek  = "week"
	IntervalDay   = "day"
)

// TrendParams is a trends request: several queries over the same filters.
type TrendParams struct {
	Queries  []string
	Interval string // "" picks one from the span of the data
	Filters  map[string][]string
	From, To time.Time // To exclusive, as in Params
	Exact    bool
	Format   string // json (default) or csv
}

// ParseTrendParams reads q (repeated, 1 to MaxTrendQueries), interval and
// the filters of a search. Paging, sorting and facets do not apply.
func ParseTrendParams(v url.Values) (TrendParams, error) {
	v = cloneValues(v)
	var tp TrendParams
	for _, q := range v["q"] {
		if q = strings.TrimSpace(q); q != "" {
			tp.Queries = append(tp.Queries, q)
		}
	}
	if len(v["q"]) > 0 && len(tp.Queries) == 0 {
		tp.Queries = []string{""} // q= alone: the whole archive
	}
	switch {
	case len(v["q"]) == 0:
		return tp, &ParamError{Param: "q", Msg: "give at least one query (q=…, repeated to compare)"}
	case len(tp.Queries) > MaxTrendQueries:
		return tp, &ParamError{Param: "q", Msg: fmt.Sprintf("at most %d queries", MaxTrendQueries)}
	}
	tp.Interval = v.Get("interval")
	switch tp.Interval {
	case "", IntervalYear, IntervalMonth, IntervalWeek, IntervalDay:
	default:
		return tp, &ParamError{Param: "interval", Msg: fmt.Sprintf("%q is not year, month, week or day", tp.Interval)}
	}
	tp.Format = v.Get("format")
	switch tp.Format {
	case "", FormatJSON, FormatCSV:
	default:
		return tp, &ParamError{Param: "format", Msg: fmt.Sprintf("%q is not json or csv", tp.Format)}
	}
	v.Del("q")
	v.Del("interval")
	v.Del("format")
	p, err := parseFiltersOnly(v, "trends")
	if err != nil {
		return tp, err
	}
	tp.Filters, tp.From, tp.To, tp.Exact = p.Filters, p.From, p.To, p.Exact
	return tp, nil
}

// parseFiltersOnly reads the filters of a search (site, section, author,
// cluster, from, to, exact), refusing the parameters of a result list.
func parseFiltersOnly(v url.Values, what string) (Params, error) {
	for _, k := range []string{"sort", "size", "page", "after", "facets", "collapse"} {
		if v.Has(k) {
			return Params{}, &ParamError{Param: k, Msg: "does not apply to " + what}
		}
	}
	return ParseParams(v)
}

func cloneValues(v url.Values) url.Values {
	out := make(url.Values, len(v))
	for k, s := range v {
		out[k] = append([]string(nil), s...)
	}
	return out
}

// Trends is the answer of /api/trends. Buckets are shared by every series:
// Series[i].Counts[j] is the number of articles matching query i published
// in Buckets[j], and PerTenK[j] that number per 10,000 of the articles of
// that bucket that pass the same filters (Buckets[j].Articles).
type Trends struct {
	Interval string        `json:"interval"`
	TookMS   int64         `json:"took_ms"`
	Buckets  []TrendBucket `json:"buckets"`
	Series   []TrendSeries `json:"series"`
}

// TrendBucket is one period: Start and End are its first and last days,
// the from and to a search for exactly this period takes.
type TrendBucket struct {
	Key      string `json:"key"`
	Start    string `json:"start"`
	End      string `json:"end"`
	Articles int    `json:"articles"`
}

// TrendSeries is the counts of one query.
type TrendSeries struct {
	Q           string    `json:"q"`
	Interpreted string    `json:"interpreted,omitempty"`
	Total       int       `json:"total"` // matches with a date in the buckets
	Counts      []int     `json:"counts"`
	PerTenK     []float64 `json:"per_10k"`
}

// Trends counts the matches of each query per period. Each query is one
// count-only search that tallies its matches per publication day (the
// engine's day histogram); one more such search over every article that
// passes the filters gives the denominators. Periods are cut from the days
// in Vietnam time, as from and to are read, so a bucket's count is the
// total of a search with from=Start and to=End.
func (s *Service) Trends(ctx context.Context, tp TrendParams) (Trends, error) {
	start := time.Now()
	plans := make([]Planned, len(tp.Queries))
	for i, q := range tp.Queries {
		p, err := s.Plan(ctx, q, tp.Exact)
		if err != nil {
			return Trends{}, err
		}
		plans[i] = p
	}
	// Series 0..n-1 are the queries, n the denominator.
	days := make([]map[string]int, len(plans)+1)
	errs := make([]error, len(plans)+1)
	var wg sync.WaitGroup
	for i := range days {
		var q index.Query = index.MatchAll{}
		if i < len(plans) {
			q = plans[i].Query
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			if i == len(plans) {
				days[i], errs[i] = s.denominators(ctx, tp)
				return
			}
			days[i], errs[i] = s.dayCounts(ctx, q, tp)
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return Trends{}, err
		}
	}
	first, last := tp.From, tp.To.AddDate(0, 0, -1)
	if tp.From.IsZero() || tp.To.IsZero() {
		lo, hi, ok := daySpan(days[:len(plans)])
		if !ok {
			lo, hi, ok = daySpan(days[len(plans):])
		}
		if tp.From.IsZero() {
			first = lo
		}
		if tp.To.IsZero() {
			last = hi
		}
		if !ok {
			first, last = time.Time{}, time.Time{}
		}
	}
	interval := tp.Interval
	if interval == "" {
		interval = defaultInterval(first, last)
	}
	out := Trends{Interval: interval, Buckets: []TrendBucket{}, Series: make([]TrendSeries, len(plans))}
	var bounds [][2]time.Time
	if !first.IsZero() && !last.Before(first) {
		for b := bucketStart(first, interval); !b.After(last); b = nextBucket(b, interval) {
			// The first and last periods are cut to the span asked for, so
			// that a bucket's dates are the dates it counts.
			lo, hi := b, nextBucket(b, interval).AddDate(0, 0, -1)
			if lo.Before(first) {
				lo = first
			}
			if hi.After(last) {
				hi = last
			}
			bounds = append(bounds, [2]time.Time{lo, hi})
			if len(bounds) > MaxTrendBuckets {
				return Trends{}, &ParamError{Param: "interval", Msg: fmt.Sprintf("more than %d %ss: choose a longer interval or a shorter period", MaxTrendBuckets, interval)}
			}
		}
	}
	bucketOf := func(day string) int {
		t, err := time.ParseInLocation("2006-01-02", day, article.Vietnam)
		if err != nil || len(bounds) == 0 || t.Before(bounds[0][0]) || t.After(bounds[len(bounds)-1][1]) {
			return -1
		}
		// Buckets are in order and contiguous: search by start.
		lo, hi := 0, len(bounds)-1
		for lo < hi {
			mid := (lo + hi + 1) / 2
			if bounds[mid][0].After(t) {
				hi = mid - 1
			} else {
				lo = mid
			}
		}
		return lo
	}
	for _, b := range bounds {
		out.Buckets = append(out.Buckets, TrendBucket{Key: bucketKey(bucketStart(b[0], interval), interval), Start: b[0].Format("2006-01-02"), End: b[1].Format("2006-01-02")})
	}
	for day, n := range days[len(plans)] {
		if j := bucketOf(day); j >= 0 {
			out.Buckets[j].Articles += n
		}
	}
	for i, p := range plans {
		ser := TrendSeries{Q: tp.Queries[i], Interpreted: p.Interpreted, Counts: make([]int, len(bounds)), PerTenK: make([]float64, len(bounds))}
		for day, n := range days[i] {
			if j := bucketOf(day); j >= 0 {
				ser.Counts[j] += n
				ser.Total += n
			}
		}
		for j, n := range ser.Counts {
			if a := out.Buckets[j].Articles; a > 0 {
				ser.PerTenK[j] = roundTo(float64(n)*10000/float64(a), 2)
			}
		}
		out.Series[i] = ser
	}
	out.TookMS = time.Since(start).Milliseconds()
	return out, nil
}

// dayCounts counts the matches of q under tp's filters per day.
func (s *Service) dayCounts(ctx context.Context, q index.Query, tp TrendParams) (map[string]int, error) {
	res, err := s.Backend.Search(ctx, index.Request{Query: q, Filters: tp.Filters, From: tp.From, To: tp.To, Facets: []string{index.FieldDay}})
	if err != nil {
		if errors.Is(err, index.ErrBadRequest) {
			return nil, &ParamError{Param: "q", Msg: err.Error()}
		}
		return nil, fmt.Errorf("trends: %w", err)
	}
	out := make(map[string]int, len(res.Facets[index.FieldDay]))
	for _, fv := range res.Facets[index.FieldDay] {
		out[fv.Value] = fv.Count
	}
	return out, nil
}

// daySpan returns the first and last day with a count in any of ms.
func daySpan(ms []map[string]int) (lo, hi time.Time, ok bool) {
	var first, last string
	for _, m := range ms {
		for d, n := range m {
			if n == 0 {
				continue
			}
			if first == "" || d < first {
				first = d
			}
			if d > last {
				last = d
			}
		}
	}
	if first == "" {
		return lo, hi, false
	}
	lo, err1 := time.ParseInLocation("2006-01-02", first, article.Vietnam)
	hi, err2 := time.ParseInLocation("2006-01-02", last, article.Vietnam)
	return lo, hi, err1 == nil && err2 == nil
}

// defaultInterval gives a chart of a few dozen to a few hundred points.
func defaultInterval(first, last time.Time) string {
	days := last.Sub(first).Hours() / 24
	switch {
	case first.IsZero() || days > 20*366:
		return IntervalYear
	case days > 2*366:
		return IntervalMonth
	case days > 92:
		return IntervalWeek
	default:
		return IntervalDay
	}
}

// bucketStart is the first day of the period holding t. Weeks start on
// Monday (ISO 8601).
func bucketStart(t time.Time, interval string) time.Time {
	y, m, d := t.Date()
	switch interval {
	case IntervalYear:
		return time.Date(y, 1, 1, 0, 0, 0, 0, article.Vietnam)
	case IntervalMonth:
		return time.Date(y, m, 1, 0, 0, 0, 0, article.Vietnam)
	case IntervalWeek:
		back := (int(t.Weekday()) + 6) % 7
		return time.Date(y, m, d-back, 0, 0, 0, 0, article.Vietnam)
	}
	return time.Date(y, m, d, 0, 0, 0, 0, article.Vietnam)
}

func nextBucket(t time.Time, interval string) time.Time {
	switch interval {
	case IntervalYear:
		return t.AddDate(1, 0, 0)
	case IntervalMonth:
		return t.AddDate(0, 1, 0)
	case IntervalWeek:
		return t.AddDate(0, 0, 7)
	}
	return t.AddDate(0, 0, 1)
}

// bucketKey names a period: 2020, 2020-07, 2020-W29 (ISO week), 2020-07-16.
func bucketKey(t time.Time, interval string) string {
	switch interval {
	case IntervalYear:
		return t.Format("2006")
	case IntervalMonth:
		return t.Format("2006-01")
	case IntervalWeek:
		y, w := t.ISOWeek()
		return fmt.Sprintf("%04d-W%02d", y, w)
	}
	return t.Format("2006-01-02")
}

func roundTo(x float64, digits int) float64 {
	p := 1.0
	for range digits {
		p *= 10
	}
	return float64(int64(x*p+0.5)) / p
}

// WriteTrendsCSV writes a trend as CSV: one row per period with its
// dates and article count, then the count and the count per 10,000 of
// each query.
func WriteTrendsCSV(w io.Writer, tr Trends) error {
	cw := csv.NewWriter(w)
	head := []string{tr.Interval, "start", "end", "articles"}
	for _, s := range tr.Series {
		head = append(head, s.Q, s.Q+" per 10000")
	}
	cw.Write(head)
	for j, b := range tr.Buckets {
		row := []string{b.Key, b.Start, b.End, strconv.Itoa(b.Articles)}
		for _, s := range tr.Series {
			row = append(row, strconv.Itoa(s.Counts[j]), strconv.FormatFloat(s.PerTenK[j], 'f', -1, 64))
		}
		cw.Write(row)
	}
	cw.Flush()
	return cw.Error()
}

// denomCache keeps the articles per day under each set of filters: the
// same for every trend over them until the index changes, and the dearest
// search of a trend, since it visits every article that passes them.
type denomCache struct {
	mu sync.Mutex
	m  map[string]denomEntry
}

type denomEntry struct {
	stamp string // the index's state when counted
	days  map[string]int
}

const maxDenoms = 64

// denominators counts every article that passes tp's filters per day,
// from the cache when the index is as it was when they were counted (its
// article count, size and last write; without a last write, no caching).
func (s *Service) denominators(ctx context.Context, tp TrendParams) (map[string]int, error) {
	st, err := s.Backend.Stats(ctx)
	if err != nil || st.Updated.IsZero() {
		return s.dayCounts(ctx, index.MatchAll{}, tp)
	}
	stamp := fmt.Sprint(st.Articles, " ", st.SizeBytes, " ", st.Updated.UnixNano())
	key := fmt.Sprint(tp.Filters, tp.From.Unix(), tp.To.Unix(), tp.From.IsZero(), tp.To.IsZero())
	c := &s.denoms
	c.mu.Lock()
	e, ok := c.m[key]
	c.mu.Unlock()
	if ok && e.stamp == stamp {
		return e.days, nil
	}
	days, err := s.dayCounts(ctx, index.MatchAll{}, tp)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	if c.m == nil || len(c.m) >= maxDenoms {
		c.m = map[string]denomEntry{}
	}
	c.m[key] = denomEntry{stamp: stamp, days: days}
	c.mu.Unlock()
	return days, nil
}
