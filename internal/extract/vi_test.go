package extract

import (
	"encoding/json"
	"html"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tracuu/tracuu/internal/article"
	"github.com/tracuu/tracuu/internal/corpus/corpustest"
	"github.com/tracuu/tracuu/internal/vi"
)

type viEntry struct {
	File  string  `json:"file"`
	Site  string  `json:"site"`
	Kind  string  `json:"kind"`
	URL   *string `json:"url"`
	Title string  `json:"title"`
}

// loadVI reads the vi-pages manifest, or skips when the corpus is absent.
func loadVI(t *testing.T) (dir string, entries []viEntry) {
	t.Helper()
	dir = corpustest.Path(t, "vi-pages")
	raw, err := os.ReadFile(filepath.Join(dir, "manifest.json"))
	if err != nil {
		t.Fatalf("vi-pages corpus: %v", err)
	}
	if err := json.Unmarshal(raw, &entries); err != nil {
		t.Fatalf("manifest.json: %v", err)
	}
	return dir, entries
}

func extractFile(t *testing.T, path, url string) Result {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	res, err := Extract(Input{Body: b, URL: url})
	if err != nil {
		t.Fatalf("%s: %v", filepath.Base(path), err)
	}
	return res
}

// TestVIPagesKinds checks that every article of the corpus is taken as one
// and that no homepage is, with and without the page's URL known.
func TestVIPagesKinds(t *testing.T) {
	dir, entries := loadVI(t)
	for _, e := range entries {
		for _, withURL := range []bool{false, true} {
			url := ""
			if withURL && e.URL != nil {
				url = *e.URL
			}
			res := extractFile(t, filepath.Join(dir, "pages", e.File), url)
			switch e.Kind {
			case "homepage", "homepage-mojibake":
				if res.Kind == KindArticle {
					t.Errorf("%s (url %q): homepage classified as article", e.File, url)
				}
			case "article":
				if res.Kind != KindArticle {
					t.Errorf("%s (url %q): article classified %s: %s", e.File, url, res.Kind, res.Reason)
				}
				if res.Article.Title == "" || res.Article.Body == "" {
					t.Errorf("%s: empty title or body", e.File)
				}
				if res.Article.Lang != "vi" {
					t.Errorf("%s: lang %q, want vi", e.File, res.Article.Lang)
				}
			}
			if url != "" && res.Article.Site == "" {
				t.Errorf("%s: no site although the URL is known", e.File)
			}
		}
	}
}

// titleRunes are the title lengths the myfeed parser tests of 2012–13 assert
// for the same pages (truth/myfeed_TestParser.scala): a title with the
// site suffix left on, or the wrong heading, fails.
var titleRunes = map[string]int{
	"012_thanhnien-com-vn_thanhnien1.html": 33,
	"006_ngoisao-net_ngoisao1.html":        48,
	"002_24h-com-vn_24h1.html":             40,
	"015_vnexpress-net_vnexpress1.html":    50,
	"016_vnexpress-net_vnexpress2.html":    30,
	"004_genk-vn_genk1.html":               62,
	"019_zing-vn_zing1.html":               49,
	"020_zing-vn_zing2.html":               52,
	"018_xinh-vn_xinh1.html":               47,
	"003_dantri-com-vn_dantri1.html":       51,
	"009_soha-vn_soha1.html":               29,
	"010_teen9x-com_teen9x1.html":          33,
	"007_nld-com-vn_nld1.html":             51,
}

func TestVIPagesTitles(t *testing.T) {
	dir, entries := loadVI(t)
	for _, e := range entries {
		want, ok := titleRunes[e.File]
		if !ok {
			continue
		}
		res := extractFile(t, filepath.Join(dir, "pages", e.File), "")
		got := res.Article.Title
		if runeLen(got) != want {
			t.Errorf("%s: title %q has %d characters, want %d", e.File, got, runeLen(got), want)
		}
		// The manifest's title is the page's <title>; ours must be part of
		// it, without the site name.
		if page := html.UnescapeString(e.Title); !strings.Contains(vi.Fold(page), vi.Fold(got)) && !strings.Contains(vi.Fold(got), vi.Fold(strings.SplitN(page, " - ", 2)[0])) {
			t.Errorf("%s: title %q not within <title> %q", e.File, got, page)
		}
	}
}

