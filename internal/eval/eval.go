package eval

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/tracuu/tracuu/index"
	"github.com/tracuu/tracuu/index/bleve"
	"github.com/tracuu/tracuu/index/opensearch"
	"github.com/tracuu/tracuu/internal/article"
	"github.com/tracuu/tracuu/internal/search"
	"github.com/tracuu/tracuu/internal/yardstick"
)

// Config says what to measure.
type Config struct {
	Dir      string         // where the indexes are built (removed after)
	Queries  int            // known-item queries per class
	Phrases  int            // frequent-syllable phrases per length (2, 3, 4)
	Seed     uint64         // for query generation
	Baseline bool           // build and query naive Bleve too
	Variants bool           // also build the schema variants (size, rate, TF-IDF ranking)
	Tunings  []bleve.Tuning // extra boosts to score the product index with (each opened with them)
	Log      io.Writer      // progress, may be nil
	// Cluster, when set, also builds the product index in that OpenSearch
	// or Elasticsearch cluster and ranks it beside Bleve's. It is built
	// behind a throwaway alias, Cluster.Index (default tracuu) followed by
	// -eval-<time>, with one shard unless Cluster.Shards says otherwise,
	// and deleted afterwards.
	Cluster *opensearch.Config
}

// Report is everything measured in one run.
type Report struct {
	Docs     int             `json:"docs"`
	RawBytes int64           `json:"raw_bytes"` // title+body bytes indexed
	Seed     uint64          `json:"seed"`
	Tuning   bleve.Tuning    `json:"tuning"`
	Indexes  []IndexFigures  `json:"indexes"`
	Ranking  []ClassFigures  `json:"ranking"`
	Phrases  []PhraseFigures `json:"phrases"`
	Tunings  []TuningFigures `json:"tunings,omitempty"`
	Sets     []SetFigures    `json:"answer_sets"`
	Queries  []KnownItem     `json:"queries"`
	Started  time.Time       `json:"started"`
	Took     string          `json:"took"`
}

// IndexFigures is what building one index cost.
type IndexFigures struct {
	Name    string  `json:"name"`
	Seconds float64 `json:"seconds"` // until the last batch is durable; merging goes on after

	DocsPerSec float64 `json:"docs_per_sec"`
	SizeBytes  int64   `json:"size_bytes"`
	SizeVsRaw  float64 `json:"size_vs_raw"`
}

// ClassFigures is the ranking quality of one system on one query class
// (or group of classes).
type ClassFigures struct {
	System string  `json:"system"`
	Class  string  `json:"class"`
	N      int     `json:"n"`
	MRR10  float64 `json:"mrr_at_10"`
	Hits1  float64 `json:"hits_at_1"`
	Hits10 float64 `json:"hits_at_10"`
	P50ms  float64 `json:"p50_ms"`
	P95ms  float64 `json:"p95_ms"`
	// Interpreted counts the queries searched in another reading than
	// the one typed (search.Plan); the ASCII control wants none.
	Interpreted int `json:"interpreted"`
}

// PhraseFigures is the latency of quoted phrases of frequent syllables.
type PhraseFigures struct {
	System    string   `json:"system"`
	Words     int      `json:"words"`
	N         int      `json:"n"`
	P50ms     float64  `json:"p50_ms"`
	P95ms     float64  `json:"p95_ms"`
	MaxMs     float64  `json:"max_ms"`
	MeanTotal float64  `json:"mean_total"` // matches per phrase, to show they are common
	Examples  []string `json:"examples"`
}

// TuningFigures is the ranking quality of the product under one tuning.
type TuningFigures struct {
	Tuning     bleve.Tuning `json:"tuning"`
	Accented   float64      `json:"mrr_accented"`
	Accentless float64      `json:"mrr_accentless"`
	Words      float64      `json:"mrr_title_words"`
}

func (c *Config) logf(format string, args ...any) {
	if c.Log != nil {
		fmt.Fprintf(c.Log, format+"\n", args...)
	}
}

