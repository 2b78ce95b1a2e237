// Package server is the HTTP face of tracuu: the chi router with the API
// of the contract, its middleware, errors as JSON, and the embedded page.
package server

import (
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"path"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"
	"github.com/go-chi/cors"
	"github.com/go-chi/httprate"
	"golang.org/x/net/netutil"

	"github.com/tracuu/tracuu/index"
	"github.com/tracuu/tracuu/internal/search"
)

// Config is what the server needs besides the search service.
type Config struct {
	CORSOrigins []string      // allowed origins for the public API; empty means any ("*")
	Timeout     time.Duration // per-request deadline, passed down into the engine
	Log         *slog.Logger
	Web         fs.FS // the page, served at /; nil serves none
	Admin       Admin // the admin API; its routes refuse everything without a token
	RateLimit   int   // public API requests per minute per client address; 0 = unlimited
}

// Server is the HTTP handler of tracuu with what must be stopped cleanly.
type Server struct {
	http.Handler
	admin *admin
}

// Shutdown stops the admin jobs, letting an import finish its batch. Call
// it after http.Server.Shutdown has drained the requests.
func (s *Server) Shutdown(ctx context.Context) error { return s.admin.shutdown(ctx) }

//go:embed openapi.json
var openAPI []byte

// New returns the server.
func New(svc *search.Service, cfg Config) *Server {
	if cfg.Timeout == 0 {
		cfg.Timeout = 10 * time.Second
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	h := &handlers{svc: svc, log: cfg.Log}
	m := newMetrics(svc)
	cache := newValidator()
	adm := newAdmin(cfg.Admin, cfg.Log, cache.Changed)
	r := chi.NewRouter()
	r.Use(middleware.RequestID)
	r.Use(func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set(middleware.RequestIDHeader, middleware.GetReqID(r.Context()))
			next.ServeHTTP(w, r)
		})
	})
	r.Use(accessLog(cfg.Log))
	r.Use(m.middleware)
	r.Use(recoverJSON(cfg.Log))
	r.Use(securityHeaders)
	// HEAD answers like GET without a body (net/http drops the body).
	r.Use(middleware.GetHead)
	r.Use(middleware.Compress(5, "application/json", "application/x-ndjson", "text/csv", "text/html", "text/css",
		"text/javascript", "application/javascript"))
	r.NotFound(notFound)
	r.MethodNotAllowed(func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusMethodNotAllowed, "method_not_allowed", r.Method+" is not allowed on "+r.URL.Path)
	})

	r.Get("/healthz", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	r.Get("/readyz", h.ready)
	r.Method(http.MethodGet, "/metrics", m.handler())
	// The admin API is never opened to other origins.
	r.Route("/api/admin", adm.routes)
	r.Route("/api", func(r chi.Router) {
		r.Use(corsPolicy(cfg.CORSOrigins))
		if cfg.RateLimit > 0 {
			// Keyed by the connection's address: serve faces clients
			// directly, and a header naming a client could be forged.
			r.Use(httprate.LimitBy(cfg.RateLimit, time.Minute, func(r *http.Request) (string, error) { return clientAddr(r), nil },
				httprate.WithLimitHandler(func(w http.ResponseWriter, r *http.Request) {
					writeError(w, http.StatusTooManyRequests, "rate_limited", "too many requests from this address; slow down")
				})))
		}
		r.Get("/openapi.json", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json; charset=utf-8")
			w.Write(openAPI)
		})
		r.Group(func(r chi.Router) {
			// Answers that fit in memory get a deadline, which cancels the
			// engine's work, and validators for cheap revalidation.
			r.Use(middleware.Timeout(cfg.Timeout))
			r.With(cache.middleware(0)).Get("/search", h.search)
			r.With(cache.middleware(0)).Get("/suggest", h.suggest)
			r.With(cache.middleware(60)).Get("/articles/{id}", h.article)
			r.With(cache.middleware(60)).Get("/articles/{id}/related", h.related)
			r.With(cache.middleware(0)).Get("/stats", h.stats)
			r.With(cache.middleware(0)).Get("/trends", h.trends)
			r.With(cache.middleware(0)).Get("/terms", h.terms)
			r.Get("/feed", h.feed)
		})
		// An export streams for as long as it has rows: no deadline, but it
		// stops when the client goes away (the request context).
		r.Get("/export", h.export)
		r.Get("/concordance", h.concordance)
	})
	if cfg.Web != nil {
		// GET (and HEAD) only: TRACE or PUT on the page is a 405, not the page.
		r.Get("/*", serveWeb(cfg.Web))
	}
	return &Server{Handler: r, admin: adm}
}

