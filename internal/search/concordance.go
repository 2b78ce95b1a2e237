package search

import (
	"context"
	"encoding/base64"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/tracuu/tracuu/index"
	"github.com/tracuu/tracuu/internal/article"
	"github.com/tracuu/tracuu/internal/vi"
)

// Limits of a concordance request.
const (
	DefaultWidth        = 8
	MaxWidth            = 50
	DefaultConcordLimit = 1000
	MaxConcordLimit     = 10000
	concordPage         = 100 // articles per engine call: memory is one page
)

// Concordance formats: FormatJSON besides the export's jsonl and csv.
const FormatJSON = "json"

// ConcordParams is a concordance request: a search (query, filters, sort)
// with the context width, a cap on the lines and the cursor of an earlier
// answer.
type ConcordParams struct {
	Params
	Width  int
	Limit  int
	Format string
	cursor concordCursor
}

// ParseConcordParams reads width, limit, format and after besides the
// query, filters and sort of a search.
func ParseConcordParams(v url.Values) (ConcordParams, error) {
	v = cloneValues(v)
	cp := ConcordParams{Format: FormatJSON}
	var err error
	if cp.Width, err = intParam(v, "width", DefaultWidth, 1, MaxWidth); err != nil {
		return cp, err
	}
	if cp.Limit, err = intParam(v, "limit", DefaultConcordLimit, 1, MaxConcordLimit); err != nil {
		return cp, err
	}
	if f := v.Get("format"); f != "" {
		cp.Format = f
	}
	switch cp.Format {
	case FormatJSON, FormatJSONL, FormatCSV:
	default:
		return cp, &ParamError{Param: "format", Msg: fmt.Sprintf("%q is not json, jsonl or csv", cp.Format)}
	}
	after := v.Get("after")
	for _, k := range []string{"width", "limit", "format", "after"} {
		v.Del(k)
	}
	for _, k := range []string{"size", "page", "facets", "collapse"} {
		if v.Has(k) {
			return cp, &ParamError{Param: k, Msg: "does not apply to a concordance (use limit and after)"}
		}
	}
	if cp.Params, err = ParseParams(v); err != nil {
		return cp, err
	}
	if cp.Sort == index.SortRelevance && cp.Q != "" && !v.Has("sort") {
		// Researchers read a concordance in time; relevance stays available.
		cp.Sort = index.SortNewest
	}
	if after != "" {
		if cp.cursor, err = decodeConcordCursor(after); err != nil {
			return cp, err
		}
		if cp.cursor.Sort != cp.Sort {
			return cp, &ParamError{Param: "after", Msg: "cursor belongs to another sort order"}
		}
	}
	return cp, nil
}

// ConcordLine is one occurrence: the words matched as published, with
// Width words of context on each side.
type ConcordLine struct {
	ID        string     `json:"id"`
	Title     string     `json:"title"`
	Site      string     `json:"site,omitempty"`
	Published *time.Time `json:"published,omitempty"`
	URL       string     `json:"url,omitempty"`
	Field     string     `json:"field"` // title or body
	Left      string     `json:"left"`
	Match     string     `json:"match"`
	Right     string     `json:"right"`
}

// ConcordHeader is the CSV header of a concordance.
var ConcordHeader = []string{"id", "title", "site", "published", "url", "field", "left", "match", "right"}

// ConcordSummary is what a concordance wrote: lines, the articles they
// came from, and the cursor to continue when the limit cut it short.
type ConcordSummary struct {
	Lines    int    `json:"count"`
	Articles int    `json:"articles"`
	Next     string `json:"next,omitempty"`
}

// concordCursor is the "next" of a concordance: the sort key of the last
// article finished, and how many lines of the one after it were given.
type concordCursor struct {
	Sort index.Sort `json:"s"`
	Key  []string   `json:"k,omitempty"`
	Skip int        `json:"n,omitempty"`
}

