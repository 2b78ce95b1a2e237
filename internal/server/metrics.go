package server

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/tracuu/tracuu/index"
	"github.com/tracuu/tracuu/internal/search"
)

// metrics are the Prometheus series of one server. Each server has its own
// registry, so tests and several servers in one process do not collide.
type metrics struct {
	reg      *prometheus.Registry
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
}

func newMetrics(svc *search.Service) *metrics {
	m := &metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "tracuu_http_requests_total", Help: "HTTP requests by route pattern, method and status code.",
		}, []string{"route", "method", "code"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "tracuu_http_request_seconds", Help: "HTTP request latency by route pattern.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 10},
		}, []string{"route"}),
	}
	ic := indexCollector{svc: svc}
	ic.health, _ = svc.Backend.(index.HealthChecker)
	m.reg.MustRegister(m.requests, m.latency, ic,
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
	)
	return m
}

var (
	descArticles = prometheus.NewDesc("tracuu_index_articles", "Articles in the index.", nil, nil)
	descSize     = prometheus.NewDesc("tracuu_index_size_bytes", "Size of the index on disk (a cluster's: of its primary shards).", nil, nil)
	descUp       = prometheus.NewDesc("tracuu_engine_up", "Whether the search engine apart from tracuu (a cluster) answers.", nil, nil)
	descStatus   = prometheus.NewDesc("tracuu_engine_index_status", "The engine's status of the index: 1 for the current one of green, yellow and red.", []string{"status"}, nil)
)

// engineStatuses are the values a cluster reports for an index.
var engineStatuses = []string{"green", "yellow", "red"}

// indexCollector reports the index's figures from one Stats call per
// scrape (Stats walks the index directory), and for an engine apart from
// tracuu one health check.
type indexCollector struct {
	svc    *search.Service
	health index.HealthChecker // nil for an embedded engine
}

func (c indexCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- descArticles
	ch <- descSize
	if c.health != nil {
		ch <- descUp
		ch <- descStatus
	}
}

func (c indexCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	st, err := c.svc.Stats(ctx)
	if c.health == nil {
		if err != nil {
			ch <- prometheus.NewInvalidMetric(descArticles, err)
			return
		}
		ch <- prometheus.MustNewConstMetric(descArticles, prometheus.GaugeValue, float64(st.Articles))
		ch <- prometheus.MustNewConstMetric(descSize, prometheus.GaugeValue, float64(st.SizeBytes))
		return
	}
	// A cluster that does not answer is a figure, not a failed scrape:
	// an alert on tracuu_engine_up needs the scrape to succeed.
	h, herr := c.health.CheckHealth(ctx)
	up := 0.0
	if err == nil && herr == nil {
		up = 1
	}
	ch <- prometheus.MustNewConstMetric(descUp, prometheus.GaugeValue, up)
	if herr == nil {
		for _, s := range engineStatuses {
			v := 0.0
			if h.Status == s {
				v = 1
			}
			ch <- prometheus.MustNewConstMetric(descStatus, prometheus.GaugeValue, v, s)
		}
	}
	if err == nil {
		ch <- prometheus.MustNewConstMetric(descArticles, prometheus.GaugeValue, float64(st.Articles))
		ch <- prometheus.MustNewConstMetric(descSize, prometheus.GaugeValue, float64(st.SizeBytes))
	}
}

// middleware counts and times requests by chi route pattern (never the raw
// path, which would make one series per article id).
func (m *metrics) middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		ww := middleware.NewWrapResponseWriter(w, r.ProtoMajor)
		next.ServeHTTP(ww, r)
		route := "unmatched"
		if rc := chi.RouteContext(r.Context()); rc != nil && rc.RoutePattern() != "" {
			route = rc.RoutePattern()
		}
		m.requests.WithLabelValues(route, knownMethod(r.Method), strconv.Itoa(ww.Status())).Inc()
		m.latency.WithLabelValues(route).Observe(time.Since(start).Seconds())
	})
}

func (m *metrics) handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
}

// knownMethod is the method as a label or log field: the standard ones as
// they are, anything else "OTHER", so that made-up methods (any token is
// a valid HTTP method) cannot add series or megabytes.
func knownMethod(m string) string {
	switch m {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch,
		http.MethodDelete, http.MethodOptions, http.MethodTrace, http.MethodConnect:
		return m
	}
	return "OTHER"
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
