package bench

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"sync"
	"time"
)

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

	rep.Busy.mark("concurrent")
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

	rep.Busy.mark("trends")
	logf(cfg.Log, "trends of two queries by month, against a faceted search")
	tf, err := trends(ctx, hc, srv.base, rep.Mix)
	if err != nil {
		return err
	}
	rep.Trends = tf
	logf(cfg.Log, "trends p50 %.1f ms, faceted search p50 %.1f ms", tf.Trends.P50, tf.Faceted.P50)

	rep.Busy.mark("export")
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
