// Package importer runs the import pipeline: sources are walked, pages are
// extracted by a bounded pool of workers, and one writer upserts articles
// into the index in batches, a few parts of a batch at once. Every page
// that does not become an article is counted by reason and written to the
// report; nothing stops the run but a failure of the run itself (an
// unreadable source, the index, cancellation).
package importer

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"runtime"
	"sort"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/tracuu/tracuu/index"
	"github.com/tracuu/tracuu/internal/article"
	"github.com/tracuu/tracuu/internal/dedup"
	"github.com/tracuu/tracuu/internal/extract"
	"github.com/tracuu/tracuu/internal/source"
)

// Options configure a run.
type Options struct {
	Workers   int            // extract workers (default: number of CPUs)
	BatchSize int            // articles per index write (default 2000)
	Source    source.Options // limits for reading archives
	Report    io.Writer      // receives one JSON line per skipped or failed page; may be nil
	Progress  func(Progress) // called after every batch and at the end; may be nil
	Log       *slog.Logger   // may be nil
	State     *State         // what earlier runs saw; nil imports everything afresh
	Force     bool           // re-extract and rewrite even unchanged pages (after an extractor change)
}

// Progress is a snapshot of a running import.
type Progress struct {
	Seen    int           // items read from the sources and processed
	Indexed int           // articles written (new or updated)
	Elapsed time.Duration // since the run started
}

// Summary is the outcome of a run.
type Summary struct {
	Seen        int            `json:"seen"`
	Indexed     int            `json:"indexed"` // new + updated
	New         int            `json:"new"`
	Updated     int            `json:"updated"`
	Unchanged   int            `json:"unchanged"` // pages or articles identical to what the index holds`
	NotArticles int            `json:"not_articles"`
	Skipped     int            `json:"skipped"` // unusable pages: too large, binary, empty, not JSON, ...
	Failed      int            `json:"failed"`  // pages that could not be read at all: permissions, corrupt archives`
	SkipReasons map[string]int `json:"skipped_by_reason"`
	Duplicates  int            `json:"duplicates"` // the same id twice in one run: the later page wins
	Trimmed     int            `json:"trimmed"`    // articles kept with a field cut or a junk word left unindexed (see the report)
	// Converted counts pages whose text was in a legacy Vietnamese font
	// encoding and was converted to Unicode, by encoding (TCVN3, VNI); a
	// page mixing both counts under each.
	Converted  map[string]int `json:"converted_by_encoding"`
	Seconds    float64        `json:"seconds"`
	DocsPerSec float64        `json:"docs_per_sec"`
	// Timeline is the run's progress after every durable batch: how the
	// cost of a write grows with the size of the index.
	Timeline []Mark `json:"timeline,omitempty"`
}

// Mark is the progress of a run when a batch became durable.
type Mark struct {
	Seen    int     `json:"seen"`
	Seconds float64 `json:"seconds"`
}

// ReportLine is one line of the report file.
type ReportLine struct {
	Name   string `json:"name"`
	URL    string `json:"url,omitempty"`
	Status string `json:"status"` // "not_article", "skipped", "failed", "trimmed" (indexed with cuts) or "converted" (imported, from a legacy font encoding)
	Reason string `json:"reason"`
}

// outcome is what a worker made of one item.
type outcome struct {
	art       *article.Article
	report    *ReportLine
	trimmed   *ReportLine // what was cut from art
	kind      string      // reason key for the summary
	page      *pageRecord // the raw page, to remember once the batch is durable
	sim       uint64      // SimHash of art, when hasSim
	hasSim    bool
	unchanged bool     // the page's bytes are those of an earlier run
	seq       int      // position of the item in the sources
	fonts     []string // legacy font encodings the page was converted from
	name, url string   // the item, for a report line on a converted page
}

