package bench

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"runtime"
	"time"
)

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
