// Package opensearch is the index.Backend for OpenSearch and Elasticsearch
// clusters, for archives that outgrow one machine. It speaks their REST API
// over net/http and keeps every Vietnamese rule in Go: documents carry
// pre-analysed fields (package terms: canonical words, folded words and
// their pairs) that the engine only splits at white space, so both backends
// index the same terms and plan queries the same way. Searches and writes
// address an alias; Rebuild fills a new versioned index behind it and
// swaps the alias in one call.
package opensearch

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tracuu/tracuu/index"
	"github.com/tracuu/tracuu/internal/article"
	"github.com/tracuu/tracuu/internal/indexdoc"
	"github.com/tracuu/tracuu/internal/recent"
)

// ErrNoIndex is Open's error when cfg.ReadOnly and the alias names no
// index.
var ErrNoIndex = errors.New("no index there")

// Backend is an index in an OpenSearch or Elasticsearch cluster. It is
// safe for concurrent use.
type Backend struct {
	c     *client
	cfg   Config
	info  Info
	alias string // what every call addresses: an alias, or an index of that name
	// importing: writes skip refresh=wait_for until EndImport refreshes once.
	importing atomic.Bool
	prefixes  recent.Cache[[]index.TermCount] // completions a minute old are still good completions
	mu        sync.Mutex                      // guards target
	target    string                          // the index behind alias when last looked up
}

var (
	_ index.Backend       = (*Backend)(nil)
	_ index.HealthChecker = (*Backend)(nil)
)

// Open connects to the cluster of cfg, checks what it runs, and opens the
// index behind cfg.Index: an index of another schema is refused (unless
// cfg.AnySchema), and a missing one is created (unless cfg.ReadOnly) as
// Index-v<schema>-<time> behind the alias Index.
func Open(ctx context.Context, cfg Config) (*Backend, error) {
	cfg, _, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	c, err := newClient(cfg)
	if err != nil {
		return nil, err
	}
	in, err := c.info(ctx)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", redactURL(cfg.URL), err)
	}
	b := &Backend{c: c, cfg: cfg, info: in, alias: cfg.Index}
	targets, err := b.targets(ctx)
	if err != nil {
		return nil, err
	}
	if len(targets) == 0 {
		if cfg.ReadOnly {
			return nil, fmt.Errorf("open index %s at %s: %w (run `tracuu import` first)", cfg.Index, redactURL(cfg.URL), ErrNoIndex)
		}
		if targets, err = b.create(ctx); err != nil {
			return nil, err
		}
	}
	if err := b.checkSchema(ctx, targets); err != nil {
		return nil, err
	}
	return b, nil
}

// targets returns the indexes behind the alias, or the index of that name
// when there is no alias; none when neither exists.
func (b *Backend) targets(ctx context.Context) ([]string, error) {
	status, body, err := b.c.do(ctx, call{method: http.MethodGet, path: "/_alias/" + url.PathEscape(b.alias), accept: []int{http.StatusNotFound}})
	if err != nil {
		return nil, fmt.Errorf("open index %s: %w", b.alias, err)
	}
	if status == http.StatusOK {
		var doc map[string]json.RawMessage
		if err := json.Unmarshal(body, &doc); err != nil {
			return nil, fmt.Errorf("open index %s: decode aliases: %w", b.alias, err)
		}
		var out []string
		for name := range doc {
			out = append(out, name)
		}
		sort.Strings(out)
		return out, nil
	}
	status, _, err = b.c.do(ctx, call{method: http.MethodHead, path: "/" + url.PathEscape(b.alias), accept: []int{http.StatusNotFound}})
	if err != nil {
		return nil, fmt.Errorf("open index %s: %w", b.alias, err)
	}
	if status == http.StatusOK {
		return []string{b.alias}, nil
	}
	return nil, nil
}

// versionName names a new index behind the alias: the schema it is written
// with and when, in UTC (index names are lower case).
func (b *Backend) versionName() string {
	return fmt.Sprintf("%s-v%d-%s", b.alias, index.SchemaVersion, time.Now().UTC().Format("20060102t150405.000000"))
}

// create makes the first index behind the alias, with the alias, in one
// request. Should another process have done the same at the same moment,
// the alias names two indexes; the later one is removed again.
func (b *Backend) create(ctx context.Context) ([]string, error) {
	name := b.versionName()
	body := indexBody(b.cfg, nil)
	body["aliases"] = obj{b.alias: obj{}}
	if err := b.c.send(ctx, call{method: http.MethodPut, path: "/" + url.PathEscape(name), body: mustJSON(body)}, nil); err != nil {
		return nil, fmt.Errorf("create index %s: %w", name, err)
	}
	targets, err := b.targets(ctx)
	if err != nil {
		return nil, err
	}
	if len(targets) > 1 && targets[0] != name {
		if err := b.deleteIndex(ctx, name); err != nil {
			return nil, fmt.Errorf("create index %s: another process created %s at the same time; removing ours: %w", name, targets[0], err)
		}
		return b.targets(ctx)
	}
	return targets, nil
}

