// Package bleve is tracuu's embedded search engine: an index.Backend over
// Bleve. Everything that knows Bleve is here and nowhere else in the
// product: the mapping and the Vietnamese analyzers, the field plan (words
// as written and folded, syllable pairs) and how it scores each node of the
// query tree, facets, BM25 statistics, cursors, collapse, and the index
// directory with its versions, rebuilds and atomic swaps.
package bleve

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	blevelib "github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/document"
	bindex "github.com/blevesearch/bleve_index_api"

	"github.com/tracuu/tracuu/index"
	"github.com/tracuu/tracuu/internal/article"
	"github.com/tracuu/tracuu/internal/indexdoc"
	"github.com/tracuu/tracuu/internal/recent"
)

const (
	currentFile = "CURRENT"       // names the live version directory inside an index dir
	schemaKey   = "tracuu_schema" // internal key holding SchemaVersion
	layoutKey   = "tracuu_layout" // internal key holding LayoutVersion; absent in layout 1
	// batchSize is the articles per Bleve batch. Bleve holds a batch's
	// analysis and its new segment in memory at once, so the batch bounds
	// the import's memory; larger ones were no faster (docs/defaults.md).
	batchSize = 250
	// batchesInFlight is how many batches a rebuild writes at once: while
	// one waits for its segment to reach the disk, the next is analysed
	// and built, on the other core when there is one (figures in
	// docs/defaults.md).
	batchesInFlight = 2
)

// Bleve is the embedded Bleve backend.
type Bleve struct {
	idx      blevelib.Index
	dir      string // the index directory given by the operator
	path     string // the live version directory inside it
	plan     fieldPlan
	schema   Schema // what Upsert writes of each text
	facets   *facetCache
	prefixes recent.Cache[[]index.TermCount] // completions a minute old are still good completions
	lengths  lengthStats                     // BM25 statistics (bm25.go)
	released atomic.Int64                    // when releaseMapped last ran, in Unix nanoseconds
}

var _ index.Backend = (*Bleve)(nil)

// Options tune how an index is opened.
type Options struct {
	ReadOnly  bool          // open without taking the write lock's exclusivity
	Wait      time.Duration // how long to wait for another process's lock (default 2s)
	AnySchema bool          // open an index of another schema version (to reindex it)

	// Schema, when set, is what an index created by Open stores instead
	// of DefaultSchema; an existing index keeps what it was written with.
	// The query plan stays the product's. Only yardsticks set it.
	Schema *Schema
	// Tuning, when set, replaces DefaultTuning for the searches of this
	// handle. Only yardsticks set it.
	Tuning *Tuning
}

// newBleve is the backend over idx, the version at path of the index
// directory dir.
func newBleve(idx blevelib.Index, dir, path string, opts Options) *Bleve {
	t := defaultTuning
	if opts.Tuning != nil {
		t = *opts.Tuning
	}
	sc := defaultSchema
	if opts.Schema != nil {
		sc = *opts.Schema
	}
	return &Bleve{idx: idx, dir: dir, path: path, plan: fieldPlan{tuning: t}, schema: sc, facets: newFacetCache()}
}

// Open opens the index in dir, creating an empty one when dir holds none.
// A directory that another process has open is reported after opts.Wait
// instead of blocking forever.
func Open(dir string, opts Options) (*Bleve, error) {
	if opts.Wait == 0 {
		opts.Wait = 2 * time.Second
	}
	cur, err := os.ReadFile(filepath.Join(dir, currentFile))
	switch {
	case err == nil:
		path := filepath.Join(dir, strings.TrimSpace(string(cur)))
		return openVersion(dir, path, opts)
	case errors.Is(err, fs.ErrNotExist):
		if opts.ReadOnly {
			return nil, fmt.Errorf("open index %s: no index there (run `tracuu import` first)", dir)
		}
		b, err := createVersion(dir, opts)
		if err != nil {
			return nil, err
		}
		if err := b.makeCurrent(); err != nil {
			b.Close()
			return nil, err
		}
		return b, nil
	default:
		return nil, fmt.Errorf("open index %s: %w", dir, err)
	}
}

