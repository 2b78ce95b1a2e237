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
	"net/http"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"
	"github.com/go-chi/httprate"

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
	r.Use(middleware.Compress(5, "application/json", "application/x-ndjson", "text/csv", "text/html", "text/css",
		"text/javascript", "application/javascript"))
	r.NotFound(func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, "not_found", "no such route: "+r.URL.Path)
	})
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
		r.Use(cors(cfg.CORSOrigins))
		if cfg.RateLimit > 0 {
			r.Use(httprate.Limit(cfg.RateLimit, time.Minute, httprate.WithKeyFuncs(httprate.KeyByIP),
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
		r.Handle("/*", http.FileServerFS(cfg.Web))
	}
	return &Server{Handler: r, admin: adm}
}

type handlers struct {
	svc *search.Service
	log *slog.Logger
}

func (h *handlers) search(w http.ResponseWriter, r *http.Request) {
	p, err := search.ParseParams(r.URL.Query())
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
	id := chi.URLParam(r, "id")
	a, ok, err := h.svc.Get(r.Context(), id)
	h.replyArticle(w, r, id, a, ok, err)
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

func (h *handlers) ready(w http.ResponseWriter, r *http.Request) {
	if _, err := h.svc.Stats(r.Context()); err != nil {
		writeError(w, http.StatusServiceUnavailable, "not_ready", "index not available")
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ready"})
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
			log.Info("request", "method", r.Method, "path", r.URL.Path, "status", ww.Status(),
				"bytes", ww.BytesWritten(), "ms", time.Since(start).Milliseconds(),
				"request_id", middleware.GetReqID(r.Context()))
		})
	}
}

// cors lets site search boxes on other origins call the public API.
func cors(origins []string) func(http.Handler) http.Handler {
	allowed := map[string]bool{}
	for _, o := range origins {
		allowed[strings.TrimRight(strings.TrimSpace(o), "/")] = true
	}
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if origin := r.Header.Get("Origin"); origin != "" {
				switch {
				case len(allowed) == 0 || allowed["*"]:
					w.Header().Set("Access-Control-Allow-Origin", "*")
				case allowed[origin]:
					w.Header().Set("Access-Control-Allow-Origin", origin)
					w.Header().Add("Vary", "Origin")
				}
			}
			next.ServeHTTP(w, r)
		})
	}
}