// Run imports every source into b. It returns the summary and a non-nil
// error only when the run as a whole failed; what was written before a
// failure stays written.
func Run(ctx context.Context, b index.Backend, paths []string, opts Options) (Summary, error) {
	if opts.Workers <= 0 {
		opts.Workers = runtime.NumCPU()
	}
	if opts.BatchSize <= 0 {
		// Bleve builds one segment per batch and merges them later: larger
		// batches mean fewer, cheaper merges, at a few hundred KB of memory
		// each (figures in docs/defaults.md).
		opts.BatchSize = 2000
	}
	if opts.Log == nil {
		opts.Log = slog.New(slog.DiscardHandler)
	}
	start := time.Now()
	parent := ctx
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	// Items carry their position in the sources, so that when one id turns
	// up twice the later one wins whichever worker finished first.
	type seqItem struct {
		it  source.Item
		seq int
	}
	items := make(chan seqItem, opts.Workers*2)
	outcomes := make(chan outcome, opts.Workers*2)

	var walkErr error
	go func() {
		defer close(items)
		seq := 0
		for _, p := range paths {
			err := source.Walk(ctx, p, opts.Source, func(it source.Item) error {
				seq++
				select {
				case items <- seqItem{it, seq}:
					return nil
				case <-ctx.Done():
					return ctx.Err()
				}
			})
			if err != nil {
				walkErr = fmt.Errorf("import %s: %w", p, err)
				cancel()
				return
			}
		}
	}()

	var wg sync.WaitGroup
	for range opts.Workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for si := range items {
				o := process(si.it, opts.State, opts.Force)
				o.seq = si.seq
				select {
				case outcomes <- o:
				case <-ctx.Done():
					return
				}
			}
		}()
	}
	go func() { wg.Wait(); close(outcomes) }()

	w := &writer{b: b, opts: opts, start: start, sims: dedup.NewIndex(), batch: map[string]*outcome{}, latest: map[string]int{},
		sum: Summary{SkipReasons: map[string]int{}, Converted: map[string]int{}}}
	if opts.State != nil {
		// Even a forced run keeps the clusters of articles it does not see.
		if _, err := opts.State.readSims(w.sims); err != nil {
			cancel()
			for range outcomes {
			}
			return w.sum, fmt.Errorf("import: read state: %w", err)
		}
	}
	if opts.Report != nil {
		w.report = json.NewEncoder(opts.Report)
		w.report.SetEscapeHTML(false)
	}
	var writeErr error
	for o := range outcomes {
		if writeErr != nil {
			continue // drain so the workers can exit
		}
		if writeErr = w.add(ctx, o); writeErr != nil {
			cancel()
		}
	}
	if writeErr == nil {
		writeErr = w.flush(ctx)
	}
	sum := w.sum
	sum.Seconds = time.Since(start).Seconds()
	if sum.Seconds > 0 {
		sum.DocsPerSec = float64(sum.Seen) / sum.Seconds
	}
	switch {
	case writeErr != nil:
		return sum, writeErr
	case walkErr != nil:
		return sum, walkErr
	case parent.Err() != nil:
		// Interrupted after the walk: workers dropped what they had not
		// started, so the run is not complete even though nothing failed.
		return sum, fmt.Errorf("import: %w", parent.Err())
	}
	return sum, nil
}

// writer is the single goroutine that batches articles into the index;
// upsert writes each batch's parts from goroutines of its own.
type writer struct {
	b      index.Backend
	opts   Options
	start  time.Time
	sum    Summary
	report *json.Encoder
	sims   *dedup.Index

	batch  map[string]*outcome // by article id: the last page with an id wins
	latest map[string]int      // article id → source position of the version kept
	order  []string
	pages  []pageRecord // pages seen in this batch that made no article to write
}