func openVersion(dir, path string, opts Options) (*Bleve, error) {
	// Bleve reports an unreadable or unwritable directory as "metadata
	// missing" or a failed batch much later; check access first so the
	// operator is told what is wrong.
	if _, err := os.ReadDir(path); err != nil {
		return nil, fmt.Errorf("open index %s: %w", path, err)
	}
	if !opts.ReadOnly {
		f, err := os.CreateTemp(path, ".write-check-*")
		if err != nil {
			return nil, fmt.Errorf("open index %s for writing: %w", path, err)
		}
		f.Close()
		os.Remove(f.Name())
	}
	cfg := map[string]interface{}{"bolt_timeout": opts.Wait.String()}
	if opts.ReadOnly {
		cfg["read_only"] = true
	}
	idx, err := blevelib.OpenUsing(path, scorchConfig(cfg))
	if err != nil {
		if strings.Contains(err.Error(), "timeout") {
			return nil, fmt.Errorf("open index %s: it is in use by another tracuu process (a running `tracuu serve` imports through its admin API, POST /api/admin/imports; or stop it): %w", path, err)
		}
		return nil, fmt.Errorf("open index %s: %w", path, err)
	}
	b := newBleve(idx, dir, path, opts)
	v, err := idx.GetInternal([]byte(schemaKey))
	if err != nil {
		idx.Close()
		return nil, fmt.Errorf("open index %s: read schema version: %w", path, err)
	}
	if got, _ := strconv.Atoi(string(v)); got != SchemaVersion && !opts.AnySchema {
		idx.Close()
		return nil, fmt.Errorf("%w: index %s has schema %q, this tracuu writes %d; run `tracuu reindex --index %s`",
			index.ErrSchema, path, v, SchemaVersion, dir)
	}
	if got, err := layoutOf(idx); err != nil || got != LayoutVersion && !opts.AnySchema {
		idx.Close()
		if err != nil {
			return nil, fmt.Errorf("open index %s: %w", path, err)
		}
		return nil, fmt.Errorf("%w: index %s has Bleve layout %d, this tracuu writes %d; run `tracuu reindex --index %s`",
			index.ErrSchema, path, got, LayoutVersion, dir)
	}
	return b, nil
}

// createVersion makes a new, empty versioned index inside dir, of
// opts.Schema when set. It is not live until makeCurrent.
func createVersion(dir string, opts Options) (*Bleve, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("create index dir: %w", err)
	}
	name := fmt.Sprintf("v%d-%s", SchemaVersion, time.Now().UTC().Format("20060102T150405.000000000"))
	path := filepath.Join(dir, name)
	sc := defaultSchema
	if opts.Schema != nil {
		sc = *opts.Schema
	}
	m, err := newMappingFor(sc)
	if err != nil {
		return nil, err
	}
	idx, err := blevelib.NewUsing(path, m, blevelib.Config.DefaultIndexType, blevelib.Config.DefaultKVStore, scorchConfig(map[string]interface{}{}))
	if err != nil {
		return nil, fmt.Errorf("create index %s: %w", path, err)
	}
	for key, v := range map[string]int{schemaKey: SchemaVersion, layoutKey: LayoutVersion} {
		if err := idx.SetInternal([]byte(key), []byte(strconv.Itoa(v))); err != nil {
			idx.Close()
			return nil, fmt.Errorf("create index %s: %w", path, err)
		}
	}
	return newBleve(idx, dir, path, opts), nil
}

// scorchConfig adds to cfg the options every handle on an index opens
// with. Segments are persisted as they were built: writes keep two
// batches in flight (index.WriteParts, for imports and rebuilds), and Bleve's
// persister would otherwise merge the second into the first in memory
// before writing, encoding every article once more (its memory-pressure
// threshold of 0 turns that merge off).
func scorchConfig(cfg map[string]interface{}) map[string]interface{} {
	cfg["scorchPersisterOptions"] = map[string]interface{}{"MemoryPressurePauseThreshold": 0}
	return cfg
}

