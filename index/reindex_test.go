package index_test

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/tracuu/tracuu/index"
	"github.com/tracuu/tracuu/index/backendtest"
)

// A rebuild switches versions while searches keep being answered.
func TestRebuildSwapsWhileServing(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "ix")
	b, err := index.Open(dir, index.Options{})
	if err != nil {
		t.Fatal(err)
	}
	arts := backendtest.Articles(t)
	if err := b.Upsert(ctx, arts...); err != nil {
		t.Fatal(err)
	}
	live := index.NewLive(b)
	defer live.Close()

	var stop atomic.Bool
	var wg sync.WaitGroup
	var searches, failures atomic.Int64
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for !stop.Load() {
				res, err := live.Search(ctx, index.Request{Query: index.Term{Text: "dan"}, Size: 5})
				searches.Add(1)
				if err != nil || res.Total == 0 {
					failures.Add(1)
				}
			}
		}()
	}
	old := live.Current().Dir()
	next, st, err := index.Rebuild(ctx, live.Current(), nil)
	if err != nil {
		t.Fatal(err)
	}
	prev, err := live.Swap(next)
	if err != nil {
		t.Fatal(err)
	}
	if err := index.RemoveVersion(dir, prev); err != nil {
		t.Fatal(err)
	}
	// Keep searching the new version a moment.
	for i := 0; i < 50; i++ {
		if _, err := live.Search(ctx, index.Request{Query: index.MatchAll{}, Size: 1}); err != nil {
			t.Fatal(err)
		}
	}
	stop.Store(true)
	wg.Wait()
	if failures.Load() != 0 {
		t.Errorf("%d of %d searches failed during the rebuild", failures.Load(), searches.Load())
	}
	if st.Articles != len(arts) || prev != old || st.To == old {
		t.Errorf("rebuild stats %+v (old %s)", st, old)
	}
	if _, err := os.Stat(old); !os.IsNotExist(err) {
		t.Errorf("old version %s still there: %v", old, err)
	}
	stats, _ := live.Stats(ctx)
	if stats.Articles != uint64(len(arts)) || stats.Path != st.To {
		t.Errorf("after swap: %+v", stats)
	}
	a, ok, err := live.Get(ctx, "a08")
	if !ok || err != nil || a.Title != "Thủy điện Hòa Bình xả lũ" {
		t.Errorf("article after rebuild: %+v %v %v", a, ok, err)
	}
	if err := index.RemoveVersion(dir, st.To); err == nil {
		t.Error("removing the current version was allowed")
	}
}
