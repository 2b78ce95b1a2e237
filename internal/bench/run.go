package bench

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"strings"
	"sync"
	"time"

	"github.com/tracuu/tracuu/index/bleve"
	"github.com/tracuu/tracuu/internal/importer"
	"github.com/tracuu/tracuu/internal/search"
	"github.com/tracuu/tracuu/internal/yardstick"
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

// Defaults fills the unset fields of c with the figures of the brief.
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
	// LoadAvg is the machine's 1-minute load average when each phase
	// started: other work on the machine skews the figures, and this says
	// by how much to distrust them.
	LoadAvg LoadLog `json:"load_avg"`
	Seconds float64 `json:"seconds"`
}

// ImportFigures describe one import, measured as a child process.
type ImportFigures struct {
	Articles   int     `json:"articles"`
	Seconds    float64 `json:"seconds"` // wall time of the whole process: open, import, close
	PerSec     float64 `json:"articles_per_sec"`
	CPUSeconds float64 `json:"cpu_seconds"`
	PeakRSS    int64   `json:"peak_rss_bytes"`
	IndexBytes int64   `json:"index_bytes"`
	SizeRatio  float64 `json:"size_to_raw"` // index bytes / raw JSONL bytes
}

// ReimportFigures describe importing the same corpus a second time.
type ReimportFigures struct {
	Seconds   float64 `json:"seconds"`
	Unchanged int     `json:"unchanged"`
	Indexed   int     `json:"indexed"`
	PeakRSS   int64   `json:"peak_rss_bytes"`
	Speedup   float64 `json:"speedup"` // first import time / re-import time
}

// QueryFigures are single-client latencies per class and overall.
type QueryFigures struct {
	Classes  map[string]Latency `json:"classes"`
	Overall  Latency            `json:"overall"`
	NoHits   int                `json:"queries_without_hits"`
	Failures int                `json:"failures"`
}

// Concurrent is the throughput of many clients over HTTP.
type Concurrent struct {
	Clients  int     `json:"clients"`
	Requests int     `json:"requests"`
	Errors   int     `json:"errors"`
	Seconds  float64 `json:"seconds"`
	RPS      float64 `json:"requests_per_sec"`
	Latency  Latency `json:"latency"`
	FirstErr string  `json:"first_error,omitempty"`
}

// ExportFigures describe streaming the export of a broad query while the
// server's resident memory is sampled.
type ExportFigures struct {
	Query        string  `json:"q"`
	Rows         int     `json:"rows"`
	Bytes        int64   `json:"bytes"`
	Seconds      float64 `json:"seconds"`
	RowsPerSec   float64 `json:"rows_per_sec"`
	RSSBefore    int64   `json:"rss_before_bytes"`
	RSSMax       int64   `json:"rss_max_bytes"`
	RSSFirstHalf int64   `json:"rss_max_first_half_bytes"`
	RSSLastHalf  int64   `json:"rss_max_second_half_bytes"`
	RSSAfter     int64   `json:"rss_after_bytes"`
	Samples      int     `json:"rss_samples"`
}

// PhaseLoad is the load average when a phase started.
type PhaseLoad struct {
	Phase string  `json:"phase"`
	Load1 float64 `json:"load1"`
}

// LoadLog is the machine's load average as each phase of a run began.
type LoadLog []PhaseLoad

// mark records the 1-minute load average at the start of a phase.
func (l *LoadLog) mark(phase string) {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return
	}
	var load float64
	if _, err := fmt.Sscan(string(b), &load); err == nil {
		*l = append(*l, PhaseLoad{phase, load})
	}
}

// String lists the phases with their load: "import 1.8, queries 1.1".
func (l LoadLog) String() string {
	parts := make([]string, len(l))
	for i, p := range l {
		parts[i] = fmt.Sprintf("%s %.1f", p.Phase, p.Load1)
	}
	return strings.Join(parts, ", ")
}

// Target is one goal of the brief and whether this run met it.
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
	rep.LoadAvg.mark("queries")
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
		rep.LoadAvg.mark("baseline queries")
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