// layoutOf reads the layout version an index was written with.
func layoutOf(idx blevelib.Index) (int, error) {
	v, err := idx.GetInternal([]byte(layoutKey))
	if err != nil {
		return 0, fmt.Errorf("read layout version: %w", err)
	}
	if v == nil {
		return 1, nil
	}
	n, err := strconv.Atoi(string(v))
	if err != nil {
		return 0, fmt.Errorf("layout version %q: %w", v, err)
	}
	return n, nil
}

// makeCurrent points the index directory's CURRENT file at this version,
// atomically: a crash leaves CURRENT naming the old version or this one.
func (b *Bleve) makeCurrent() error {
	if err := writeAtomic(filepath.Join(b.dir, currentFile), []byte(filepath.Base(b.path)+"\n")); err != nil {
		return fmt.Errorf("switch index %s to %s: %w", b.dir, b.path, err)
	}
	return nil
}

// writeAtomic replaces a file so that readers see the old or the new
// content, never a torn one, even across a crash.
func writeAtomic(path string, data []byte) error {
	tmp := path + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		return err
	}
	// The rename is durable only once the directory entry is.
	d, err := os.Open(filepath.Dir(path))
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// Path is the directory of this index version inside the index directory
// given to Open. Files of our own kept there (the importer's state) travel
// and vanish with the version.
func (b *Bleve) Path() string { return b.path }

// Close closes the index; written batches are already durable.
func (b *Bleve) Close() error { return b.idx.Close() }

// Upsert indexes articles in batches. Bleve's default (safe) batches
// return only once persisted, so the articles are durable when Upsert
// returns; after a failure, the batches written before it stay written.
// Callers that want batches written at once call it from several
// goroutines (index.WriteParts).
func (b *Bleve) Upsert(ctx context.Context, arts ...article.Article) error {
	batch := b.idx.NewBatch()
	for i := range arts {
		if err := ctx.Err(); err != nil {
			return err
		}
		a := &arts[i]
		if a.ID == "" {
			return fmt.Errorf("upsert: article %q has no id", a.Title)
		}
		doc, err := b.document(a)
		if err != nil {
			return fmt.Errorf("upsert %s: %w", a.ID, err)
		}
		if err := batch.IndexAdvanced(doc); err != nil {
			return fmt.Errorf("upsert %s: %w", a.ID, err)
		}
		if batch.Size() >= batchSize {
			if err := b.write(batch); err != nil {
				return err
			}
			batch.Reset()
		}
	}
	if batch.Size() > 0 {
		return b.write(batch)
	}
	return nil
}

// write applies one batch. When a batch fails to persist (a full disk),
// Bleve closes its segment although the index already holds it, and a
// batch written beside it panics on the closed segment: that is an error
// of this write, not a crash of the process.
func (b *Bleve) write(batch *blevelib.Batch) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("upsert: write batch: Bleve failed: %v", r)
		}
	}()
	if err := b.idx.Batch(batch); err != nil {
		return fmt.Errorf("upsert: write batch: %w", err)
	}
	b.releaseMapped()
	return nil
}

// releaseMapped takes the index's mapped files out of the process's
// resident set (mapped_linux.go), at most once a second: a long import or
// rebuild reads every segment it merges, and the pages it read stay
// counted in its memory otherwise. It is a hint to the kernel; a failure
// changes nothing that was written, so it is not an error of the write.
func (b *Bleve) releaseMapped() {
	now := time.Now().UnixNano()
	last := b.released.Load()
	if now-last < int64(time.Second) || !b.released.CompareAndSwap(last, now) {
		return
	}
	_ = releaseMapped(b.path)
}

// document turns an article into a Bleve document: the mapping maps the
// facet, date and stored fields, and the texts are added as fields that
// analyse themselves (fields.go). The stored record keeps title, lead and
// body as published (only NFC, which changes no letter a reader sees): a
// quote must carry the source's "hoả", not the canonical "hỏa". The
// indexed fields get the cleaned text (one tone placement, no invisible
// characters); highlights re-read the stored text and compare folded
// words, so they need no offsets from the index.
func (b *Bleve) document(a *article.Article) (*document.Document, error) {
	d, err := indexdoc.New(a)
	if err != nil {
		return nil, err
	}
	doc := document.NewDocument(d.ID)
	if err := b.idx.Mapping().MapDocument(doc, fieldMap(&d)); err != nil {
		return nil, err
	}
	for _, f := range analyzedFields(b.schema, d.Title, fTitle, fTitleFPairs) {
		doc.AddField(f)
	}
	for _, f := range analyzedFields(b.schema, d.Text, fBody, fBodyFPairs) {
		doc.AddField(f)
	}
	return doc, nil
}

