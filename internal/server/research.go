package server

import (
	"net/http"

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