// importPhases measures tracuu's import into ours, its re-import of the
// unchanged corpus, the baseline's import into base and, when asked,
// profiles an import in process.
func importPhases(ctx context.Context, cfg Config, rep *Report, bin, work, ours, base string) error {
	c := rep.Corpus
	// tracuuImport runs `tracuu import --json` and reads its summary.
	tracuuImport := func() (m measured, indexed, unchanged int, err error) {
		m, err = runMeasured(exec.CommandContext(ctx, bin, "import", "--index", ours, "--json",
			"--report", filepath.Join(work, "import-report.jsonl"), c.Path))
		if err != nil {
			return m, 0, 0, err
		}
		var sum struct {
			Indexed   int `json:"indexed"`
			Unchanged int `json:"unchanged"`
		}
		if err := json.Unmarshal(m.Stdout, &sum); err != nil {
			return m, 0, 0, fmt.Errorf("tracuu import --json printed %q: %w", m.Stdout, err)
		}
		return m, sum.Indexed, sum.Unchanged, nil
	}

	rep.LoadAvg.mark("import")
	logf(cfg.Log, "importing into tracuu (child process)")
	m, indexed, _, err := tracuuImport()
	if err != nil {
		return fmt.Errorf("tracuu import: %w", err)
	}
	rep.Import = importFigures(indexed, m, dirSize(ours), c.RawBytes)
	logf(cfg.Log, "tracuu: %d articles in %.1fs, %.0f/s, peak RSS %s", indexed, m.Wall.Seconds(), rep.Import.PerSec, mb(m.PeakRSS))

	if cfg.Reimport {
		rep.LoadAvg.mark("reimport")
		logf(cfg.Log, "re-importing the unchanged corpus")
		m2, indexed, unchanged, err := tracuuImport()
		if err != nil {
			return fmt.Errorf("tracuu re-import: %w", err)
		}
		rep.Reimport = &ReimportFigures{Seconds: round(m2.Wall.Seconds(), 2), Unchanged: unchanged,
			Indexed: indexed, PeakRSS: m2.PeakRSS, Speedup: ratio(m.Wall.Seconds(), m2.Wall.Seconds())}
		logf(cfg.Log, "re-import: %.1fs, %d unchanged", m2.Wall.Seconds(), unchanged)
	}

	if cfg.Baseline {
		rep.LoadAvg.mark("baseline import")
		logf(cfg.Log, "importing into the default-mapping baseline (child process)")
		f, err := childImport(ctx, cfg, roleBaseline, base, c)
		if err != nil {
			return err
		}
		rep.Baseline = &f
		logf(cfg.Log, "baseline: %d articles in %.1fs, %.0f/s, peak RSS %s", f.Articles, f.Seconds, f.PerSec, mb(f.PeakRSS))
	}

	if cfg.CPUProfile != "" {
		logf(cfg.Log, "profiling an in-process import into a third index (%s)", cfg.CPUProfile)
		return profileImport(ctx, filepath.Join(work, "profile-index"), c.Path, cfg.CPUProfile)
	}
	return nil
}

// reuse reports whether --reuse asks to measure the index kept in dir.
func reuse(cfg Config, dir string) bool {
	_, err := os.Stat(dir)
	return cfg.Reuse && err == nil
}

// profileImport runs the import pipeline in this process, as `tracuu
// import` does, under the CPU profiler: where the import's time goes.
func profileImport(ctx context.Context, dir, src, out string) error {
	f, err := os.Create(out)
	if err != nil {
		return fmt.Errorf("cpu profile: %w", err)
	}
	defer f.Close()
	b, err := bleve.Open(dir, bleve.Options{})
	if err != nil {
		return err
	}
	defer b.Close()
	st, err := importer.OpenState(filepath.Join(b.Path(), importer.StateFile))
	if err != nil {
		return err
	}
	defer st.Close()
	if err := pprof.StartCPUProfile(f); err != nil {
		return fmt.Errorf("cpu profile: %w", err)
	}
	_, err = importer.Run(ctx, b, []string{src}, importer.Options{State: st})
	pprof.StopCPUProfile()
	if err != nil {
		return fmt.Errorf("profiled import: %w", err)
	}
	return nil
}

// profileQueries runs the mix three times in process under the CPU
// profiler, after the measured passes, so profiling does not skew them.
func profileQueries(ctx context.Context, dir string, mix []Query, out string) error {
	f, err := os.Create(out)
	if err != nil {
		return fmt.Errorf("cpu profile: %w", err)
	}
	defer f.Close()
	if err := pprof.StartCPUProfile(f); err != nil {
		return fmt.Errorf("cpu profile: %w", err)
	}
	defer pprof.StopCPUProfile()
	_, err = oursInProcess(ctx, dir, mix, 2)
	return err
}

