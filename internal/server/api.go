package server

import (
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/go-chi/chi/v5/middleware"

	"github.com/tracuu/tracuu/internal/search"
)

func (h *handlers) suggest(w http.ResponseWriter, r *http.Request) {
	v, err := queryParams(r, []string{"q", "size"})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	size, err := sizeParam(v, 8, search.MaxSuggest)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	res, err := h.svc.Suggest(r.Context(), v.Get("q"), size)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, res)
}

func (h *handlers) related(w http.ResponseWriter, r *http.Request) {
	id := articleID(r)
	v, err := queryParams(r, []string{"size"})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	size, err := sizeParam(v, 5, 50)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	res, ok, err := h.svc.Related(r.Context(), id, size)
	h.replyArticle(w, r, id, res, ok, err)
}

// export streams every match. Its parameters are those of a search plus
// format; paging parameters do not apply and are refused.
func (h *handlers) export(w http.ResponseWriter, r *http.Request) {
	v, err := search.ParseQuery(r.URL.RawQuery)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	format := v.Get("format")
	if format == "" {
		format = search.FormatJSONL
	}
	v.Del("format")
	for _, k := range []string{"page", "size", "after", "facets"} {
		if v.Has(k) {
			h.fail(w, r, &search.ParamError{Param: k, Msg: "does not apply to an export, which returns every match"})
			return
		}
	}
	p, err := search.ParseParams(v)
	if err == nil && format != search.FormatCSV && format != search.FormatJSONL {
		err = &search.ParamError{Param: "format", Msg: strconv.Quote(format) + " is not jsonl or csv"}
	}
	if err == nil {
		_, err = search.Parse(p.Q) // refuse a bad query before the 200 goes out
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	ctype := "application/x-ndjson; charset=utf-8"
	if format == search.FormatCSV {
		ctype = "text/csv; charset=utf-8"
	}
	ew := &exportWriter{w: w, rc: http.NewResponseController(w), ctype: ctype, filename: search.ExportFilename(p.Q, format, time.Now())}
	n, err := h.svc.Export(r.Context(), p, format, ew)
	switch {
	case err != nil && !ew.started:
		// Nothing went out yet: the client gets the error as a status.
		h.fail(w, r, err)
	case err != nil:
		// The status line is gone; the truncated file and the log say it.
		h.log.Error("export failed", "query", p.Q, "rows", n, "request_id", middleware.GetReqID(r.Context()), "err", err)
	case !ew.started:
		ew.start() // no rows and nothing buffered: an empty file
	}
}

// exportWriteTimeout is how long one write of an export may wait for the
// client to read: a client that stops reading is dropped, not held.
var exportWriteTimeout = 30 * time.Second

// exportWriter sends the 200 and the headers with the first bytes of the
// export, so that a failure before them can still be an error status,
// and gives each write its own deadline.
type exportWriter struct {
	w               http.ResponseWriter
	rc              *http.ResponseController
	ctype, filename string
	started         bool
}

func (e *exportWriter) start() {
	e.started = true
	e.w.Header().Set("Content-Type", e.ctype)
	e.w.Header().Set("Content-Disposition", `attachment; filename="`+e.filename+`"`)
	e.w.WriteHeader(http.StatusOK)
}

func (e *exportWriter) Write(p []byte) (int, error) {
	if !e.started {
		e.start()
	}
	_ = e.rc.SetWriteDeadline(time.Now().Add(exportWriteTimeout)) // unsupported only under test recorders
	return e.w.Write(p)
}

func sizeParam(v url.Values, def, max int) (int, error) {
	s := v.Get("size")
	if s == "" {
		return def, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > max {
		return 0, &search.ParamError{Param: "size", Msg: strconv.Quote(s) + " is not a whole number from 1 to " + strconv.Itoa(max)}
	}
	return n, nil
}
