package bench

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"time"
)

// LoadConfig says how hard and how long to load the server.
type LoadConfig struct {
	Corpus    string
	Docs      int           // articles in play (default 20,000): a third imported before, the rest during the load
	Seed      uint64        // seed of the corpus sample and the queries
	Duration  time.Duration // how long the clients run (default 30s)
	Clients   int           // concurrent clients (default 8)
	WorkDir   string
	Keep      bool
	TracuuBin string
	Log       io.Writer
}

// LoadReport is the outcome of a load test.
type LoadReport struct {
	When      time.Time           `json:"when"`
	Go        string              `json:"go"`
	CPUs      int                 `json:"cpus"`
	Docs      int                 `json:"docs"`
	Clients   int                 `json:"clients"`
	Seconds   float64             `json:"seconds"`
	FacetNote string              `json:"facet_note"`
	Kinds     map[string]LoadKind `json:"kinds"`
	Requests  int                 `json:"requests"`
	Status5xx int                 `json:"status_5xx"`
	Errors    int                 `json:"errors"` // transport errors and unexpected statuses, 5xx included
	FirstErr  string              `json:"first_error,omitempty"`
	Jobs      []LoadJob           `json:"admin_jobs"`
	// ImportBusy is the share of the load during which an admin import ran.
	ImportBusy float64 `json:"import_busy_share"`
	Articles   uint64  `json:"articles_after"` // /api/stats at the end
}

// LoadKind is the tally of one kind of request.
type LoadKind struct {
	Requests int     `json:"requests"`
	Errors   int     `json:"errors"`
	Latency  Latency `json:"latency"`
}

// LoadJob is one admin import started during the load.
type LoadJob struct {
	ID      string  `json:"id"`
	Force   bool    `json:"force"`
	Status  string  `json:"status"`
	Seconds float64 `json:"seconds"`
	Indexed int     `json:"indexed"`
	Error   string  `json:"error,omitempty"`
}

// OK reports whether the load test passed: no error of any kind, no
// failed import, and the imports reached the whole corpus.
func (r *LoadReport) OK() bool {
	if r.Errors > 0 || r.Status5xx > 0 || len(r.Jobs) == 0 {
		return false
	}
	for _, j := range r.Jobs {
		if j.Status == "failed" {
			return false
		}
	}
	return r.Jobs[0].Status == "done" && r.Articles == uint64(r.Docs)
}

// Load kinds, in report order.
var loadKinds = []string{"search", "search+filters", "suggest", "export", "hostile"}