// childImport imports the corpus c into a new index at dir in a child
// process of the given role (see ChildMain), measured like tracuu's
// import: wall and CPU time, peak RSS, the index size.
func childImport(ctx context.Context, cfg Config, role, dir string, c *Corpus) (ImportFigures, error) {
	self := cfg.ChildSelf
	if self == "" {
		var err error
		if self, err = os.Executable(); err != nil {
			return ImportFigures{}, fmt.Errorf("%s child: %w", role, err)
		}
	}
	args := append(append([]string(nil), cfg.ChildArgs0...), dir, c.Path)
	cmd := exec.CommandContext(ctx, self, args...)
	cmd.Env = append(os.Environ(), childEnv+"="+role)
	m, err := runMeasured(cmd)
	if err != nil {
		return ImportFigures{}, fmt.Errorf("%s: %w", role, err)
	}
	var out struct {
		Articles int `json:"articles"`
	}
	if err := json.Unmarshal(lastLine(m.Stdout), &out); err != nil {
		return ImportFigures{}, fmt.Errorf("%s printed %q: %w", role, m.Stdout, err)
	}
	return importFigures(out.Articles, m, dirSize(dir), c.RawBytes), nil
}

func importFigures(n int, m measured, size, raw int64) ImportFigures {
	f := ImportFigures{Articles: n, Seconds: round(m.Wall.Seconds(), 2), CPUSeconds: round(m.CPU.Seconds(), 1),
		PeakRSS: m.PeakRSS, IndexBytes: size, SizeRatio: ratio(float64(size), float64(raw))}
	if m.Wall > 0 {
		f.PerSec = round(float64(n)/m.Wall.Seconds(), 0)
	}
	return f
}

// tracuuBinary returns cfg.TracuuBin or builds the binary into work, so
// the bench measures the code of this checkout.
func tracuuBinary(ctx context.Context, cfg Config, work string) (string, error) {
	if cfg.TracuuBin != "" {
		return cfg.TracuuBin, nil
	}
	bin := filepath.Join(work, "tracuu")
	logf(cfg.Log, "building tracuu")
	out, err := exec.CommandContext(ctx, "go", "build", "-o", bin, "github.com/tracuu/tracuu/cmd/tracuu").CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("build tracuu: %w: %s", err, out)
	}
	return bin, nil
}

func lastLine(b []byte) []byte {
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	return []byte(lines[len(lines)-1])
}

// timeMix runs one warm-up pass of the mix, then rounds measured passes,
// and summarizes per class.
func timeMix(ctx context.Context, mix []Query, rounds int, do func(Query) (uint64, error)) (QueryFigures, error) {
	qf := QueryFigures{Classes: map[string]Latency{}}
	for _, q := range mix {
		if _, err := do(q); err != nil {
			qf.Failures++
		}
		if err := ctx.Err(); err != nil {
			return qf, err
		}
	}
	qf.Failures = 0
	byClass := map[string][]time.Duration{}
	var all []time.Duration
	for r := 0; r < rounds; r++ {
		for _, q := range mix {
			if err := ctx.Err(); err != nil {
				return qf, err
			}
			t := time.Now()
			total, err := do(q)
			d := time.Since(t)
			if err != nil {
				qf.Failures++
				continue
			}
			if r == 0 && total == 0 {
				qf.NoHits++
			}
			byClass[q.Class] = append(byClass[q.Class], d)
			all = append(all, d)
		}
	}
	for k, ds := range byClass {
		qf.Classes[k] = summarize(ds)
	}
	qf.Overall = summarize(all)
	return qf, nil
}

func oursInProcess(ctx context.Context, dir string, mix []Query, rounds int) (QueryFigures, error) {
	b, err := bleve.Open(dir, bleve.Options{ReadOnly: true})
	if err != nil {
		return QueryFigures{}, err
	}
	defer b.Close()
	svc := &search.Service{Backend: b}
	return timeMix(ctx, mix, rounds, func(q Query) (uint64, error) {
		p, err := search.ParseParams(url.Values{"q": {q.Text}})
		if err != nil {
			return 0, err
		}
		res, err := svc.Search(ctx, p)
		return res.Total, err
	})
}

func baselineInProcess(ctx context.Context, dir string, mix []Query, rounds int) (QueryFigures, error) {
	b, err := yardstick.OpenBaseline(dir)
	if err != nil {
		return QueryFigures{}, err
	}
	defer b.Close()
	return timeMix(ctx, mix, rounds, func(q Query) (uint64, error) { return b.SearchFaceted(ctx, q.Words, q.Phrase) })
}

// client is the HTTP client of every phase: enough idle connections for
// all concurrent clients, so connections are reused and not re-dialled.
func newClient() *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConns, t.MaxIdleConnsPerHost = 256, 256
	return &http.Client{Transport: t, Timeout: 60 * time.Second}
}

