package server

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/tracuu/tracuu/internal/importer"
	"github.com/tracuu/tracuu/internal/ingest"
	"github.com/tracuu/tracuu/internal/source"

	"github.com/tracuu/tracuu/index"
)

// Admin configures the admin API: imports and rebuilds run inside the
// server, against the index it answers from, so searches go on meanwhile.
type Admin struct {
	Token  string         // bearer token; empty disables every admin route
	Roots  []string       // folders imports may read from; empty allows none
	Ingest ingest.Service // imports into and rebuilds the served index
}

// maxAdminBody bounds admin request bodies: they hold a few paths.
const maxAdminBody = 64 << 10

// Bounds of the admin API. Jobs run one at a time, so a queue longer than
// a few is a client looping, answered 429; finished jobs are kept for the
// job list up to a number, oldest dropped first.
const (
	maxQueuedJobs = 4
	maxJobHistory = 100
)

// MinTokenLen is the shortest admin token serve accepts: a token short
// enough to guess is no protection.
const MinTokenLen = 16

// CheckToken refuses an admin token too short to be a secret (an empty
// one disables the admin API and is fine).
func CheckToken(tok string) error {
	if tok != "" && len(tok) < MinTokenLen {
		return fmt.Errorf("the admin token must be at least %d characters (it is %d); generate one with `openssl rand -hex 24`", MinTokenLen, len(tok))
	}
	return nil
}

// Failed admin authentications a client may make in authWindow before
// its admin requests are refused with 429 for the rest of the window:
// enough for typos, far too few to guess a token.
const (
	maxAuthFailures = 10
	authWindow      = time.Minute
)

// Job is an import or a rebuild run by the server.
type Job struct {
	ID       string              `json:"id"`
	Kind     string              `json:"kind"` // "import" or "reindex"
	Sources  []string            `json:"sources,omitempty"`
	Status   string              `json:"status"` // running, done, failed, cancelled
	Started  time.Time           `json:"started"`
	Ended    *time.Time          `json:"ended,omitempty"`
	Progress JobProgress         `json:"progress"`
	Summary  *importer.Summary   `json:"summary,omitempty"`
	Report   string              `json:"report,omitempty"` // the per-page report of an import
	Reindex  *index.ReindexStats `json:"reindex,omitempty"`
	Error    string              `json:"error,omitempty"`
}

// JobProgress is how far a job has come: pages read, articles written
// (these move a batch at a time) and seconds since it started.
type JobProgress struct {
	Seen    int     `json:"seen"`
	Indexed int     `json:"indexed"`
	Elapsed float64 `json:"elapsed_seconds"`
}

type admin struct {
	cfg     Admin
	log     *slog.Logger
	changed func() // the index changed: cached answers are stale

	mu       sync.Mutex
	jobs     map[string]*Job
	nextID   int
	queued   int                     // jobs started and not yet finished
	failures map[string]*authFailure // by client address
	run      sync.Mutex              // one job at a time: imports and rebuilds must not interleave
	ctx      context.Context
	cancel   context.CancelFunc
	wg       sync.WaitGroup
}

func newAdmin(cfg Admin, log *slog.Logger, changed func()) *admin {
	ctx, cancel := context.WithCancel(context.Background())
	return &admin{cfg: cfg, log: log, changed: changed, jobs: map[string]*Job{}, failures: map[string]*authFailure{}, ctx: ctx, cancel: cancel}
}

type authFailure struct {
	n     int
	since time.Time
}

// throttled reports whether client has used up its failed attempts.
func (a *admin) throttled(client string, now time.Time) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	f := a.failures[client]
	return f != nil && now.Sub(f.since) < authWindow && f.n >= maxAuthFailures
}

// maxFailureClients bounds the table of failed logins.
const maxFailureClients = 10000

// failed counts a failed authentication of client. When the table is full
// it drops expired entries, and all of them if none has expired: its
// memory stays bounded whatever the number of addresses a client has.
func (a *admin) failed(client string, now time.Time) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if len(a.failures) >= maxFailureClients {
		for k, f := range a.failures {
			if now.Sub(f.since) >= authWindow {
				delete(a.failures, k)
			}
		}
		if len(a.failures) >= maxFailureClients {
			clear(a.failures)
		}
	}
	f := a.failures[client]
	if f == nil || now.Sub(f.since) >= authWindow {
		f = &authFailure{since: now}
		a.failures[client] = f
	}
	f.n++
}

// clientAddr is the address a request came from, without the port; for
// IPv6 its /64 network, which one client usually holds whole.
func clientAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	if ip := net.ParseIP(host); ip != nil && ip.To4() == nil {
		return ip.Mask(net.CIDRMask(64, 128)).String() + "/64"
	}
	return host
}