// Load imports part of a corpus, serves it, and runs clients against it
// for the configured duration while the admin API imports the rest (and,
// when that is done before the end, re-imports it with force, so writes
// go on for the whole run).
func Load(ctx context.Context, cfg LoadConfig) (*LoadReport, error) {
	if cfg.Docs <= 0 {
		cfg.Docs = 20000
	}
	if cfg.Duration <= 0 {
		cfg.Duration = 30 * time.Second
	}
	if cfg.Clients <= 0 {
		cfg.Clients = 8
	}
	if cfg.Log == nil {
		cfg.Log = io.Discard
	}
	work, cleanup, err := workDir(cfg.WorkDir, "tracuu-load-", cfg.Keep)
	if err != nil {
		return nil, err
	}
	defer cleanup()
	bin, err := tracuuBinary(ctx, Config{TracuuBin: cfg.TracuuBin, Log: cfg.Log}, work)
	if err != nil {
		return nil, err
	}
	roots := filepath.Join(work, "roots")
	if err := os.MkdirAll(roots, 0o755); err != nil {
		return nil, fmt.Errorf("work dir: %w", err)
	}
	c, err := Prepare(ctx, cfg.Corpus, cfg.Docs, filepath.Join(work, "corpus.jsonl"), cfg.Seed)
	if err != nil {
		return nil, err
	}
	pre, live := filepath.Join(roots, "before.jsonl"), filepath.Join(roots, "during.jsonl")
	if err := splitLines(c.Path, c.Docs/3, pre, live); err != nil {
		return nil, err
	}
	if err := plantLongWord(pre); err != nil {
		return nil, err
	}
	mix := c.Mix(200, cfg.Seed)
	sugg := c.Suggestions(200, cfg.Seed)
	rep := &LoadReport{When: time.Now().UTC(), Go: runtime.Version(), CPUs: runtime.NumCPU(), Docs: c.Docs + 1, // and the planted one
		Clients: cfg.Clients, FacetNote: FacetNote, Kinds: map[string]LoadKind{}}

	dir := filepath.Join(work, "index")
	logf(cfg.Log, "importing %d of %d articles before the load", c.Docs/3, c.Docs)
	if _, err := runMeasured(exec.CommandContext(ctx, bin, "import", "--index", dir, "--json",
		"--report", filepath.Join(work, "report.jsonl"), pre)); err != nil {
		return nil, fmt.Errorf("import before the load: %w", err)
	}
	token := randomToken()
	srv, err := startServer(ctx, bin, dir, filepath.Join(work, "serve.log"),
		[]string{"TRACUU_ADMIN_TOKEN=" + token, "TRACUU_IMPORT_ROOTS=" + roots})
	if err != nil {
		return nil, err
	}
	defer srv.stop()
	hc := newClient()

	// Filters use facet values the corpus copy is known to hold.
	filters := []string{"site=" + url.QueryEscape(benchSites[0]), "section=" + url.QueryEscape(benchSections[1]),
		"site=" + url.QueryEscape(benchSites[3]) + "&from=2015&to=2018"}
	var phrases []Query
	for _, q := range mix {
		if q.Class == ClassPhrase {
			phrases = append(phrases, q)
		}
	}

	lctx, cancel := context.WithTimeout(ctx, cfg.Duration)
	defer cancel()
	logf(cfg.Log, "%d clients for %s while the admin API imports %d articles", cfg.Clients, cfg.Duration, c.Docs-c.Docs/3)

	// The admin side: import the rest, then re-import it with force until
	// the clients stop, polling each job to its end.
	adminDone := make(chan error, 1)
	var busy time.Duration
	go func() {
		adminDone <- func() error {
			force := false
			for lctx.Err() == nil {
				t := time.Now()
				job, err := adminImport(ctx, hc, srv.base, token, live, force)
				if err != nil {
					return err
				}
				// Bounded, and generously: an import under load takes minutes.
				job, err = waitJob(ctx, hc, srv.base, token, job, cfg.Duration+10*time.Minute)
				busy += time.Since(t)
				rep.Jobs = append(rep.Jobs, job)
				if err != nil {
					return err
				}
				force = true
			}
			return nil
		}()
	}()

	var mu sync.Mutex
	lat := map[string][]time.Duration{}
	errs := map[string]int{}
	var wg sync.WaitGroup
	start := time.Now()
	for cl := 0; cl < cfg.Clients; cl++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := cl * 7; lctx.Err() == nil; i++ {
				kind, u := loadRequest(i, srv.base, mix, phrases, sugg, filters)
				t := time.Now()
				code, err := get(lctx, hc, u)
				if kind == "hostile" && code >= 400 && code < 500 {
					err = nil // refusing it is the right answer
				}
				d := time.Since(t)
				if err != nil && lctx.Err() != nil && code == 0 {
					return // cut off by the end of the run, not a server error
				}
				mu.Lock()
				if err != nil {
					errs[kind]++
					rep.Errors++
					if code >= 500 {
						rep.Status5xx++
					}
					if rep.FirstErr == "" {
						rep.FirstErr = err.Error()
					}
				} else {
					lat[kind] = append(lat[kind], d)
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	rep.Seconds = round(time.Since(start).Seconds(), 1)
	logf(cfg.Log, "clients stopped; waiting for the admin import to finish")
	if err := <-adminDone; err != nil {
		rep.Errors++
		if rep.FirstErr == "" {
			rep.FirstErr = err.Error()
		}
	}
	rep.ImportBusy = round(min(1, busy.Seconds()/cfg.Duration.Seconds()), 2)
	for _, k := range loadKinds {
		rep.Kinds[k] = LoadKind{Requests: len(lat[k]) + errs[k], Errors: errs[k], Latency: summarize(lat[k])}
		rep.Requests += len(lat[k]) + errs[k]
	}
	if st, err := stats(ctx, hc, srv.base); err == nil {
		rep.Articles = st
	} else {
		rep.Errors++
		if rep.FirstErr == "" {
			rep.FirstErr = err.Error()
		}
	}
	if err := srv.stop(); err != nil {
		return rep, fmt.Errorf("stop serve: %w", err)
	}
	return rep, nil
}

// hostileQueries are what a careless or hostile client sends: 64 OR-ed
// two-letter prefixes (refused over the cost budget on a large corpus), a
// word of 900 letters, a prefix of the planted long word, and a query
// string that does not decode. Each must be answered, 2xx or 4xx, never
// 5xx.
var hostileQueries = func() []string {
	var ors []string
	for _, a := range "abcdeghiklmnopqrstuvxy" {
		for _, c := range "ahint" {
			if len(ors) < 64 {
				ors = append(ors, string(a)+string(c)+"*")
			}
		}
	}
	return []string{
		"q=" + url.QueryEscape(strings.Join(ors, " OR ")),
		"q=" + strings.Repeat("y", 900),
		"q=yy*",
		"q=zqxss%",
		"q=zqone&sort=newest&sort=bogus",
	}
}()

// plantLongWord appends to a corpus file the article an attacker would
// plant: a title of one word of a million letters and a body of one of
// 200,000 starting with "th".
func plantLongWord(path string) error {
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		return fmt.Errorf("plant long word: %w", err)
	}
	_, err = fmt.Fprintf(f, `{"id":"planted-long-word","title":"zqone %s","body":"th%s kết thúc"}`+"\n",
		strings.Repeat("y", 1000000), strings.Repeat("x", 200000))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("plant long word: %w", err)
	}
	return nil
}