// Run indexes arts into the product index (and the baseline and variants
// when asked), asks the generated questions, and reports.
func Run(ctx context.Context, arts []article.Article, cfg Config) (*Report, error) {
	start := time.Now()
	if cfg.Queries <= 0 {
		cfg.Queries = 200
	}
	if cfg.Phrases <= 0 {
		cfg.Phrases = 40
	}
	rep := &Report{Docs: len(arts), Seed: cfg.Seed, Tuning: bleve.DefaultTuning(), Started: start.UTC()}
	for _, a := range arts {
		rep.RawBytes += int64(len(a.Title) + len(a.Body))
	}

	cfg.logf("generating queries from %d articles", len(arts))
	items, freq := unique(arts, generate(arts, cfg.Queries, cfg.Seed), cfg.Queries)
	titles := titleWordSets(arts)
	rep.Queries = items
	phrases := frequentPhrases(arts, freq, 100, cfg.Phrases, cfg.Seed)

	ours, fig, err := build(ctx, cfg, "tracuu", arts, yardstick.Variant{})
	if err != nil {
		return nil, err
	}
	defer func() {
		if ours != nil {
			ours.Close()
		}
	}()
	rep.Indexes = append(rep.Indexes, fig)

	var base *yardstick.Baseline
	if cfg.Baseline {
		cfg.logf("indexing %d articles into the baseline", len(arts))
		t0 := time.Now()
		base, err = yardstick.CreateBaseline(filepath.Join(cfg.Dir, "baseline"))
		if err != nil {
			return nil, err
		}
		defer base.Close()
		if err := base.Index(ctx, arts); err != nil {
			return nil, err
		}
		took := time.Since(t0)
		size, err := settled(ctx, func() (int64, error) { return base.SizeBytes(), nil })
		if err != nil {
			return nil, err
		}
		rep.Indexes = append(rep.Indexes, figures("baseline (Bleve default mapping)", len(arts), took, size, rep.RawBytes))
	}

	systems := []system{ourSystem("tracuu", ours)}
	if base != nil {
		systems = append(systems, baseSystem(base))
	}
	if cfg.Cluster != nil {
		cb, fig, err := buildCluster(ctx, cfg, arts)
		if err != nil {
			return nil, err
		}
		defer func() {
			dctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
			defer cancel()
			if err := cb.Drop(dctx); err != nil {
				cfg.logf("could not delete the eval's index in the cluster: %v", err)
			}
			cb.Close()
		}()
		rep.Indexes = append(rep.Indexes, fig)
		systems = append(systems, ourSystem(fig.Name, cb))
	}
	if cfg.Variants {
		for _, v := range []struct {
			name string
			v    yardstick.Variant
			rank bool
		}{
			{"tracuu, tf-idf scoring", yardstick.Variant{Scoring: "tf-idf"}, true},
			{"tracuu without pair fields", yardstick.Variant{NoPairs: true}, false},
			{"tracuu, positions on pairs too", yardstick.Variant{PairPositions: true}, false},
			// The floor: the least an accent-insensitive search can index
			// (folded words, the stored article, facets), with and without
			// the positions a phrase query would need.
			{"folded words only, positions", yardstick.Variant{NoExactWords: true, NoPairs: true}, false},
			{"folded words only", yardstick.Variant{NoExactWords: true, NoPairs: true, NoWordPositions: true}, false},
		} {
			b, fig, err := build(ctx, cfg, v.name, arts, v.v)
			if err != nil {
				return nil, err
			}
			rep.Indexes = append(rep.Indexes, fig)
			if v.rank {
				defer b.Close()
				systems = append(systems, ourSystem(v.name, b))
			} else {
				b.Close()
				os.RemoveAll(filepath.Join(cfg.Dir, safeName(v.name)))
			}
		}
	}

	for _, s := range systems {
		cfg.logf("asking %d known-item queries of %s", len(items), s.name)
		figs, err := rank(ctx, s, items, titles)
		if err != nil {
			return nil, err
		}
		rep.Ranking = append(rep.Ranking, figs...)
	}
	cfg.logf("exporting the answer sets of %d accented title words", answerWords)
	if rep.Sets, err = answerSets(ctx, &search.Service{Backend: ours}, arts, answerWords); err != nil {
		return nil, err
	}
	for _, s := range systems[:min(2, len(systems))] {
		cfg.logf("timing frequent-syllable phrases on %s", s.name)
		for n := 2; n <= 4; n++ {
			pf, err := phraseLatency(ctx, s, phrases[n])
			if err != nil {
				return nil, err
			}
			pf.Words = n
			rep.Phrases = append(rep.Phrases, pf)
		}
	}
	if len(cfg.Tunings) > 0 {
		// Each tuning searches the product index opened with it: one
		// handle at a time, since an index has one owner.
		dir := filepath.Join(cfg.Dir, safeName("tracuu"))
		ours.Close()
		ours = nil
		for _, t := range cfg.Tunings {
			tuned, err := yardstick.OpenTuned(dir, t)
			if err != nil {
				return nil, err
			}
			figs, err := rank(ctx, ourSystem("tracuu", tuned), items, titles)
			tuned.Close()
			if err != nil {
				return nil, err
			}
			tf := TuningFigures{Tuning: t}
			for _, f := range figs {
				switch f.Class {
				case GroupAccented:
					tf.Accented = f.MRR10
				case GroupAccentless:
					tf.Accentless = f.MRR10
				case ClassTitleWords:
					tf.Words = f.MRR10
				}
			}
			rep.Tunings = append(rep.Tunings, tf)
			cfg.logf("tuning %+v: accented %.3f accent-less %.3f words %.3f", t, tf.Accented, tf.Accentless, tf.Words)
		}
	}
	rep.Took = time.Since(start).Round(time.Second).String()
	return rep, nil
}

