package opensearch

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tracuu/tracuu/index"
	"github.com/tracuu/tracuu/index/backendtest"
	"github.com/tracuu/tracuu/index/opensearch/opensearchtest"
)

// TestConformanceToy runs the suite every backend passes against the toy
// engine: it checks the plan, filters, facets, cursors and collapse of
// this backend end to end, on our reading of the API (see opensearchtest.Engine).
func TestConformanceToy(t *testing.T) {
	e := opensearchtest.New(t)
	n := 0
	backendtest.Run(t, func(t *testing.T) index.Backend {
		n++
		b, err := Open(context.Background(), Config{URL: e.URL(), Index: fmt.Sprintf("suite%d", n)})
		if err != nil {
			t.Fatal(err)
		}
		return b
	})
}

var liveSeq atomic.Int64

// TestConformanceLive runs the suite against a real cluster, each test in
// an index of its own, deleted afterwards. It needs TRACUU_OPENSEARCH_URL
// (and the other TRACUU_OPENSEARCH_* variables the cluster wants).
func TestConformanceLive(t *testing.T) {
	cfg, err := ConfigFromEnv()
	if err != nil {
		t.Fatal(err)
	}
	if cfg.URL == "" {
		t.Skip("live OpenSearch suite skipped: no engine here; set TRACUU_OPENSEARCH_URL=http://host:9200 to run it")
	}
	prefix := fmt.Sprintf("tracuu-test-%d", time.Now().UnixNano())
	backendtest.Run(t, func(t *testing.T) index.Backend {
		c := cfg
		c.Index = fmt.Sprintf("%s-%d", prefix, liveSeq.Add(1))
		c.Shards = 1 // BM25 statistics of one shard: rankings as the suite expects on a dozen articles
		b, err := Open(context.Background(), c)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			if err := b.Drop(ctx); err != nil {
				t.Errorf("clean up %s: %v", c.Index, err)
			}
		})
		return b
	})
}