// loadRequest picks the i-th request of a client: of every 21, 11 plain
// searches (default facets), 3 filtered searches with four facets, 5
// suggests, 1 export of a phrase (a few rows) and 1 hostile search.
func loadRequest(i int, base string, mix, phrases []Query, sugg []string, filters []string) (string, string) {
	switch k := i % 21; {
	case k == 20:
		return "hostile", base + "/api/search?" + hostileQueries[(i/21)%len(hostileQueries)]
	case k < 11:
		return "search", searchURL(base, mix[i%len(mix)].Text)
	case k < 14:
		return "search+filters", searchURL(base, mix[i%len(mix)].Text) + "&" + filters[i%len(filters)] +
			"&facets=site,section,year,month"
	case k < 19:
		return "suggest", base + "/api/suggest?q=" + url.QueryEscape(sugg[i%len(sugg)])
	default:
		format := "jsonl"
		if i%40 >= 20 {
			format = "csv"
		}
		return "export", base + "/api/export?format=" + format + "&q=" + url.QueryEscape(phrases[i%len(phrases)].Text)
	}
}

// splitLines writes the first n lines of src to a and the rest to b.
func splitLines(src string, n int, a, b string) error {
	in, err := os.Open(src)
	if err != nil {
		return fmt.Errorf("split corpus: %w", err)
	}
	defer in.Close()
	fa, err := os.Create(a)
	if err != nil {
		return fmt.Errorf("split corpus: %w", err)
	}
	defer fa.Close()
	fb, err := os.Create(b)
	if err != nil {
		return fmt.Errorf("split corpus: %w", err)
	}
	defer fb.Close()
	wa, wb := bufio.NewWriter(fa), bufio.NewWriter(fb)
	br := bufio.NewReaderSize(in, 1<<20)
	for i := 0; ; i++ {
		line, err := br.ReadBytes('\n')
		if len(line) > 0 {
			w := wb
			if i < n {
				w = wa
			}
			if _, err := w.Write(line); err != nil {
				return fmt.Errorf("split corpus: %w", err)
			}
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return fmt.Errorf("split corpus: %w", err)
		}
	}
	for _, w := range []*bufio.Writer{wa, wb} {
		if err := w.Flush(); err != nil {
			return fmt.Errorf("split corpus: %w", err)
		}
	}
	return nil
}

func randomToken() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b) // never fails on Linux
	return hex.EncodeToString(b)
}

type adminJob struct {
	ID      string `json:"id"`
	Status  string `json:"status"`
	Error   string `json:"error"`
	Summary *struct {
		Indexed int `json:"indexed"`
	} `json:"summary"`
}

