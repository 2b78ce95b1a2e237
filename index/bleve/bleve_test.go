package bleve_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/tracuu/tracuu/index"
	"github.com/tracuu/tracuu/index/backendtest"
	"github.com/tracuu/tracuu/index/bleve"
)

func TestBleveConformance(t *testing.T) {
	backendtest.Run(t, func(t *testing.T) index.Backend {
		b, err := bleve.Open(filepath.Join(t.TempDir(), "ix"), bleve.Options{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { b.Close() })
		return b
	})
}

func TestReopenKeepsArticles(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "ix")
	b, err := bleve.Open(dir, bleve.Options{})
	if err != nil {
		t.Fatal(err)
	}
	arts := backendtest.Articles(t)
	if err := b.Upsert(context.Background(), arts...); err != nil {
		t.Fatal(err)
	}
	// Close right after the last batch: nothing may be lost.
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	b, err = bleve.Open(dir, bleve.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	st, err := b.Stats(context.Background())
	if err != nil || st.Articles != uint64(len(arts)) {
		t.Fatalf("after reopen: %+v, %v; want %d articles", st, err, len(arts))
	}
}

func TestOpenErrors(t *testing.T) {
	if _, err := bleve.Open(filepath.Join(t.TempDir(), "none"), bleve.Options{ReadOnly: true}); err == nil {
		t.Error("read-only open of a missing index succeeded")
	}
	// An index written by another schema version asks for a reindex.
	dir := filepath.Join(t.TempDir(), "ix")
	b, err := bleve.Open(dir, bleve.Options{})
	if err != nil {
		t.Fatal(err)
	}
	b.Close()
	cur, _ := os.ReadFile(filepath.Join(dir, "CURRENT"))
	if len(cur) == 0 {
		t.Fatal("no CURRENT file")
	}
	if err := os.WriteFile(filepath.Join(dir, "CURRENT"), []byte("v0-old\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := bleve.Open(dir, bleve.Options{}); err == nil {
		t.Error("opening a CURRENT that points nowhere succeeded")
	}
}