func (c concordCursor) encode() string {
	b, _ := json.Marshal(c) // cannot fail: ints and strings
	return base64.RawURLEncoding.EncodeToString(b)
}

func decodeConcordCursor(s string) (concordCursor, error) {
	var c concordCursor
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err == nil {
		err = json.Unmarshal(b, &c)
	}
	if err != nil || len(c.Key) > index.MaxCursorKey || c.Skip < 0 || c.Sort < index.SortRelevance || c.Sort > index.SortOldest || len(c.Key) == 0 && c.Skip == 0 {
		return c, &ParamError{Param: "after", Msg: "not a cursor from this API (pass the \"next\" value of the previous answer)"}
	}
	return c, nil
}

// CheckConcordance reports the errors Concordance would report before it
// writes anything: a malformed query, or one with no words to look for.
func (s *Service) CheckConcordance(ctx context.Context, cp ConcordParams) error {
	plan, err := s.Plan(ctx, cp.Q, cp.Exact)
	if err != nil {
		return err
	}
	if len(newSeqMatcher(plan.Query).seqs) == 0 {
		return errNothingToFind
	}
	return nil
}

var errNothingToFind = &ParamError{Param: "q", Msg: "a concordance needs words or a phrase to look for in the text"}

// Concordance writes every occurrence of the query's words or phrases in
// every matching article, in the request's order, as lines in the format
// asked for, until Limit lines. Articles are fetched a page at a time with
// cursors, as an export walks them, so memory does not grow with the
// matches. The JSON format ends with the summary; JSONL ends with a line
// {"next": …} when there is more; CSV leaves the cursor to the caller.
func (s *Service) Concordance(ctx context.Context, cp ConcordParams, w io.Writer) (ConcordSummary, error) {
	var sum ConcordSummary
	plan, err := s.Plan(ctx, cp.Q, cp.Exact)
	if err != nil {
		return sum, err
	}
	m := newSeqMatcher(plan.Query)
	if len(m.seqs) == 0 {
		return sum, errNothingToFind
	}
	out, err := newConcordWriter(cp, plan, w)
	if err != nil {
		return sum, err
	}
	req := index.Request{Query: plan.Query, Filters: cp.Filters, From: cp.From, To: cp.To, Sort: cp.Sort, Size: concordPage, After: cp.cursor.Key}
	skip := cp.cursor.Skip
	prev := cp.cursor.Key
walk:
	for {
		res, err := s.Backend.Search(ctx, req)
		if err != nil {
			if errors.Is(err, index.ErrBadRequest) {
				err = &ParamError{Param: "q", Msg: err.Error()}
			}
			return sum, err
		}
		for _, h := range res.Hits {
			lines := m.lines(h.Article, cp.Width)
			given := 0 // lines of this article an earlier answer gave
			if skip > 0 {
				given = min(skip, len(lines))
				lines, skip = lines[given:], 0
			}
			if len(lines) > 0 {
				sum.Articles++
			}
			for i, l := range lines {
				if sum.Lines == cp.Limit {
					sum.Next = concordCursor{Sort: cp.Sort, Key: prev, Skip: given + i}.encode()
					break walk
				}
				if err := out.line(l); err != nil {
					return sum, err
				}
				sum.Lines++
			}
			prev = h.SortKey
			if sum.Lines == cp.Limit {
				// Stopped at an article's end: the next answer starts after it.
				sum.Next = concordCursor{Sort: cp.Sort, Key: prev}.encode()
				break walk
			}
		}
		if err := out.flush(); err != nil {
			return sum, err
		}
		if len(res.Hits) < req.Size {
			break
		}
		req.After = res.Hits[len(res.Hits)-1].SortKey
	}
	return sum, out.end(sum)
}

// concordWriter writes lines in one format.
type concordWriter struct {
	format string
	w      io.Writer
	enc    *json.Encoder
	cw     *csv.Writer
	n      int
}