// TestFundusVnExpress compares with the fundus project's ground truth for
// the 2025 VnExpress page: title, author, date, lead and body.
func TestFundusVnExpress(t *testing.T) {
	dir, _ := loadVI(t)
	raw, err := os.ReadFile(filepath.Join(dir, "truth", "fundus_VnExpress.json"))
	if err != nil {
		t.Skipf("fundus truth not available: %v", err)
	}
	var truth map[string]struct {
		Authors []string `json:"authors"`
		Body    struct {
			Summary  []string `json:"summary"`
			Sections []struct {
				Paragraphs []string `json:"paragraphs"`
			} `json:"sections"`
		} `json:"body"`
		Date  string `json:"publishing_date"`
		Title string `json:"title"`
	}
	if err := json.Unmarshal(raw, &truth); err != nil {
		t.Fatal(err)
	}
	tr := truth["V1"]
	var paras []string
	for _, s := range tr.Body.Sections {
		paras = append(paras, s.Paragraphs...)
	}
	for _, file := range []string{
		"pages/001_vnexpress-net_VnExpress_2025_10_22.html",
		"portal-block-injected/001_vnexpress-net_VnExpress_2025_10_22__injected.html",
	} {
		res := extractFile(t, filepath.Join(dir, file), "")
		a := res.Article
		if a.Title != tr.Title {
			t.Errorf("%s: title %q, want %q", file, a.Title, tr.Title)
		}
		if a.Author != strings.Join(tr.Authors, ", ") {
			t.Errorf("%s: author %q, want %q", file, a.Author, strings.Join(tr.Authors, ", "))
		}
		want, err := time.Parse("2006-01-02 15:04:05Z07:00", tr.Date)
		if err != nil {
			t.Fatal(err)
		}
		if !a.Published.Equal(want) {
			t.Errorf("%s: published %v, want %v", file, a.Published, want)
		}
		if _, off := a.Published.Zone(); off != 7*3600 {
			t.Errorf("%s: published zone offset %d, want +07:00", file, off)
		}
		if a.Lead != strings.Join(tr.Body.Summary, " ") {
			t.Errorf("%s: lead %q, want %q", file, a.Lead, tr.Body.Summary)
		}
		var s scoreSet
		p, r := s.add(strings.Join(paras, "\n"), a.Body)
		_, _, f := s.f1()
		t.Logf("%s: body precision %.3f recall %.3f F1 %.3f", file, p, r, f)
		if f < 0.97 {
			t.Errorf("%s: body F1 %.3f < 0.97", file, f)
		}
		if a.Site != "vnexpress.net" || a.Lang != "vi" {
			t.Errorf("%s: site %q lang %q", file, a.Site, a.Lang)
		}
	}
}

