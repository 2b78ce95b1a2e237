package server

import (
	"context"
	"encoding/json"
	"errors"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/tracuu/tracuu/index"
	"github.com/tracuu/tracuu/index/backendtest"
	"github.com/tracuu/tracuu/index/bleve"
	"github.com/tracuu/tracuu/internal/search"
)

// cluster is a backend whose engine runs apart: an embedded index that
// reports the health it is told to.
type cluster struct {
	index.Backend
	mu     sync.Mutex
	health index.Health
	err    error
}

func (c *cluster) CheckHealth(context.Context) (index.Health, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.health, c.err
}

func (c *cluster) set(h index.Health, err error) {
	c.mu.Lock()
	c.health, c.err = h, err
	c.mu.Unlock()
}

// TestClusterHealth: a backend with an engine apart (index.HealthChecker)
// is ready while that engine answers and is not red, /readyz says which
// engine and index, and /metrics reports it up or down without failing
// the scrape.
func TestClusterHealth(t *testing.T) {
	b, err := bleve.Open(filepath.Join(t.TempDir(), "ix"), bleve.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	if err := b.Upsert(context.Background(), backendtest.Articles(t)...); err != nil {
		t.Fatal(err)
	}
	c := &cluster{Backend: b}
	srv := httptest.NewServer(New(&search.Service{Backend: c}, Config{}))
	t.Cleanup(srv.Close)

	for _, tc := range []struct {
		health  index.Health
		err     error
		code    int
		metrics []string
	}{
		{index.Health{Engine: "opensearch 2.19.0", Index: "tracuu-v4-x", Status: "green"}, nil, 200,
			[]string{"tracuu_engine_up 1", `tracuu_engine_index_status{status="green"} 1`, `tracuu_engine_index_status{status="red"} 0`, "tracuu_index_articles 12"}},
		{index.Health{Engine: "opensearch 2.19.0", Index: "tracuu-v4-x", Status: "yellow"}, nil, 200,
			[]string{"tracuu_engine_up 1", `tracuu_engine_index_status{status="yellow"} 1`}},
		{index.Health{Engine: "opensearch 2.19.0", Index: "tracuu-v4-x", Status: "red"}, nil, 503,
			[]string{"tracuu_engine_up 1", `tracuu_engine_index_status{status="red"} 1`}},
		{index.Health{}, errors.New("connection refused"), 503,
			[]string{"tracuu_engine_up 0", "tracuu_index_articles 12"}},
	} {
		c.set(tc.health, tc.err)
		resp, body := getBody(t, srv.URL+"/readyz", nil)
		if resp.StatusCode != tc.code {
			t.Errorf("%+v, %v: /readyz %d %s, want %d", tc.health, tc.err, resp.StatusCode, body, tc.code)
		}
		if tc.code == 200 {
			var got map[string]string
			if err := json.Unmarshal([]byte(body), &got); err != nil || got["status"] != "ready" ||
				got["engine"] != tc.health.Engine || got["index"] != tc.health.Index || got["index_status"] != tc.health.Status {
				t.Errorf("/readyz %s (%v), want the engine, index and status", body, err)
			}
		}
		resp, body = getBody(t, srv.URL+"/metrics", nil)
		if resp.StatusCode != 200 {
			t.Errorf("%+v, %v: /metrics %d", tc.health, tc.err, resp.StatusCode)
		}
		for _, m := range tc.metrics {
			if !strings.Contains(body, m+"\n") {
				t.Errorf("%+v, %v: /metrics lacks %q", tc.health, tc.err, m)
			}
		}
	}
}

// TestEmbeddedHealth: an embedded index reports no engine series.
func TestEmbeddedHealth(t *testing.T) {
	srv := newTestServer(t, Config{})
	_, body := getBody(t, srv.URL+"/metrics", nil)
	if strings.Contains(body, "tracuu_engine_") {
		t.Errorf("an embedded index reports engine series:\n%s", body)
	}
	_, body = getBody(t, srv.URL+"/readyz", nil)
	if strings.TrimSpace(body) != `{"status":"ready"}` {
		t.Errorf("/readyz %s", body)
	}
}
