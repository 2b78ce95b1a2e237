package bleve_test

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/tracuu/tracuu/index"
	"github.com/tracuu/tracuu/index/backendtest"
	"github.com/tracuu/tracuu/index/bleve"
)

// A rebuild switches versions while searches keep being answered.
func TestRebuildSwapsWhileServing(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "ix")
	b, err := bleve.Open(dir, bleve.Options{})
	if err != nil {
		t.Fatal(err)
	}
	arts := backendtest.Articles(t)
	if err := b.Upsert(ctx, arts...); err != nil {
		t.Fatal(err)
	}
	live := bleve.NewLive(b)
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
	old := live.Current().Path()
	next, st, err := bleve.Rebuild(ctx, live.Current(), nil)
	if err != nil {
		t.Fatal(err)
	}
	prev, err := live.Swap(next)
	if err != nil {
		t.Fatal(err)
	}
	if err := bleve.RemoveVersion(dir, prev); err != nil {
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
	if err := bleve.RemoveVersion(dir, st.To); err == nil {
		t.Error("removing the current version was allowed")
	}
}

// A rebuild killed midway leaves a version directory CURRENT does not
// name; the next rebuild, and RemoveUnfinished at start-up, delete it
// and nothing else.
func TestUnfinishedVersionsAreRemoved(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "ix")
	b, err := bleve.Open(dir, bleve.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if err := b.Upsert(ctx, backendtest.Articles(t)...); err != nil {
		t.Fatal(err)
	}
	// What kill -9 during a rebuild leaves: a version with segments in it.
	partial := filepath.Join(dir, "v1-20260101T000000.000000000")
	if err := os.MkdirAll(filepath.Join(partial, "store"), 0o755); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(partial, "store", "000000000001.zap"), make([]byte, 1<<20), 0o644)
	other := filepath.Join(dir, "notes")
	os.MkdirAll(other, 0o755)

	next, _, err := bleve.Rebuild(ctx, b, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer next.Close()
	if _, err := os.Stat(partial); !os.IsNotExist(err) {
		t.Errorf("the unfinished version survived a rebuild: %v", err)
	}
	if _, err := os.Stat(other); err != nil {
		t.Errorf("a directory that is no version was removed: %v", err)
	}
	// At start-up: the old version, now not CURRENT, goes too; the live one stays.
	os.MkdirAll(partial, 0o755)
	removed, err := bleve.RemoveUnfinished(dir)
	if err != nil || len(removed) != 2 {
		t.Errorf("RemoveUnfinished = %v, %v; want the partial and the previous version", removed, err)
	}
	if _, err := os.Stat(next.Path()); err != nil {
		t.Errorf("the live version was removed: %v", err)
	}
	if st, err := next.Stats(ctx); err != nil || st.Articles != uint64(len(backendtest.Articles(t))) {
		t.Errorf("after cleanup: %+v %v", st, err)
	}
}