func adminImport(ctx context.Context, hc *http.Client, base, token, src string, force bool) (LoadJob, error) {
	body, _ := json.Marshal(map[string]any{"source": src, "force": force})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/api/admin/imports", bytes.NewReader(body))
	if err != nil {
		return LoadJob{}, err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := hc.Do(req)
	if err != nil {
		return LoadJob{}, fmt.Errorf("admin import: %w", err)
	}
	defer resp.Body.Close()
	var j adminJob
	if resp.StatusCode != http.StatusAccepted {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
		return LoadJob{}, fmt.Errorf("admin import: %s: %s", resp.Status, b)
	}
	if err := json.NewDecoder(resp.Body).Decode(&j); err != nil {
		return LoadJob{}, fmt.Errorf("admin import: %w", err)
	}
	return LoadJob{ID: j.ID, Force: force, Status: j.Status}, nil
}

// waitJob polls an admin job every 250 ms until it ends or limit passes.
func waitJob(ctx context.Context, hc *http.Client, base, token string, job LoadJob, limit time.Duration) (LoadJob, error) {
	start := time.Now()
	for {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/api/admin/imports/"+job.ID, nil)
		if err != nil {
			return job, err
		}
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := hc.Do(req)
		if err != nil {
			return job, fmt.Errorf("admin job %s: %w", job.ID, err)
		}
		var j adminJob
		err = json.NewDecoder(resp.Body).Decode(&j)
		resp.Body.Close()
		if err != nil || resp.StatusCode != http.StatusOK {
			return job, fmt.Errorf("admin job %s: %s %v", job.ID, resp.Status, err)
		}
		job.Status, job.Error, job.Seconds = j.Status, j.Error, round(time.Since(start).Seconds(), 1)
		if j.Summary != nil {
			job.Indexed = j.Summary.Indexed
		}
		if j.Status != "running" && j.Status != "queued" {
			if j.Status == "failed" {
				return job, fmt.Errorf("admin job %s failed: %s", job.ID, j.Error)
			}
			return job, nil
		}
		if time.Since(start) > limit {
			return job, fmt.Errorf("admin job %s still running after %s", job.ID, limit)
		}
		select {
		case <-ctx.Done():
			return job, ctx.Err()
		case <-time.After(250 * time.Millisecond):
		}
	}
}

func stats(ctx context.Context, hc *http.Client, base string) (uint64, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/api/stats", nil)
	if err != nil {
		return 0, err
	}
	resp, err := hc.Do(req)
	if err != nil {
		return 0, fmt.Errorf("stats: %w", err)
	}
	defer resp.Body.Close()
	var st struct {
		Articles uint64 `json:"articles"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&st); err != nil {
		return 0, fmt.Errorf("stats: %w", err)
	}
	return st.Articles, nil
}

// Print writes the load report as a table.
func (r *LoadReport) Print(w io.Writer) {
	fmt.Fprintf(w, "tracuu-bench load %s  %s  %d CPUs  %d articles  %d clients  %.0fs\n",
		r.When.Format("2006-01-02T15:04Z"), r.Go, r.CPUs, r.Docs, r.Clients, r.Seconds)
	fmt.Fprintf(w, "facets: %s\n\n", r.FacetNote)
	fmt.Fprintf(w, "%-16s %9s %7s %8s %8s %8s %8s\n", "REQUEST", "requests", "errors", "p50 ms", "p95 ms", "p99 ms", "max ms")
	kinds := make([]string, 0, len(r.Kinds))
	for k := range r.Kinds {
		kinds = append(kinds, k)
	}
	sort.SliceStable(kinds, func(i, j int) bool { return kindOrder(kinds[i]) < kindOrder(kinds[j]) })
	for _, k := range kinds {
		v := r.Kinds[k]
		fmt.Fprintf(w, "%-16s %9d %7d %8.1f %8.1f %8.1f %8.1f\n", k, v.Requests, v.Errors, v.Latency.P50, v.Latency.P95, v.Latency.P99, v.Latency.Max)
	}
	fmt.Fprintf(w, "%-16s %9d %7d   (%.0f req/s; %d answers 5xx)\n\n", "all", r.Requests, r.Errors, float64(r.Requests)/r.Seconds, r.Status5xx)
	for _, j := range r.Jobs {
		fmt.Fprintf(w, "admin import %s (force=%v): %s, %d indexed, %.1fs %s\n", j.ID, j.Force, j.Status, j.Indexed, j.Seconds, j.Error)
	}
	fmt.Fprintf(w, "an admin import ran during %.0f%% of the load; /api/stats afterwards: %d articles (want %d)\n",
		100*r.ImportBusy, r.Articles, r.Docs)
	if r.FirstErr != "" {
		fmt.Fprintf(w, "first error: %s\n", r.FirstErr)
	}
	if r.OK() {
		fmt.Fprintln(w, "PASS: no 5xx, no errors")
	} else {
		fmt.Fprintln(w, "FAIL")
	}
}

func kindOrder(k string) int {
	for i, v := range loadKinds {
		if v == k {
			return i
		}
	}
	return len(loadKinds)
}
