package extract

import (
	"bufio"
	"compress/gzip"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode"

	"golang.org/x/net/html"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/unicode/norm"

	"github.com/tracuu/tracuu/internal/corpus/corpustest"
)

// vietnameseLetters is the Vietnamese alphabet with every vowel under each
// of its six tones, lower case.
func vietnameseLetters() []string {
	var out []string
	for _, c := range "bcdđghklmnpqrstvx" {
		out = append(out, string(c))
	}
	for _, v := range []string{"a", "ă", "â", "e", "ê", "i", "o", "ô", "ơ", "u", "ư", "y"} {
		for _, tone := range []string{"", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323"} {
			out = append(out, norm.NFC.String(v+tone))
		}
	}
	return out
}

// encodeTCVN3 writes s in TCVN3: the byte of each letter, and whether it
// needs an H font (a capital VN3 has no byte for). It fails on a string
// mixing both.
func encodeTCVN3(t *testing.T, s string) ([]byte, bool) {
	t.Helper()
	inv := map[rune]byte{}
	for c := 0; c < 256; c++ {
		if r := tcvn3Table[c]; r != 0 {
			inv[r] = byte(c)
		}
	}
	var out []byte
	caps := false
	for _, r := range s {
		switch c, ok := inv[r]; {
		case r < 0x80:
			out = append(out, byte(r))
		case ok:
			out = append(out, c)
		default:
			c, ok := inv[unicode.ToLower(r)]
			if !ok || !unicode.IsUpper(r) {
				t.Fatalf("TCVN3 has no byte for %q", r)
			}
			out, caps = append(out, c), true
		}
	}
	return out, caps
}

// encodeVNI writes s in VNI-Windows: base letter, then the byte of the vowel
// mark and tone (the capital forms after a capital).
func encodeVNI(t *testing.T, s string) []byte {
	t.Helper()
	marksInv := map[string]byte{}
	for c, m := range vniMarks {
		marksInv[m] = c
	}
	lettersInv := map[rune]byte{}
	for c, r := range vniLetters {
		lettersInv[r] = c
	}
	var out []byte
	for _, r := range s {
		upper := unicode.IsUpper(r)
		shift := func(c byte) byte {
			if upper {
				return c - 0x20
			}
			return c
		}
		lr := unicode.ToLower(r)
		if c, ok := lettersInv[lr]; ok {
			out = append(out, shift(c))
			continue
		}
		if r < 0x80 {
			out = append(out, byte(r))
			continue
		}
		d := []rune(norm.NFD.String(string(lr)))
		base, marks := d[0], string(d[1:])
		// ơ and ư are letters of their own; their tone follows them.
		if strings.HasPrefix(marks, "\u031b") {
			horned := []rune(norm.NFC.String(string(base) + "\u031b"))[0]
			out = append(out, shift(lettersInv[horned]))
			marks = marks[len("\u031b"):]
		} else if base == 'd' {
			t.Fatalf("unexpected %q", r)
		} else {
			b := byte(base)
			if upper {
				b = byte(unicode.ToUpper(base))
			}
			out = append(out, b)
		}
		if marks == "" {
			continue
		}
		// NFD orders a dot below before a circumflex or breve; VNI's
		// bytes name the vowel mark first.
		if m := []rune(marks); len(m) == 2 && m[0] == '\u0323' {
			marks = string([]rune{m[1], m[0]})
		}
		c, ok := marksInv[marks]
		if !ok {
			t.Fatalf("VNI has no mark byte for %q in %q", marks, r)
		}
		out = append(out, shift(c))
	}
	return out
}

// TestFontEncodingAlphabetRoundTrip encodes every letter of the Vietnamese
// alphabet, in both cases, in TCVN3 and VNI, and reads it back.
func TestFontEncodingAlphabetRoundTrip(t *testing.T) {
	letters := vietnameseLetters()
	if len(letters) != 17+12*6 {
		t.Fatalf("%d letters", len(letters))
	}
	for _, l := range letters {
		for _, s := range []string{l, strings.ToUpper(l)} {
			b, caps := encodeTCVN3(t, s)
			if got := decodeTCVN3(b, caps); got != s {
				t.Errorf("TCVN3 %q → % x (H font %v) → %q", s, b, caps, got)
			}
			// A capital drawn by an H font is the lower-case byte.
			if s != l {
				lb, _ := encodeTCVN3(t, l)
				if got := decodeTCVN3(lb, true); got != s {
					t.Errorf("TCVN3 H font % x → %q, want %q", lb, got, s)
				}
			}
			vb := encodeVNI(t, s)
			if got := decodeVNI(vb); got != s {
				t.Errorf("VNI %q → % x → %q", s, vb, got)
			}
			// And inside a word, between ASCII letters.
			if got := decodeVNI(append(append([]byte("th"), vb...), "ng"...)); got != "th"+s+"ng" {
				t.Errorf("VNI th%sng → %q", s, got)
			}
		}
	}
}