// auth lets a request through only with the configured bearer token. The
// comparison is of fixed-length digests in constant time, so neither the
// token nor its length leaks through timing.
func (a *admin) auth(next http.Handler) http.Handler {
	want := sha256.Sum256([]byte(a.cfg.Token))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if a.cfg.Token == "" {
			writeError(w, http.StatusForbidden, "admin_disabled", "the admin API is disabled: start serve with TRACUU_ADMIN_TOKEN set")
			return
		}
		client, now := clientAddr(r), time.Now()
		if a.throttled(client, now) {
			w.Header().Set("Retry-After", strconv.Itoa(int(authWindow.Seconds())))
			writeError(w, http.StatusTooManyRequests, "rate_limited", "too many failed admin logins from this address; try again in a minute")
			return
		}
		got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		sum := sha256.Sum256([]byte(strings.TrimSpace(got)))
		if !ok || subtle.ConstantTimeCompare(sum[:], want[:]) != 1 {
			a.failed(client, now)
			w.Header().Set("WWW-Authenticate", `Bearer realm="tracuu admin"`)
			writeError(w, http.StatusUnauthorized, "unauthorized", "a valid bearer token is required")
			return
		}
		next.ServeHTTP(w, r)
	})
}

func (a *admin) routes(r chi.Router) {
	r.Use(a.auth)
	r.Post("/imports", a.startImport)
	r.Get("/imports", a.list)
	r.Get("/imports/{id}", a.get)
	r.Post("/reindex", a.startReindex)
}

type importRequest struct {
	Source  string   `json:"source"`
	Sources []string `json:"sources"`
	Force   bool     `json:"force"`
}

func (a *admin) startImport(w http.ResponseWriter, r *http.Request) {
	var req importRequest
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxAdminBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		writeError(w, http.StatusBadRequest, "bad_request", "body: want {\"source\": PATH} or {\"sources\": [PATH...]}: "+err.Error())
		return
	}
	srcs := req.Sources
	if req.Source != "" {
		srcs = append(srcs, req.Source)
	}
	if len(srcs) == 0 {
		writeError(w, http.StatusBadRequest, "bad_request", "no source given")
		return
	}
	for i, s := range srcs {
		p, err := a.allowed(s)
		if errors.Is(err, errNoSource) {
			writeError(w, http.StatusNotFound, "source_not_found", err.Error())
			return
		}
		if err != nil {
			// The reason (a missing file, a link out) stays in the log:
			// the answer must not tell what exists outside the roots.
			a.log.Warn("admin import refused", "source", s, "err", err)
			msg := "source " + s + " is not a readable path under the import roots"
			if len(a.cfg.Roots) == 0 {
				msg = "no import roots are configured (TRACUU_IMPORT_ROOTS)"
			}
			writeError(w, http.StatusForbidden, "forbidden_source", msg)
			return
		}
		srcs[i] = p
	}
	job, ok := a.start("import", srcs, func(ctx context.Context, job *Job) error {
		return a.runImport(ctx, job, srcs, req.Force)
	})
	if !ok {
		queueFull(w)
		return
	}
	w.Header().Set("Location", "/api/admin/imports/"+job.ID)
	writeJSON(w, http.StatusAccepted, job)
}

// allowed resolves a source path and checks it lies under a configured
// root, after following symlinks, so a link cannot lead out of the roots.
// errNoSource is a source under an import root that does not exist.
var errNoSource = errors.New("no such file or folder under the import roots")

// underRoot reports whether abs lies under an import root, by its name.
func (a *admin) underRoot(abs string) bool {
	for _, root := range a.cfg.Roots {
		for _, r := range []string{root, evalOr(root)} {
			if ra, err := filepath.Abs(r); err == nil {
				if rel, err := filepath.Rel(ra, abs); err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
					return true
				}
			}
		}
	}
	return false
}

// evalOr resolves the symbolic links of p, or returns p.
func evalOr(p string) string {
	if r, err := filepath.EvalSymlinks(p); err == nil {
		return r
	}
	return p
}

func (a *admin) allowed(p string) (string, error) {
	if len(a.cfg.Roots) == 0 {
		return "", errors.New("no import roots are configured (TRACUU_IMPORT_ROOTS)")
	}
	abs, err := filepath.Abs(p)
	if err != nil {
		return "", fmt.Errorf("source %s: %w", p, err)
	}
	real, err := filepath.EvalSymlinks(abs)
	if errors.Is(err, fs.ErrNotExist) && a.underRoot(abs) {
		// Only a path under a root is said not to exist: elsewhere the
		// answer stays "outside", so the API tells nothing of other folders.
		return "", fmt.Errorf("%w: %s", errNoSource, p)
	}
	if err != nil {
		return "", fmt.Errorf("source %s is outside the import roots", p)
	}
	for _, root := range a.cfg.Roots {
		rr, err := filepath.EvalSymlinks(root)
		if err != nil {
			continue
		}
		if rel, err := filepath.Rel(rr, real); err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			return real, nil
		}
	}
	return "", fmt.Errorf("source %s is outside the import roots", p)
}

func queueFull(w http.ResponseWriter) {
	w.Header().Set("Retry-After", "10")
	writeError(w, http.StatusTooManyRequests, "queue_full",
		fmt.Sprintf("%d admin jobs are already waiting; try again when one has finished (GET /api/admin/imports)", maxQueuedJobs))
}