func (w *writer) add(ctx context.Context, o outcome) error {
	w.sum.Seen++
	if w.opts.Progress != nil && w.sum.Seen%64 == 0 {
		w.opts.Progress(Progress{Seen: w.sum.Seen, Indexed: w.sum.Indexed, Elapsed: time.Since(w.start)})
	}
	for _, f := range o.fonts {
		w.sum.Converted[f]++
	}
	if len(o.fonts) > 0 && o.report == nil && w.report != nil {
		line := ReportLine{Name: o.name, URL: o.url, Status: "converted",
			Reason: "text converted to Unicode from the " + strings.Join(o.fonts, " and ") + " font encoding"}
		if err := w.report.Encode(line); err != nil {
			return fmt.Errorf("import: write report: %w", err)
		}
	}
	switch {
	case o.unchanged:
		w.sum.Unchanged++
		return nil
	case o.report != nil:
		switch o.report.Status {
		case "not_article":
			w.sum.NotArticles++
			if o.page != nil {
				w.pages = append(w.pages, *o.page)
			}
		case "failed":
			w.sum.Failed++
			w.sum.SkipReasons[o.kind]++
		default:
			w.sum.Skipped++
			w.sum.SkipReasons[o.kind]++
		}
		if w.report != nil {
			if err := w.report.Encode(o.report); err != nil {
				return fmt.Errorf("import: write report: %w", err)
			}
		}
		return nil
	}
	if o.trimmed != nil {
		w.sum.Trimmed++
		if w.report != nil {
			if err := w.report.Encode(o.trimmed); err != nil {
				return fmt.Errorf("import: write report: %w", err)
			}
		}
	}
	id := o.art.ID
	if prev, dup := w.latest[id]; dup {
		w.sum.Duplicates++
		if prev > o.seq {
			return nil // a later copy in the sources already won
		}
	}
	w.latest[id] = o.seq
	if _, queued := w.batch[id]; !queued {
		w.order = append(w.order, id)
	}
	w.batch[id] = &o
	if len(w.order) >= w.opts.BatchSize {
		return w.flush(ctx)
	}
	return nil
}

// flush writes the batch: near-duplicate clusters are assigned, articles
// identical to what the index holds are skipped, the rest upserted; then
// the state records the batch, now durable.
func (w *writer) flush(ctx context.Context) error {
	if len(w.order) == 0 && len(w.pages) == 0 {
		return nil
	}
	// Written even when ctx is cancelled: a batch in hand is finished, so
	// Ctrl-C never leaves half of it behind.
	wctx := context.WithoutCancel(ctx)
	old, err := w.b.Fingerprints(wctx, w.order)
	if err != nil {
		return fmt.Errorf("import: %w", err)
	}
	arts := make([]article.Article, 0, len(w.order))
	var sims []simRecord
	pages := w.pages
	for _, id := range w.order {
		o := w.batch[id]
		a := *o.art
		if o.hasSim {
			a.Cluster = w.sims.Assign(o.sim)
			sims = append(sims, simRecord{id: id, h: o.sim, cluster: a.Cluster})
		}
		if o.page != nil {
			pages = append(pages, *o.page)
		}
		prev, had := old[id]
		switch {
		case had && prev == a.ContentHash() && !w.opts.Force:
			w.sum.Unchanged++
			continue
		case had:
			w.sum.Updated++
		default:
			w.sum.New++
		}
		arts = append(arts, a)
	}
	if err := w.upsert(wctx, arts, old); err != nil {
		return err
	}
	if w.opts.State != nil {
		if err := w.opts.State.record(pages, sims); err != nil {
			return fmt.Errorf("import: record state: %w", err)
		}
	}
	w.sum.Timeline = append(w.sum.Timeline, Mark{Seen: w.sum.Seen, Seconds: time.Since(w.start).Seconds()})
	clear(w.batch)
	w.order = w.order[:0]
	w.pages = w.pages[:0]
	if w.opts.Progress != nil {
		w.opts.Progress(Progress{Seen: w.sum.Seen, Indexed: w.sum.Indexed, Elapsed: time.Since(w.start)})
	}
	return nil
}

