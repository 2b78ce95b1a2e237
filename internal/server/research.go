package server

import (
	"net/http"
	"strings"
	"time"

	"github.com/go-chi/chi/v5/middleware"

	"github.com/tracuu/tracuu/internal/search"
)

// The research endpoints: trends over time, keyword in context, the
// telling words of a query and feeds of a search. Each reads its query
// through the search service's plan, so it answers the set /api/search
// answers.

func (h *handlers) trends(w http.ResponseWriter, r *http.Request) {
	tp, err := search.ParseTrendParams(r.URL.Query())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	res, err := h.svc.Trends(r.Context(), tp)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if tp.Format == search.FormatCSV {
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		w.Header().Set("Content-Disposition", `attachment; filename="tracuu-trends.csv"`)
		search.WriteTrendsCSV(w, res)
		return
	}
	writeJSON(w, http.StatusOK, res)
}

func (h *handlers) concordance(w http.ResponseWriter, r *http.Request) {
	cp, err := search.ParseConcordParams(r.URL.Query())
	if err == nil {
		// Refuse a bad query, or one with nothing to look for, before
		// the 200 goes out.
		err = h.svc.CheckConcordance(r.Context(), cp)
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	ctype := map[string]string{
		search.FormatJSON:  "application/json; charset=utf-8",
		search.FormatJSONL: "application/x-ndjson; charset=utf-8",
		search.FormatCSV:   "text/csv; charset=utf-8",
	}[cp.Format]
	w.Header().Set("Content-Type", ctype)
	if cp.Format == search.FormatCSV {
		w.Header().Set("Content-Disposition", `attachment; filename="tracuu-concordance.csv"`)
		// A CSV has no place for the cursor: it follows the rows as a trailer.
		w.Header().Set("Trailer", "Tracuu-Next")
	}
	w.WriteHeader(http.StatusOK)
	sum, err := h.svc.Concordance(r.Context(), cp, w)
	if err != nil {
		h.log.Error("concordance failed", "query", cp.Q, "lines", sum.Lines, "request_id", middleware.GetReqID(r.Context()), "err", err)
		return
	}
	if cp.Format == search.FormatCSV && sum.Next != "" {
		w.Header().Set("Tracuu-Next", sum.Next)
	}
}

func (h *handlers) terms(w http.ResponseWriter, r *http.Request) {
	tp, err := search.ParseTermParams(r.URL.Query())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	res, err := h.svc.Terms(r.Context(), tp)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, res)
}

// feed answers an Atom feed of the newest matches. Its validators come
// from the entries themselves, so a reader polling an unchanged search
// gets a 304, and a new import that brings a match changes them.
func (h *handlers) feed(w http.ResponseWriter, r *http.Request) {
	p, err := search.ParseFeedParams(r.URL.Query())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	base := "http://" + r.Host
	if r.TLS != nil || r.Header.Get("X-Forwarded-Proto") == "https" {
		base = "https://" + r.Host
	}
	page := r.URL.Query()
	page.Del("size")
	links := search.FeedLinks{Self: base + r.URL.RequestURI(), Page: base + "/", Base: base}
	if len(page) > 0 {
		links.Page += "?" + page.Encode()
	}
	f, err := h.svc.Feed(r.Context(), p, links)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	w.Header().Set("ETag", f.ETag)
	w.Header().Set("Last-Modified", f.Modified.UTC().Format(http.TimeFormat))
	w.Header().Set("Cache-Control", "no-cache")
	if notModified(r, f.ETag, f.Modified) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	w.Header().Set("Content-Type", "application/atom+xml; charset=utf-8")
	if err := f.WriteXML(w); err != nil {
		h.log.Warn("feed write failed", "request_id", middleware.GetReqID(r.Context()), "err", err)
	}
}

// notModified applies RFC 9110's conditional GET: If-None-Match when
// given, otherwise If-Modified-Since, to the second.
func notModified(r *http.Request, etag string, modified time.Time) bool {
	if inm := r.Header.Get("If-None-Match"); inm != "" {
		for _, t := range strings.Split(inm, ",") {
			if t = strings.TrimSpace(t); t == etag || t == "*" || strings.TrimPrefix(t, "W/") == etag {
				return true
			}
		}
		return false
	}
	if ims, err := http.ParseTime(r.Header.Get("If-Modified-Since")); err == nil {
		return !modified.Truncate(time.Second).After(ims)
	}
	return false
}
