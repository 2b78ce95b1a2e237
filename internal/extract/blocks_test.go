package extract

import (
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/tracuu/tracuu/internal/vi"
)

// TestBlocksJoin checks how inline text is joined into paragraphs: block
// boundaries and <br> separate paragraphs (never "khỏi.Bác sĩ"), inline
// elements join as rendered, white space collapses, hidden and script
// content is dropped, and decomposed (NFD) text comes out NFC.
func TestBlocksJoin(t *testing.T) {
	tests := []struct {
		name, html string
		want       []string
	}{
		{"block inside text", `<div>uống thuốc không khỏi.<div>Bác sĩ đánh giá</div>sau đó</div>`,
			[]string{"uống thuốc không khỏi.", "Bác sĩ đánh giá", "sau đó"}},
		{"br splits", `<p>Dòng một<br>Dòng hai<br><br>Dòng ba</p>`, []string{"Dòng một", "Dòng hai", "Dòng ba"}},
		{"inline joins", `<p><span>Hà</span> <b>Nội</b>, <a href="/x">thủ đô</a><i>.</i></p>`, []string{"Hà Nội, thủ đô."}},
		{"white space", "<p>  một\u00a0\u00a0hai \t\n ba\u200b </p>", []string{"một hai ba"}},
		{"hidden and scripts", `<p>hiện<span style="display: none">ẩn</span><script>var x;</script><noscript>ns</noscript></p>`, []string{"hiện"}},
		{"NFD to NFC", "<p>Vie\u0302\u0323t Nam</p>", []string{"Việt Nam"}},
		{"table cells", `<table><tr><td>Ô một</td><td>Ô hai</td></tr></table>`, []string{"Ô một", "Ô hai"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := html.Parse(strings.NewReader("<html><body>" + tt.html + "</body></html>"))
			if err != nil {
				t.Fatal(err)
			}
			blocks, _ := buildBlocks(findBody(doc), false)
			var got []string
			for _, b := range blocks {
				got = append(got, b.text)
			}
			if strings.Join(got, "|") != strings.Join(tt.want, "|") {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

// TestLinkDensity checks that text inside links is counted, which is what
// tells navigation from story text.
func TestLinkDensity(t *testing.T) {
	doc, err := html.Parse(strings.NewReader(`<html><body><p>Đọc <a href="/a">bài liên quan</a> nhé</p><p><a>không href</a></p></body></html>`))
	if err != nil {
		t.Fatal(err)
	}
	blocks, _ := buildBlocks(findBody(doc), false)
	if len(blocks) != 2 || blocks[0].linkRunes != runeLen("bài liên quan") || blocks[1].linkRunes != 0 {
		t.Errorf("link runes: %+v", blocks)
	}
}

func TestWordsMatcher(t *testing.T) {
	w := newWords("share", "tin-lien-quan", "other-news", "ad")
	for s, want := range map[string]bool{
		"box share-bar":          true,
		"box_tin_lien_quan left": true,
		"x-other-news-y":         true,
		"sharing":                false,
		"header":                 false,
		"read":                   false,
		"col-ad":                 true,
		"":                       false,
		"a--b share":             true,
		"tin-lien":               false,
	} {
		if got := w.in(s); got != want {
			t.Errorf("%q: %v, want %v", s, got, want)
		}
	}
}

// TestFold holds the foldings the folded vocabularies of the filters rely
// on: marks, đ, case, decomposed input and other Latin accents.
func TestFold(t *testing.T) {
	for in, want := range map[string]string{
		"Đảng ỦY Khối, Tiếng Việt":    "dang uy khoi, tieng viet",
		"Thống kê truy cập":           "thong ke truy cap",
		"ơ ư ă â ê ô đ Ơ Ư Ă Â Ê Ô Đ": "o u a a e o d o u a a e o d",
		"Vie\u0302\u0323t":            "viet", // decomposed input
		"Café Noël":                   "cafe noel",
		"ASCII only":                  "ascii only",
	} {
		if got := vi.Fold(in); got != want {
			t.Errorf("vi.Fold(%q) = %q, want %q", in, got, want)
		}
	}
}
