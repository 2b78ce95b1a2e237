package search

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"unicode"

	"github.com/tracuu/tracuu/index"
	"github.com/tracuu/tracuu/index/bleve"
	"github.com/tracuu/tracuu/internal/article"
	"github.com/tracuu/tracuu/internal/corpus"
	"github.com/tracuu/tracuu/internal/corpus/corpustest"
	"github.com/tracuu/tracuu/internal/vi"
)

var (
	newsOnce sync.Once
	newsSvc  *Service
	newsArts []article.Article
	newsErr  error
)

// news is a service over 1,500 real articles of the shared corpus, built
// once for the tests of this file.
func news(t *testing.T) (*Service, []article.Article) {
	t.Helper()
	dir := corpustest.Path(t, "vi-news")
	newsOnce.Do(func() {
		ctx := context.Background()
		newsErr = corpus.Lines(ctx, dir, func(_ string, _ int, text []byte) (bool, error) {
			var a article.Article
			if err := json.Unmarshal(text, &a); err != nil {
				return false, err
			}
			newsArts = append(newsArts, a)
			return len(newsArts) < 1500, nil
		})
		if newsErr == nil {
			newsSvc, newsErr = serviceOver(ctx, newsArts)
		}
	})
	if newsErr != nil {
		t.Fatalf("news index: %v", newsErr)
	}
	return newsSvc, newsArts
}

func holds(a article.Article, words ...string) bool {
	have := map[string]bool{}
	for _, w := range strings.FieldsFunc(vi.Normalize(a.Title+"\n"+a.Body), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && !unicode.IsMark(r)
	}) {
		have[w] = true
	}
	folded := map[string]bool{}
	for w := range have {
		folded[vi.Fold(w)] = true
	}
	for _, w := range words {
		if vi.HasMarks(w) && !have[vi.Normalize(w)] || !vi.HasMarks(w) && !folded[vi.Fold(w)] {
			return false
		}
	}
	return true
}

// TestAnswerSetAsTyped checks the whole match set of accented queries on
// real news, through the export: every article holding the words as typed,
// and no other.
func TestAnswerSetAsTyped(t *testing.T) {
	svc, arts := news(t)
	ctx := context.Background()
	for _, q := range []string{"thủ tướng", "chính phủ", "việt nam", "dân số", "hà nội", "thu tướng"} {
		var buf strings.Builder
		n, err := svc.Export(ctx, Params{Q: q}, FormatJSONL, &buf)
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]bool{}
		for _, line := range strings.Split(strings.TrimSpace(buf.String()), "\n") {
			var a struct{ ID string }
			if line != "" && json.Unmarshal([]byte(line), &a) == nil {
				got[a.ID] = true
			}
		}
		// The words of an article are split here as the page shows them,
		// not by the engine's tokenizer: a rare article may differ.
		want, both := 0, 0
		for _, a := range arts {
			if holds(a, strings.Fields(q)...) {
				want++
				if got[a.ID] {
					both++
				}
			}
		}
		if p, r := float64(both)/float64(max(n, 1)), float64(both)/float64(max(want, 1)); want == 0 || p < 0.99 || r < 0.99 {
			t.Errorf("%q: exported %d, %d articles hold it as typed, %d both: precision %.3f, recall %.3f", q, n, want, both, p, r)
		}
		res, err := svc.Search(ctx, Params{Q: q, Size: 10, Page: 1})
		if err != nil {
			t.Fatal(err)
		}
		if res.Total != uint64(n) || res.Interpreted != "" {
			t.Errorf("%q: search total %d (interpreted %q), export %d", q, res.Total, res.Interpreted, n)
		}
		if all, _ := svc.Search(ctx, Params{Q: vi.Fold(q), Size: 10, Page: 1}); all.Total <= res.Total {
			t.Errorf("%q without marks found %d, no more than with (%d)", vi.Fold(q), all.Total, res.Total)
		}
	}
}

// TestWrongMarkInterpreted checks that a hỏi/ngã slip still finds the
// article, says how it read the query, and that exact=1 does not.
func TestWrongMarkInterpreted(t *testing.T) {
	svc, _ := news(t)
	ctx := context.Background()
	for q, want := range map[string]string{"thủ tưỡng": "thủ tuong", "Việt Nảm": "Việt nam", "công an": ""} {
		res, err := svc.Search(ctx, Params{Q: q, Size: 10, Page: 1})
		if err != nil {
			t.Fatal(err)
		}
		if res.Interpreted != want {
			t.Errorf("%q: interpreted %q, want %q", q, res.Interpreted, want)
		}
		if res.Total == 0 {
			t.Errorf("%q: found nothing", q)
		}
		if want == "" {
			continue
		}
		exact, err := svc.Search(ctx, Params{Q: q, Size: 10, Page: 1, Exact: true})
		if err != nil {
			t.Fatal(err)
		}
		if exact.Interpreted != "" || exact.Total >= res.Total {
			t.Errorf("%q exact: %d found, interpreted %q; want the spelling typed alone (fewer than %d)", q, exact.Total, exact.Interpreted, res.Total)
		}
	}
}