// checkSchema refuses an alias over several indexes, or an index written by
// another schema or layout, as the embedded backend refuses its own.
func (b *Backend) checkSchema(ctx context.Context, targets []string) error {
	if len(targets) != 1 {
		return fmt.Errorf("open index %s: the alias names %d indexes (%s); tracuu reads and writes through an alias of one index",
			b.alias, len(targets), strings.Join(targets, ", "))
	}
	var doc map[string]struct {
		Mappings struct {
			Meta map[string]json.RawMessage `json:"_meta"`
		} `json:"mappings"`
	}
	if err := b.c.send(ctx, call{method: http.MethodGet, path: "/" + url.PathEscape(targets[0]) + "/_mapping"}, &doc); err != nil {
		return fmt.Errorf("open index %s: read mapping: %w", targets[0], err)
	}
	meta := doc[targets[0]].Mappings.Meta
	schema, layout := strings.Trim(string(meta[metaSchema]), `"`), strings.Trim(string(meta[metaLayout]), `"`)
	b.setTarget(targets[0])
	if b.cfg.AnySchema || schema == strconv.Itoa(index.SchemaVersion) && layout == strconv.Itoa(layoutVersion) {
		return nil
	}
	return fmt.Errorf("%w: index %s has schema %q (layout %q), this tracuu writes %d (layout %d); run `tracuu reindex --backend opensearch`",
		index.ErrSchema, targets[0], schema, layout, index.SchemaVersion, layoutVersion)
}

func (b *Backend) setTarget(name string) {
	b.mu.Lock()
	b.target = name
	b.mu.Unlock()
}

// Target is the index behind the alias when last looked up.
func (b *Backend) Target() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.target
}

// Info says what the cluster runs, as GET / reported it at Open.
func (b *Backend) Info() Info { return b.info }

// Close lets go of idle connections; writes are durable when they return.
func (b *Backend) Close() error {
	b.c.http.CloseIdleConnections()
	return nil
}

// path is the URL path of an API of the alias: path("_search").
func (b *Backend) path(api string) string { return "/" + url.PathEscape(b.alias) + "/" + api }

// bulkItem is one action of a _bulk request: its NDJSON lines.
type bulkItem struct {
	id    string
	lines []byte
}

// Upsert writes articles in _bulk requests of at most BulkDocs articles
// and BulkBytes bytes. Each request is durable when acknowledged (the
// engine syncs its translog before answering, by default) and, outside
// import mode, asks refresh=wait_for, so the articles are found when
// Upsert returns.
func (b *Backend) Upsert(ctx context.Context, arts ...article.Article) error {
	if err := b.write(ctx, b.alias, arts, b.refresh()); err != nil {
		return fmt.Errorf("upsert: %w", err)
	}
	return nil
}