// The byte values of the published tables, spot-checked letter by letter
// (TCVN 5712:1993 VN3; VNI-Windows), and two sentences as their fonts'
// users typed them.
func TestFontEncodingTables(t *testing.T) {
	for _, tc := range []struct {
		b    byte
		want string
	}{
		{0xB5, "à"}, {0xB8, "á"}, {0xB6, "ả"}, {0xB7, "ã"}, {0xB9, "ạ"}, {0xA8, "ă"}, {0xBE, "ắ"}, {0xC6, "ặ"},
		{0xA9, "â"}, {0xCA, "ấ"}, {0xCB, "ậ"}, {0xAE, "đ"}, {0xD0, "é"}, {0xD1, "ẹ"}, {0xAA, "ê"}, {0xD5, "ế"},
		{0xD6, "ệ"}, {0xDD, "í"}, {0xDE, "ị"}, {0xE3, "ó"}, {0xE4, "ọ"}, {0xAB, "ô"}, {0xE8, "ố"}, {0xE9, "ộ"},
		{0xAC, "ơ"}, {0xED, "ớ"}, {0xEE, "ợ"}, {0xF3, "ú"}, {0xF4, "ụ"}, {0xAD, "ư"}, {0xF8, "ứ"}, {0xF9, "ự"},
		{0xFD, "ý"}, {0xFE, "ỵ"}, {0xA1, "Ă"}, {0xA2, "Â"}, {0xA3, "Ê"}, {0xA4, "Ô"}, {0xA5, "Ơ"}, {0xA6, "Ư"}, {0xA7, "Đ"},
	} {
		if got := decodeTCVN3([]byte{tc.b}, false); got != tc.want {
			t.Errorf("TCVN3 %#x = %q, want %q", tc.b, got, tc.want)
		}
	}
	for _, tc := range []struct{ in, want string }{
		{"a\xf9", "á"}, {"a\xf8", "à"}, {"a\xfb", "ả"}, {"a\xf5", "ã"}, {"a\xef", "ạ"}, {"a\xea", "ă"}, {"a\xe2", "â"},
		{"a\xe1", "ấ"}, {"a\xe4", "ậ"}, {"a\xe9", "ắ"}, {"a\xeb", "ặ"}, {"e\xe2", "ê"}, {"o\xe2", "ô"}, {"\xf4", "ơ"},
		{"\xf6", "ư"}, {"\xf1", "đ"}, {"\xd1", "Đ"}, {"\xee", "ỵ"}, {"\xf2", "ị"}, {"\xe6", "ỉ"}, {"\xf3", "ĩ"},
		{"A\xc1", "Ấ"}, {"O\xc2", "Ô"}, {"\xd4\xd9", "Ớ"}, {"\xd6\xcf", "Ự"},
	} {
		if got := decodeVNI([]byte(tc.in)); got != tc.want {
			t.Errorf("VNI % x = %q, want %q", tc.in, got, tc.want)
		}
	}
	const want = "Hội nghị tổng kết công tác năm 2020 của các cơ quan Việt Nam và những đại biểu đến dự tại hội trường của tỉnh, đã thảo luận và thống nhất."
	tcvn3 := "Héi nghÞ tæng kÕt c«ng t¸c n¨m 2020 cña c¸c c¬ quan ViÖt Nam vµ nh÷ng ®¹i biÓu ®Õn dù t¹i héi tr\u00adêng cña tØnh, ®· th¶o luËn vµ thèng nhÊt."
	vni := "Hoäi nghò toång keát coâng taùc naêm 2020 cuûa caùc cô quan Vieät Nam vaø nhöõng ñaïi bieåu ñeán döï taïi hoäi tröôøng cuûa tænh, ñaõ thaûo luaän vaø thoáng nhaát."
	if got := convertString(tcvn3, fontTCVN3, cp1252Byte); got != want {
		t.Errorf("TCVN3 sentence:\n got %q\nwant %q", got, want)
	}
	if got := convertString(vni, fontVNI, cp1252Byte); got != want {
		t.Errorf("VNI sentence:\n got %q\nwant %q", got, want)
	}
}