func safeName(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			return r
		}
		return '-'
	}, s)
}

func build(ctx context.Context, cfg Config, name string, arts []article.Article, v yardstick.Variant) (*bleve.Bleve, IndexFigures, error) {
	cfg.logf("indexing %d articles into %s", len(arts), name)
	t0 := time.Now()
	b, err := yardstick.CreateVariant(filepath.Join(cfg.Dir, safeName(name)), v)
	if err != nil {
		return nil, IndexFigures{}, err
	}
	if err := b.Upsert(ctx, arts...); err != nil {
		b.Close()
		return nil, IndexFigures{}, err
	}
	took := time.Since(t0)
	size, err := settled(ctx, func() (int64, error) {
		st, err := b.Stats(ctx)
		return st.SizeBytes, err
	})
	if err != nil {
		b.Close()
		return nil, IndexFigures{}, err
	}
	var raw int64
	for _, a := range arts {
		raw += int64(len(a.Title) + len(a.Body))
	}
	return b, figures(name, len(arts), took, size, raw), nil
}

// buildCluster indexes arts into a throwaway alias of cfg.Cluster, in the
// backend's import mode (refresh off, one refresh at the end), as tracuu
// import would.
func buildCluster(ctx context.Context, cfg Config, arts []article.Article) (*opensearch.Backend, IndexFigures, error) {
	cc := *cfg.Cluster
	if cc.Index == "" {
		cc.Index = opensearch.DefaultIndex
	}
	cc.Index = fmt.Sprintf("%s-eval-%d", cc.Index, time.Now().UnixNano())
	if cc.Shards == 0 {
		// One shard's BM25 statistics: rankings comparable with Bleve's on
		// a corpus too small to spread.
		cc.Shards = 1
	}
	cc.ReadOnly, cc.AnySchema = false, false
	b, err := opensearch.Open(ctx, cc)
	if err != nil {
		return nil, IndexFigures{}, fmt.Errorf("eval on the cluster: %w", err)
	}
	in := b.Info()
	name := "tracuu on " + in.Engine + " " + in.Version
	cfg.logf("indexing %d articles into %s (%s)", len(arts), name, cc.Index)
	fail := func(err error) (*opensearch.Backend, IndexFigures, error) {
		dctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
		defer cancel()
		_ = b.Drop(dctx) // the error to report is err
		b.Close()
		return nil, IndexFigures{}, fmt.Errorf("eval on the cluster: %w", err)
	}
	t0 := time.Now()
	if err := b.BeginImport(ctx); err != nil {
		return fail(err)
	}
	if err := b.Upsert(ctx, arts...); err != nil {
		return fail(err)
	}
	if err := b.EndImport(ctx); err != nil {
		return fail(err)
	}
	took := time.Since(t0)
	size, err := settled(ctx, func() (int64, error) {
		st, err := b.Stats(ctx)
		return st.SizeBytes, err
	})
	if err != nil {
		return fail(err)
	}
	var raw int64
	for _, a := range arts {
		raw += int64(len(a.Title) + len(a.Body))
	}
	return b, figures(name, len(arts), took, size, raw), nil
}

// settled returns the size of an index once Bleve's background merging
// has stopped changing it (or after two minutes): right after the last
// batch the directory still holds segments about to be merged away, and
// sizes taken then compare indexes at different stages of merging.
func settled(ctx context.Context, size func() (int64, error)) (int64, error) {
	last, same := int64(-1), 0
	for deadline := time.Now().Add(2 * time.Minute); time.Now().Before(deadline) && same < 3; {
		n, err := size()
		if err != nil {
			return 0, err
		}
		if n == last {
			same++
		} else {
			last, same = n, 0
		}
		select {
		case <-ctx.Done():
			return 0, ctx.Err()
		case <-time.After(time.Second):
		}
	}
	return last, nil
}

