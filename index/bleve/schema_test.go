package bleve

import (
	"context"
	"errors"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/tracuu/tracuu/index"
	"github.com/tracuu/tracuu/internal/article"
)

func TestOpenOldSchemaAsksForReindex(t *testing.T) {
	for _, tc := range []struct {
		name  string
		older func(b *Bleve) error
	}{
		{"schema 0", func(b *Bleve) error { return b.idx.SetInternal([]byte(schemaKey), []byte("0")) }},
		// An index from before layouts had a number: layout 1.
		{"layout 1", func(b *Bleve) error { return b.idx.DeleteInternal([]byte(layoutKey)) }},
	} {
		dir := filepath.Join(t.TempDir(), "ix")
		b, err := Open(dir, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if err := tc.older(b); err != nil {
			t.Fatal(err)
		}
		b.Close()
		_, err = Open(dir, Options{})
		if !errors.Is(err, index.ErrSchema) || !strings.Contains(err.Error(), "tracuu reindex") {
			t.Errorf("open of a %s index: %v; want ErrSchema telling to reindex", tc.name, err)
		}
		b, err = Open(dir, Options{AnySchema: true})
		if err != nil {
			t.Fatalf("open of a %s index to rebuild it: %v", tc.name, err)
		}
		next, _, err := Rebuild(context.Background(), b, nil)
		b.Close()
		if err != nil {
			t.Fatalf("rebuild of a %s index: %v", tc.name, err)
		}
		if got, err := layoutOf(next.idx); err != nil || got != LayoutVersion {
			t.Errorf("rebuilt %s index has layout %d (%v), want %d", tc.name, got, err, LayoutVersion)
		}
		next.Close()
	}
}

// Rebuilding an index written before the published spelling was stored
// says that the rebuild cannot restore it and that a re-import does; a
// rebuild of a current index says nothing of the kind.
func TestRebuildOfCanonicalOnlyIndexSaysSo(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		schema string
		lost   bool
	}{{"3", true}, {strconv.Itoa(SchemaVersion), false}} {
		dir := filepath.Join(t.TempDir(), "ix")
		b, err := Open(dir, Options{})
		if err != nil {
			t.Fatal(err)
		}
		a := article.Article{ID: "a1", Title: "Thủy điện Hòa Bình", Body: "Vì hỏa hoạn."}
		if err := b.Upsert(ctx, a); err != nil {
			t.Fatal(err)
		}
		if err := b.idx.SetInternal([]byte(schemaKey), []byte(tc.schema)); err != nil {
			t.Fatal(err)
		}
		next, st, err := Rebuild(ctx, b, nil)
		b.Close()
		if err != nil {
			t.Fatal(err)
		}
		next.Close()
		if st.CanonicalOnly != tc.lost || tc.lost != strings.Contains(st.Note, "re-import") {
			t.Errorf("schema %s: canonical_spelling_only=%v note=%q, want %v", tc.schema, st.CanonicalOnly, st.Note, tc.lost)
		}
		if st.Articles != 1 {
			t.Errorf("schema %s: rebuilt %d articles", tc.schema, st.Articles)
		}
	}
}