// get fetches u, reads the whole answer and fails on any status but 200.
func get(ctx context.Context, hc *http.Client, u string) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return 0, err
	}
	resp, err := hc.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	if _, err := io.Copy(io.Discard, resp.Body); err != nil {
		return resp.StatusCode, fmt.Errorf("GET %s: reading: %w", u, err)
	}
	if resp.StatusCode != http.StatusOK {
		return resp.StatusCode, fmt.Errorf("GET %s: %s", u, resp.Status)
	}
	return resp.StatusCode, nil
}

func searchURL(base, q string) string { return base + "/api/search?q=" + url.QueryEscape(q) }

func httpPhases(ctx context.Context, cfg Config, rep *Report, bin, dir, work string) error {
	logf(cfg.Log, "starting tracuu serve")
	srv, err := startServer(ctx, bin, dir, filepath.Join(work, "serve.log"), nil)
	if err != nil {
		return err
	}
	defer srv.stop()
	hc := newClient()

	logf(cfg.Log, "single-client query mix over HTTP")
	hq, err := timeMix(ctx, rep.Mix, cfg.Rounds, func(q Query) (uint64, error) {
		_, err := get(ctx, hc, searchURL(srv.base, q.Text))
		return 1, err // the total is in the JSON; hits were counted in process
	})
	if err != nil {
		return err
	}
	hq.NoHits = rep.Ours.NoHits
	rep.OursHTTP = &hq

	rep.LoadAvg.mark("concurrent")
	logf(cfg.Log, "%d concurrent clients over HTTP", cfg.Clients)
	cc := concurrent(ctx, hc, srv.base, rep.Mix, cfg.Clients, cfg.PerClient, cfg.ConcMax)
	rep.Concurrent = &cc
	logf(cfg.Log, "%.0f requests/s, %d errors", cc.RPS, cc.Errors)

	logf(cfg.Log, "suggest")
	var ds []time.Duration
	sugg := rep.Corpus.Suggestions(cfg.Suggests, cfg.Seed)
	for pass := 0; pass < 2; pass++ { // the first pass warms up
		for _, s := range sugg {
			t := time.Now()
			if _, err := get(ctx, hc, srv.base+"/api/suggest?q="+url.QueryEscape(s)); err != nil {
				return fmt.Errorf("suggest: %w", err)
			}
			if pass == 1 {
				ds = append(ds, time.Since(t))
			}
		}
	}
	sl := summarize(ds)
	rep.Suggest = &sl

	rep.LoadAvg.mark("trends")
	logf(cfg.Log, "trends of two queries by month, against a faceted search")
	tf, err := trends(ctx, hc, srv.base, rep.Mix)
	if err != nil {
		return err
	}
	rep.Trends = tf
	logf(cfg.Log, "trends p50 %.1f ms, faceted search p50 %.1f ms", tf.Trends.P50, tf.Faceted.P50)

	rep.LoadAvg.mark("export")
	logf(cfg.Log, "export of every match of %q", rep.Corpus.frequent)
	ef, err := export(ctx, hc, srv, rep.Corpus.frequent, cfg.ExportMax)
	if err != nil {
		return err
	}
	rep.Export = ef
	logf(cfg.Log, "export: %d rows in %.1fs, server RSS %s → max %s", ef.Rows, ef.Seconds, mb(ef.RSSBefore), mb(ef.RSSMax))
	if err := srv.stop(); err != nil {
		return fmt.Errorf("stop serve: %w", err)
	}
	return nil
}

// concurrent runs clients goroutines, each replaying the mix from its own
// offset for perClient requests, all stopping at max.
func concurrent(ctx context.Context, hc *http.Client, base string, mix []Query, clients, perClient int, limit time.Duration) Concurrent {
	ctx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	var mu sync.Mutex
	out := Concurrent{Clients: clients}
	var ds []time.Duration
	var wg sync.WaitGroup
	start := time.Now()
	for c := 0; c < clients; c++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			mine := make([]time.Duration, 0, perClient)
			errs, first := 0, ""
			for i := 0; i < perClient && ctx.Err() == nil; i++ {
				q := mix[(c*len(mix)/clients+i)%len(mix)]
				t := time.Now()
				_, err := get(ctx, hc, searchURL(base, q.Text))
				if err != nil {
					if ctx.Err() != nil {
						break // the phase's time is up: not the server's error
					}
					errs++
					if first == "" {
						first = err.Error()
					}
					continue
				}
				mine = append(mine, time.Since(t))
			}
			mu.Lock()
			ds = append(ds, mine...)
			out.Errors += errs
			if out.FirstErr == "" {
				out.FirstErr = first
			}
			mu.Unlock()
		}()
	}
	wg.Wait()
	el := time.Since(start)
	out.Requests = len(ds) + out.Errors
	out.Seconds = round(el.Seconds(), 2)
	out.RPS = round(float64(len(ds))/el.Seconds(), 1)
	out.Latency = summarize(ds)
	return out
}