func figures(name string, docs int, took time.Duration, size, raw int64) IndexFigures {
	return IndexFigures{Name: name, Seconds: took.Seconds(), DocsPerSec: float64(docs) / took.Seconds(),
		SizeBytes: size, SizeVsRaw: float64(size) / float64(max(raw, 1))}
}

// system is a searcher under test: text in, ranked ids and total out.
type system struct {
	name   string
	search func(ctx context.Context, text string, phrase bool) (answer, error)
}

// answer is a system's reply: the first ten ids, the total, and whether
// the query was searched in another reading than typed (search.Plan).
type answer struct {
	ids         []string
	total       uint64
	interpreted bool
}

// ourSystem asks tracuu as the API does: the query planned (search.Plan),
// then searched.
func ourSystem(name string, b index.Backend) system {
	svc := &search.Service{Backend: b}
	return system{name: name, search: func(ctx context.Context, text string, phrase bool) (answer, error) {
		if phrase {
			text = `"` + text + `"`
		}
		p, err := svc.Plan(ctx, text, false)
		if err != nil {
			return answer{}, fmt.Errorf("parse %q: %w", text, err)
		}
		res, err := b.Search(ctx, index.Request{Query: p.Query, Size: 10})
		if err != nil {
			return answer{}, err
		}
		a := answer{ids: make([]string, len(res.Hits)), total: res.Total, interpreted: p.Interpreted != ""}
		for i, h := range res.Hits {
			a.ids[i] = h.Article.ID
		}
		return a, nil
	}}
}

func baseSystem(b *yardstick.Baseline) system {
	return system{name: "baseline", search: func(ctx context.Context, text string, phrase bool) (answer, error) {
		ids, total, err := b.Search(ctx, text, phrase, 10)
		return answer{ids: ids, total: total}, err
	}}
}

// rank asks every known-item query and scores the rank of its target.
func rank(ctx context.Context, s system, items []KnownItem, titles map[string]map[string]bool) ([]ClassFigures, error) {
	type acc struct {
		rr, h1, h10 float64
		lat         []time.Duration
	}
	by := map[string]*acc{}
	add := func(class string, rr float64, lat time.Duration) {
		a := by[class]
		if a == nil {
			a = &acc{}
			by[class] = a
		}
		a.rr += rr
		if rr == 1 {
			a.h1++
		}
		if rr > 0 {
			a.h10++
		}
		a.lat = append(a.lat, lat)
	}
	interpreted := map[string]int{}
	for _, it := range items {
		t0 := time.Now()
		a, err := s.search(ctx, it.Text, false)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", s.name, err)
		}
		ids := a.ids
		if a.interpreted {
			interpreted[it.Class]++
		}
		lat := time.Since(t0)
		rr := 0.0
		if i := slices.Index(ids, it.Target); i >= 0 {
			rr = 1 / float64(i+1)
		}
		add(it.Class, rr, lat)
		if it.Class == ClassTitleWords {
			any := 0.0
			if i := slices.IndexFunc(ids, func(id string) bool { return titleHolds(titles[id], it.Text) }); i >= 0 {
				any = 1 / float64(i+1)
			}
			add(ClassTitleWordsAny, any, lat)
		}
		if g := groupOf[it.Class]; g != "" {
			add(g, rr, lat)
		}
		if !readingClasses[it.Class] {
			add("all", rr, lat)
		}
	}
	var out []ClassFigures
	for _, c := range append(slices.Clone(Classes), ClassTitleWordsAny, GroupAccented, GroupAccentless, "all") {
		a := by[c]
		if a == nil {
			continue
		}
		n := float64(len(a.lat))
		p50, p95, _ := percentiles(a.lat)
		out = append(out, ClassFigures{System: s.name, Class: c, N: len(a.lat),
			MRR10: a.rr / n, Hits1: a.h1 / n, Hits10: a.h10 / n, P50ms: p50, P95ms: p95, Interpreted: interpreted[c]})
	}
	return out, nil
}

// phraseLatency runs each phrase once to warm up, then times a second run.
func phraseLatency(ctx context.Context, s system, phrases []string) (PhraseFigures, error) {
	pf := PhraseFigures{System: s.name, N: len(phrases)}
	for _, p := range phrases {
		if _, err := s.search(ctx, p, true); err != nil {
			return pf, err
		}
	}
	var lat []time.Duration
	var total uint64
	for _, p := range phrases {
		t0 := time.Now()
		a, err := s.search(ctx, p, true)
		if err != nil {
			return pf, err
		}
		lat = append(lat, time.Since(t0))
		total += a.total
	}
	pf.P50ms, pf.P95ms, pf.MaxMs = percentiles(lat)
	if len(phrases) > 0 {
		pf.MeanTotal = float64(total) / float64(len(phrases))
	}
	pf.Examples = phrases[:min(5, len(phrases))]
	return pf, nil
}

