// Package search turns what a user asked for (a query string and
// parameters) into a backend-neutral index.Request, and the engine's
// answer into the typed, highlighted response of the API contract. The
// HTTP server and the CLI both go through it, so they answer alike.
package search

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/tracuu/tracuu/index"
)

// Service answers searches from one backend.
type Service struct {
	Backend index.Backend
	denoms  denomCache // articles per day under given filters, for trends
}

// Response is the answer of /api/search.
type Response struct {
	Total  uint64 `json:"total"`
	TookMS int64  `json:"took_ms"`
	Next   string `json:"next,omitempty"`
	// Interpreted is the query searched when it is not the one typed (a
	// wrong mark read without marks, input-method keystrokes read as the
	// syllable they spell); exact=1 searches the query as typed.
	Interpreted string                        `json:"interpreted,omitempty"`
	Hits        []Hit                         `json:"hits"`
	Facets      map[string][]index.FacetValue `json:"facets"`
}

// Hit is one result. Snippet and TitleHTML are HTML-escaped article text
// with only <mark> added.
type Hit struct {
	ID        string     `json:"id"`
	URL       string     `json:"url,omitempty"`
	Title     string     `json:"title"`
	TitleHTML string     `json:"title_html"`
	Site      string     `json:"site,omitempty"`
	Section   string     `json:"section,omitempty"`
	Author    string     `json:"author,omitempty"`
	Published *time.Time `json:"published,omitempty"`
	Snippet   string     `json:"snippet"`
	Score     float64    `json:"score"`
	// Duplicates counts the other matching copies of this story (with
	// collapse=1); cluster=Cluster lists them.
	Duplicates int    `json:"duplicates,omitempty"`
	Cluster    string `json:"cluster,omitempty"`
}

// Search runs a parsed, validated search.
func (s *Service) Search(ctx context.Context, p Params) (Response, error) {
	plan, err := s.Plan(ctx, p.Q, p.Exact)
	if err != nil {
		return Response{}, err
	}
	q := plan.Query
	req := index.Request{
		Query: q, Filters: p.Filters, From: p.From, To: p.To,
		Facets: p.Facets, Sort: p.Sort, Size: p.Size, Offset: (p.Page - 1) * p.Size, Collapse: p.Collapse,
	}
	if _, all := q.(index.MatchAll); all && req.Sort == index.SortRelevance {
		// Every article scores the same: newest first is the useful order.
		req.Sort = index.SortNewest
	}
	if p.After != "" {
		c, err := decodeCursor(p.After)
		if err != nil {
			return Response{}, err
		}
		if c.Sort != req.Sort {
			return Response{}, &ParamError{Param: "after", Msg: "cursor belongs to another sort order"}
		}
		req.After, req.Offset = c.Key, 0
	}
	res, err := s.Backend.Search(ctx, req)
	if err != nil {
		if errors.Is(err, index.ErrBadCursor) {
			return Response{}, &ParamError{Param: "after", Msg: "not a cursor from this API (pass the \"next\" value of the previous answer)"}
		}
		if errors.Is(err, index.ErrBadRequest) {
			return Response{}, &ParamError{Param: "q", Msg: err.Error()}
		}
		return Response{}, err
	}
	h := newHighlighter(q)
	out := Response{Total: res.Total, TookMS: res.Took.Milliseconds(), Interpreted: plan.Interpreted, Hits: []Hit{}, Facets: res.Facets}
	for _, hit := range res.Hits {
		out.Hits = append(out.Hits, toHit(h, hit))
	}
	seen := uint64(req.Offset + len(res.Hits))
	if len(res.Hits) == req.Size && (req.Collapse || len(req.After) > 0 || seen < res.Total) {
		last := res.Hits[len(res.Hits)-1]
		out.Next = encodeCursor(cursor{Sort: req.Sort, Key: last.SortKey})
	}
	return out, nil
}

// toHit shapes an engine hit for the API, highlighting with h.
func toHit(h *highlighter, hit index.Hit) Hit {
	a := hit.Article
	text := a.Text()
	oh := Hit{
		ID: a.ID, URL: a.URL, Title: a.Title, TitleHTML: h.Mark(a.Title),
		Site: a.Site, Section: a.Section, Author: a.Author,
		Snippet: h.Snippet(text), Score: hit.Score,
		Duplicates: hit.Copies, Cluster: a.Cluster,
	}
	if !a.Published.IsZero() {
		t := a.Published
		oh.Published = &t
	}
	return oh
}

// cursor is what "next" carries: the sort key of the last hit. It is
// opaque to clients; a tampered one is a 400, never a crash.
type cursor struct {
	Sort index.Sort `json:"s"`
	Key  []string   `json:"k"`
}

// MaxCursorBytes bounds a cursor as clients send it back. A relevance
// cursor carries the ids of the hits tied at its score; when long ids
// would make it larger, the ids shown earliest are dropped first (the same
// trade as the bound on the number of tied ids).
const MaxCursorBytes = 16 << 10

func encodeCursor(c cursor) string {
	for {
		b, _ := json.Marshal(c) // cannot fail: an int and strings
		if base64.RawURLEncoding.EncodedLen(len(b)) <= MaxCursorBytes || len(c.Key) <= 2 {
			return base64.RawURLEncoding.EncodeToString(b)
		}
		c.Key = append(c.Key[:1:1], c.Key[2:]...)
	}
}

func decodeCursor(s string) (cursor, error) {
	var c cursor
	bad := &ParamError{Param: "after", Msg: "not a cursor from this API (pass the \"next\" value of the previous answer)"}
	if len(s) > MaxCursorBytes {
		return c, bad
	}
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err == nil {
		err = json.Unmarshal(b, &c)
	}
	if err != nil || len(c.Key) == 0 || len(c.Key) > index.MaxCursorKey || c.Sort < index.SortRelevance || c.Sort > index.SortOldest {
		return c, bad
	}
	if c.Sort == index.SortRelevance {
		// A score is a finite number; NaN compares false with everything
		// and would page nowhere.
		f, err := strconv.ParseFloat(c.Key[0], 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			return c, bad
		}
	}
	return c, nil
}

// IsBadRequest reports whether err is the caller's fault (a 400).
func IsBadRequest(err error) bool {
	var pe *ParamError
	var se *SyntaxError
	return errors.As(err, &pe) || errors.As(err, &se)
}

// Get returns one article, or found=false.
func (s *Service) Get(ctx context.Context, id string) (Article, bool, error) {
	a, ok, err := s.Backend.Get(ctx, id)
	if err != nil || !ok {
		return Article{}, ok, err
	}
	a.ID = id
	return Article(a), true, nil
}

// Stats reports on the index.
func (s *Service) Stats(ctx context.Context) (index.Stats, error) {
	st, err := s.Backend.Stats(ctx)
	if err != nil {
		return st, fmt.Errorf("stats: %w", err)
	}
	return st, nil
}