// fieldMap is the part of a document the mapping maps: everything but the
// texts.
func fieldMap(d *indexdoc.Doc) map[string]interface{} {
	doc := map[string]interface{}{
		fSource: string(d.Stored),
		fHash:   d.Hash,
		fUID:    d.ID,
	}
	if d.Site != "" {
		doc[index.FieldSite] = d.Site
	}
	if d.Section != "" {
		doc[index.FieldSection] = d.Section
	}
	if d.Cluster != "" {
		doc[index.FieldCluster] = d.Cluster
	}
	if len(d.Authors) > 0 {
		doc[index.FieldAuthor] = d.Authors
	}
	if !d.Published.IsZero() {
		doc[fPublished] = d.Published
		doc[index.FieldYear] = d.Year()
		doc[index.FieldMonth] = d.Month()
	}
	return doc
}

// facetValue is the one spelling a facet bucket is counted under.
func facetValue(s string) string { return indexdoc.FacetValue(s) }

// Delete removes articles by id.
func (b *Bleve) Delete(ctx context.Context, ids ...string) error {
	batch := b.idx.NewBatch()
	for _, id := range ids {
		batch.Delete(id)
	}
	if err := b.idx.Batch(batch); err != nil {
		return fmt.Errorf("delete: %w", err)
	}
	return nil
}

// Fingerprints returns the stored content hashes of the ids present.
func (b *Bleve) Fingerprints(ctx context.Context, ids []string) (map[string]string, error) {
	out := make(map[string]string, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	req := blevelib.NewSearchRequestOptions(blevelib.NewDocIDQuery(ids), len(ids), 0, false)
	req.Fields = []string{fHash}
	req.SortBy([]string{"_id"})
	res, err := b.idx.SearchInContext(ctx, req) // unscored: no BM25 statistics needed
	if err != nil {
		return nil, fmt.Errorf("fingerprints: %w", err)
	}
	for _, h := range res.Hits {
		if v, ok := h.Fields[fHash].(string); ok {
			out[h.ID] = v
		}
	}
	return out, nil
}

// Get returns the stored article with this id.
func (b *Bleve) Get(ctx context.Context, id string) (article.Article, bool, error) {
	doc, err := b.idx.Document(id)
	if err != nil {
		return article.Article{}, false, fmt.Errorf("get %s: %w", id, err)
	}
	if doc == nil {
		return article.Article{}, false, nil
	}
	a, err := storedArticle(doc)
	if err != nil {
		return article.Article{}, false, fmt.Errorf("get %s: %w", id, err)
	}
	return a, true, nil
}

// storedArticle decodes the article a document stores.
func storedArticle(doc bindex.Document) (article.Article, error) {
	var src []byte
	doc.VisitFields(func(f bindex.Field) {
		if f.Name() == fSource {
			src = f.Value()
		}
	})
	return decodeSource(src)
}

// decodeSource reads a stored record back.
func decodeSource(src []byte) (article.Article, error) { return indexdoc.Decode(src) }

// Stats reports the article count and the size of the index on disk.
func (b *Bleve) Stats(ctx context.Context) (index.Stats, error) {
	n, err := b.idx.DocCount()
	if err != nil {
		return index.Stats{}, fmt.Errorf("stats: %w", err)
	}
	st := index.Stats{Articles: n, Schema: SchemaVersion, Path: b.path}
	_ = filepath.WalkDir(b.path, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if info, err := d.Info(); err == nil {
				st.SizeBytes += info.Size()
				if info.ModTime().After(st.Updated) {
					st.Updated = info.ModTime()
				}
			}
		}
		return nil
	})
	return st, nil
}