// write indexes articles into target in bounded _bulk requests.
func (b *Backend) write(ctx context.Context, target string, arts []article.Article, refresh string) error {
	var items []bulkItem
	size := 0
	flush := func() error {
		if len(items) == 0 {
			return nil
		}
		err := b.bulk(ctx, target, items, refresh)
		items, size = items[:0], 0
		return err
	}
	for i := range arts {
		if err := ctx.Err(); err != nil {
			return err
		}
		d, err := indexdoc.New(&arts[i])
		if err != nil {
			return err
		}
		var buf bytes.Buffer
		if err := encode(&buf, obj{"index": obj{"_id": d.ID}}); err != nil {
			return fmt.Errorf("%s: %w", d.ID, err)
		}
		if err := encode(&buf, document(&d)); err != nil {
			return fmt.Errorf("%s: %w", d.ID, err)
		}
		if len(items) > 0 && size+buf.Len() > b.cfg.BulkBytes {
			if err := flush(); err != nil {
				return err
			}
		}
		items = append(items, bulkItem{d.ID, buf.Bytes()})
		size += buf.Len()
		if len(items) >= b.cfg.BulkDocs {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	return flush()
}

// refresh is the refresh parameter of writes: wait for the next refresh
// so that what was written is found, except in import mode.
func (b *Backend) refresh() string {
	if b.importing.Load() {
		return ""
	}
	return "wait_for"
}

// Delete removes articles by id; ids not in the index are no error.
func (b *Backend) Delete(ctx context.Context, ids ...string) error {
	var items []bulkItem
	for _, id := range ids {
		var buf bytes.Buffer
		if err := encode(&buf, obj{"delete": obj{"_id": id}}); err != nil {
			return fmt.Errorf("delete %s: %w", id, err)
		}
		items = append(items, bulkItem{id, buf.Bytes()})
	}
	for start := 0; start < len(items); start += b.cfg.BulkDocs {
		if err := b.bulk(ctx, b.alias, items[start:min(len(items), start+b.cfg.BulkDocs)], b.refresh()); err != nil {
			return fmt.Errorf("delete: %w", err)
		}
	}
	return nil
}

// bulkAnswer is the part of a _bulk answer we read: per item, in request
// order, one action name with its status and error.
type bulkAnswer struct {
	Errors bool `json:"errors"`
	Items  []map[string]struct {
		ID     string `json:"_id"`
		Status int    `json:"status"`
		Error  *struct {
			Type   string `json:"type"`
			Reason string `json:"reason"`
		} `json:"error"`
	} `json:"items"`
}

// bulk sends items to the _bulk API of target and checks every item's
// status: the engine answers 200 even when some items failed. Items
// refused because the engine was busy (429) or a shard was unavailable
// (5xx) are sent again with backoff, at most Retries times; any other
// refusal fails the call, naming the first few articles and why. A delete
// of an id not there (404) is no failure.
func (b *Backend) bulk(ctx context.Context, target string, items []bulkItem, refresh string) error {
	q := url.Values{}
	if refresh != "" {
		q.Set("refresh", refresh)
	}
	for attempt := 0; ; attempt++ {
		var body bytes.Buffer
		for _, it := range items {
			body.Write(it.lines)
		}
		var ans bulkAnswer
		err := b.c.send(ctx, call{method: http.MethodPost, path: "/" + url.PathEscape(target) + "/_bulk", query: q, body: body.Bytes(), ndjson: true}, &ans)
		if err != nil {
			return err
		}
		if !ans.Errors {
			return nil
		}
		if len(ans.Items) != len(items) {
			return fmt.Errorf("bulk: %d answers for %d articles", len(ans.Items), len(items))
		}
		var retry []bulkItem
		var failed []string
		nfailed := 0
		for i, it := range ans.Items {
			for op, r := range it {
				switch {
				case r.Status/100 == 2, op == "delete" && r.Status == http.StatusNotFound:
				case retryable(r.Status):
					retry = append(retry, items[i])
				default:
					nfailed++
					if len(failed) < 3 {
						why := http.StatusText(r.Status)
						if r.Error != nil {
							why = r.Error.Type + ": " + r.Error.Reason
						}
						failed = append(failed, fmt.Sprintf("%s: %d %s", items[i].id, r.Status, why))
					}
				}
			}
		}
		if nfailed > 0 {
			return fmt.Errorf("bulk: %d of %d articles refused: %s", nfailed, len(items), strings.Join(failed, "; "))
		}
		if len(retry) == 0 {
			return nil
		}
		if attempt >= b.c.retries {
			return fmt.Errorf("bulk: %d of %d articles still refused as busy after %d retries (first: %s)", len(retry), len(items), attempt, retry[0].id)
		}
		t := time.NewTimer(b.c.backoff(attempt))
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
		items = retry
	}
}

// Get returns the stored article with this id.
func (b *Backend) Get(ctx context.Context, id string) (article.Article, bool, error) {
	q := url.Values{"_source_includes": {fSource}}
	status, body, err := b.c.do(ctx, call{method: http.MethodGet, path: b.path("_doc/" + url.PathEscape(id)), query: q, accept: []int{http.StatusNotFound}})
	if err != nil {
		return article.Article{}, false, fmt.Errorf("get %s: %w", id, err)
	}
	var doc struct {
		Found  *bool `json:"found"`
		Source struct {
			Src json.RawMessage `json:"src"`
		} `json:"_source"`
	}
	if err := json.Unmarshal(body, &doc); err != nil {
		return article.Article{}, false, fmt.Errorf("get %s: decode answer: %w", id, err)
	}
	if doc.Found == nil {
		// A 404 without "found" is about the index, not the article.
		return article.Article{}, false, fmt.Errorf("get %s: %w", id, apiError(call{method: http.MethodGet, path: b.path("_doc/")}, status, body))
	}
	if !*doc.Found {
		return article.Article{}, false, nil
	}
	a, err := indexdoc.Decode(doc.Source.Src)
	if err != nil {
		return article.Article{}, false, fmt.Errorf("get %s: %w", id, err)
	}
	a.ID = id
	return a, true, nil
}

// Fingerprints returns the stored content hashes of the ids present.
func (b *Backend) Fingerprints(ctx context.Context, ids []string) (map[string]string, error) {
	out := make(map[string]string, len(ids))
	for start := 0; start < len(ids); start += b.cfg.BulkDocs {
		part := ids[start:min(len(ids), start+b.cfg.BulkDocs)]
		var ans struct {
			Docs []struct {
				ID     string `json:"_id"`
				Found  bool   `json:"found"`
				Source struct {
					Hash string `json:"hash"`
				} `json:"_source"`
			} `json:"docs"`
		}
		q := url.Values{"_source_includes": {fHash}}
		if err := b.c.send(ctx, call{method: http.MethodPost, path: b.path("_mget"), query: q, body: mustJSON(obj{"ids": part})}, &ans); err != nil {
			return nil, fmt.Errorf("fingerprints: %w", err)
		}
		for _, d := range ans.Docs {
			if d.Found {
				out[d.ID] = d.Source.Hash
			}
		}
	}
	return out, nil
}

// Stats reports the articles searchable now and the size of the primary
// shards. Path names the cluster and the index behind the alias.
func (b *Backend) Stats(ctx context.Context) (index.Stats, error) {
	var count struct {
		Count uint64 `json:"count"`
	}
	if err := b.c.send(ctx, call{method: http.MethodGet, path: b.path("_count")}, &count); err != nil {
		return index.Stats{}, fmt.Errorf("stats: %w", err)
	}
	var st struct {
		All struct {
			Primaries struct {
				Store struct {
					Size int64 `json:"size_in_bytes"`
				} `json:"store"`
			} `json:"primaries"`
		} `json:"_all"`
		Indices map[string]json.RawMessage `json:"indices"`
	}
	if err := b.c.send(ctx, call{method: http.MethodGet, path: b.path("_stats/store")}, &st); err != nil {
		return index.Stats{}, fmt.Errorf("stats: %w", err)
	}
	target := b.Target()
	for name := range st.Indices {
		target = name
		b.setTarget(name)
	}
	return index.Stats{
		Articles:  count.Count,
		SizeBytes: st.All.Primaries.Store.Size,
		Schema:    index.SchemaVersion,
		Path:      redactURL(b.cfg.URL) + "/" + target,
	}, nil
}

// Health is the state of the cluster as it concerns this index.
type Health struct {
	Info
	Index  string `json:"index"`
	Status string `json:"status"` // green, yellow or red
}

// Health asks the cluster for the state of the index: red means some
// primary shard is unassigned and searches miss articles.
func (b *Backend) Health(ctx context.Context) (Health, error) {
	h := Health{Info: b.info, Index: b.Target()}
	var doc struct {
		Status string `json:"status"`
	}
	if err := b.c.send(ctx, call{method: http.MethodGet, path: "/_cluster/health/" + url.PathEscape(b.alias)}, &doc); err != nil {
		return h, fmt.Errorf("health: %w", err)
	}
	h.Status = doc.Status
	return h, nil
}

// CheckHealth implements index.HealthChecker.
func (b *Backend) CheckHealth(ctx context.Context) (index.Health, error) {
	h, err := b.Health(ctx)
	return index.Health{Engine: h.Engine + " " + h.Version, Index: h.Index, Status: h.Status}, err
}

// BeginImport turns the index's periodic refresh off and lets writes skip
// refresh=wait_for: a bulk import runs at the engine's pace, and what it
// writes is durable but not searchable until EndImport. An import
// interrupted before EndImport leaves refresh off; EndImport (or the next
// import's) turns it back on.
func (b *Backend) BeginImport(ctx context.Context) error {
	body := mustJSON(obj{"index": obj{"refresh_interval": "-1"}})
	if err := b.c.send(ctx, call{method: http.MethodPut, path: b.path("_settings"), body: body}, nil); err != nil {
		return fmt.Errorf("begin import: %w", err)
	}
	b.importing.Store(true)
	return nil
}

// EndImport restores the index's refresh interval and refreshes once, so
// that everything imported is found.
func (b *Backend) EndImport(ctx context.Context) error {
	body := mustJSON(obj{"index": obj{"refresh_interval": nil}})
	if err := b.c.send(ctx, call{method: http.MethodPut, path: b.path("_settings"), body: body}, nil); err != nil {
		return fmt.Errorf("end import: %w", err)
	}
	b.importing.Store(false)
	if err := b.c.send(ctx, call{method: http.MethodPost, path: b.path("_refresh")}, nil); err != nil {
		return fmt.Errorf("end import: %w", err)
	}
	return nil
}

// deleteIndex removes an index by name.
func (b *Backend) deleteIndex(ctx context.Context, name string) error {
	return b.c.send(ctx, call{method: http.MethodDelete, path: "/" + url.PathEscape(name)}, nil)
}