// TestKeystrokesAndPastedTitles types real titles as Telex and VNI
// keystrokes and pastes them with their punctuation: each must find its
// article first; ASCII words must be searched as typed.
func TestKeystrokesAndPastedTitles(t *testing.T) {
	svc, arts := news(t)
	ctx := context.Background()
	titles := map[string]int{}
	for _, a := range arts {
		titles[a.Title]++
	}
	tried, first := map[string]int{}, map[string]int{}
	for i := 0; i < len(arts) && tried["pasted"] < 60; i += 7 {
		a := arts[i]
		if titles[a.Title] != 1 || len(strings.Fields(a.Title)) < 4 {
			continue
		}
		for kind, q := range map[string]string{"pasted": a.Title, "telex": vi.TypeKeys(a.Title, vi.Telex), "vni": vi.TypeKeys(a.Title, vi.VNI)} {
			res, err := svc.Search(ctx, Params{Q: q, Size: 10, Page: 1})
			if err != nil {
				t.Fatalf("%s %q: %v", kind, q, err)
			}
			tried[kind]++
			if len(res.Hits) > 0 && res.Hits[0].ID == a.ID {
				first[kind]++
			} else if kind == "pasted" {
				t.Logf("pasted %q: first %v", q, res.Hits)
			}
		}
	}
	if tried["pasted"] < 30 {
		t.Fatalf("only %d unique titles tried", tried["pasted"])
	}
	for kind, n := range tried {
		if share := float64(first[kind]) / float64(n); share < 0.9 {
			t.Errorf("%s titles: %d of %d found their article first", kind, first[kind], n)
		}
	}
	for _, q := range []string{"covid", "iphone", "samsung", "Apple", "04/2015/NĐ-CP", "Covid-19", "tin tuc", "ban"} {
		p, err := svc.Plan(ctx, q, false)
		if err != nil || p.Interpreted != "" {
			t.Errorf("%q: planned %+v, %v; want it searched as typed", q, p, err)
		}
	}
}

// shared holds the indexes built once for this package's tests, removed
// when they end.
var shared struct {
	sync.Mutex
	dirs    []string
	indexes []*bleve.Bleve
}

// serviceOver indexes arts into a new index and serves searches from it.
func serviceOver(ctx context.Context, arts []article.Article) (*Service, error) {
	dir, err := os.MkdirTemp("", "tracuu-search-test-")
	if err != nil {
		return nil, err
	}
	shared.Lock()
	shared.dirs = append(shared.dirs, dir)
	shared.Unlock()
	b, err := bleve.Open(filepath.Join(dir, "ix"), bleve.Options{})
	if err != nil {
		return nil, err
	}
	shared.Lock()
	shared.indexes = append(shared.indexes, b)
	shared.Unlock()
	if err := b.Upsert(ctx, arts...); err != nil {
		return nil, err
	}
	return &Service{Backend: b}, nil
}

func TestMain(m *testing.M) {
	code := m.Run()
	for _, b := range shared.indexes {
		b.Close()
	}
	for _, d := range shared.dirs {
		os.RemoveAll(d)
	}
	os.Exit(code)
}

// TestSuggestKeystrokes completes Telex keys as it completes the syllables
// they spell, and keeps marks typed as meant.
func TestSuggestKeystrokes(t *testing.T) {
	svc, _ := news(t)
	ctx := context.Background()
	for q, want := range map[string]string{"thur tuw": "thủ tướng", "thủ tư": "thủ tướng", "thu tuo": "thủ tướng"} {
		res, err := svc.Suggest(ctx, q, 10)
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, s := range res.Suggestions {
			if s.Kind == "term" && strings.HasPrefix(s.Text, want) {
				found = true
			}
			if s.Kind == "term" && vi.HasMarks(q) && !strings.HasPrefix(s.Text, "thủ") {
				t.Errorf("%q suggested %q: marks typed are meant", q, s.Text)
			}
		}
		if !found {
			t.Errorf("%q suggested %+v, want %q", q, res.Suggestions, want)
		}
	}
}

// counts is a backend that only answers Frequencies, from a table.
type counts struct {
	index.Backend
	n map[string]uint64
}

func (c counts) Frequencies(_ context.Context, texts []string) ([]uint64, error) {
	out := make([]uint64, len(texts))
	for i, t := range texts {
		out[i] = c.n[vi.Normalize(t)]
	}
	return out, nil
}

// TestPlanOdds checks the rules Plan reads queries by, on counts that
// stand for a large archive.
func TestPlanOdds(t *testing.T) {
	svc := &Service{Backend: counts{n: map[string]uint64{
		"việt năm": 3, "viet nam": 8300, "việt": 9000, "viet": 9100, "năm": 9500, "nam": 9900,
		"đảng được": 20, "dang duoc": 3000, "đảng": 800, "dang": 5000, "được": 9000, "duoc": 9000,
		"mợ": 50, "mo": 20000, "chũ": 0, "chu": 7000, "dân": 3000, "dan": 4000,
		"sex": 13, "sẽ": 5866, "vieetj": 0, "lee": 2, "lê": 300, "coo": 2, "cô": 1258,
	}}}
	for q, want := range map[string]string{
		"Việt năm":           "viet nam",   // a two-word query whose pair is all but absent
		"người Việt năm nay": "",           // in a longer query the pair is not read
		"Đảng được":          "",           // a rare real pair: 20 × 1000 > 3000
		"mợ":                 "",           // a rare real word
		"dân chũ":            "dân chu",    // a word no article holds
		"sex":                "",           // an English word
		"Lee":                "",           // a name
		"vieetj coo sex":     "việt cô sẽ", // beside sure keystrokes, the rest are keys too
	} {
		p, err := svc.Plan(context.Background(), q, false)
		if err != nil {
			t.Fatal(err)
		}
		if p.Interpreted != want {
			t.Errorf("Plan(%q) interpreted %q, want %q", q, p.Interpreted, want)
		}
		if e, _ := svc.Plan(context.Background(), q, true); e.Interpreted != "" {
			t.Errorf("Plan(%q, exact) interpreted %q", q, e.Interpreted)
		}
	}
}
