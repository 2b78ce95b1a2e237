package importer

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/tracuu/tracuu/index"
	"github.com/tracuu/tracuu/index/bleve"
	"github.com/tracuu/tracuu/internal/article"
	"github.com/tracuu/tracuu/internal/corpus"
	"github.com/tracuu/tracuu/internal/corpus/corpustest"
)

const sampleDir = "../../sample"

func openIndex(t *testing.T) (*bleve.Bleve, *State) {
	t.Helper()
	b, err := bleve.Open(filepath.Join(t.TempDir(), "ix"), bleve.Options{})
	if err != nil {
		t.Fatal(err)
	}
	st, err := OpenState(filepath.Join(b.Path(), "import-state.bolt"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close(); b.Close() })
	return b, st
}

func articles(t *testing.T, b index.Backend) uint64 {
	t.Helper()
	s, err := b.Stats(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return s.Articles
}

func TestReimportSkipsUnchangedPages(t *testing.T) {
	b, st := openIndex(t)
	ctx := context.Background()
	first, err := Run(ctx, b, []string{sampleDir}, Options{State: st})
	if err != nil {
		t.Fatal(err)
	}
	if first.New != 5 || first.Seen != 5 || first.Unchanged != 0 {
		t.Fatalf("first import: %+v; want 5 new", first)
	}
	again, err := Run(ctx, b, []string{sampleDir}, Options{State: st})
	if err != nil {
		t.Fatal(err)
	}
	if again.Unchanged != 5 || again.New+again.Updated != 0 || articles(t, b) != 5 {
		t.Fatalf("re-import: %+v, %d articles; want 5 unchanged and nothing written", again, articles(t, b))
	}
	forced, err := Run(ctx, b, []string{sampleDir}, Options{State: st, Force: true})
	if err != nil {
		t.Fatal(err)
	}
	if forced.Updated != 5 || articles(t, b) != 5 {
		t.Fatalf("forced re-import: %+v; want 5 rewritten, still 5 articles", forced)
	}
}

func writeJSONL(t *testing.T, path string, lines ...string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestJSONLUpdatesChangedArticlesAndReportsBadLines(t *testing.T) {
	b, st := openIndex(t)
	ctx := context.Background()
	dir := t.TempDir()
	src := filepath.Join(dir, "a.jsonl")
	writeJSONL(t, src,
		`{"id":"x1","title":"Một","body":"Nội dung một."}`,
		`{"id":"x2","title":"Hai","body":"Nội dung hai.","published":"2020-01-02"}`,
		`{"url":"https://a.vn/b?utm_source=fb","title":"Ba","body":"Nội dung ba."}`,
		`not json`,
		`{"id":"x4","published":"2020-01-02"}`,
		`{"id":"x1","title":"Một (sửa)","body":"Nội dung một."}`,
	)
	var report bytes.Buffer
	sum, err := Run(ctx, b, []string{src}, Options{State: st, Report: &report})
	if err != nil {
		t.Fatal(err)
	}
	if sum.New != 3 || sum.Skipped != 2 || sum.Duplicates != 1 {
		t.Errorf("summary %+v; want 3 new, 2 skipped, 1 duplicate", sum)
	}
	lines := strings.Split(strings.TrimSpace(report.String()), "\n")
	if len(lines) != 2 {
		t.Fatalf("report has %d lines: %s", len(lines), report.String())
	}
	for _, l := range lines {
		var r ReportLine
		if err := json.Unmarshal([]byte(l), &r); err != nil || r.Status != "skipped" || r.Reason == "" || !strings.Contains(r.Name, "a.jsonl:") {
			t.Errorf("report line %s", l)
		}
	}
	a, ok, _ := b.Get(ctx, "x1")
	if !ok || a.Title != "Một (sửa)" {
		t.Errorf("x1 = %+v; the later line of a duplicate id wins", a)
	}
	// The same URL with tracking parameters is the same article.
	writeJSONL(t, src, `{"url":"https://A.vn/b/?fbclid=1","title":"Ba","body":"Nội dung ba, sửa."}`)
	sum, err = Run(ctx, b, []string{src}, Options{State: st})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Updated != 1 || articles(t, b) != 3 {
		t.Errorf("changed article by canonical URL: %+v, %d articles; want 1 updated of 3", sum, articles(t, b))
	}
}

func TestNearDuplicatesGetOneCluster(t *testing.T) {
	b, st := openIndex(t)
	ctx := context.Background()
	body := strings.Repeat("Hội nghị tổng kết công tác năm và triển khai nhiệm vụ năm tới của ngành giáo dục tỉnh. ", 6)
	src := filepath.Join(t.TempDir(), "wire.jsonl")
	var lines []string
	for i, site := range []string{"a.vn", "b.vn", "c.vn"} {
		lines = append(lines, fmt.Sprintf(`{"id":"w%d","title":"Tin %d","site":%q,"body":%q}`, i, i, site, body+fmt.Sprintf("Nguồn: %s", site)))
	}
	lines = append(lines, `{"id":"other","title":"Khác","body":"`+strings.Repeat("Đội bóng thắng trận chung kết sau loạt sút luân lưu kịch tính trên sân nhà. ", 6)+`"}`)
	writeJSONL(t, src, lines...)
	if _, err := Run(ctx, b, []string{src}, Options{State: st}); err != nil {
		t.Fatal(err)
	}
	clusters := map[string]string{}
	for _, id := range []string{"w0", "w1", "w2", "other"} {
		a, _, _ := b.Get(ctx, id)
		clusters[id] = a.Cluster
	}
	if clusters["w0"] == "" || clusters["w0"] != clusters["w1"] || clusters["w1"] != clusters["w2"] || clusters["other"] == clusters["w0"] {
		t.Errorf("clusters %v; want w0..w2 together, other apart", clusters)
	}
	// A copy imported in a later run joins the existing cluster.
	writeJSONL(t, src, fmt.Sprintf(`{"id":"w9","title":"Tin 9","body":%q}`, body+"Theo TTXVN"))
	if _, err := Run(ctx, b, []string{src}, Options{State: st}); err != nil {
		t.Fatal(err)
	}
	if a, _, _ := b.Get(ctx, "w9"); a.Cluster != clusters["w0"] {
		t.Errorf("later copy got cluster %q, want %q", a.Cluster, clusters["w0"])
	}
}

func TestCancelledImportKeepsWhatWasWritten(t *testing.T) {
	b, st := openIndex(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := Run(ctx, b, []string{sampleDir}, Options{State: st})
	if err == nil {
		t.Fatal("a cancelled import reported success")
	}
	// Running again completes the import.
	sum, err := Run(context.Background(), b, []string{sampleDir}, Options{State: st})
	if err != nil || articles(t, b) != 5 {
		t.Fatalf("resumed import: %+v, %v, %d articles", sum, err, articles(t, b))
	}
}

func TestMissingSourceFailsTheRun(t *testing.T) {
	b, st := openIndex(t)
	_, err := Run(context.Background(), b, []string{filepath.Join(t.TempDir(), "nope")}, Options{State: st})
	if err == nil || !strings.Contains(err.Error(), "nope") {
		t.Errorf("err = %v; want one naming the missing source", err)
	}
}

func TestBrokenFilesAreReportedAndTheRestImported(t *testing.T) {
	b, st := openIndex(t)
	dir := t.TempDir()
	writeJSONL(t, filepath.Join(dir, "good.jsonl"), `{"id":"g1","title":"Tốt","body":"Nội dung."}`)
	if err := os.WriteFile(filepath.Join(dir, "broken.tar.gz"), []byte("\x1f\x8b\x08\x00garbage"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "page.html"), []byte("\x00\x01\x02\x03binary\x00\x00"), 0o644); err != nil {
		t.Fatal(err)
	}
	var report bytes.Buffer
	sum, err := Run(context.Background(), b, []string{dir}, Options{State: st, Report: &report})
	if err != nil {
		t.Fatal(err)
	}
	if sum.New != 1 || sum.Failed != 1 || sum.Skipped != 1 || sum.SkipReasons["binary"] != 1 {
		t.Errorf("summary %+v; want 1 new, the archive failed, the binary page skipped", sum)
	}
	if !strings.Contains(report.String(), `"status":"failed"`) || !strings.Contains(report.String(), "broken.tar.gz") {
		t.Errorf("report: %s", report.String())
	}
}

// fillingDisk is an index on a disk that fills up: it writes as the real
// one does, in batches of 250 applied whole, and refuses a batch that
// would take it past room articles. Concurrent writers share the room as
// they share a disk: a batch takes its room before it is written.
type fillingDisk struct {
	*bleve.Bleve
	mu   *sync.Mutex
	room *int
}

func (d fillingDisk) Upsert(ctx context.Context, arts ...article.Article) error {
	for start := 0; start < len(arts); start += 250 {
		part := arts[start:min(start+250, len(arts))]
		d.mu.Lock()
		full := len(part) > *d.room
		if !full {
			*d.room -= len(part)
		}
		d.mu.Unlock()
		if full {
			return errors.New("no space left on device")
		}
		if err := d.Bleve.Upsert(ctx, part...); err != nil {
			return err
		}
	}
	return nil
}

func TestFailedWriteReportsWhatWasCommitted(t *testing.T) {
	b, _ := openIndex(t)
	ctx := context.Background()
	src := filepath.Join(t.TempDir(), "news.jsonl")
	var lines []string
	err := corpus.Lines(ctx, corpustest.Path(t, "vi-news"), func(_ string, _ int, text []byte) (bool, error) {
		lines = append(lines, string(text))
		return len(lines) < 300, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(src, []byte(strings.Join(lines, "\n")+"\n"), 0o644)
	room := 260
	sum, err := Run(ctx, fillingDisk{b, &sync.Mutex{}, &room}, []string{src}, Options{})
	if err == nil {
		t.Fatal("the failed write was not reported")
	}
	stored := articles(t, b)
	if stored == 0 || uint64(sum.Indexed) != stored || uint64(sum.New) != stored {
		t.Errorf("summary %+v after a failed write; the index holds %d articles", sum, stored)
	}
}

func TestOversizedFieldsAreCutAndReported(t *testing.T) {
	b, _ := openIndex(t)
	ctx := context.Background()
	dir := t.TempDir()
	src := filepath.Join(dir, "big.jsonl")
	title := "zqone " + strings.Repeat("y", 3<<20)
	big, _ := json.Marshal(map[string]string{"id": "big", "title": title, "body": "Nội dung bình thường. " + strings.Repeat("Tin tức ", 200000),
		"author": strings.Repeat("Nguyễn Văn A ", 100)})
	long, _ := json.Marshal(map[string]string{"id": strings.Repeat("x", 600), "title": "Tin", "body": "Nội dung"})
	ok, _ := json.Marshal(map[string]string{"id": "ok", "title": "Tin thường", "body": "Nội dung thường"})
	os.WriteFile(src, []byte(string(big)+"\n"+string(long)+"\n"+string(ok)+"\n"), 0o644)
	var report bytes.Buffer
	sum, err := Run(ctx, b, []string{src}, Options{Report: &report})
	if err != nil {
		t.Fatal(err)
	}
	if sum.New != 2 || sum.Trimmed != 1 || sum.SkipReasons["id_too_long"] != 1 {
		t.Errorf("summary %+v", sum)
	}
	a, found, err := b.Get(ctx, "big")
	if err != nil || !found {
		t.Fatalf("big: %v %v", found, err)
	}
	if len(a.Title) > maxTitleBytes || len(a.Author) > maxMetaBytes || len(a.Body) > maxBodyBytes || !strings.HasPrefix(a.Title, "zqone") {
		t.Errorf("stored sizes: title %d, author %d, body %d", len(a.Title), len(a.Author), len(a.Body))
	}
	var trimmed ReportLine
	for _, l := range strings.Split(strings.TrimSpace(report.String()), "\n") {
		var r ReportLine
		json.Unmarshal([]byte(l), &r)
		if r.Status == "trimmed" {
			trimmed = r
		}
	}
	for _, want := range []string{"title cut from 3145734", "author cut", "body cut", "1 words longer than 100 bytes not indexed"} {
		if !strings.Contains(trimmed.Reason, want) {
			t.Errorf("report %q lacks %q", trimmed.Reason, want)
		}
	}
}

// TestReimportCountsPagesAsBefore re-imports a folder of real portal pages
// (homepages and listings among them): every page counts as it did the
// first time, no article page as "unchanged" and every other as not an
// article, as an archive's pages, read again each time, are counted.
func TestReimportCountsPagesAsBefore(t *testing.T) {
	b, st := openIndex(t)
	ctx := context.Background()
	dir := corpustest.Path(t, "vi-pages", "pages")
	var reports [2]bytes.Buffer
	var sums [2]Summary
	for i := range sums {
		s, err := Run(ctx, b, []string{dir}, Options{State: st, Report: &reports[i]})
		if err != nil {
			t.Fatal(err)
		}
		sums[i] = s
	}
	first, again := sums[0], sums[1]
	if first.NotArticles == 0 || first.New == 0 {
		t.Fatalf("first import %+v: the test needs articles and other pages", first)
	}
	if again.NotArticles != first.NotArticles || again.Unchanged != first.New || again.New+again.Updated != 0 {
		t.Errorf("re-import %+v; first %+v: want the same not-articles and the articles unchanged", again, first)
	}
	if n := bytes.Count(reports[1].Bytes(), []byte(`"not_article"`)); n != first.NotArticles {
		t.Errorf("re-import report lists %d pages as not articles, want %d", n, first.NotArticles)
	}
}
