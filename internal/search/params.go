package search

import (
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/tracuu/tracuu/index"
	"github.com/tracuu/tracuu/internal/article"
)

// Paging limits of the contract.
const (
	DefaultSize = 10
	MaxSize     = 100
	MaxWindow   = 10000 // page*size beyond this needs the cursor
)

// DefaultFacets are counted when a request names none.
var DefaultFacets = []string{index.FieldSite, index.FieldSection, index.FieldYear}

// Params is a search as the HTTP API and the CLI receive it.
type Params struct {
	Q        string
	Filters  map[string][]string
	From     time.Time // inclusive
	To       time.Time // exclusive (the day, month or year after the one given)
	Sort     index.Sort
	Size     int
	Page     int
	After    string // opaque cursor from a previous answer's "next"
	Facets   []string
	Collapse bool // one hit per near-duplicate cluster
	Exact    bool // search the query as typed, with no other reading (see Plan)
}

// ParamError is invalid input: the parameter and what is wrong with it.
type ParamError struct {
	Param string
	Msg   string
}

func (e *ParamError) Error() string { return fmt.Sprintf("parameter %s: %s", e.Param, e.Msg) }

// known lists every parameter a search takes; anything else is refused so
// that a typo ("sizee=5") is not silently ignored.
var known = map[string]bool{
	"q": true, "site": true, "section": true, "author": true, "from": true, "to": true,
	"sort": true, "size": true, "page": true, "after": true, "facets": true,
	"cluster": true, "collapse": true, "exact": true,
}

// multiValued are the parameters that may repeat (OR within a field); a
// repeat of any other one is refused rather than its first value taken.
var multiValued = map[string]bool{"site": true, "section": true, "author": true}

// ParseQuery reads a raw query string strictly: an escape that does not
// decode, a ';' separator or a repeated single-valued parameter is a 400,
// where net/url's lenient reading drops the pair and goes on, so that
// "q=zqxss%" would export the whole archive.
func ParseQuery(raw string) (url.Values, error) {
	v, err := url.ParseQuery(raw)
	if err != nil {
		return nil, &ParamError{Param: "query string", Msg: strings.TrimPrefix(err.Error(), "invalid URL escape ") + ": not a valid query string (escape % as %25, separate parameters with &)"}
	}
	for k, vals := range v {
		if len(vals) > 1 && !multiValued[k] {
			return nil, &ParamError{Param: k, Msg: "given more than once; it takes one value"}
		}
	}
	return v, nil
}

// CheckKnown refuses parameters outside allowed.
func CheckKnown(v url.Values, allowed ...string) error {
	for k := range v {
		if !slices.Contains(allowed, k) {
			return &ParamError{Param: k, Msg: "unknown parameter (known: " + strings.Join(allowed, ", ") + ")"}
		}
	}
	return nil
}