func newConcordWriter(cp ConcordParams, plan Planned, w io.Writer) (*concordWriter, error) {
	cw := &concordWriter{format: cp.Format, w: w}
	switch cp.Format {
	case FormatCSV:
		cw.cw = csv.NewWriter(w)
		return cw, cw.cw.Write(ConcordHeader)
	case FormatJSON:
		head, _ := json.Marshal(struct {
			Q           string `json:"q"`
			Interpreted string `json:"interpreted,omitempty"`
			Width       int    `json:"width"`
		}{cp.Q, plan.Interpreted, cp.Width})
		// The object stays open: the lines stream, the summary closes it.
		if _, err := fmt.Fprintf(w, "%s,\"lines\":[", head[:len(head)-1]); err != nil {
			return nil, err
		}
	}
	cw.enc = json.NewEncoder(w)
	cw.enc.SetEscapeHTML(false)
	return cw, nil
}

func (c *concordWriter) line(l ConcordLine) error {
	switch c.format {
	case FormatCSV:
		pub := ""
		if l.Published != nil {
			pub = l.Published.Format(time.RFC3339)
		}
		return c.cw.Write([]string{l.ID, l.Title, l.Site, pub, l.URL, l.Field, l.Left, l.Match, l.Right})
	case FormatJSON:
		if c.n > 0 {
			if _, err := io.WriteString(c.w, ","); err != nil {
				return err
			}
		}
	}
	c.n++
	return c.enc.Encode(l)
}

func (c *concordWriter) flush() error {
	if c.cw != nil {
		c.cw.Flush()
		return c.cw.Error()
	}
	return nil
}

func (c *concordWriter) end(sum ConcordSummary) error {
	switch c.format {
	case FormatCSV:
		return c.flush()
	case FormatJSONL:
		if sum.Next != "" {
			return c.enc.Encode(map[string]string{"next": sum.Next})
		}
		return nil
	}
	tail, _ := json.Marshal(sum)
	_, err := fmt.Fprintf(c.w, "],%s\n", tail[1:])
	return err
}

// seqMatcher finds the query's words and phrases in text, each word the
// way the search matches it: as typed when typed with marks (any tone
// placement, any case), in every spelling when typed without.
type seqMatcher struct {
	seqs []wordSeq
}

type wordSeq struct {
	field string // "", title or body
	words []wordPat
}

type wordPat struct {
	text   string // canonical when marked, folded otherwise
	marked bool
	prefix bool
}

func newSeqMatcher(q index.Query) *seqMatcher {
	m := &seqMatcher{}
	m.collect(q)
	return m
}

func (m *seqMatcher) collect(q index.Query) {
	add := func(field, text string, prefix bool) {
		if field != "" && field != index.FieldTitle && field != index.FieldBody {
			return
		}
		var seq wordSeq
		seq.field = field
		for _, w := range words(text) {
			word := text[w[0]:w[1]]
			p := wordPat{marked: vi.HasMarks(word)}
			if p.marked {
				p.text = vi.Normalize(word)
			} else {
				p.text = vi.Fold(word)
			}
			seq.words = append(seq.words, p)
		}
		if n := len(seq.words); n > 0 {
			seq.words[n-1].prefix = prefix
			m.seqs = append(m.seqs, seq)
		}
	}
	switch q := q.(type) {
	case index.Term:
		add(q.Field, q.Text, false)
	case index.Words:
		// Each word alone, and all of them side by side as read.
		meant := make([]string, len(q.Words))
		for i, w := range q.Words {
			add(q.Field, w.Text, false)
			meant[i] = w.Text
			if w.Reading != "" {
				add(q.Field, w.Reading, false)
				meant[i] = w.Reading
			}
		}
		if len(meant) > 1 {
			add(q.Field, strings.Join(meant, " "), false)
		}
	case index.Phrase:
		add(q.Field, q.Text, false)
	case index.Prefix:
		add(q.Field, q.Text, true)
	case index.Bool:
		for _, s := range q.Must {
			m.collect(s)
		}
		for _, s := range q.Should {
			m.collect(s)
		}
	}
}

