package ingest

import (
	"context"
	"os"
	"path/filepath"
	"testing"
)

// TestImportThenReindex imports, rebuilds and imports again: the report
// goes to the index directory, the rebuilt version is served and the old
// one removed, and the import state survives the rebuild, so the second
// import finds every article unchanged.
func TestImportThenReindex(t *testing.T) {
	ctx := context.Background()
	src := filepath.Join(t.TempDir(), "news.jsonl")
	lines := `{"id":"a1","title":"Mưa lớn ở Huế","body":"Người dân thành phố Huế chuẩn bị đón bão."}
{"id":"a2","title":"Quy chế dân chủ ở cơ sở","body":"Hội nghị bàn về quy chế dân chủ."}
not json
`
	if err := os.WriteFile(src, []byte(lines), 0o644); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "ix")
	x, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()

	sum, report, err := x.Import(ctx, []string{src}, ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if sum.New != 2 || sum.Skipped != 1 {
		t.Errorf("first import: %+v, want 2 new and 1 skipped", sum)
	}
	if want := filepath.Join(dir, ReportFile); report != want {
		t.Errorf("report at %s, want %s", report, want)
	}
	if b, err := os.ReadFile(report); err != nil || len(b) == 0 {
		t.Errorf("report %s: %q, %v; want the skipped line", report, b, err)
	}

	old := servedPath(t, x)
	st, err := x.Reindex(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if st.Articles != 2 || st.From != old || servedPath(t, x) != st.To || st.To == old {
		t.Errorf("reindex: %+v, serving %s; was %s", st, servedPath(t, x), old)
	}
	if _, err := os.Stat(old); !os.IsNotExist(err) {
		t.Errorf("the previous version %s is still there: %v", old, err)
	}
	if n, err := x.Live().Stats(ctx); err != nil || n.Articles != 2 {
		t.Errorf("after reindex: %+v, %v; want 2 articles", n, err)
	}

	sum, _, err = x.Import(ctx, []string{src}, ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if sum.New != 0 || sum.Updated != 0 || sum.Unchanged != 2 {
		t.Errorf("import after reindex: %+v, want the 2 articles unchanged", sum)
	}
}

// servedPath is where the served version is: its directory, or the
// cluster and index behind the alias.
func servedPath(t *testing.T, x *Index) string {
	t.Helper()
	st, err := x.Live().Stats(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return st.Path
}