// ParseParams reads and validates search parameters.
func ParseParams(v url.Values) (Params, error) {
	p := Params{Size: DefaultSize, Page: 1, Filters: map[string][]string{}}
	for k, vals := range v {
		if !known[k] {
			return p, &ParamError{Param: k, Msg: "unknown parameter"}
		}
		if len(vals) > 1 && !multiValued[k] {
			return p, &ParamError{Param: k, Msg: "given more than once; it takes one value"}
		}
	}
	p.Q = strings.TrimSpace(v.Get("q"))
	for _, f := range index.FilterFields {
		for _, val := range v[f] {
			if val = strings.TrimSpace(val); val != "" {
				p.Filters[f] = append(p.Filters[f], val)
			}
		}
	}
	var err error
	if p.From, err = parseDate("from", v.Get("from"), false); err != nil {
		return p, err
	}
	if p.To, err = parseDate("to", v.Get("to"), true); err != nil {
		return p, err
	}
	if !p.From.IsZero() && !p.To.IsZero() && !p.From.Before(p.To) {
		return p, &ParamError{Param: "to", Msg: "is before from"}
	}
	switch s := v.Get("sort"); s {
	case "", "relevance":
		p.Sort = index.SortRelevance
	case "newest":
		p.Sort = index.SortNewest
	case "oldest":
		p.Sort = index.SortOldest
	default:
		return p, &ParamError{Param: "sort", Msg: fmt.Sprintf("%q is not relevance, newest or oldest", s)}
	}
	if p.Size, err = intParam(v, "size", DefaultSize, 1, MaxSize); err != nil {
		return p, err
	}
	if p.Page, err = intParam(v, "page", 1, 1, MaxWindow); err != nil {
		return p, err
	}
	if p.Page*p.Size > MaxWindow {
		return p, &ParamError{Param: "page", Msg: fmt.Sprintf("page*size may not exceed %d; follow the \"next\" cursor (after=) to go deeper", MaxWindow)}
	}
	p.After = v.Get("after")
	if p.After != "" && v.Has("page") && p.Page != 1 {
		return p, &ParamError{Param: "after", Msg: "cannot be combined with page"}
	}
	if p.Collapse, err = boolParam(v, "collapse"); err != nil {
		return p, err
	}
	if p.Exact, err = boolParam(v, "exact"); err != nil {
		return p, err
	}
	p.Facets = DefaultFacets
	if v.Has("facets") {
		p.Facets = nil
		for _, f := range strings.Split(v.Get("facets"), ",") {
			if f = strings.TrimSpace(f); f == "" {
				continue
			}
			if !index.IsFacetField(f) {
				return p, &ParamError{Param: "facets", Msg: fmt.Sprintf("%q is not one of %s", f, strings.Join(index.FacetFields, ","))}
			}
			p.Facets = append(p.Facets, f)
		}
	}
	return p, nil
}

// boolParam reads a switch: 1 or true, 0 or false, absent is off.
func boolParam(v url.Values, name string) (bool, error) {
	switch s := v.Get(name); s {
	case "", "0", "false":
		return false, nil
	case "1", "true":
		return true, nil
	default:
		return false, &ParamError{Param: name, Msg: fmt.Sprintf("%q is not 1 or 0", s)}
	}
}

func intParam(v url.Values, name string, def, lo, hi int) (int, error) {
	s := v.Get(name)
	if s == "" {
		return def, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		return 0, &ParamError{Param: name, Msg: fmt.Sprintf("%q is not a whole number", s)}
	}
	if n < lo || n > hi {
		return 0, &ParamError{Param: name, Msg: fmt.Sprintf("%d is outside %d–%d", n, lo, hi)}
	}
	return n, nil
}

// Dates a filter may name: the engine stores dates as nanoseconds since
// 1970 in an int64, which spans 1677-09-21 to 2262-04-11; whole years
// inside that span are accepted.
const (
	MinYear = 1678
	MaxYear = 2261
)

// parseDate reads YYYY, YYYY-MM or YYYY-MM-DD in Vietnam time. For an upper
// bound it returns the start of the following period, so "to=2020" takes
// in all of 2020.
func parseDate(name, s string, upper bool) (time.Time, error) {
	t, err := parseDateLayout(name, s, upper)
	if err == nil && !t.IsZero() {
		if y := t.Year(); y < MinYear || y > MaxYear+1 || (y == MaxYear+1 && !upper) || (y == MaxYear+1 && t.YearDay() > 1) {
			return time.Time{}, &ParamError{Param: name, Msg: fmt.Sprintf("%q is outside the dates accepted, %d to %d", s, MinYear, MaxYear)}
		}
	}
	return t, err
}

func parseDateLayout(name, s string, upper bool) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	for _, f := range []struct {
		layout string
		next   func(time.Time) time.Time
	}{
		{"2006-01-02", func(t time.Time) time.Time { return t.AddDate(0, 0, 1) }},
		{"2006-01", func(t time.Time) time.Time { return t.AddDate(0, 1, 0) }},
		{"2006", func(t time.Time) time.Time { return t.AddDate(1, 0, 0) }},
	} {
		if t, err := time.ParseInLocation(f.layout, s, article.Vietnam); err == nil && len(s) == len(f.layout) {
			if upper {
				return f.next(t), nil
			}
			return t, nil
		}
	}
	return time.Time{}, &ParamError{Param: name, Msg: fmt.Sprintf("%q is not YYYY, YYYY-MM or YYYY-MM-DD", s)}
}