// TestPLO checks the two plo.vn pages against the assertions of the
// crawl_news_site parser tests, read from truth/ at run time.
func TestPLO(t *testing.T) {
	dir, _ := loadVI(t)
	src, err := os.ReadFile(filepath.Join(dir, "truth", "crawl_news_site_test_plo_parser.py"))
	if err != nil {
		t.Skipf("plo truth not available: %v", err)
	}
	py := string(src)
	one := func(re string) string {
		m := regexp.MustCompile(re).FindStringSubmatch(py)
		if m == nil {
			t.Fatalf("truth file: no match for %s", re)
		}
		return m[1]
	}
	title := one(`result\.title,\s*"([^"]+)"`)
	lead := one(`result\.description,\s*"([^"]+)"`)
	first := one(`startswith\("([^"]+)"\)`)
	sections := regexp.MustCompile(`result\.category_name, "([^"]+)"`).FindAllStringSubmatch(py, -1)
	tags := regexp.MustCompile(`"([^"]+)"`).FindAllStringSubmatch(one(`result\.tags,\s*\[([^\]]*)\]`), -1)
	dm := regexp.MustCompile(`datetime\((\d+), (\d+), (\d+), (\d+), (\d+), (\d+)`).FindStringSubmatch(py)
	if len(sections) != 2 || dm == nil || len(tags) == 0 {
		t.Fatalf("truth file: unexpected shape")
	}
	var d [6]int
	for i := range d {
		d[i], _ = strconv.Atoi(dm[i+1])
	}

	a := extractFile(t, filepath.Join(dir, "pages", "022_plo-vn_plo_phap_luat.html"), "").Article
	if a.Title != title {
		t.Errorf("title %q, want %q", a.Title, title)
	}
	if a.Lead != lead {
		t.Errorf("lead %q, want %q", a.Lead, lead)
	}
	if !strings.HasPrefix(a.Body, first) {
		t.Errorf("body starts %q, want %q", a.Body[:min(len(a.Body), 80)], first)
	}
	if a.Section != sections[0][1] {
		t.Errorf("section %q, want %q", a.Section, sections[0][1])
	}
	want := time.Date(d[0], time.Month(d[1]), d[2], d[3], d[4], d[5], 0, article.Vietnam)
	if !a.Published.Equal(want) {
		t.Errorf("published %v, want %v", a.Published, want)
	}
	for _, tag := range tags {
		if !slices.Contains(a.Keywords, tag[1]) {
			t.Errorf("keyword %q missing from %q", tag[1], a.Keywords)
		}
	}
	b := extractFile(t, filepath.Join(dir, "pages", "023_plo-vn_plo_chinh_tri.html"), "").Article
	if b.Section != sections[1][1] || len(b.Body) < 1000 {
		t.Errorf("chinh-tri: section %q (want %q), body %d bytes", b.Section, sections[1][1], len(b.Body))
	}
	if len(b.Keywords) == 0 || !strings.Contains(strings.ToLower(b.Keywords[0]), "anh hùng liệt sĩ") {
		t.Errorf("chinh-tri: keywords %q", b.Keywords)
	}
}

// TestPortalBlockInjected checks that the provincial-portal block injected
// inside the article container (counter, other-news list, login box) never
// reaches the body, and that the body is otherwise what the clean page gives.
func TestPortalBlockInjected(t *testing.T) {
	dir, _ := loadVI(t)
	raw, err := os.ReadFile(filepath.Join(dir, "portal-block-injected", "markers.json"))
	if err != nil {
		t.Skipf("markers not available: %v", err)
	}
	var markers []string
	if err := json.Unmarshal(raw, &markers); err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "portal-block-injected", "*__injected.html"))
	if len(files) == 0 {
		t.Skip("no injected pages")
	}
	for _, f := range files {
		res := extractFile(t, f, "")
		for _, m := range markers {
			if strings.Contains(res.Article.Body, m) || strings.Contains(res.Article.Title, m) || strings.Contains(res.Article.Author, m) {
				t.Errorf("%s: marker %q in output", filepath.Base(f), m)
			}
		}
		if res.Kind != KindArticle {
			t.Errorf("%s: kind %s (%s)", filepath.Base(f), res.Kind, res.Reason)
		}
		clean := extractFile(t, filepath.Join(dir, "pages", strings.Replace(filepath.Base(f), "__injected", "", 1)), "")
		var s scoreSet
		s.add(clean.Article.Body, res.Article.Body)
		if _, _, f1 := s.f1(); f1 < 0.98 {
			t.Errorf("%s: body differs from the clean page's (F1 %.3f)", filepath.Base(f), f1)
		}
		if res.Article.Author != clean.Article.Author || !res.Article.Published.Equal(clean.Article.Published) {
			t.Errorf("%s: author/date %q %v, clean page %q %v", filepath.Base(f), res.Article.Author, res.Article.Published, clean.Article.Author, clean.Article.Published)
		}
	}
}
