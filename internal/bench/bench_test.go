package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tracuu/tracuu/internal/importer"
)

// tracuuBin is the tracuu binary the tests measure, built once.
var tracuuBin string

// TestMain lets the test binary act as the baseline-import child, as the
// bench binary does, and builds tracuu once for both tests.
func TestMain(m *testing.M) {
	if ok, code := ChildMain(); ok {
		os.Exit(code)
	}
	dir, err := os.MkdirTemp("", "tracuu-bench-test")
	if err != nil {
		panic(err)
	}
	tracuuBin, err = tracuuBinary(context.Background(), Config{Log: io.Discard}, dir)
	if err != nil {
		os.RemoveAll(dir)
		panic(err)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// syllables make up the generated articles: common news words, so that
// queries with and without marks, phrases and suggestions all have
// something to find.
var syllables = strings.Fields(`nhà nước dân chủ kinh tế phát triển thành phố học sinh giáo dục
bệnh viện bác sĩ thể thao bóng đá công nghệ điện thoại mạng xã hội chính phủ quốc luật đất đai
giao thông đường sắt cao tốc mưa bão lũ lụt nông nghiệp xuất khẩu gạo cà phê du lịch biển đảo
văn hóa nghệ thuật âm nhạc thị trường chứng khoán ngân hàng lãi suất doanh nghiệp nhỏ vừa`)

// writeCorpus writes n generated articles as gzip-free JSONL into dir;
// every third one has its own site, section and date, like the real
// corpus's dantri subset, the rest get the bench's assigned values.
func writeCorpus(t *testing.T, dir string, n int) {
	t.Helper()
	rng := rand.New(rand.NewPCG(7, 7))
	text := func(k int) string {
		ws := make([]string, k)
		for i := range ws {
			ws[i] = syllables[rng.IntN(len(syllables))]
		}
		ws[0] = strings.ToUpper(ws[0][:1]) + ws[0][1:]
		return strings.Join(ws, " ")
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	for i := 0; i < n; i++ {
		d := doc{ID: fmt.Sprintf("gen-%04d", i), Title: text(6 + rng.IntN(6))}
		var paras []string
		for p := 0; p < 3; p++ {
			paras = append(paras, text(30+rng.IntN(40))+".")
		}
		d.Body = strings.Join(paras, "\n")
		if i%3 == 0 {
			d.Site, d.Section, d.Published = "vidu.vn", "Thời sự", "2020-05-17"
		}
		if err := enc.Encode(d); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "gen.jsonl"), buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestBenchSmall runs the whole bench on 300 generated articles: both
// imports as child processes, the query mix in process, and the HTTP
// phases against a real `tracuu serve`. Figures are not judged, only
// that each was measured and the table and JSON come out.
func TestBenchSmall(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs tracuu")
	}
	corpus := t.TempDir()
	writeCorpus(t, corpus, 300)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	var log bytes.Buffer
	rep, err := Run(ctx, Config{Corpus: corpus, Seed: 1, Queries: 40, Rounds: 1, Clients: 4, PerClient: 10,
		Suggests: 20, Baseline: true, Reimport: true, HTTP: true, WorkDir: t.TempDir(), Log: &log,
		ChildSelf: os.Args[0], TracuuBin: tracuuBin})
	if err != nil {
		t.Fatalf("Run: %v\nlog:\n%s", err, log.String())
	}
	checks := []struct {
		name string
		ok   bool
	}{
		{"corpus copy has 300 articles", rep.Corpus.Docs == 300},
		{"mix has 40 queries", len(rep.Mix) == 40},
		{"tracuu imported 300", rep.Import.Articles == 300 && rep.Import.PerSec > 0},
		{"import peak RSS measured", rep.Import.PeakRSS > 1<<20},
		{"index size measured", rep.Import.IndexBytes > 0 && rep.Import.SizeRatio > 0},
		{"baseline imported 300", rep.Baseline != nil && rep.Baseline.Articles == 300 && rep.Baseline.PeakRSS > 1<<20},
		{"re-import found everything unchanged", rep.Reimport != nil && rep.Reimport.Unchanged == 300 && rep.Reimport.Indexed == 0},
		{"every class timed", len(rep.Ours.Classes) == len(Classes) && rep.Ours.Overall.N == 40 && rep.Ours.Failures == 0},
		{"tracuu finds every query", rep.Ours.NoHits == 0},
		{"baseline timed", rep.BaseQ != nil && rep.BaseQ.Overall.N == 40 && rep.BaseQ.Failures == 0},
		{"percentiles ordered", rep.Ours.Overall.P50 <= rep.Ours.Overall.P95 && rep.Ours.Overall.P95 <= rep.Ours.Overall.P99},
		{"HTTP mix timed", rep.OursHTTP != nil && rep.OursHTTP.Overall.N == 40 && rep.OursHTTP.Failures == 0},
		{"concurrent clients without errors", rep.Concurrent != nil && rep.Concurrent.Requests == 40 && rep.Concurrent.Errors == 0 && rep.Concurrent.RPS > 0},
		{"suggest timed", rep.Suggest != nil && rep.Suggest.N > 0},
		{"trends timed against a faceted search", rep.Trends != nil && rep.Trends.Trends.N == 20 && rep.Trends.Faceted.N == 20 && rep.Trends.Ratio > 0},
		{"export streamed rows and sampled RSS", rep.Export != nil && rep.Export.Rows > 0 && rep.Export.RSSMax > 0},
		{"targets listed", len(rep.Targets) >= 10},
	}
	for _, c := range checks {
		if !c.ok {
			t.Errorf("%s: no", c.name)
		}
	}
	var out bytes.Buffer
	rep.Print(&out)
	for _, want := range []string{"IMPORT", "articles/s", "overall (40)", "HTTP 4 clients", "TARGET"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("table lacks %q:\n%s", want, out.String())
		}
	}
	b, err := json.Marshal(rep)
	if err != nil {
		t.Fatal(err)
	}
	var back map[string]any
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"import", "baseline_import", "reimport", "queries", "baseline_queries", "concurrent", "suggest", "trends", "export", "targets"} {
		if _, ok := back[k]; !ok {
			t.Errorf("JSON lacks %q", k)
		}
	}
	if t.Failed() {
		t.Logf("log:\n%s\ntable:\n%s", log.String(), out.String())
	}
}

// TestLoadSmall runs a two-second load test with an admin import on 300
// generated articles and expects it to pass.
func TestLoadSmall(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs tracuu")
	}
	corpus := t.TempDir()
	writeCorpus(t, corpus, 300)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	var log bytes.Buffer
	rep, err := Load(ctx, LoadConfig{Corpus: corpus, Seed: 1, Duration: 2 * time.Second, Clients: 3, WorkDir: t.TempDir(), Log: &log,
		TracuuBin: tracuuBin})
	if err != nil {
		t.Fatalf("Load: %v\nlog:\n%s", err, log.String())
	}
	var out bytes.Buffer
	rep.Print(&out)
	if !rep.OK() {
		t.Errorf("load test failed:\n%s\nlog:\n%s", out.String(), log.String())
	}
	for _, k := range loadKinds {
		if rep.Kinds[k].Requests == 0 {
			t.Errorf("no %s requests were made:\n%s", k, out.String())
		}
	}
	if !strings.Contains(out.String(), "PASS") {
		t.Errorf("table lacks the verdict:\n%s", out.String())
	}
}

