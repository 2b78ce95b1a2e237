package bleve

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"sort"
	"testing"

	blevelib "github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/index/scorch/mergeplan"

	"github.com/tracuu/tracuu/index"
	"github.com/tracuu/tracuu/internal/article"
)

// newTestIndex opens an empty index that the test closes when it ends.
func newTestIndex(t testing.TB) *Bleve {
	t.Helper()
	b, err := Open(filepath.Join(t.TempDir(), "ix"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	return b
}

// forceMerge merges every segment of b into one, as Bleve's background
// merging eventually would.
func forceMerge(t testing.TB, b *Bleve) {
	t.Helper()
	adv, err := b.idx.Advanced()
	if err != nil {
		t.Fatal(err)
	}
	opts := mergeplan.SingleSegmentMergePlanOptions
	if err := adv.(*scorch.Scorch).ForceMerge(context.Background(), &opts); err != nil {
		t.Fatal(err)
	}
}

// TestPairPhrases checks the phrase path over pair fields: exact for two
// syllables and for more, blind to marks and tone placement, stopped by
// sentence punctuation, and ranking the spelling typed first.
func TestPairPhrases(t *testing.T) {
	ctx := context.Background()
	b := newTestIndex(t)
	arts := []article.Article{
		{ID: "p1", Title: "Ông ấy là người có tâm", Body: "Đó là người có trách nhiệm với dân."},
		{ID: "p2", Title: "Tin vắn", Body: "Anh là người tốt. Người có lòng thì giúp."}, // "là người" and "người có", not together
		{ID: "p3", Title: "Thủ đô", Body: "Tôi sống ở Hà Nội. Sau đó chuyển đi."},
		{ID: "p4", Title: "Thủ đô", Body: "Hà Nội sau cơn mưa rất đẹp."},
		{ID: "p5", Title: "Bán ghế", Body: "Chợ bán ghế nhựa giá rẻ."},
		{ID: "p6", Title: "Bàn ghế", Body: "Xưởng đóng bàn ghế gỗ."},
		{ID: "p7", Title: "Hoà bình", Body: "Khát vọng hoà bình của nhân dân."},
		{ID: "p8", Title: "Thủy điện", Body: "Nhà máy thuỷ điện Hòa Bình."},
		// "chỉnh trị" folds like "chính trị", and this article also holds
		// "chính" and "trị", apart: only positions tell it from p10.
		{ID: "p9", Title: "Đê điều", Body: "Công trình chỉnh trị sông Hồng. Chính sách cai trị cũ."},
		{ID: "p10", Title: "Thời sự", Body: "Bàn về chính trị và kinh tế."},
		// Every pair of "quy chế dân chủ", but never in one run.
		{ID: "p11", Title: "Tin vắn", Body: "Quy chế. Chế dân. Dân chủ."},
		{ID: "p12", Title: "Cơ sở", Body: "Thực hiện quy chế dân chủ ở cơ sở."},
	}
	if err := b.Upsert(ctx, arts...); err != nil {
		t.Fatal(err)
	}
	find := func(q index.Query) []string {
		t.Helper()
		res, err := b.Search(ctx, index.Request{Query: q, Size: 20})
		if err != nil {
			t.Fatalf("search %+v: %v", q, err)
		}
		var ids []string
		for _, h := range res.Hits {
			ids = append(ids, h.Article.ID)
		}
		return ids
	}
	sorted := func(s []string) []string { s = slices.Clone(s); sort.Strings(s); return s }
	for _, tc := range []struct {
		phrase string
		want   []string
	}{
		{"là người có", []string{"p1"}},
		{"la nguoi co", []string{"p1"}},
		{"là người", []string{"p1", "p2"}},
		{"người có trách nhiệm", []string{"p1"}},
		{"nội sau", []string{"p4"}}, // p3 has a full stop between
		{"hà nội sau", []string{"p4"}},
		{"hòa bình", []string{"p7", "p8"}},
		{"hoà bình", []string{"p7", "p8"}},
		{"HOA BINH", []string{"p7", "p8"}},
		{"thủy điện hòa bình", []string{"p8"}},
		{"thuỷ điện hoà bình", []string{"p8"}},
		{"ghế", []string{"p5", "p6"}},
		{"không có đâu", nil},
		{"chính trị", []string{"p10"}},
		{"chinh tri", []string{"p10", "p9"}},
		{"chính tri", []string{"p10"}},
		{"chinh trị", []string{"p10", "p9"}},
		{"chỉnh trị", []string{"p9"}},
		{"quy che dan chu", []string{"p12"}},
		{"quy chế dân chủ", []string{"p12"}},
		{"chế dân", []string{"p11", "p12"}},
	} {
		if got := sorted(find(index.Phrase{Text: tc.phrase})); !slices.Equal(got, tc.want) {
			t.Errorf("phrase %q found %v, want %v", tc.phrase, got, tc.want)
		}
	}
	// A scoped phrase looks in that field only.
	if got := find(index.Phrase{Field: index.FieldTitle, Text: "là người"}); !slices.Equal(got, []string{"p1"}) {
		t.Errorf("title phrase found %v, want [p1]", got)
	}
	// Marks typed are marks meant: each spelling finds its own article,
	// the phrase typed without marks finds both.
	for q, want := range map[string][]string{"bàn ghế": {"p6"}, "bán ghế": {"p5"}, "ban ghe": {"p5", "p6"}, "ban ghế": {"p5", "p6"}, "bán ghe": {"p5"}} {
		if got := sorted(find(index.Phrase{Text: q})); !slices.Equal(got, want) {
			t.Errorf("phrase %q found %v, want %v", q, got, want)
		}
	}
}

// TestFoldedTerm checks that a word typed with marks matches that spelling
// only, scored folded or not, and that a word scored folded (as the words
// of index.Words are) scores as its folded form does: the same score as the
// word typed without marks.
func TestFoldedTerm(t *testing.T) {
	ctx := context.Background()
	b := newTestIndex(t)
	if err := b.Upsert(ctx,
		article.Article{ID: "f1", Title: "Chợ", Body: "Chợ bán ghế gỗ."},
		article.Article{ID: "f2", Title: "Chợ", Body: "Chợ bàn ghế gỗ."},
	); err != nil {
		t.Fatal(err)
	}
	scores := func(text string, folded bool) map[string]float64 {
		t.Helper()
		m := allWords
		if folded {
			m = allWordsFolded
		}
		q, err := b.plan.textQuery("", text, m)
		if err != nil {
			t.Fatal(err)
		}
		res, err := b.search(ctx, blevelib.NewSearchRequestOptions(q, 10, 0, false))
		if err != nil {
			t.Fatalf("search %q: %v", text, err)
		}
		s := map[string]float64{}
		for _, h := range res.Hits {
			s[h.ID] = h.Score
		}
		return s
	}
	plain := scores("ban", false)
	if len(plain) != 2 {
		t.Fatalf("term ban scored %v; want both", plain)
	}
	if s := scores("bán", false); len(s) != 1 || s["f1"] == 0 {
		t.Errorf("term bán scored %v; want f1 alone", s)
	}
	if s := scores("BÁN", true); len(s) != 1 || s["f1"] != plain["f1"] {
		t.Errorf("folded term BÁN scored %v; want f1 alone, scored as ban scores it (%v)", s, plain["f1"])
	}
	if s := scores("bàn", false); len(s) != 1 || s["f2"] == 0 {
		t.Errorf("term bàn in NFD scored %v; want f2 alone", s)
	}
}

// TestFrequentPrefixWords checks the bounded prefix expansion of
// completions: the words kept are the most frequent ones, counted right
// even after a word held by one article (zapx's dictionary iterator counts
// such later words as 1), and MaxDocs stops the expansion early.
func TestFrequentPrefixWords(t *testing.T) {
	ctx := context.Background()
	b := newTestIndex(t)
	titles := []string{
		"Tàu cá về bến",                                                                 // "tau": one article, first in the dictionary
		"Tin nhanh trưa", "Tin tức sáng", "Tin thể thao", "Tin thế giới", "Tin kinh tế", // "tin": 5
		"Thời tiết hôm nay", "Thời sự tối", "Thời trang thu", // "thoi": 3
		"Tỉnh ủy họp", // another one-article word
	}
	var arts []article.Article
	for i, title := range titles {
		arts = append(arts, article.Article{ID: fmt.Sprintf("t%d", i), Title: title, Body: "Nội dung."})
	}
	// One segment per article, then merged into one: only merged segments
	// store one-article words in the compact form that trips the iterator.
	for _, a := range arts {
		if err := b.Upsert(ctx, a); err != nil {
			t.Fatal(err)
		}
	}
	forceMerge(t, b)
	for _, tc := range []struct {
		prefix       string
		top, maxDocs int
		want         uint64
	}{
		{"t", 1, 0, 5},   // "tin" alone
		{"T", 2, 0, 8},   // "tin", "thoi"
		{"t", 3, 6, 5},   // "thoi" would bring it past 6
		{"th", 1, 0, 3},  // "thoi"; "thu" (1) and "the" (2) lose
		{"ti", 1, 0, 5},  // "tin" beats "tiet" and "tinh"
		{"zz", 5, 0, 0},  // no word
		{"t", 50, 0, 10}, // every title has a word in t
	} {
		res, err := b.Search(ctx, index.Request{Query: index.Prefix{Field: index.FieldTitle, Text: tc.prefix, Top: tc.top, MaxDocs: tc.maxDocs}})
		if err != nil {
			t.Fatalf("%+v: %v", tc, err)
		}
		if res.Total != tc.want {
			t.Errorf("prefix %q top %d maxDocs %d: %d articles, want %d", tc.prefix, tc.top, tc.maxDocs, res.Total, tc.want)
		}
	}
}
