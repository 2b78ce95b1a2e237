package bench

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"
)

// Config says what to measure and how much.
type Config struct {
	Corpus     string        // directory of .jsonl(.gz) files
	Docs       int           // articles to use; 0 = all
	Seed       uint64        // seed of the sample and the query generator
	Queries    int           // size of the query mix (a quarter per class)
	Rounds     int           // measured passes of the mix per engine, after one warm-up pass
	Clients    int           // concurrent HTTP clients
	PerClient  int           // requests per concurrent client
	ConcMax    time.Duration // upper bound on the concurrent phase
	Suggests   int           // suggest requests
	ExportMax  time.Duration // upper bound on the export
	Baseline   bool          // also import and query the default-mapping baseline
	Reimport   bool          // measure the re-import of the unchanged corpus
	HTTP       bool          // start `tracuu serve` and run the HTTP phases
	NoQueries  bool          // import figures only: no query phase at all
	WorkDir    string        // where the corpus copy and the indexes go (default: a temporary directory)
	Keep       bool          // keep WorkDir afterwards (always, with Reuse)
	Reuse      bool          // measure the queries of an index an earlier --keep run left in WorkDir
	TracuuBin  string        // the tracuu binary; empty builds it
	Log        io.Writer     // progress lines; may be nil
	ChildSelf  string        // the executable that runs the baseline child (default: os.Executable)
	ChildArgs0 []string      // arguments placed before the child's own (tests pass -test.run=^$)
	CPUProfile string        // when set, import once more in process under the CPU profiler, writing here
	QueryProf  string        // when set, replay the mix in process under the CPU profiler, writing here
}

// Defaults fills the unset fields of c with those of a standard run.
func (c *Config) Defaults() {
	if c.Queries <= 0 {
		c.Queries = 200
	}
	if c.Rounds <= 0 {
		c.Rounds = 2
	}
	if c.Clients <= 0 {
		c.Clients = 16
	}
	if c.PerClient <= 0 {
		c.PerClient = 200
	}
	if c.ConcMax <= 0 {
		c.ConcMax = 60 * time.Second
	}
	if c.Suggests <= 0 {
		c.Suggests = 200
	}
	if c.ExportMax <= 0 {
		c.ExportMax = 10 * time.Minute
	}
	if c.Log == nil {
		c.Log = io.Discard
	}
}

// Report is every figure of one run; its JSON form is what --out writes.
type Report struct {
	When       time.Time        `json:"when"`
	Go         string           `json:"go"`
	CPUs       int              `json:"cpus"`
	Corpus     *Corpus          `json:"corpus"`
	FacetNote  string           `json:"facet_note"`
	Seed       uint64           `json:"seed"`
	Import     ImportFigures    `json:"import"`
	Baseline   *ImportFigures   `json:"baseline_import,omitempty"`
	Reimport   *ReimportFigures `json:"reimport,omitempty"`
	Ours       QueryFigures     `json:"queries"`
	BaseQ      *QueryFigures    `json:"baseline_queries,omitempty"`
	OursHTTP   *QueryFigures    `json:"queries_http,omitempty"`
	Concurrent *Concurrent      `json:"concurrent,omitempty"`
	Suggest    *Latency         `json:"suggest,omitempty"`
	Trends     *TrendFigures    `json:"trends,omitempty"`
	Export     *ExportFigures   `json:"export,omitempty"`
	Targets    []Target         `json:"targets"`
	Mix        []Query          `json:"mix"`
	// Busy is how busy the machine was when each phase started: other
	// work on the machine skews the figures, and this says by how much to
	// distrust them.
	Busy    BusyLog `json:"load_avg"`
	Seconds float64 `json:"seconds"`
}

// Target is one goal the bench checks (see targets) and whether this run
// met it.
type Target struct {
	Name  string  `json:"name"`
	Value float64 `json:"value"`
	Goal  string  `json:"goal"`
	Met   bool    `json:"met"`
}