// upsertPart is the most articles one Upsert call writes: the index's
// own batch (index/bleve.go), which Bleve applies whole or not at all.
// partsInFlight parts are written at once: while one waits for the disk,
// the next is analysed and built (figures in docs/defaults.md).
const (
	upsertPart    = 250
	partsInFlight = 2
)

// upsert writes arts in parts, partsInFlight at a time, counted as they
// land: a failure midway (a full disk) leaves the parts written before it
// or beside it in the index, starts no more, and the summary says how
// many landed. (Reading the index back after such a failure is not safe:
// Bleve may hold a half-built segment.)
func (w *writer) upsert(ctx context.Context, arts []article.Article, old map[string]string) error {
	unwritten, err := index.WriteParts(ctx, w.b, arts, upsertPart, partsInFlight)
	w.sum.Indexed += len(arts) - len(unwritten)
	w.unwritten(unwritten, old)
	if err != nil {
		return fmt.Errorf("import: %w", err)
	}
	return nil
}

// unwritten takes the articles a failed write did not store back out of
// the new and updated counts.
func (w *writer) unwritten(arts []article.Article, before map[string]string) {
	for _, a := range arts {
		if _, had := before[a.ID]; had {
			w.sum.Updated--
		} else {
			w.sum.New--
		}
	}
}

// process turns one source item into an article or a report line. With
// a state, a page whose bytes an earlier run already imported is not even
// parsed.
func process(it source.Item, st *State, force bool) outcome {
	skip := func(kind, reason string) outcome {
		return outcome{kind: kind, report: &ReportLine{Name: it.Name, URL: it.URL, Status: "skipped", Reason: reason}}
	}
	if it.Err != nil {
		o := skip(reasonKey(it.Err), it.Err.Error())
		if o.kind == "unreadable" || o.kind == "permission_denied" {
			o.report.Status = "failed"
		}
		return o
	}
	var a article.Article
	var page *pageRecord
	var fonts []string
	if it.Article != nil {
		a = *it.Article
	} else {
		key := it.URL
		if key == "" {
			key = it.Name
		}
		page = &pageRecord{key: key, h: rawHash(it.Body)}
		if st != nil && !force {
			if same, kind := st.unchanged(key, page.h); same && kind != "" {
				// Counted as the first import counted it, in one vocabulary
				// with an archive's pages, which are read again each time.
				return outcome{kind: kind, report: &ReportLine{Name: it.Name, URL: it.URL, Status: "not_article",
					Reason: kind + ": unchanged since the last import"}}
			} else if same {
				return outcome{unchanged: true}
			}
		}
		res, err := extract.Extract(extract.Input{Body: it.Body, URL: it.URL, Header: it.Header})
		if err != nil {
			return skip(reasonKey(err), err.Error())
		}
		if res.Kind != extract.KindArticle {
			page.kind = string(res.Kind)
			return outcome{kind: string(res.Kind), page: page, fonts: res.FontEncodings, report: &ReportLine{
				Name: it.Name, URL: it.URL, Status: "not_article", Reason: string(res.Kind) + ": " + res.Reason}}
		}
		a = res.Article
		fonts = res.FontEncodings
		if a.URL == "" {
			a.URL = it.URL
		}
	}
	if err := a.Validate(); err != nil {
		return skip("empty", err.Error())
	}
	if a.URL != "" && !article.IsWebURL(a.URL) {
		a.URL = "" // a javascript: or file: "URL" is not a link anybody should be given
	}
	a.EnsureID()
	if len(a.ID) > maxIDBytes {
		return skip("id_too_long", fmt.Sprintf("id of %d bytes; at most %d", len(a.ID), maxIDBytes))
	}
	o := outcome{art: &a, page: page, fonts: fonts, name: it.Name, url: it.URL}
	if cuts := bound(&a); len(cuts) > 0 {
		o.trimmed = &ReportLine{Name: it.Name, URL: it.URL, Status: "trimmed", Reason: strings.Join(cuts, "; ")}
	}
	if page != nil {
		page.id = a.ID
	}
	// The title takes part so that short items (briefs, captions) that are
	// copies still meet; on long stories it weighs little.
	o.sim, o.hasSim = dedup.Simhash(a.Title + "\n\n" + a.Body)
	return o
}