// export streams the JSONL export of q and samples the server's RSS every
// 50 ms while it runs.
func export(ctx context.Context, hc *http.Client, srv *server, q string, limit time.Duration) (*ExportFigures, error) {
	ctx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	ef := &ExportFigures{Query: q}
	runtime.GC()
	ef.RSSBefore, _ = vmRSS(srv.pid)
	type sample struct {
		at  time.Duration
		rss int64
	}
	var samples []sample
	stop := make(chan struct{})
	sampled := make(chan struct{})
	start := time.Now()
	go func() {
		defer close(sampled)
		tk := time.NewTicker(50 * time.Millisecond)
		defer tk.Stop()
		for {
			if r, err := vmRSS(srv.pid); err == nil {
				samples = append(samples, sample{time.Since(start), r})
			}
			select {
			case <-stop:
				return
			case <-tk.C:
			}
		}
	}()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, srv.base+"/api/export?format=jsonl&q="+url.QueryEscape(q), nil)
	if err != nil {
		close(stop)
		return nil, err
	}
	hc2 := *hc
	hc2.Timeout = 0 // bounded by ctx instead: an export may take minutes
	resp, err := hc2.Do(req)
	if err != nil {
		close(stop)
		<-sampled
		return nil, fmt.Errorf("export: %w", err)
	}
	br := bufio.NewReaderSize(resp.Body, 1<<20)
	for {
		line, err := br.ReadSlice('\n')
		ef.Bytes += int64(len(line))
		if err == nil {
			ef.Rows++
			continue
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		if err != io.EOF {
			resp.Body.Close()
			close(stop)
			<-sampled
			return nil, fmt.Errorf("export: after %d rows: %w", ef.Rows, err)
		}
		break
	}
	resp.Body.Close()
	el := time.Since(start)
	close(stop)
	<-sampled
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("export: %s", resp.Status)
	}
	ef.Seconds = round(el.Seconds(), 2)
	ef.RowsPerSec = round(float64(ef.Rows)/el.Seconds(), 0)
	ef.RSSAfter, _ = vmRSS(srv.pid)
	samples = append(samples, sample{el, ef.RSSAfter}) // a short export may end before the second tick
	ef.Samples = len(samples)
	for _, s := range samples {
		ef.RSSMax = max(ef.RSSMax, s.rss)
		if s.at < el/2 {
			ef.RSSFirstHalf = max(ef.RSSFirstHalf, s.rss)
		} else {
			ef.RSSLastHalf = max(ef.RSSLastHalf, s.rss)
		}
	}
	return ef, nil
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

// TrendFigures compare a trends request of two queries with monthly
// buckets to a search of the first of them with the site, section and
// month facets, both over HTTP, alternating, on the same query pairs.
type TrendFigures struct {
	Pairs   int     `json:"pairs"`
	Trends  Latency `json:"trends"`
	Faceted Latency `json:"faceted_search"`
	Ratio   float64 `json:"p50_ratio"` // trends p50 / faceted search p50
}

// trendPairs is how many query pairs the trends phase asks.
const trendPairs = 40

func trends(ctx context.Context, hc *http.Client, base string, mix []Query) (*TrendFigures, error) {
	var tr, fs []time.Duration
	n := min(trendPairs, len(mix)/2)
	for pass := 0; pass < 2; pass++ { // the first pass warms up
		for i := 0; i < n; i++ {
			a, b := mix[2*i].Text, mix[2*i+1].Text
			t := time.Now()
			if _, err := get(ctx, hc, base+"/api/trends?interval=month&q="+url.QueryEscape(a)+"&q="+url.QueryEscape(b)); err != nil {
				return nil, fmt.Errorf("trends: %w", err)
			}
			d := time.Since(t)
			t = time.Now()
			if _, err := get(ctx, hc, searchURL(base, a)+"&facets=site,section,month"); err != nil {
				return nil, fmt.Errorf("trends baseline: %w", err)
			}
			if pass == 1 {
				tr, fs = append(tr, d), append(fs, time.Since(t))
			}
		}
	}
	f := &TrendFigures{Pairs: n, Trends: summarize(tr), Faceted: summarize(fs)}
	if f.Faceted.P50 > 0 {
		f.Ratio = round(f.Trends.P50/f.Faceted.P50, 2)
	}
	return f, nil
}