func (a *admin) startReindex(w http.ResponseWriter, r *http.Request) {
	job, ok := a.start("reindex", nil, a.runReindex)
	if !ok {
		queueFull(w)
		return
	}
	w.Header().Set("Location", "/api/admin/imports/"+job.ID)
	writeJSON(w, http.StatusAccepted, job)
}

// start registers a job and runs it in the background, after any job
// already running; ok is false when the queue is full.
func (a *admin) start(kind string, srcs []string, fn func(context.Context, *Job) error) (_ Job, ok bool) {
	a.mu.Lock()
	if a.queued >= maxQueuedJobs+1 { // the running job and the queue
		a.mu.Unlock()
		return Job{}, false
	}
	a.queued++
	a.nextID++
	job := &Job{ID: strconv.Itoa(a.nextID), Kind: kind, Sources: srcs, Status: "queued", Started: time.Now()}
	a.jobs[job.ID] = job
	a.prune()
	snapshot := *job
	a.mu.Unlock()
	a.wg.Add(1)
	go func() {
		defer a.wg.Done()
		a.run.Lock()
		defer a.run.Unlock()
		a.mu.Lock()
		job.Status, job.Started = "running", time.Now()
		a.mu.Unlock()
		err := fn(a.ctx, job)
		a.mu.Lock()
		defer a.mu.Unlock()
		a.queued--
		now := time.Now()
		job.Ended = &now
		switch {
		case err == nil:
			job.Status = "done"
		case errors.Is(err, context.Canceled):
			job.Status, job.Error = "cancelled", "the server is shutting down; the batches written are kept"
		default:
			job.Status, job.Error = "failed", err.Error()
			a.log.Error("admin job failed", "id", job.ID, "kind", job.Kind, "err", err)
		}
		a.changed()
	}()
	return snapshot, true
}

// prune drops the oldest finished jobs beyond the history kept; a.mu is
// held.
func (a *admin) prune() {
	if len(a.jobs) <= maxJobHistory {
		return
	}
	for _, j := range a.sortedJobs() {
		if len(a.jobs) <= maxJobHistory {
			return
		}
		if j.Ended != nil {
			delete(a.jobs, j.ID)
		}
	}
}

// sortedJobs returns the jobs oldest first; a.mu is held.
func (a *admin) sortedJobs() []*Job {
	out := make([]*Job, 0, len(a.jobs))
	for _, j := range a.jobs {
		out = append(out, j)
	}
	sort.Slice(out, func(i, k int) bool {
		x, _ := strconv.Atoi(out[i].ID)
		y, _ := strconv.Atoi(out[k].ID)
		return x < y
	})
	return out
}

func (a *admin) runImport(ctx context.Context, job *Job, srcs []string, force bool) error {
	// The per-page report goes where the command line's does (the default).
	sum, report, err := a.cfg.Ingest.Import(ctx, srcs, ingest.ImportOptions{
		Force: force, Log: a.log, Source: source.Options{Roots: a.cfg.Roots},
		Progress: func(p importer.Progress) {
			a.mu.Lock()
			job.Progress = JobProgress{Seen: p.Seen, Indexed: p.Indexed, Elapsed: p.Elapsed.Seconds()}
			a.mu.Unlock()
			a.changed()
		},
	})
	a.mu.Lock()
	job.Summary = &sum
	job.Report = report
	a.mu.Unlock()
	return err
}

func (a *admin) runReindex(ctx context.Context, job *Job) error {
	st, err := a.cfg.Ingest.Reindex(ctx, func(n int) {
		a.mu.Lock()
		job.Progress.Indexed = n
		job.Progress.Elapsed = time.Since(job.Started).Seconds()
		a.mu.Unlock()
	})
	if err != nil {
		return err
	}
	if st.CanonicalOnly {
		a.log.Warn("reindexed an index that stored the canonical spelling only", "note", st.Note)
	}
	a.mu.Lock()
	job.Reindex = &st
	a.mu.Unlock()
	return nil
}

func (a *admin) get(w http.ResponseWriter, r *http.Request) {
	a.mu.Lock()
	job, ok := a.jobs[chi.URLParam(r, "id")]
	var snapshot Job
	if ok {
		snapshot = *job
	}
	a.mu.Unlock()
	if !ok {
		writeError(w, http.StatusNotFound, "not_found", "no job "+chi.URLParam(r, "id"))
		return
	}
	writeJSON(w, http.StatusOK, snapshot)
}

func (a *admin) list(w http.ResponseWriter, r *http.Request) {
	a.mu.Lock()
	out := make([]Job, 0, len(a.jobs))
	for _, j := range a.sortedJobs() {
		out = append(out, *j)
	}
	a.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{"jobs": out})
}

// shutdown cancels running jobs and waits for them: an import finishes the
// batch in hand, so the index is clean when the server closes it.
func (a *admin) shutdown(ctx context.Context) error {
	a.cancel()
	done := make(chan struct{})
	go func() { a.wg.Wait(); close(done) }()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