// reasonKey groups skip errors into a few counters for the summary.
func reasonKey(err error) string {
	for _, k := range []struct {
		err error
		key string
	}{
		{source.ErrTooLarge, "too_large"}, {source.ErrUnsafePath, "unsafe_path"},
		{source.ErrOutsideRoots, "outside_roots"}, {extract.ErrTooLarge, "too_large"},
		{extract.ErrBinary, "binary"}, {extract.ErrLegacyEncoding, "legacy_encoding"},
		{extract.ErrParse, "unparsable"}, {article.ErrEmpty, "empty"}, {article.ErrBadDate, "bad_date"},
		{fs.ErrPermission, "permission_denied"},
	} {
		if errors.Is(err, k.err) {
			return k.key
		}
	}
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	if errors.As(err, &se) || errors.As(err, &te) {
		return "not_json"
	}
	return "unreadable"
}

// Reasons returns the summary's skip reasons in a stable order, for printing.
func (s Summary) Reasons() []string {
	keys := make([]string, 0, len(s.SkipReasons))
	for k := range s.SkipReasons {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// Bounds on what one article stores. Real titles are under 300 bytes and
// real article bodies under 100 KB; a scraped page can hold anything, and
// every search hit carries its title (twice for suggestions) and a snippet
// cut from its body. Longer fields are cut at a word and the report says
// so; ids, which cannot be cut, are refused beyond their bound.
const (
	maxTitleBytes = 1000
	maxMetaBytes  = 200 // author, section, site
	maxLeadBytes  = 10000
	maxBodyBytes  = 1 << 20
	maxIDBytes    = 512
)

// bound cuts the fields of a that are over their bounds and reports what
// it cut and the words too long to be indexed (the analyzers drop them).
func bound(a *article.Article) []string {
	var cuts []string
	for _, f := range []struct {
		name string
		s    *string
		max  int
	}{
		{"title", &a.Title, maxTitleBytes}, {"author", &a.Author, maxMetaBytes}, {"section", &a.Section, maxMetaBytes},
		{"site", &a.Site, maxMetaBytes}, {"lead", &a.Lead, maxLeadBytes}, {"body", &a.Body, maxBodyBytes},
	} {
		if n := len(*f.s); n > f.max {
			*f.s = cutAtWord(*f.s, f.max)
			cuts = append(cuts, fmt.Sprintf("%s cut from %d to %d bytes", f.name, n, len(*f.s)))
		}
	}
	if n := longWords(a.Title) + longWords(a.Lead) + longWords(a.Body); n > 0 {
		cuts = append(cuts, fmt.Sprintf("%d words longer than %d bytes not indexed", n, index.MaxTokenBytes))
	}
	return cuts
}

// cutAtWord shortens s to at most max bytes, at the last space of its
// second half if there is one, else at a character boundary, and marks
// the cut with an ellipsis.
func cutAtWord(s string, max int) string {
	const ellipsis = "…"
	end := max - len(ellipsis)
	for end > 0 && !utf8.RuneStart(s[end]) {
		end--
	}
	if sp := strings.LastIndexFunc(s[:end], unicode.IsSpace); sp > end/2 {
		end = sp
	}
	return strings.TrimRightFunc(s[:end], unicode.IsSpace) + ellipsis
}

// longWords counts the runs of letters, digits and marks in s longer than
// the analyzers index.
func longWords(s string) int {
	n, run := 0, 0
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r) {
			run += utf8.RuneLen(r)
			continue
		}
		if run > index.MaxTokenBytes {
			n++
		}
		run = 0
	}
	if run > index.MaxTokenBytes {
		n++
	}
	return n
}
