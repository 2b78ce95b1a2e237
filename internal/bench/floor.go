package bench

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"text/tabwriter"
	"time"

	"github.com/tracuu/tracuu/internal/yardstick"
)

// The engine floor: Bleve indexing and searching the same corpus with the
// least an accent-insensitive search can do (yardstick.ImportFloor: folded
// words only, no exact forms, no pairs, no facets, top ten by BM25).
// tracuu's figures sit between the baseline and this floor; a target the
// floor itself misses is out of reach of Bleve, whatever our analysis.

// FloorEngine is one engine of the floor run.
type FloorEngine struct {
	Name    string        `json:"name"`
	Import  ImportFigures `json:"import"`
	Queries QueryFigures  `json:"queries"`
	Facets  bool          `json:"counts_facets"`   // the baseline counts three terms facets; the floors count none
	Phrases bool          `json:"answers_phrases"` // without positions, Bleve finds no phrase
}

// FloorReport is the result of `tracuu-bench floor`.
type FloorReport struct {
	When    time.Time     `json:"when"`
	Corpus  *Corpus       `json:"corpus"`
	Seed    uint64        `json:"seed"`
	Engines []FloorEngine `json:"engines"`
	Mix     []Query       `json:"mix"`
	Busy    BusyLog       `json:"load_avg"`
}

// Floor imports the corpus into the baseline and both floor indexes, each
// in a child process, then replays the query mix on each in process.
func Floor(ctx context.Context, cfg Config) (*FloorReport, error) {
	cfg.Defaults()
	work, cleanup, err := workDir(cfg.WorkDir, "tracuu-floor-", cfg.Keep)
	if err != nil {
		return nil, err
	}
	defer cleanup()
	rep := &FloorReport{When: time.Now().UTC(), Seed: cfg.Seed}
	logf(cfg.Log, "preparing the corpus from %s", cfg.Corpus)
	c, err := Prepare(ctx, cfg.Corpus, cfg.Docs, filepath.Join(work, "corpus.jsonl"), cfg.Seed)
	if err != nil {
		return nil, err
	}
	rep.Corpus, rep.Mix = c, c.Mix(cfg.Queries, cfg.Seed)
	engines := []struct {
		name, role      string
		timed           func(ctx context.Context, dir string, mix []Query, rounds int) (QueryFigures, error)
		facets, phrases bool
	}{
		{"Bleve default mapping (the baseline)", roleBaseline, baselineInProcess, true, true},
		{"floor: folded words", roleFloor, floorInProcess, false, false},
		{"floor: folded words with positions", roleFloorPositions, floorInProcess, false, true},
	}
	for _, e := range engines {
		dir := filepath.Join(work, e.role)
		rep.Busy.mark(e.role)
		logf(cfg.Log, "importing %d articles into %s (child process)", c.Docs, e.name)
		f, err := childImport(ctx, cfg, e.role, dir, c)
		if err != nil {
			return nil, err
		}
		logf(cfg.Log, "%s: %.0f articles/s; replaying %d queries", e.name, f.PerSec, len(rep.Mix))
		q, err := e.timed(ctx, dir, rep.Mix, cfg.Rounds)
		if err != nil {
			return nil, err
		}
		rep.Engines = append(rep.Engines, FloorEngine{Name: e.name, Import: f, Queries: q, Facets: e.facets, Phrases: e.phrases})
		if err := os.RemoveAll(dir); err != nil {
			return nil, err
		}
	}
	return rep, nil
}

func floorInProcess(ctx context.Context, dir string, mix []Query, rounds int) (QueryFigures, error) {
	f, err := yardstick.OpenFloor(dir)
	if err != nil {
		return QueryFigures{}, err
	}
	defer f.Close()
	return timeMix(ctx, mix, rounds, func(q Query) (uint64, error) { return f.Search(ctx, q.Words, q.Phrase) })
}

// Print writes the report as a table, each engine against the baseline.
func (r *FloorReport) Print(w io.Writer) {
	fmt.Fprintf(w, "tracuu-bench floor %s  %d articles (%s of JSONL)  seed %d\n",
		r.When.Format("2006-01-02T15:04Z"), r.Corpus.Docs, mb(r.Corpus.RawBytes), r.Seed)
	fmt.Fprintln(w, "queries: every word required, ten hits by BM25; the baseline also counts three terms facets, the floors none")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "engine\tarticles/s\tvs baseline\tCPU ms/article\tpeak RSS\tsize/raw\tp50/p95/p99 ms\tphrase p50/p95/p99\t")
	for i := range r.Engines {
		e, base := &r.Engines[i], &r.Engines[0]
		cpu := 0.0
		if e.Import.Articles > 0 {
			cpu = 1000 * e.Import.CPUSeconds / float64(e.Import.Articles)
		}
		o, p := e.Queries.Overall, e.Queries.Classes[ClassPhrase]
		phrase := "no positions: none found"
		if e.Phrases {
			phrase = fmt.Sprintf("%.1f / %.1f / %.1f", p.P50, p.P95, p.P99)
		}
		fmt.Fprintf(tw, "%s\t%.0f\t%.2f×\t%.2f\t%s\t%.2f\t%.1f / %.1f / %.1f\t%s\t\n", e.Name,
			e.Import.PerSec, ratio(e.Import.PerSec, base.Import.PerSec), cpu, mb(e.Import.PeakRSS), e.Import.SizeRatio,
			o.P50, o.P95, o.P99, phrase)
	}
	tw.Flush()
	if len(r.Busy) > 0 {
		fmt.Fprintf(w, "machine load (1-min average) as each import began: %s\n", r.Busy)
	}
}
