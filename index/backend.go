// Package index is the contract between tracuu and a search engine: the
// Backend interface, its request and result types, and the backend-neutral
// query tree. It imports no engine: the embedded Bleve backend is
// index/bleve, and every backend passes the conformance suite in
// index/backendtest.
package index

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/tracuu/tracuu/internal/article"
)

// SchemaVersion is the version of what every backend keeps of an article:
// its terms (the Vietnamese analysis) and its stored record. It changes
// whenever they change in a way that needs indexes rebuilt; an index
// records the version it was written with, and opening another one asks
// the operator to reindex.
const SchemaVersion = 4

// Backend is a search engine that stores and searches articles.
type Backend interface {
	// Upsert adds or replaces articles by id; they are durable when it returns.
	Upsert(ctx context.Context, arts ...article.Article) error
	Delete(ctx context.Context, ids ...string) error
	Search(ctx context.Context, req Request) (Result, error)
	Get(ctx context.Context, id string) (article.Article, bool, error)
	// Fingerprints returns the content hash (article.ContentHash) stored
	// with each of ids that is in the index; absent ids are left out.
	Fingerprints(ctx context.Context, ids []string) (map[string]string, error)
	// Frequencies estimates, for each text of one word or two, how many
	// articles hold it in their title or body, matched as a Term (one word)
	// or a Phrase (two) would match it: what query planning needs to weigh
	// one reading of a word against another. Other texts count 0.
	Frequencies(ctx context.Context, texts []string) ([]uint64, error)
	Stats(ctx context.Context) (Stats, error)
	Close() error
}

// Health is the state of an engine that runs apart from tracuu (a
// cluster), as readiness checks and metrics report it: what Stats cannot
// say, since an embedded index is there whenever the process is.
type Health struct {
	Engine string `json:"engine"` // the engine and its version: "opensearch 2.19.0"
	Index  string `json:"index"`  // what answers: the index behind the alias
	// Status is the engine's own word: green (all copies allocated),
	// yellow (some replicas not) or red (some primary shard not: searches
	// miss articles).
	Status string `json:"status"`
}

// Degraded reports whether searches miss articles (the engine said red).
func (h Health) Degraded() bool { return h.Status == "red" }

// HealthChecker is implemented by backends whose engine runs apart from
// tracuu; the server's readiness check and metrics ask it when the backend
// has it, and Stats alone otherwise.
type HealthChecker interface {
	CheckHealth(ctx context.Context) (Health, error)
}

// Facet fields a request may ask for.
const (
	FieldSite    = "site"
	FieldSection = "section"
	FieldAuthor  = "author"
	FieldYear    = "year"
	FieldMonth   = "month"
	// FieldDay counts matches per publication day (YYYY-MM-DD, Vietnam
	// time), every day with a match: the histogram trends are cut from. It
	// is not one of the FacetFields the search API offers.
	FieldDay     = "day"
	FieldCluster = "cluster" // near-duplicate cluster key (filter only)
	FieldTitle   = "title"
	FieldBody    = "body"
)

// FacetFields lists every field that can be faceted, in display order.
var FacetFields = []string{FieldSite, FieldSection, FieldAuthor, FieldYear, FieldMonth}

// IsFacetField reports whether f is one of FacetFields: a keyword field a
// query can name, matched by its whole value.
func IsFacetField(f string) bool { return slices.Contains(FacetFields, f) }

// FilterFields lists the keyword fields that take value filters.
var FilterFields = []string{FieldSite, FieldSection, FieldAuthor, FieldCluster}

// Sort orders results.
type Sort int

// The sort orders of the contract.
const (
	SortRelevance Sort = iota
	SortNewest
	SortOldest
)

// Request is a search in backend-neutral terms. Zero values mean "unset".
type Request struct {
	Query   Query               // nil matches every article
	Filters map[string][]string // field → accepted values: OR within a field, AND across fields
	From    time.Time           // inclusive lower bound on published, zero = none
	To      time.Time           // exclusive upper bound on published, zero = none
	Facets  []string            // fields to count values of
	Sort    Sort
	Size    int      // hits wanted
	Offset  int      // hits to skip (page-based paging)
	After   []string // sort key of the last hit seen (cursor paging); overrides Offset
	// Collapse keeps one hit per near-duplicate cluster (the best placed)
	// and counts its copies; it pages by Offset only.
	Collapse bool
}

// Result is the answer to a Request.
type Result struct {
	Total  uint64
	Hits   []Hit
	Facets map[string][]FacetValue
	Took   time.Duration
}

// Hit is one matching article.
type Hit struct {
	Article article.Article
	Score   float64
	SortKey []string // opaque to callers; passed back as Request.After
	Copies  int      // with Collapse: other articles of the same cluster matching the request
}

// FacetValue is one bucket of a facet.
type FacetValue struct {
	Value string `json:"value"`
	Count int    `json:"count"`
}

// Stats describes an index.
type Stats struct {
	Articles  uint64    `json:"articles"`
	SizeBytes int64     `json:"size_bytes"`
	Schema    int       `json:"schema"`
	Path      string    `json:"path"`
	Updated   time.Time `json:"updated,omitzero"`
}

// MaxTokenBytes is the longest word a backend indexes. A "word" of
// hundreds of letters is junk (a planted title of a million "y"s) that
// every prefix query matching it pays for; longer words are not indexed,
// and the importer reports the articles holding them.
const MaxTokenBytes = 100

// MaxCursorKey is the longest sort key (Hit.SortKey) a backend returns;
// callers refuse longer cursors as forged.
const MaxCursorKey = 201

// ErrBadRequest wraps errors caused by the request rather than the engine,
// so callers can answer 400 instead of 500.
var ErrBadRequest = errors.New("bad request")

// ErrBadCursor is a search-after key that does not fit the request's sort
// order (a forged or stale cursor); it is a bad request.
var ErrBadCursor = fmt.Errorf("%w: cursor does not fit this sort order", ErrBadRequest)

// ErrSchema reports an index written by another schema version.
var ErrSchema = errors.New("index schema mismatch")

// ReindexStats says what a rebuild of an index did: how many articles it
// carried over, how long it took, and the index or version it replaced
// with which.
type ReindexStats struct {
	Articles int     `json:"articles"`
	Seconds  float64 `json:"seconds"`
	From     string  `json:"from"` // the index or version rebuilt
	To       string  `json:"to"`   // the one now served
	// CanonicalOnly is set when the rebuilt articles were stored before
	// the index kept the published spelling: they keep the canonical tone
	// placement, and Note says that only a re-import restores it.
	CanonicalOnly bool   `json:"canonical_spelling_only,omitempty"`
	Note          string `json:"note,omitempty"`
}
