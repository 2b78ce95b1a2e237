package bench

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// targets checks the run against the goals the bench holds tracuu to.
func targets(r *Report) []Target {
	var ts []Target
	add := func(name string, v float64, goal string, met bool) {
		ts = append(ts, Target{Name: name, Value: v, Goal: goal, Met: met})
	}
	if r.Import.Articles > 0 { // none when --reuse measured a kept index
		if b := r.Baseline; b != nil && b.PerSec > 0 {
			// Rates are compared with Bleve's default mapping imported in
			// the same run: the machine's speed and load cancel out.
			v := round(r.Import.PerSec/b.PerSec, 2)
			add("import rate / default mapping's", v, ">= 1.0", v >= 1)
		}
		add("import peak RSS (MiB)", round(float64(r.Import.PeakRSS)/(1<<20), 0), "<= 1024", r.Import.PeakRSS <= 1<<30)
		add("index size / raw JSONL", r.Import.SizeRatio, "<= 2.5", r.Import.SizeRatio <= 2.5)
		if t := r.Import.Tenths; len(t) == 10 && t[0] > 0 {
			v := round(t[9]/t[0], 2)
			add("import rate, last tenth / first", v, ">= 0.8", v >= 0.8)
		}
	}
	if r.Reimport != nil {
		add("re-import speed-up", r.Reimport.Speedup, ">= 5", r.Reimport.Speedup >= 5)
	}
	if o := r.Ours.Overall; o.N > 0 {
		add("query p50 ms (in process)", o.P50, "<= 5", o.P50 <= 5)
		add("query p95 ms (in process)", o.P95, "<= 25", o.P95 <= 25)
		add("query p99 ms (in process)", o.P99, "<= 60", o.P99 <= 60)
	}
	if c := r.Concurrent; c != nil {
		add(fmt.Sprintf("%d clients requests/s", c.Clients), c.RPS, ">= 300", c.RPS >= 300)
		add(fmt.Sprintf("%d clients errors", c.Clients), float64(c.Errors), "= 0", c.Errors == 0)
	}
	if s := r.Suggest; s != nil {
		add("suggest p95 ms", s.P95, "<= 10", s.P95 <= 10)
	}
	if t := r.Trends; t != nil {
		add("trends (2 queries, by month) p50 / faceted search p50", t.Ratio, "<= 2", t.Ratio <= 2)
	}
	if e := r.Export; e != nil {
		want := 50000
		if r.Corpus.Docs < 100000 {
			want = r.Corpus.Docs / 2 // scaled down with --docs
		}
		add("export rows", float64(e.Rows), fmt.Sprintf(">= %d", want), e.Rows >= want)
		// "No growth": the second half of the export peaks no more than
		// 64 MiB above the first half.
		growth := float64(e.RSSLastHalf-e.RSSFirstHalf) / (1 << 20)
		add("export RSS growth, 2nd half vs 1st (MiB)", round(growth, 0), "<= 64", growth <= 64)
	}
	return ts
}