// newsArticle reads the first article of the vi-news corpus with at least
// n paragraphs: real text to write in the legacy encodings.
func newsArticle(t *testing.T, n int) (title string, paras []string) {
	t.Helper()
	f, err := os.Open(corpustest.Path(t, "vi-news", "part-00.jsonl.gz"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(zr)
	sc.Buffer(nil, 1<<22)
	for sc.Scan() {
		var a struct{ Title, Body string }
		if err := json.Unmarshal(sc.Bytes(), &a); err != nil {
			t.Fatal(err)
		}
		var ps []string
		for _, p := range strings.Split(a.Body, "\n") {
			if p = strings.TrimSpace(p); len([]rune(p)) >= 80 {
				ps = append(ps, p)
			}
		}
		if len(ps) >= n {
			return a.Title, ps[:n]
		}
	}
	t.Fatal("no article long enough")
	return "", nil
}

// tcvn3HTML writes text in TCVN3 as a page of that era did: the bytes (as
// windows-1252 characters) under the normal font, each capital VN3 has no
// byte for in a <font face=".VnTimeH"> of its own.
func tcvn3HTML(t *testing.T, s string) string {
	var b strings.Builder
	for _, r := range s {
		enc, caps := encodeTCVN3(t, string(r))
		w := asWindows1252(string(enc))
		if caps {
			w = `<font face=".VnTimeH">` + w + `</font>`
		}
		b.WriteString(w)
	}
	return b.String()
}

// lowerToned lower-cases the capitals TCVN3's normal fonts cannot write,
// as a typist without the H fonts did.
func lowerToned(t *testing.T, s string) string {
	var b strings.Builder
	for _, r := range s {
		if _, caps := encodeTCVN3(t, string(r)); caps {
			r = unicode.ToLower(r)
		}
		b.WriteRune(r)
	}
	return b.String()
}

// windows1252 encodes a page into windows-1252 bytes, writing characters
// it lacks (a Unicode menu's) as character references, as such pages did.
func windows1252(t *testing.T, s string) []byte {
	b, err := encoding.HTMLEscapeUnsupported(charmap.Windows1252.NewEncoder()).String(s)
	if err != nil {
		t.Fatal(err)
	}
	return []byte(b)
}

// legacyMenu is the Unicode template around a legacy story on a portal
// that moved its menus to Unicode first.
const legacyMenu = `<div class="menu"><a href="/">Trang chủ</a> <a href="/tin">Tin tức</a> <a href="/lh">Giá vàng</a> <a href="/x">Liên hệ</a></div>`

// TestLegacyPagesConverted imports TCVN3 and VNI pages built from a real
// article in the ways such pages were written and saved, and checks that
// title and body come back as the article's Unicode text.
func TestLegacyPagesConverted(t *testing.T) {
	title, paras := newsArticle(t, 4)
	body := strings.Join(paras, "\n\n")
	lower := make([]string, len(paras))
	for i, p := range paras {
		lower[i] = lowerToned(t, p)
	}
	vniText := func(s string) string { return asWindows1252(string(encodeVNI(t, s))) }
	tcvn3Plain := func(s string) string { // no H fonts: toned capitals lowered
		b, _ := encodeTCVN3(t, lowerToned(t, s))
		return asWindows1252(string(b))
	}
	page := func(head, titleHTML string, ps []string, wrap func(string) string) string {
		var b strings.Builder
		b.WriteString("<html><head>" + head + "</head><body>" + legacyMenu + `<div class="detail"><h1>` + titleHTML + `</h1>`)
		for _, p := range ps {
			b.WriteString("<p>" + wrap(p) + "</p>")
		}
		b.WriteString("</div></body></html>")
		return b.String()
	}
	tcvn3Paras := func(ps []string) []string {
		out := make([]string, len(ps))
		for i, p := range ps {
			out[i] = tcvn3HTML(t, p)
		}
		return out
	}
	vniParas := make([]string, len(paras))
	plainParas := make([]string, len(paras))
	for i, p := range paras {
		vniParas[i] = vniText(p)
		plainParas[i] = tcvn3Plain(p)
	}
	titleH := `<font face=".VnTimeH">` + tcvn3Plain(strings.ToLower(title)) + `</font>`
	tcvnFont := func(s string) string { return `<font face=".VnTime">` + s + `</font>` }
	none := func(s string) string { return s }
	tcvnHead := `<meta charset="windows-1252"><title>` + tcvn3Plain(title) + `</title>`
	tcvnPage := page(tcvnHead, titleH, tcvn3Paras(paras), tcvnFont)
	tests := []struct {
		name        string
		body        []byte
		title, text string
		enc         []string
	}{
		{"TCVN3 font face, H-font capitals and title", windows1252(t, tcvnPage), strings.ToUpper(title), body, []string{EncodingTCVN3}},
		{"TCVN3 saved again as UTF-8", []byte(strings.Replace(tcvnPage, "windows-1252", "utf-8", 1)), strings.ToUpper(title), body, []string{EncodingTCVN3}},
		{"TCVN3 by CSS class", windows1252(t, page(`<style>p.noidung { color: #333; font-family: ".VnTime", serif }</style>`+tcvnHead, titleH,
			plainParas, none)), strings.ToUpper(title), strings.Join(lower, "\n\n"), []string{EncodingTCVN3}},
		{"TCVN3 font in an external style sheet", windows1252(t, page(tcvnHead, tcvn3Plain(title), plainParas, none)),
			lowerToned(t, title), strings.Join(lower, "\n\n"), []string{EncodingTCVN3}},
		{"TCVN3 undeclared charset", windows1252(t, page(`<title>`+tcvn3Plain(title)+`</title>`, tcvn3Plain(title), plainParas, none)),
			lowerToned(t, title), strings.Join(lower, "\n\n"), []string{EncodingTCVN3}},
		{"VNI font face", windows1252(t, page(`<meta charset="iso-8859-1"><title>`+vniText(title)+`</title>`, vniText(title), vniParas,
			func(s string) string { return `<font face="VNI-Times">` + s + `</font>` })), title, body, []string{EncodingVNI}},
		{"VNI style attribute", windows1252(t, page(`<title>`+vniText(title)+`</title>`, vniText(title), vniParas,
			func(s string) string {
				return `<span style="font-size:10pt; font-family: 'VNI-Times'">` + s + `</span>`
			})), title, body, []string{EncodingVNI}},
		{"VNI undeclared", windows1252(t, page(`<title>`+vniText(title)+`</title>`, vniText(title), vniParas, none)), title, body, []string{EncodingVNI}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := Extract(Input{Body: tt.body})
			if err != nil {
				t.Fatal(err)
			}
			a := res.Article
			if a.Title != tt.title {
				t.Errorf("title %q\n want %q", a.Title, tt.title)
			}
			if a.Body != tt.text {
				t.Errorf("body %.300q\n want %.300q", a.Body, tt.text)
			}
			if strings.Join(res.FontEncodings, ",") != strings.Join(tt.enc, ",") {
				t.Errorf("font encodings %v, want %v", res.FontEncodings, tt.enc)
			}
			if res.Kind != KindArticle {
				t.Errorf("kind %s (%s)", res.Kind, res.Reason)
			}
		})
	}
}

// TestLegacyMixedPageBlockByBlock converts the TCVN3 story and the VNI box
// of a page and leaves its Unicode menu, Latin-1-only words included, alone.
func TestLegacyMixedPageBlockByBlock(t *testing.T) {
	title, paras := newsArticle(t, 3)
	var b strings.Builder
	b.WriteString(`<html><head><meta charset="utf-8"><style>.tcvn{font-family:.VnTime} .vni{font-family:"VNI-Times"}</style></head><body>`)
	b.WriteString(legacyMenu)
	b.WriteString(`<div class="tcvn"><p>` + tcvn3HTML(t, paras[0]) + `</p><p>` + tcvn3HTML(t, paras[1]) + `</p></div>`)
	b.WriteString(`<div class="vni"><p>` + asWindows1252(string(encodeVNI(t, paras[2]))) + `</p></div>`)
	b.WriteString(`<p>` + title + `</p></body></html>`)
	doc, err := html.Parse(strings.NewReader(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	got := convertLegacy(doc, "utf-8")
	if strings.Join(got, ",") != "TCVN3,VNI" {
		t.Errorf("converted %v, want TCVN3 and VNI", got)
	}
	text := textOf(doc)
	for _, want := range append(paras, title, "Trang chủ Tin tức Giá vàng Liên hệ") {
		if !strings.Contains(text, want) {
			t.Errorf("converted page lacks %.80q", want)
		}
	}
}

// TestLegacyLeavesUnicodeAlone checks that a legacy font name left in a
// template around Unicode text, Vietnamese or French, converts nothing.
func TestLegacyLeavesUnicodeAlone(t *testing.T) {
	french := strings.Repeat("<p>Le café de la Mairie, déjà célèbre, a reçu des éloges pour son crème brûlée à l'été dernier.</p>", 5)
	for name, page := range map[string]string{
		"vietnamese":   strings.Replace(viPage(`<meta charset="utf-8">`), `<div class="detail">`, `<div class="detail"><font face=".VnTime">`, 1),
		"french tcvn3": `<html><head><title>Café à Paris</title></head><body><font face=".VnTime"><article>` + french + `</article></font></body></html>`,
		"french vni":   `<html><head><title>Café à Paris</title></head><body><font face="VNI-Times"><article>` + french + `</article></font></body></html>`,
	} {
		res, err := Extract(Input{Body: []byte(page)})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if len(res.FontEncodings) > 0 {
			t.Errorf("%s: converted %v; body %.120q", name, res.FontEncodings, res.Article.Body)
		}
	}
}

// TestLegacyNoFalseConversion runs the whole AEB and vi-pages corpora:
// Unicode, windows-1258 and double-encoded pages are never converted.
func TestLegacyNoFalseConversion(t *testing.T) {
	for _, p := range loadAEB(t) {
		res, err := Extract(Input{Body: p.html, URL: p.url})
		if err != nil {
			t.Errorf("aeb %s: %v", p.id, err)
			continue
		}
		if len(res.FontEncodings) > 0 {
			t.Errorf("aeb %s: converted from %v", p.id, res.FontEncodings)
		}
	}
	dir, _ := loadVI(t)
	var files []string
	for _, sub := range []string{"pages", "portal-block-injected"} {
		fs, _ := filepath.Glob(filepath.Join(dir, sub, "*.html"))
		files = append(files, fs...)
	}
	if len(files) < 40 {
		t.Fatalf("only %d vi-pages files", len(files))
	}
	for _, f := range files {
		res := extractFile(t, f, "")
		if len(res.FontEncodings) > 0 {
			t.Errorf("%s: converted from %v", filepath.Base(f), res.FontEncodings)
		}
	}
	// A windows-1258 page is a real charset, not a font encoding.
	res, err := Extract(Input{Body: toWindows1258(t, viPage(""))})
	if err != nil || len(res.FontEncodings) > 0 || res.Charset != "windows-1258" {
		t.Errorf("windows-1258 page: %v, %s, converted %v", err, res.Charset, res.FontEncodings)
	}
}

// TestLegacyUnconvertibleStillReported keeps the refusal for legacy text
// that cannot be converted: here a CMS appended a Unicode credit inside each
// TCVN3 paragraph, so no paragraph is bytes of one encoding. The page is
// reported with its reason, not indexed as garbage.
func TestLegacyUnconvertibleStillReported(t *testing.T) {
	_, paras := newsArticle(t, 3)
	var b strings.Builder
	b.WriteString(`<html><head><meta charset="utf-8"><title>Tin</title></head><body><div class="content">`)
	for _, p := range paras {
		enc, _ := encodeTCVN3(t, lowerToned(t, p))
		b.WriteString("<p>" + asWindows1252(string(enc)) + " (Nguồn: Báo Điện tử)</p>")
	}
	b.WriteString(`</div></body></html>`)
	_, err := Extract(Input{Body: []byte(b.String())})
	if !errors.Is(err, ErrLegacyEncoding) || !strings.Contains(err.Error(), "TCVN3") {
		t.Fatalf("err = %v, want ErrLegacyEncoding naming TCVN3", err)
	}
}

// TestMentionsLegacyFont checks the cheap test that decides whether a style
// sheet is read at all: it must see every legacy family name and skip host
// names; a class named like one (".vnexpress") only costs a parse.
func TestMentionsLegacyFont(t *testing.T) {
	for css, want := range map[string]bool{
		`p{font-family:.VnTime}`:                        true,
		`.a { font: bold 12pt ".VnArialH", serif }`:     true,
		`span{font-family: 'VNI-Times'}`:                true,
		`td{font-family:vni times}`:                     true,
		`.logo{background:url(//baobinhdinh.vn/a.png)}`: false,
		`.envi-box{color:red}`:                          false,
		`body{font-family:Arial,Tahoma}`:                false,
	} {
		if got := mentionsLegacyFont(css); got != want {
			t.Errorf("mentionsLegacyFont(%q) = %v, want %v", css, got, want)
		}
	}
}