type handlers struct {
	svc *search.Service
	log *slog.Logger
}

func (h *handlers) search(w http.ResponseWriter, r *http.Request) {
	v, err := search.ParseQuery(r.URL.RawQuery)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	p, err := search.ParseParams(v)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	res, err := h.svc.Search(r.Context(), p)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, res)
}

func (h *handlers) article(w http.ResponseWriter, r *http.Request) {
	if _, err := queryParams(r, nil); err != nil {
		h.fail(w, r, err)
		return
	}
	id := articleID(r)
	a, ok, err := h.svc.Get(r.Context(), id)
	h.replyArticle(w, r, id, a, ok, err)
}

// articleID is the {id} of the route, decoded. chi matches the escaped
// path when it differs from the decoded one, so an id holding "/" (sent
// as %2F) reaches the handler still escaped.
func articleID(r *http.Request) string {
	id := chi.URLParam(r, "id")
	if r.URL.RawPath == "" {
		return id
	}
	if dec, err := url.PathUnescape(id); err == nil {
		return dec
	}
	return id
}

// queryParams reads the raw query string strictly and refuses parameters
// other than allowed.
func queryParams(r *http.Request, allowed []string) (url.Values, error) {
	v, err := search.ParseQuery(r.URL.RawQuery)
	if err == nil {
		err = search.CheckKnown(v, allowed...)
	}
	return v, err
}

// notFound answers every unknown path, in or out of /api, as JSON.
func notFound(w http.ResponseWriter, r *http.Request) {
	writeError(w, http.StatusNotFound, "not_found", "no such route: "+r.URL.Path)
}

// serveWeb serves the embedded page; a path it does not hold is the JSON
// 404 of the API rather than the file server's plain text.
func serveWeb(fsys fs.FS) http.HandlerFunc {
	files := http.FileServerFS(fsys)
	return func(w http.ResponseWriter, r *http.Request) {
		name := strings.TrimPrefix(path.Clean("/"+r.URL.Path), "/")
		if name == "" {
			name = "."
		}
		if _, err := fs.Stat(fsys, name); err != nil {
			notFound(w, r)
			return
		}
		files.ServeHTTP(w, r)
	}
}

// Content security policies: the page loads its own script, style and
// API answers only, and no other site may frame it (clickjacking); API
// answers are data and may load nothing.
const (
	pageCSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
		"font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
	dataCSP = "default-src 'none'; frame-ancestors 'none'"
)

// securityHeaders sets the headers every answer carries: no content-type
// sniffing, no full URLs (which hold the query) sent to other sites, and
// a CSP: the page's own, or none-at-all for data. widget.js is a script
// other sites load; the CSP of a script response does not bind them.
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "strict-origin-when-cross-origin")
		if strings.HasPrefix(r.URL.Path, "/api/") || r.URL.Path == "/metrics" || r.URL.Path == "/healthz" || r.URL.Path == "/readyz" {
			h.Set("Content-Security-Policy", dataCSP)
		} else {
			h.Set("Content-Security-Policy", pageCSP)
			h.Set("X-Frame-Options", "DENY")
		}
		next.ServeHTTP(w, r)
	})
}

// replyArticle answers a request about the article id: v, the error, or
// a 404 when there is no such article.
func (h *handlers) replyArticle(w http.ResponseWriter, r *http.Request, id string, v any, found bool, err error) {
	switch {
	case err != nil:
		h.fail(w, r, err)
	case !found:
		writeError(w, http.StatusNotFound, "not_found", "no article with id "+id)
	default:
		writeJSON(w, http.StatusOK, v)
	}
}

func (h *handlers) stats(w http.ResponseWriter, r *http.Request) {
	st, err := h.svc.Stats(r.Context())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, st)
}

// ready answers 200 when the index answers Stats and, for an engine apart
// from tracuu (index.HealthChecker), when that engine answers and is not
// red: a red index misses articles, and an instance that can only give
// partial answers should not be sent traffic. The answer's values are all
// strings (search and stats decode them as such).
func (h *handlers) ready(w http.ResponseWriter, r *http.Request) {
	if _, err := h.svc.Stats(r.Context()); err != nil {
		writeError(w, http.StatusServiceUnavailable, "not_ready", "index not available")
		return
	}
	out := map[string]string{"status": "ready"}
	if hc, ok := h.svc.Backend.(index.HealthChecker); ok {
		hl, err := hc.CheckHealth(r.Context())
		switch {
		case err != nil:
			writeError(w, http.StatusServiceUnavailable, "not_ready", "search engine not available")
			return
		case hl.Degraded():
			writeError(w, http.StatusServiceUnavailable, "not_ready", "the search engine reports the index "+hl.Status+": some of its shards are unassigned")
			return
		}
		out["engine"], out["index"], out["index_status"] = hl.Engine, hl.Index, hl.Status
	}
	writeJSON(w, http.StatusOK, out)
}

