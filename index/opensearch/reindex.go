package opensearch

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/tracuu/tracuu/internal/article"
	"github.com/tracuu/tracuu/internal/indexdoc"

	"github.com/tracuu/tracuu/index"
)

// scanPage is the articles each step of a rebuild reads and writes.
const scanPage = 1000

// pitKeepAlive is how long a point in time lives between two pages.
const pitKeepAlive = "5m"

// Rebuild writes every stored article of the index behind the alias into
// a new index, Index-v<schema>-<time>, with this version's mapping and
// analysis, then points the alias at it with one _aliases request, which
// the engine applies atomically: searches see the old index or the new
// one, never neither. The new index is filled with refresh off and
// refreshed once; the swap waits for its primaries and replicas to be
// allocated (yellow or better). The old index is kept (RemoveIndex deletes
// it). Articles written to the old index during the rebuild may be missed:
// run rebuilds and imports one at a time.
func (b *Backend) Rebuild(ctx context.Context, progress func(done int)) (index.ReindexStats, error) {
	start := time.Now()
	targets, err := b.targets(ctx)
	if err != nil {
		return index.ReindexStats{}, fmt.Errorf("reindex: %w", err)
	}
	if len(targets) != 1 {
		return index.ReindexStats{}, fmt.Errorf("reindex %s: the alias names %d indexes (%s), want one", b.alias, len(targets), strings.Join(targets, ", "))
	}
	old := targets[0]
	if old == b.alias {
		return index.ReindexStats{}, fmt.Errorf("reindex %s: it is an index, not an alias, so there is nothing to swap; point tracuu at a new alias name and import again", b.alias)
	}
	st := index.ReindexStats{From: old, To: b.versionName()}
	body := indexBody(b.cfg, obj{"refresh_interval": "-1"})
	if err := b.c.send(ctx, call{method: http.MethodPut, path: "/" + url.PathEscape(st.To), body: mustJSON(body)}, nil); err != nil {
		return st, fmt.Errorf("reindex: create %s: %w", st.To, err)
	}
	fail := func(err error) (index.ReindexStats, error) {
		// Remove the half-built index even when ctx is what failed.
		cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), b.cfg.Timeout)
		defer cancel()
		if derr := b.deleteIndex(cctx, st.To); derr != nil {
			return st, fmt.Errorf("reindex: %w (and removing %s failed: %v)", err, st.To, derr)
		}
		return st, fmt.Errorf("reindex: %w", err)
	}
	err = b.scan(ctx, old, scanPage, func(arts []article.Article) error {
		if err := b.write(ctx, st.To, arts, ""); err != nil {
			return err
		}
		st.Articles += len(arts)
		if progress != nil {
			progress(st.Articles)
		}
		return nil
	})
	if err != nil {
		return fail(err)
	}
	reset := mustJSON(obj{"index": obj{"refresh_interval": nil}})
	if err := b.c.send(ctx, call{method: http.MethodPut, path: "/" + url.PathEscape(st.To) + "/_settings", body: reset}, nil); err != nil {
		return fail(err)
	}
	if err := b.c.send(ctx, call{method: http.MethodPost, path: "/" + url.PathEscape(st.To) + "/_refresh"}, nil); err != nil {
		return fail(err)
	}
	q := url.Values{"wait_for_status": {"yellow"}, "timeout": {"60s"}}
	var health struct {
		Status   string `json:"status"`
		TimedOut bool   `json:"timed_out"`
	}
	if err := b.c.send(ctx, call{method: http.MethodGet, path: "/_cluster/health/" + url.PathEscape(st.To), query: q}, &health); err != nil {
		return fail(err)
	}
	if health.TimedOut || health.Status == "red" {
		return fail(fmt.Errorf("%s is %s after 60s: its shards are not allocated", st.To, health.Status))
	}
	swap := obj{"actions": arr{
		obj{"remove": obj{"index": old, "alias": b.alias}},
		obj{"add": obj{"index": st.To, "alias": b.alias}},
	}}
	if err := b.c.send(ctx, call{method: http.MethodPost, path: "/_aliases", body: mustJSON(swap)}, nil); err != nil {
		return fail(fmt.Errorf("swap alias %s to %s: %w", b.alias, st.To, err))
	}
	b.setTarget(st.To)
	st.Seconds = time.Since(start).Seconds()
	return st, nil
}