// Print writes the report as one table.
func (r *Report) Print(w io.Writer) {
	fmt.Fprintf(w, "tracuu-bench %s  %s  %d CPUs  %d articles (%s of JSONL from %s)  seed %d  %.0fs\n",
		r.When.Format("2006-01-02T15:04Z"), r.Go, r.CPUs, r.Corpus.Docs, mb(r.Corpus.RawBytes),
		strings.Join(r.Corpus.Files, ","), r.Seed, r.Seconds)
	fmt.Fprintf(w, "facets: %s\n", FacetNote)
	if len(r.Busy) > 0 {
		fmt.Fprintf(w, "machine load (1-min average) as each phase began, on %d CPUs: %s\n", r.CPUs, r.Busy)
	}
	fmt.Fprintf(w, "baseline: Bleve v2 default mapping (standard analyzer, _all), MatchQuery/MatchPhraseQuery, 3 terms facets, title field loaded\n\n")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	b := r.Baseline
	bv := func(f func(ImportFigures) string) string {
		if b == nil {
			return "-"
		}
		return f(*b)
	}
	rt := func(f func(ImportFigures) float64) string {
		if b == nil {
			return "-"
		}
		return fmt.Sprintf("%.2f×", ratio(f(r.Import), f(*b)))
	}
	fmt.Fprintln(tw, "IMPORT (child process)\ttracuu\tbaseline\ttracuu/baseline\t")
	fmt.Fprintf(tw, "articles/s\t%.0f\t%s\t%s\t\n", r.Import.PerSec, bv(func(f ImportFigures) string { return fmt.Sprintf("%.0f", f.PerSec) }),
		rt(func(f ImportFigures) float64 { return f.PerSec }))
	fmt.Fprintf(tw, "wall s (cpu s)\t%.1f (%.0f)\t%s\t%s\t\n", r.Import.Seconds, r.Import.CPUSeconds,
		bv(func(f ImportFigures) string { return fmt.Sprintf("%.1f (%.0f)", f.Seconds, f.CPUSeconds) }),
		rt(func(f ImportFigures) float64 { return f.Seconds }))
	fmt.Fprintf(tw, "peak RSS\t%s\t%s\t%s\t\n", mb(r.Import.PeakRSS), bv(func(f ImportFigures) string { return mb(f.PeakRSS) }),
		rt(func(f ImportFigures) float64 { return float64(f.PeakRSS) }))
	fmt.Fprintf(tw, "index on disk\t%s\t%s\t%s\t\n", mb(r.Import.IndexBytes), bv(func(f ImportFigures) string { return mb(f.IndexBytes) }),
		rt(func(f ImportFigures) float64 { return float64(f.IndexBytes) }))
	fmt.Fprintf(tw, "index / raw JSONL\t%.2f\t%s\t\t\n", r.Import.SizeRatio, bv(func(f ImportFigures) string { return fmt.Sprintf("%.2f", f.SizeRatio) }))
	if t := r.Import.Tenths; len(t) == 10 {
		parts := make([]string, len(t))
		for i, v := range t {
			parts[i] = fmt.Sprintf("%.0f", v)
		}
		fmt.Fprintf(tw, "rate per tenth\t%s\tlast/first %.2f\t\t\n", strings.Join(parts, " "), ratio(t[9], t[0]))
	}
	if ri := r.Reimport; ri != nil {
		fmt.Fprintf(tw, "re-import, unchanged\t%.1f s\t%d unchanged\t%.1f× faster\t\n", ri.Seconds, ri.Unchanged, ri.Speedup)
	}
	fmt.Fprintln(tw, "\t\t\t\t")

	if r.Ours.Overall.N == 0 {
		tw.Flush()
		r.printTargets(w)
		return
	}
	fmt.Fprintln(tw, "QUERIES, 1 client, ms\ttracuu p50/p95/p99\tbaseline p50/p95/p99\tratio p50/p95/p99\t")
	row := func(name string, o Latency, base *Latency) {
		bs, rs := "-", "-"
		if base != nil {
			bs = fmt.Sprintf("%.1f / %.1f / %.1f", base.P50, base.P95, base.P99)
			rs = fmt.Sprintf("%.2f / %.2f / %.2f", ratio(o.P50, base.P50), ratio(o.P95, base.P95), ratio(o.P99, base.P99))
		}
		fmt.Fprintf(tw, "%s\t%.1f / %.1f / %.1f\t%s\t%s\t\n", name, o.P50, o.P95, o.P99, bs, rs)
	}
	for _, c := range Classes {
		o := r.Ours.Classes[c]
		var base *Latency
		if r.BaseQ != nil {
			bl := r.BaseQ.Classes[c]
			base = &bl
		}
		row(fmt.Sprintf("%s (%d)", c, o.N), o, base)
	}
	var base *Latency
	if r.BaseQ != nil {
		base = &r.BaseQ.Overall
	}
	row(fmt.Sprintf("overall (%d)", r.Ours.Overall.N), r.Ours.Overall, base)
	noHits := "-"
	if r.BaseQ != nil {
		noHits = fmt.Sprint(r.BaseQ.NoHits)
	}
	fmt.Fprintf(tw, "queries with no hits\t%d\t%s\t\t\n", r.Ours.NoHits, noHits)
	if h := r.OursHTTP; h != nil {
		row("overall over HTTP", h.Overall, nil)
	}
	tw.Flush()
	fmt.Fprintln(w)
	// The HTTP lines are free text: in the table above they would widen
	// its columns.
	if c := r.Concurrent; c != nil {
		fmt.Fprintf(w, "HTTP %d clients: %.0f req/s, %d requests, %d errors in %.1fs; p50/p95/p99 %.1f/%.1f/%.1f ms\n",
			c.Clients, c.RPS, c.Requests, c.Errors, c.Seconds, c.Latency.P50, c.Latency.P95, c.Latency.P99)
		if c.FirstErr != "" {
			fmt.Fprintf(w, "  first error: %s\n", c.FirstErr)
		}
	}
	if s := r.Suggest; s != nil {
		fmt.Fprintf(w, "HTTP suggest, 1 client: p50/p95/p99 %.1f/%.1f/%.1f ms (%d requests)\n", s.P50, s.P95, s.P99, s.N)
	}
	if t := r.Trends; t != nil {
		fmt.Fprintf(w, "HTTP trends, 2 queries by month: p50/p95 %.1f/%.1f ms; the first query's search with site,section,month facets: p50/p95 %.1f/%.1f ms (%d pairs; ratio of p50s %.2f)\n",
			t.Trends.P50, t.Trends.P95, t.Faceted.P50, t.Faceted.P95, t.Pairs, t.Ratio)
	}
	if e := r.Export; e != nil {
		fmt.Fprintf(w, "HTTP export q=%s: %d rows, %s in %.1fs (%.0f rows/s); server RSS %s before, max %s (1st half %s, 2nd half %s), %s after\n",
			e.Query, e.Rows, mb(e.Bytes), e.Seconds, e.RowsPerSec, mb(e.RSSBefore), mb(e.RSSMax), mb(e.RSSFirstHalf), mb(e.RSSLastHalf), mb(e.RSSAfter))
	}
	fmt.Fprintln(w)
	r.printTargets(w)
}

func (r *Report) printTargets(w io.Writer) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "TARGET\tvalue\tgoal\t")
	for _, t := range r.Targets {
		mark := "met"
		if !t.Met {
			mark = "MISSED"
		}
		fmt.Fprintf(tw, "%s\t%g\t%s\t%s\n", t.Name, t.Value, t.Goal, mark)
	}
	tw.Flush()
}