// TestFloorSmall runs the engine floor on 300 generated articles: three
// child imports and the mix on each.
func TestFloorSmall(t *testing.T) {
	if testing.Short() {
		t.Skip("runs three child imports")
	}
	corpus := t.TempDir()
	writeCorpus(t, corpus, 300)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	var log bytes.Buffer
	rep, err := Floor(ctx, Config{Corpus: corpus, Seed: 1, Queries: 40, Rounds: 1, WorkDir: t.TempDir(), Log: &log, ChildSelf: os.Args[0]})
	if err != nil {
		t.Fatalf("Floor: %v\nlog:\n%s", err, log.String())
	}
	if len(rep.Engines) != 3 {
		t.Fatalf("%d engines, want 3", len(rep.Engines))
	}
	base, plain, pos := rep.Engines[0], rep.Engines[1], rep.Engines[2]
	for _, e := range rep.Engines {
		if e.Import.Articles != 300 || e.Import.PerSec <= 0 || e.Import.PeakRSS < 1<<20 || e.Import.IndexBytes <= 0 {
			t.Errorf("%s: import figures %+v", e.Name, e.Import)
		}
		if e.Queries.Overall.N != 40 || e.Queries.Failures != 0 {
			t.Errorf("%s: %d queries timed, %d failed", e.Name, e.Queries.Overall.N, e.Queries.Failures)
		}
	}
	// Folding is what lets the floor find the accent-less queries the
	// baseline misses; positions are what let it find phrases.
	if pos.Queries.NoHits != 0 {
		t.Errorf("floor with positions: %d queries without hits, want 0", pos.Queries.NoHits)
	}
	if base.Queries.NoHits == 0 {
		t.Errorf("baseline found every query, accent-less ones included: the mix has none?")
	}
	if phrases := plain.Queries.Classes[ClassPhrase].N; phrases == 0 || plain.Queries.NoHits != phrases || plain.Phrases {
		t.Errorf("floor without positions: %d of %d queries without hits, want the %d phrases (and Phrases false, is %v)",
			plain.Queries.NoHits, plain.Queries.Overall.N, phrases, plain.Phrases)
	}
	if plain.Import.IndexBytes >= pos.Import.IndexBytes {
		t.Errorf("positions cost nothing: %d bytes without, %d with", plain.Import.IndexBytes, pos.Import.IndexBytes)
	}
	var out bytes.Buffer
	rep.Print(&out)
	for _, want := range []string{"floor: folded words", "with positions", "baseline", "p50/p95/p99"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("table lacks %q:\n%s", want, out.String())
		}
	}
}