// percentiles returns the median, 95th percentile and maximum in ms
// (nearest rank).
func percentiles(ds []time.Duration) (p50, p95, maxMs float64) {
	if len(ds) == 0 {
		return 0, 0, 0
	}
	s := slices.Clone(ds)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	at := func(q float64) float64 {
		i := int(q*float64(len(s))+0.999999) - 1
		return float64(s[max(0, min(i, len(s)-1))].Microseconds()) / 1000
	}
	return at(0.5), at(0.95), at(1)
}

// answerWords is how many accented two-syllable title words the answer-set
// class exports.
const answerWords = 32

// Print writes the report as one table.
func (r *Report) Print(w io.Writer) {
	tw := tabwriter.NewWriter(w, 2, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "%d articles, %.0f MB of title+body text, seed %d, tuning %+v, took %s\n\n", r.Docs, float64(r.RawBytes)/1e6, r.Seed, r.Tuning, r.Took)
	fmt.Fprintln(tw, "KNOWN-ITEM QUERIES\tsystem\tn\tMRR@10\thits@1\thits@10\tp50 ms\tp95 ms\tread otherwise\t")
	for _, f := range r.Ranking {
		fmt.Fprintf(tw, "%s\t%s\t%d\t%.3f\t%.3f\t%.3f\t%.1f\t%.1f\t%d\t\n", f.Class, f.System, f.N, f.MRR10, f.Hits1, f.Hits10, f.P50ms, f.P95ms, f.Interpreted)
	}
	fmt.Fprintln(tw, "\t\t\t\t\t\t\t\t")
	p, rc, minP, minR := setSummary(r.Sets)
	fmt.Fprintf(tw, "ANSWER SETS (%d accented title words, whole export)\tprecision %.3f (least %.3f)\trecall %.3f (least %.3f)\t\t\t\t\t\t\n", len(r.Sets), p, minP, rc, minR)
	for _, s := range r.Sets {
		fmt.Fprintf(tw, "  %s (%d spellings)\tmatches %d, hold it %d\tP %.3f\tR %.3f\t\t\t\t\t\n", s.Query, s.Spellings, s.Matches, s.Truth, s.Precision, s.Recall)
	}
	fmt.Fprintln(tw, "\t\t\t\t\t\t\t\t")
	fmt.Fprintln(tw, "FREQUENT-SYLLABLE PHRASES\tsystem\tn\tp50 ms\tp95 ms\tmax ms\tmean matches\t\t")
	for _, p := range r.Phrases {
		fmt.Fprintf(tw, "%d syllables, e.g. %q\t%s\t%d\t%.1f\t%.1f\t%.1f\t%.0f\t\t\n", p.Words, first(p.Examples), p.System, p.N, p.P50ms, p.P95ms, p.MaxMs, p.MeanTotal)
	}
	fmt.Fprintln(tw, "\t\t\t\t\t\t\t\t")
	fmt.Fprintln(tw, "INDEX\t\tseconds\tdocs/s\tMB\t× raw\t\t\t")
	for _, f := range r.Indexes {
		fmt.Fprintf(tw, "%s\t\t%.1f\t%.0f\t%.1f\t%.2f\t\t\t\n", f.Name, f.Seconds, f.DocsPerSec, float64(f.SizeBytes)/1e6, f.SizeVsRaw)
	}
	if len(r.Tunings) > 0 {
		fmt.Fprintln(tw, "\t\t\t\t\t\t\t\t")
		fmt.Fprintln(tw, "TUNING (title, body, exact, pairs)\t\tMRR acc.\tMRR no acc.\tMRR words\t\t\t\t")
		for _, t := range r.Tunings {
			fmt.Fprintf(tw, "%g, %g, %g, %g\t\t%.3f\t%.3f\t%.3f\t\t\t\t\n", t.Tuning.Title, t.Tuning.Body, t.Tuning.Exact, t.Tuning.Pairs, t.Accented, t.Accentless, t.Words)
		}
	}
	tw.Flush()
}

func first(s []string) string {
	if len(s) == 0 {
		return ""
	}
	return s[0]
}