// scan calls fn with every stored article of the index src, in pages of
// n, in id order. Where the engine has them, the pages are read from one
// point in time, so that writes during the scan neither shift nor repeat
// articles; elsewhere the id order alone keeps every article once.
func (b *Backend) scan(ctx context.Context, src string, n int, fn func([]article.Article) error) error {
	body := obj{
		"query": matchAll(), "size": n, "sort": arr{obj{fUID: obj{"order": "asc"}}},
		"_source": arr{fSource}, "track_total_hits": false,
	}
	path := "/" + url.PathEscape(src) + "/_search"
	var pit string
	if b.info.pit() {
		var err error
		if pit, err = b.openPIT(ctx, src); err != nil {
			return err
		}
		defer func() {
			cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), b.cfg.Timeout)
			defer cancel()
			_ = b.closePIT(cctx, pit) // it expires after pitKeepAlive anyway
		}()
		path = "/_search"
	}
	for {
		if pit != "" {
			body["pit"] = obj{"id": pit, "keep_alive": pitKeepAlive}
		}
		ans, err := b.searchAt(ctx, path, body)
		if err != nil {
			return fmt.Errorf("read %s: %w", src, err)
		}
		if ans.PitID != "" {
			pit = ans.PitID // the engine may hand out a new id with each page
		}
		arts := make([]article.Article, 0, len(ans.Hits.Hits))
		for _, h := range ans.Hits.Hits {
			a, err := indexdoc.Decode(h.Source.Src)
			if err != nil {
				return fmt.Errorf("read %s: article %s: %w", src, h.ID, err)
			}
			a.ID = h.ID
			arts = append(arts, a)
		}
		if len(arts) > 0 {
			if err := fn(arts); err != nil {
				return err
			}
		}
		if len(ans.Hits.Hits) < n {
			return nil
		}
		last := ans.Hits.Hits[len(ans.Hits.Hits)-1]
		after := make(arr, len(last.Sort))
		for i, v := range last.Sort {
			after[i] = v
		}
		body["search_after"] = after
	}
}

// openPIT opens a point in time on index: OpenSearch and Elasticsearch
// name the API and its answer differently.
func (b *Backend) openPIT(ctx context.Context, index string) (string, error) {
	q := url.Values{"keep_alive": {pitKeepAlive}}
	var ans struct {
		PitID string `json:"pit_id"` // OpenSearch
		ID    string `json:"id"`     // Elasticsearch
	}
	path := "/" + url.PathEscape(index) + "/_pit"
	if b.info.Engine == engineOpenSearch {
		path = "/" + url.PathEscape(index) + "/_search/point_in_time"
	}
	if err := b.c.send(ctx, call{method: http.MethodPost, path: path, query: q}, &ans); err != nil {
		return "", fmt.Errorf("open point in time on %s: %w", index, err)
	}
	if ans.PitID != "" {
		return ans.PitID, nil
	}
	if ans.ID == "" {
		return "", fmt.Errorf("open point in time on %s: no id in the answer", index)
	}
	return ans.ID, nil
}

func (b *Backend) closePIT(ctx context.Context, id string) error {
	if b.info.Engine == engineOpenSearch {
		return b.c.send(ctx, call{method: http.MethodDelete, path: "/_search/point_in_time", body: mustJSON(obj{"pit_id": arr{id}})}, nil)
	}
	return b.c.send(ctx, call{method: http.MethodDelete, path: "/_pit", body: mustJSON(obj{"id": id})}, nil)
}

// Version is one index of this alias's name family.
type Version struct {
	Name string `json:"name"`
	Live bool   `json:"live"` // behind the alias
}

// Versions lists the indexes named Index-v*: the live one and those left
// by earlier rebuilds (or by a rebuild that was interrupted).
func (b *Backend) Versions(ctx context.Context) ([]Version, error) {
	var doc map[string]struct {
		Aliases map[string]json.RawMessage `json:"aliases"`
	}
	err := b.c.send(ctx, call{method: http.MethodGet, path: "/" + url.PathEscape(b.alias+"-v*") + "/_alias"}, &doc)
	if err != nil && !IsNotFound(err) {
		return nil, fmt.Errorf("list versions of %s: %w", b.alias, err)
	}
	var out []Version
	for name, d := range doc {
		_, live := d.Aliases[b.alias]
		out = append(out, Version{name, live})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// RemoveIndex deletes an index of this alias's family that the alias no
// longer names: what a rebuild left behind.
func (b *Backend) RemoveIndex(ctx context.Context, name string) error {
	vs, err := b.Versions(ctx)
	if err != nil {
		return err
	}
	for _, v := range vs {
		if v.Name != name {
			continue
		}
		if v.Live {
			return fmt.Errorf("remove index %s: the alias %s names it", name, b.alias)
		}
		if err := b.deleteIndex(ctx, name); err != nil {
			return fmt.Errorf("remove index %s: %w", name, err)
		}
		return nil
	}
	return fmt.Errorf("remove index %s: not an index of %s", name, b.alias)
}

// Drop deletes every index of this alias's family, the one it names
// included, and with it the alias: for throwaway indexes (tests, the
// eval). The Backend is unusable afterwards.
func (b *Backend) Drop(ctx context.Context) error {
	vs, err := b.Versions(ctx)
	if err != nil {
		return err
	}
	for _, v := range vs {
		if err := b.deleteIndex(ctx, v.Name); err != nil {
			return fmt.Errorf("drop %s: %w", v.Name, err)
		}
	}
	return nil
}
