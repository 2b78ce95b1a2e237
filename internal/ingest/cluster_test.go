package ingest

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tracuu/tracuu/index/opensearch"
	"github.com/tracuu/tracuu/index/opensearch/opensearchtest"
	"github.com/tracuu/tracuu/internal/importer"
)

func writeNews(t *testing.T) string {
	t.Helper()
	src := filepath.Join(t.TempDir(), "news.jsonl")
	lines := `{"id":"a1","title":"Mưa lớn ở Huế","body":"Người dân thành phố Huế chuẩn bị đón bão."}
{"id":"a2","title":"Quy chế dân chủ ở cơ sở","body":"Hội nghị bàn về quy chế dân chủ."}
not json
`
	if err := os.WriteFile(src, []byte(lines), 0o644); err != nil {
		t.Fatal(err)
	}
	return src
}

// settings returns the refresh_interval values the engine was sent, in
// order ("-1" turns refresh off, "null" restores it), and the refreshes.
func settings(e *opensearchtest.Engine) (intervals []string, refreshes int) {
	for _, r := range e.Requests() {
		switch {
		case r.Method == http.MethodPut && strings.HasSuffix(r.Path, "/_settings"):
			b := string(r.Body)
			switch {
			case strings.Contains(b, `"refresh_interval":"-1"`):
				intervals = append(intervals, "-1")
			case strings.Contains(b, `"refresh_interval":null`):
				intervals = append(intervals, "null")
			}
		case r.Method == http.MethodPost && strings.HasSuffix(r.Path, "/_refresh"):
			refreshes++
		}
	}
	return intervals, refreshes
}

// TestClusterImportThenReindex is TestImportThenReindex on a cluster (the
// stand-in engine): the state and the report live in the state directory,
// the state of each index under its name; a bulk import runs in the
// import mode and leaves it; the rebuild moves the alias, carries the
// state over and deletes the previous index and its state.
func TestClusterImportThenReindex(t *testing.T) {
	ctx := context.Background()
	e := opensearchtest.New(t)
	src := writeNews(t)
	stateDir := filepath.Join(t.TempDir(), "state")
	x, err := OpenCluster(ctx, opensearch.Config{URL: e.URL()}, stateDir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	first := x.store.(*clusterStore).Target()
	e.Requests()

	sum, report, err := x.Import(ctx, []string{src}, ImportOptions{Bulk: true})
	if err != nil {
		t.Fatal(err)
	}
	if sum.New != 2 || sum.Skipped != 1 || e.Docs("tracuu") != 2 {
		t.Errorf("first import: %+v, %d documents; want 2 new and 1 skipped", sum, e.Docs("tracuu"))
	}
	if want := filepath.Join(stateDir, ReportFile); report != want {
		t.Errorf("report at %s, want %s", report, want)
	}
	if _, err := os.Stat(filepath.Join(stateDir, first, importer.StateFile)); err != nil {
		t.Errorf("import state: %v", err)
	}
	if iv, n := settings(e); strings.Join(iv, ",") != "-1,null" || n != 1 {
		t.Errorf("bulk import: refresh_interval set to %v, %d refreshes; want -1 then null, and one refresh", iv, n)
	}

	st, err := x.Reindex(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if st.Articles != 2 || st.From != first || st.To == first || x.store.(*clusterStore).Target() != st.To {
		t.Errorf("reindex: %+v, serving %s; was %s", st, x.store.(*clusterStore).Target(), first)
	}
	if e.Docs(first) != -1 || e.Docs("tracuu") != 2 {
		t.Errorf("after reindex: the previous index has %d documents (want none: deleted), the alias %d", e.Docs(first), e.Docs("tracuu"))
	}
	if _, err := os.Stat(filepath.Join(stateDir, first)); !os.IsNotExist(err) {
		t.Errorf("the previous index's state is still there: %v", err)
	}

	e.Requests()
	sum, _, err = x.Import(ctx, []string{src}, ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if sum.New != 0 || sum.Updated != 0 || sum.Unchanged != 2 {
		t.Errorf("import after reindex: %+v, want the 2 articles unchanged", sum)
	}
	if iv, _ := settings(e); len(iv) != 0 {
		t.Errorf("an import without Bulk changed refresh_interval: %v", iv)
	}
}

// TestClusterImportInterrupted: an import cancelled midway still leaves
// the import mode, or nothing written would ever be found.
func TestClusterImportInterrupted(t *testing.T) {
	e := opensearchtest.New(t)
	x, err := OpenCluster(context.Background(), opensearch.Config{URL: e.URL()}, t.TempDir(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	e.Requests()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	opts := ImportOptions{Bulk: true, BatchSize: 1, Progress: func(importer.Progress) { cancel() }}
	if _, _, err := x.Import(ctx, []string{writeNews(t)}, opts); err == nil {
		t.Fatal("a cancelled import returned no error")
	}
	if iv, n := settings(e); len(iv) == 0 || iv[len(iv)-1] != "null" || n != 1 {
		t.Errorf("after a cancelled import: refresh_interval %v, %d refreshes; want it restored", iv, n)
	}
}