// TestBenchReuseKeepsIndex measures the queries of a kept index with
// --reuse, twice: no import happens and the index is still there after.
func TestBenchReuseKeepsIndex(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs tracuu")
	}
	corpus, work := t.TempDir(), t.TempDir()
	writeCorpus(t, corpus, 200)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cfg := Config{Corpus: corpus, Seed: 1, Queries: 20, Rounds: 1, WorkDir: work, Log: io.Discard, TracuuBin: tracuuBin}
	first := cfg
	first.Keep, first.NoQueries = true, true
	if rep, err := Run(ctx, first); err != nil || rep.Import.Articles != 200 {
		t.Fatalf("kept run: %v, imported %+v", err, rep)
	}
	for i := 0; i < 2; i++ {
		again := cfg
		again.Reuse = true
		rep, err := Run(ctx, again)
		if err != nil {
			t.Fatalf("reuse %d: %v", i, err)
		}
		if rep.Import.Articles != 0 || rep.Ours.Overall.N != 20 || rep.Ours.NoHits != 0 {
			t.Errorf("reuse %d: imported %d, timed %d queries, %d without hits; want 0, 20, 0", i, rep.Import.Articles, rep.Ours.Overall.N, rep.Ours.NoHits)
		}
		if _, err := os.Stat(filepath.Join(work, "tracuu-index")); err != nil {
			t.Fatalf("reuse %d removed the kept index: %v", i, err)
		}
	}
}

func TestRateTenths(t *testing.T) {
	steady := []importer.Mark{{Seen: 500, Seconds: 50}, {Seen: 1000, Seconds: 100}}
	// The second half of the articles takes three times as long.
	slowing := []importer.Mark{{Seen: 500, Seconds: 50}, {Seen: 1000, Seconds: 200}}
	for _, c := range []struct {
		name string
		tl   []importer.Mark
		want []float64
	}{
		{"steady", steady, []float64{10, 10, 10, 10, 10, 10, 10, 10, 10, 10}},
		{"slowing", slowing, []float64{10, 10, 10, 10, 10, 3, 3, 3, 3, 3}},
		{"too few articles", []importer.Mark{{Seen: 5, Seconds: 1}}, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := rateTenths(c.tl); !slices.Equal(got, c.want) {
				t.Errorf("rateTenths = %v, want %v", got, c.want)
			}
		})
	}
}
