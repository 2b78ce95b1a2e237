package extract

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"testing"
	"time"

	"github.com/tracuu/tracuu/internal/corpus/corpustest"
)

type aebPage struct {
	id, url, truth string
	html           []byte
}

// loadAEB reads the article-extraction-benchmark pages and their truth, or
// skips the test when the corpus is not there.
func loadAEB(tb testing.TB) []aebPage {
	tb.Helper()
	dir := corpustest.Path(tb, "aeb")
	raw, err := os.ReadFile(filepath.Join(dir, "ground-truth.json"))
	if err != nil {
		tb.Fatalf("AEB corpus: %v", err)
	}
	var truth map[string]struct {
		ArticleBody string `json:"articleBody"`
		URL         string `json:"url"`
	}
	if err := json.Unmarshal(raw, &truth); err != nil {
		tb.Fatalf("ground-truth.json: %v", err)
	}
	ids := make([]string, 0, len(truth))
	for id := range truth {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	pages := make([]aebPage, 0, len(ids))
	for _, id := range ids {
		f, err := os.Open(filepath.Join(dir, "html", id+".html.gz"))
		if err != nil {
			tb.Fatalf("page %s: %v", id, err)
		}
		zr, err := gzip.NewReader(f)
		if err != nil {
			tb.Fatalf("page %s: %v", id, err)
		}
		b, err := io.ReadAll(zr)
		f.Close()
		if err != nil {
			tb.Fatalf("page %s: %v", id, err)
		}
		pages = append(pages, aebPage{id: id, url: truth[id].URL, truth: truth[id].ArticleBody, html: b})
	}
	return pages
}

// aebFloor is the F1 this extractor reaches on all 181 AEB pages (measured
// 0.967 with go test -run TestAEBF1 -v); the test fails when a change loses
// ground.
const aebFloor = 0.96

func TestAEBF1(t *testing.T) {
	pages := loadAEB(t)
	if testing.Short() {
		pages = pages[:40]
	}
	var s scoreSet
	start := time.Now()
	notArticle := 0
	for _, p := range pages {
		res, err := Extract(Input{Body: p.html, URL: p.url})
		if err != nil {
			t.Errorf("page %s: %v", p.id, err)
			continue
		}
		if res.Kind != KindArticle {
			notArticle++
			t.Logf("page %s classified %s: %s", p.id, res.Kind, res.Reason)
		}
		s.add(p.truth, res.Article.Body)
	}
	prec, rec, f := s.f1()
	t.Logf("AEB %d pages: precision %.3f recall %.3f F1 %.3f in %v", len(pages), prec, rec, f, time.Since(start))
	floor := aebFloor
	if testing.Short() {
		floor -= 0.05 // a subset is noisier
	}
	if f < floor {
		t.Errorf("AEB F1 %.3f below floor %.3f", f, floor)
	}
	// Every AEB page is an article; allow 1% misclassified.
	if notArticle*100 > len(pages) {
		t.Errorf("%d of %d article pages not classified as articles", notArticle, len(pages))
	}
}

// BenchmarkAEB extracts every AEB page per iteration and reports pages/s and
// the benchmark F1.
func BenchmarkAEB(b *testing.B) {
	pages := loadAEB(b)
	var total int64
	for _, p := range pages {
		total += int64(len(p.html))
	}
	b.SetBytes(total)
	var f float64
	bodies := make([]string, len(pages))
	var cpu time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		c0 := cpuTime()
		for j, p := range pages {
			res, err := Extract(Input{Body: p.html, URL: p.url})
			if err != nil {
				b.Fatalf("page %s: %v", p.id, err)
			}
			bodies[j] = res.Article.Body
		}
		cpu += cpuTime() - c0
		b.StopTimer()
		var s scoreSet
		for j, p := range pages {
			s.add(p.truth, bodies[j])
		}
		_, _, f = s.f1()
		b.StartTimer()
	}
	b.ReportMetric(float64(len(pages)*b.N)/b.Elapsed().Seconds(), "pages/s")
	if cpu > 0 {
		// Throughput per CPU-second (GC included) is what one core
		// sustains, whatever else the machine is running.
		b.ReportMetric(float64(len(pages)*b.N)/cpu.Seconds(), "pages/cpu-s")
	}
	b.ReportMetric(f, "F1")
}

// TestWriteAEBPredictions writes one JSON line per AEB page ({"file","body"})
// to $EXTRACT_PREDICTIONS, for cross-checking with the shared Python scorer:
//
//	EXTRACT_PREDICTIONS=/tmp/preds.jsonl go test -run TestWriteAEBPredictions ./internal/extract/
//	python3 /work/shared/tools/extract-score /work/shared/corpus/aeb/ground-truth.json /tmp/preds.jsonl
func TestWriteAEBPredictions(t *testing.T) {
	out := os.Getenv("EXTRACT_PREDICTIONS")
	if out == "" {
		t.Skip("set EXTRACT_PREDICTIONS=FILE to write AEB predictions")
	}
	pages := loadAEB(t)
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	for _, p := range pages {
		res, err := Extract(Input{Body: p.html, URL: p.url})
		if err != nil {
			t.Fatalf("page %s: %v", p.id, err)
		}
		if err := enc.Encode(map[string]string{"file": p.id + ".html.gz", "body": res.Article.Body}); err != nil {
			t.Fatal(err)
		}
		if os.Getenv("EXTRACT_PERPAGE") != "" {
			var s scoreSet
			pr, rc := s.add(p.truth, res.Article.Body)
			fmt.Printf("%s\tP=%.3f\tR=%.3f\t%s\n", p.id, pr, rc, res.Kind)
		}
	}
	if err := os.WriteFile(out, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}