// Run performs the whole bench: corpus copy, imports, query phases.
func Run(ctx context.Context, cfg Config) (*Report, error) {
	cfg.Defaults()
	start := time.Now()
	// A run that reuses a kept index keeps it: the point of --reuse is to
	// measure the same index again.
	keep := cfg.Keep || cfg.Reuse
	work, cleanup, err := workDir(cfg.WorkDir, "tracuu-bench-", keep)
	if err != nil {
		return nil, err
	}
	defer cleanup()
	if keep {
		fmt.Fprintf(cfg.Log, "bench: work dir %s is kept\n", work)
	}
	rep := &Report{When: start.UTC(), Go: runtime.Version(), CPUs: runtime.NumCPU(), FacetNote: FacetNote, Seed: cfg.Seed}

	bin, err := tracuuBinary(ctx, cfg, work)
	if err != nil {
		return nil, err
	}
	logf(cfg.Log, "preparing the corpus from %s", cfg.Corpus)
	c, err := Prepare(ctx, cfg.Corpus, cfg.Docs, filepath.Join(work, "corpus.jsonl"), cfg.Seed)
	if err != nil {
		return nil, err
	}
	rep.Corpus = c
	rep.Mix = c.Mix(cfg.Queries, cfg.Seed)
	logf(cfg.Log, "%d articles, %.1f MB of JSONL; %d queries", c.Docs, float64(c.RawBytes)/1e6, len(rep.Mix))

	ours := filepath.Join(work, "tracuu-index")
	base := filepath.Join(work, "baseline-index")
	if reuse(cfg, ours) {
		// Query work on an index kept by an earlier run (--keep): the
		// query phases only, no import figures.
		logf(cfg.Log, "reusing %s: no import", ours)
		cfg.Baseline = cfg.Baseline && reuse(cfg, base)
	} else if err := importPhases(ctx, cfg, rep, bin, work, ours, base); err != nil {
		return nil, err
	}

	// Single client, in process: the product's search path (parameters,
	// query language, engine, highlighting) against the naive baseline.
	if cfg.NoQueries {
		rep.Targets = targets(rep)
		rep.Seconds = round(time.Since(start).Seconds(), 1)
		return rep, nil
	}
	rep.Busy.mark("queries")
	logf(cfg.Log, "single-client query mix, tracuu in process")
	if rep.Ours, err = oursInProcess(ctx, ours, rep.Mix, cfg.Rounds); err != nil {
		return nil, err
	}
	if cfg.QueryProf != "" {
		logf(cfg.Log, "profiling the query mix in process (%s)", cfg.QueryProf)
		if err := profileQueries(ctx, ours, rep.Mix, cfg.QueryProf); err != nil {
			return nil, err
		}
	}
	if cfg.Baseline {
		rep.Busy.mark("baseline queries")
		logf(cfg.Log, "single-client query mix, baseline in process")
		bq, err := baselineInProcess(ctx, base, rep.Mix, cfg.Rounds)
		if err != nil {
			return nil, err
		}
		rep.BaseQ = &bq
	}
	if cfg.HTTP {
		if err := httpPhases(ctx, cfg, rep, bin, ours, work); err != nil {
			return nil, err
		}
	}
	rep.Targets = targets(rep)
	rep.Seconds = round(time.Since(start).Seconds(), 1)
	return rep, nil
}

// reuse reports whether --reuse asks to measure the index kept in dir.
func reuse(cfg Config, dir string) bool {
	_, err := os.Stat(dir)
	return cfg.Reuse && err == nil
}

// PhaseBusy is how busy the machine was when a phase started.
type PhaseBusy struct {
	Phase string `json:"phase"`
	// Runnable is the kernel's 1-minute load average: threads running or
	// waiting for a CPU, averaged.
	Runnable float64 `json:"load1"`
}

// BusyLog is how busy the machine was as each phase of a run began.
type BusyLog []PhaseBusy

// mark records the 1-minute load average at the start of a phase.
func (l *BusyLog) mark(phase string) {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return
	}
	var load float64
	if _, err := fmt.Sscan(string(b), &load); err == nil {
		*l = append(*l, PhaseBusy{phase, load})
	}
}

// String lists the phases with their load: "import 1.8, queries 1.1".
func (l BusyLog) String() string {
	parts := make([]string, len(l))
	for i, p := range l {
		parts[i] = fmt.Sprintf("%s %.1f", p.Phase, p.Runnable)
	}
	return strings.Join(parts, ", ")
}

func logf(w io.Writer, format string, args ...any) {
	fmt.Fprintf(w, "bench %s: %s\n", time.Now().Format("15:04:05"), fmt.Sprintf(format, args...))
}

func mb(b int64) string {
	if b >= 1<<30 {
		return fmt.Sprintf("%.2f GiB", float64(b)/(1<<30))
	}
	return fmt.Sprintf("%.0f MiB", float64(b)/(1<<20))
}