// fail answers an error: the caller's mistakes are 400s with the reason,
// a deadline is a 503, anything else is logged and a bare 500.
func (h *handlers) fail(w http.ResponseWriter, r *http.Request, err error) {
	switch {
	case search.IsBadRequest(err):
		writeError(w, http.StatusBadRequest, "bad_query", err.Error())
	case errors.Is(err, context.DeadlineExceeded):
		writeError(w, http.StatusServiceUnavailable, "timeout", "the search took too long; narrow it down")
	case errors.Is(err, context.Canceled):
		// The client went away; nobody reads the answer.
	default:
		h.log.Error("request failed", "path", r.URL.Path, "request_id", middleware.GetReqID(r.Context()), "err", err)
		writeError(w, http.StatusInternalServerError, "internal", "internal error")
	}
}

// ErrorBody is the JSON shape of every error answer.
type ErrorBody struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

func writeError(w http.ResponseWriter, status int, code, msg string) {
	var b ErrorBody
	b.Error.Code, b.Error.Message = code, msg
	writeJSON(w, status, b)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v) // a failed write means the client is gone
}

// recoverJSON turns a panic in a handler into a logged 500, never a dropped connection.
func recoverJSON(log *slog.Logger) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			defer func() {
				if v := recover(); v != nil {
					if v == http.ErrAbortHandler {
						panic(v)
					}
					log.Error("panic", "path", r.URL.Path, "request_id", middleware.GetReqID(r.Context()), "panic", v)
					writeError(w, http.StatusInternalServerError, "internal", "internal error")
				}
			}()
			next.ServeHTTP(w, r)
		})
	}
}

func accessLog(log *slog.Logger) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			start := time.Now()
			ww := middleware.NewWrapResponseWriter(w, r.ProtoMajor)
			next.ServeHTTP(ww, r)
			log.Info("request", "method", knownMethod(r.Method), "path", truncate(r.URL.Path, 512), "status", ww.Status(),
				"bytes", ww.BytesWritten(), "ms", time.Since(start).Milliseconds(),
				"request_id", middleware.GetReqID(r.Context()))
		})
	}
}

// corsPolicy lets site search boxes on other origins call the public API,
// preflights included (a custom header or a JSON body needs one). Only
// reads are offered; credentials never are, so "*" stays safe.
func corsPolicy(origins []string) func(http.Handler) http.Handler {
	var allowed []string
	for _, o := range origins {
		if o = strings.TrimRight(strings.TrimSpace(o), "/"); o != "" {
			allowed = append(allowed, o)
		}
	}
	if len(allowed) == 0 {
		allowed = []string{"*"}
	}
	return cors.Handler(cors.Options{
		AllowedOrigins: allowed,
		AllowedMethods: []string{http.MethodGet, http.MethodHead, http.MethodOptions},
		AllowedHeaders: []string{"Accept", "Accept-Language", "Content-Type", "If-None-Match", "X-Request-Id"},
		ExposedHeaders: []string{"ETag", "X-Request-Id", "Retry-After", "Content-Disposition"},
		MaxAge:         600,
	})
}

// Limits bound what one client connection may hold: a request whose
// headers or body stall, an answer nobody reads, idle keep-alives, and the
// number of connections served at once (more wait to be accepted).
type Limits struct {
	ReadHeaderTimeout time.Duration
	ReadTimeout       time.Duration // the whole request, body included
	WriteTimeout      time.Duration // the whole answer; an export extends it write by write
	IdleTimeout       time.Duration
	MaxConns          int
}

// DefaultLimits are serve's: a request's deadline is 10 s, so half a
// minute to read one and a minute to write its answer are generous.
var DefaultLimits = Limits{
	ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second,
	WriteTimeout: time.Minute, IdleTimeout: 2 * time.Minute, MaxConns: 1024,
}

// Serve serves h on ln within the limits l until srv is shut down.
func Serve(ln net.Listener, h http.Handler, l Limits) (*http.Server, <-chan error) {
	srv := &http.Server{
		Handler: h, ReadHeaderTimeout: l.ReadHeaderTimeout, ReadTimeout: l.ReadTimeout,
		WriteTimeout: l.WriteTimeout, IdleTimeout: l.IdleTimeout,
	}
	if l.MaxConns > 0 {
		ln = netutil.LimitListener(ln, l.MaxConns)
	}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	return srv, done
}