func (p wordPat) match(norm, folded string) bool {
	got := folded
	if p.marked {
		got = norm
	}
	if p.prefix {
		return strings.HasPrefix(got, p.text)
	}
	return got == p.text
}

// lines returns the occurrences in a's title, then its lead and body.
func (m *seqMatcher) lines(a article.Article, width int) []ConcordLine {
	base := ConcordLine{ID: a.ID, Title: a.Title, Site: a.Site, URL: a.URL}
	if !a.Published.IsZero() {
		t := a.Published
		base.Published = &t
	}
	body := a.Body
	if a.Lead != "" {
		body = a.Lead + "\n\n" + a.Body
	}
	fields := []struct{ name, text string }{{index.FieldTitle, a.Title}, {index.FieldBody, body}}
	// The query's phrases where the article has them (the words of a
	// plain query side by side count as one), otherwise its words.
	long := false
	for _, f := range fields {
		long = long || len(m.find(f.name, f.text, 2)) > 0
	}
	minWords := 1
	if long {
		minWords = 2
	}
	var out []ConcordLine
	for _, f := range fields {
		for _, sp := range m.find(f.name, f.text, minWords) {
			l := base
			l.Field = f.name
			l.Left, l.Match, l.Right = context3(f.text, sp, width)
			out = append(out, l)
		}
	}
	return out
}

// occurrence is a run of matched words: ws[from:to].
type occurrence struct {
	from, to int
	ws       [][2]int
}

// find returns the runs of text matching any sequence of at least
// minWords words, overlapping and
// adjacent runs (only spaces between) merged, so "quy chế dân chủ" is one
// occurrence of the query quy che dan chu, not four.
func (m *seqMatcher) find(field, text string, minWords int) []occurrence {
	ws := words(text)
	if len(ws) == 0 {
		return nil
	}
	norm := make([]string, len(ws))
	folded := make([]string, len(ws))
	for i, w := range ws {
		norm[i] = vi.Normalize(text[w[0]:w[1]])
		folded[i] = vi.Fold(text[w[0]:w[1]])
	}
	var runs [][2]int
	for i := range ws {
		for _, s := range m.seqs {
			if s.field != "" && s.field != field || i+len(s.words) > len(ws) || len(s.words) < minWords {
				continue
			}
			ok := true
			for k, p := range s.words {
				if !p.match(norm[i+k], folded[i+k]) {
					ok = false
					break
				}
			}
			if ok {
				runs = append(runs, [2]int{i, i + len(s.words)})
			}
		}
	}
	sort.Slice(runs, func(i, j int) bool { return runs[i][0] < runs[j][0] })
	var out []occurrence
	for _, r := range runs {
		if n := len(out); n > 0 {
			last := &out[n-1]
			gap := ""
			if r[0] >= last.to {
				gap = text[ws[last.to-1][1]:ws[r[0]][0]]
			}
			if r[0] < last.to || r[0] == last.to && strings.TrimSpace(gap) == "" && !strings.Contains(gap, "\n") {
				last.to = max(last.to, r[1])
				continue
			}
		}
		out = append(out, occurrence{from: r[0], to: r[1], ws: ws})
	}
	return out
}

// context3 cuts text around an occurrence: up to width words before and
// after it, with the punctuation between them as published and runs of
// white space made one space.
func context3(text string, o occurrence, width int) (left, match, right string) {
	ws := o.ws
	start := ws[o.from][0]
	end := ws[o.to-1][1]
	lstart := ws[max(0, o.from-width)][0]
	if o.from == 0 {
		lstart = start
	}
	rend := end
	if o.to < len(ws) {
		rend = ws[min(len(ws)-1, o.to-1+width)][1]
	}
	return oneLine(text[lstart:start]), oneLine(text[start:end]), oneLine(text[end:rend])
}

// oneLine collapses white space, line breaks included, into single spaces
// and trims the ends.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
