package eval

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strings"
	"testing"

	"github.com/tracuu/tracuu/index/opensearch"
	"github.com/tracuu/tracuu/index/opensearch/opensearchtest"
	"github.com/tracuu/tracuu/internal/article"
	"github.com/tracuu/tracuu/internal/vi"
)

// syllables is a made-up vocabulary for generated articles: common
// syllables, with the tone-placement cases (oa, oe, uy) and syllables that
// are English stop words.
var syllables = strings.Fields(`dân chủ quy chế hòa bình thủy điện ủy ban khỏe mạnh an ninh do đó máy in
	công nghệ kinh tế xã hội giáo dục người có là một những các của và trong cho với được năm
	nhà nước tỉnh thành phố huyện làng nghề bàn ghế bán mua giá lúa gạo cá tôm biển sông núi rừng
	đường sắt cầu cảng sân bay trường học bệnh viện bác sĩ học sinh sinh viên thầy cô giáo
	tăng giảm mạnh yếu mới cũ lớn nhỏ xanh đỏ vàng trắng đen ngày đêm sáng chiều tối mùa xuân hạ thu đông
	hoa quả lá cây đất nước trời mây gió mưa nắng bão lũ khoa toán văn sử địa lý hóa sinh`)

func syntheticArticles(n int) []article.Article {
	rng := rand.New(rand.NewPCG(7, 11))
	words := func(k int) string {
		var b strings.Builder
		for i := 0; i < k; i++ {
			if i > 0 {
				if rng.IntN(12) == 0 {
					b.WriteString(". ")
				} else {
					b.WriteByte(' ')
				}
			}
			b.WriteString(syllables[rng.IntN(len(syllables))])
		}
		return b.String()
	}
	arts := make([]article.Article, n)
	for i := range arts {
		arts[i] = article.Article{ID: fmt.Sprintf("g%04d", i), Title: words(7 + rng.IntN(6)), Body: words(80 + rng.IntN(80))}
	}
	return arts
}

// TestSmoke runs the whole evaluation on a few hundred generated articles
// (not the corpus): every class gets queries, the product clears a floor
// it actually reaches, and beats the baseline where the baseline is blind
// (accent-less queries).
func TestSmoke(t *testing.T) {
	if testing.Short() {
		t.Skip("indexes twice")
	}
	arts := syntheticArticles(300)
	rep, err := Run(context.Background(), arts, Config{Dir: t.TempDir(), Queries: 15, Phrases: 5, Seed: 1, Baseline: true})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]ClassFigures{}
	for _, f := range rep.Ranking {
		got[f.System+"/"+f.Class] = f
	}
	for _, c := range Classes {
		if got["tracuu/"+c].N == 0 {
			t.Errorf("class %s got no queries", c)
		}
	}
	for _, tc := range []struct {
		key   string
		floor float64
	}{
		{"tracuu/" + GroupAccented, 0.80},
		{"tracuu/" + GroupAccentless, 0.90},
	} {
		if f := got[tc.key]; f.MRR10 < tc.floor {
			t.Errorf("%s: MRR@10 %.3f below %.2f", tc.key, f.MRR10, tc.floor)
		}
	}
	if o, b := got["tracuu/"+GroupAccentless].MRR10, got["baseline/"+GroupAccentless].MRR10; o <= b {
		t.Errorf("accent-less MRR@10: tracuu %.3f, baseline %.3f", o, b)
	}
	if len(rep.Phrases) != 6 || len(rep.Indexes) != 2 {
		t.Errorf("report has %d phrase rows and %d indexes, want 6 and 2", len(rep.Phrases), len(rep.Indexes))
	}
	var sb strings.Builder
	rep.Print(&sb)
	t.Log("\n" + sb.String())
}

func TestOtherTone(t *testing.T) {
	for in, want := range map[string]string{
		"hòa": "hoà", "Hòa": "Hoà", "thủy": "thuỷ", "khỏe": "khoẻ", "ủy": "uỷ",
		"hoàn": "hoàn", "bình": "bình", "thuyền": "thuyền", "HÒA": "HOÀ",
	} {
		got := otherTone(in)
		if got != want {
			t.Errorf("otherTone(%q) = %q, want %q", in, got, want)
		}
		if vi.Normalize(got) != vi.Normalize(in) {
			t.Errorf("otherTone(%q) = %q is not the same word to vi.Normalize", in, got)
		}
	}
}

func TestSplitWords(t *testing.T) {
	var got []string
	for _, w := range splitWords("Hà Nội, ngày 25/9 - Covid-19 lây\nlan nhanh") {
		s := w.text
		if w.adj {
			s = "+" + s
		}
		got = append(got, s)
	}
	want := "Hà +Nội ngày +25 9 Covid 19 +lây lan +nhanh"
	if strings.Join(got, " ") != want {
		t.Errorf("splitWords = %q, want %q", strings.Join(got, " "), want)
	}
}

func TestTitleHolds(t *testing.T) {
	titles := titleWordSets([]article.Article{
		{ID: "a", Title: "Ông Trump gây sức ép lên Iran"},
		{ID: "b", Title: "Hoà bình cho Trung Đông"},
	})
	for _, tc := range []struct {
		id, q string
		want  bool
	}{
		{"a", "Trump gây", true},
		{"a", "gây Trump", true}, // any order
		{"a", "trump ÉP", true},  // any case
		{"a", "Trump gây áp", false},
		{"a", "gay", false},     // words keep their marks
		{"a", "Trum", false},    // whole words only
		{"b", "hòa Đông", true}, // either tone placement
		{"b", "", false},
	} {
		if got := titleHolds(titles[tc.id], tc.q); got != tc.want {
			t.Errorf("titleHolds(%s, %q) = %v, want %v", tc.id, tc.q, got, tc.want)
		}
	}
}

// TestSmokeCluster runs the evaluation with the product index built in a
// cluster too (the stand-in engine, not OpenSearch): the cluster's system
// is ranked beside Bleve's, and its throwaway index is deleted after.
func TestSmokeCluster(t *testing.T) {
	if testing.Short() {
		t.Skip("indexes twice")
	}
	e := opensearchtest.New(t)
	// Fewer of everything than TestSmoke: the stand-in engine scans every
	// article for every query.
	arts := syntheticArticles(150)
	rep, err := Run(context.Background(), arts, Config{Dir: t.TempDir(), Queries: 5, Phrases: 2, Seed: 1,
		Cluster: &opensearch.Config{URL: e.URL()}})
	if err != nil {
		t.Fatal(err)
	}
	const system = "tracuu on opensearch 2.19.0"
	got := map[string]ClassFigures{}
	for _, f := range rep.Ranking {
		got[f.System+"/"+f.Class] = f
	}
	for _, g := range []string{GroupAccented, GroupAccentless} {
		b, c := got["tracuu/"+g], got[system+"/"+g]
		if c.N == 0 || c.N != b.N {
			t.Errorf("%s: %d queries on the cluster, %d on Bleve", g, c.N, b.N)
		}
		// The engines score differently; the known item is still found.
		if c.MRR10 < 0.5 {
			t.Errorf("%s: MRR@10 on the cluster %.3f (Bleve %.3f)", g, c.MRR10, b.MRR10)
		}
	}
	if len(rep.Indexes) != 2 || rep.Indexes[1].Name != system {
		t.Errorf("indexes %+v, want Bleve's and the cluster's", rep.Indexes)
	}
	var sb strings.Builder
	rep.Print(&sb)
	t.Log("\n" + sb.String())
	if e.Count(http.MethodDelete, "/tracuu-eval-") != 1 {
		t.Error("the eval's index in the cluster was not deleted")
	}
}
