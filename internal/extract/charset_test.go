package extract

import (
	"bytes"
	"net/http"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/unicode/norm"
)

const viTitle = "Hội nghị tổng kết công tác Đảng năm 2023 của huyện Yên Thế"

var viParas = []string{
	"Sáng ngày 15/12, Huyện ủy Yên Thế tổ chức hội nghị tổng kết công tác xây dựng Đảng năm 2023, triển khai nhiệm vụ trọng tâm năm 2024 với sự tham dự của đại diện các ban, ngành và lãnh đạo các xã, thị trấn.",
	"Theo báo cáo, trong năm các tổ chức cơ sở đảng đã kết nạp được nhiều đảng viên mới; công tác kiểm tra, giám sát được tiến hành thường xuyên, đúng quy định; đời sống của người dân từng bước được cải thiện rõ rệt.",
	"Phát biểu kết luận, đồng chí Bí thư Huyện ủy đề nghị các cấp ủy khắc phục những hạn chế đã chỉ ra, đẩy mạnh cải cách hành chính và chăm lo tốt hơn nữa cho người có công, hộ nghèo trong dịp Tết Nguyên đán.",
}

// viPage builds a small Vietnamese article page; meta is put in the head.
func viPage(meta string) string {
	var b strings.Builder
	b.WriteString("<html><head>" + meta + "<title>" + viTitle + "</title></head><body>")
	b.WriteString(`<div class="menu"><a href="/">Trang chủ</a> <a href="/tin">Tin tức</a> <a href="/lh">Liên hệ</a></div>`)
	b.WriteString(`<div class="detail"><h1>` + viTitle + `</h1><div class="date">Thứ Sáu, 15/12/2023, 10:20</div>`)
	for _, p := range viParas {
		b.WriteString("<p>" + p + "</p>")
	}
	b.WriteString("</div></body></html>")
	return b.String()
}

// toWindows1258 encodes NFC text as windows-1258, which has the letters
// â ê ô ă ơ ư đ precomposed but writes the five tones as combining marks.
func toWindows1258(t *testing.T, s string) []byte {
	t.Helper()
	enc := charmap.Windows1258.NewEncoder()
	var out bytes.Buffer
	for _, r := range norm.NFC.String(s) {
		if b, err := enc.String(string(r)); err == nil {
			out.WriteString(b)
			continue
		}
		var base, tones []rune
		for _, d := range norm.NFD.String(string(r)) {
			switch d {
			case '\u0300', '\u0301', '\u0303', '\u0309', '\u0323':
				tones = append(tones, d)
			default:
				base = append(base, d)
			}
		}
		b, err := enc.String(norm.NFC.String(string(base)) + string(tones))
		if err != nil {
			t.Fatalf("cannot encode %q in windows-1258: %v", r, err)
		}
		out.WriteString(b)
	}
	return out.Bytes()
}

func wantVIArticle(t *testing.T, res Result, charset string) {
	t.Helper()
	a := res.Article
	if res.Charset != charset {
		t.Errorf("charset %q, want %q", res.Charset, charset)
	}
	if a.Title != viTitle {
		t.Errorf("title %q, want %q", a.Title, viTitle)
	}
	if want := strings.Join(viParas, "\n\n"); a.Body != want {
		t.Errorf("body %q, want %q", a.Body, want)
	}
	if !norm.NFC.IsNormalString(a.Body) || !norm.NFC.IsNormalString(a.Title) {
		t.Errorf("output not NFC")
	}
	if got := a.Published.Format("2006-01-02 15:04 -07:00"); got != "2023-12-15 10:20 +07:00" {
		t.Errorf("published %s", got)
	}
}

func TestCharsets(t *testing.T) {
	utf16 := func(s string, e unicode.Endianness) []byte {
		b, err := unicode.UTF16(e, unicode.UseBOM).NewEncoder().Bytes([]byte(s))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	// A page decoded as windows-1252 and saved again as UTF-8: "Há»™i".
	mojibake := asWindows1252(viPage(`<meta charset="utf-8">`))
	// Twice: the repair must undo both rounds.
	twice := asWindows1252(mojibake)
	longHead := "<!-- " + strings.Repeat("bình luận của hệ thống quản trị nội dung ", 60) + " -->"
	tests := []struct {
		name    string
		body    []byte
		header  http.Header
		charset string
	}{
		{"utf-8 meta", []byte(viPage(`<meta charset="utf-8">`)), nil, "utf-8"},
		{"utf-8 undeclared", []byte(viPage("")), nil, "utf-8"},
		{"utf-8 BOM", append([]byte{0xEF, 0xBB, 0xBF}, viPage("")...), nil, "utf-8"},
		{"utf-16le BOM", utf16(viPage(""), unicode.LittleEndian), nil, "utf-16le"},
		{"utf-16be BOM", utf16(viPage(""), unicode.BigEndian), nil, "utf-16be"},
		{"windows-1258 meta charset", toWindows1258(t, viPage(`<meta charset="windows-1258">`)), nil, "windows-1258"},
		{"windows-1258 http-equiv", toWindows1258(t, viPage(`<meta http-equiv="Content-Type" content="text/html; charset=windows-1258">`)), nil, "windows-1258"},
		{"windows-1258 meta after 1 KB", toWindows1258(t, strings.Replace(viPage(`<meta content="text/html; charset=windows-1258" http-equiv="Content-Type">`), "<head>", "<head>"+longHead, 1)), nil, "windows-1258"},
		{"windows-1258 HTTP header", toWindows1258(t, viPage("")), http.Header{"Content-Type": {"text/html; charset=windows-1258"}}, "windows-1258"},
		{"windows-1258 undeclared", toWindows1258(t, viPage("")), nil, "windows-1258"},
		{"header beats meta", toWindows1258(t, viPage(`<meta charset="iso-8859-1">`)), http.Header{"Content-Type": {"text/html; charset=windows-1258"}}, "windows-1258"},
		{"utf-8 mislabelled latin-1", []byte(viPage(`<meta charset="iso-8859-1">`)), nil, "utf-8"},
		{"double-encoded utf-8", []byte(mojibake), nil, "utf-8"},
		{"double-encoded twice", []byte(twice), nil, "utf-8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.charset == "windows-1258" && utf8.Valid(tt.body) {
				t.Fatalf("test page is valid UTF-8; the encoder did nothing")
			}
			res, err := Extract(Input{Body: tt.body, Header: tt.header})
			if err != nil {
				t.Fatal(err)
			}
			wantVIArticle(t, res, tt.charset)
			if len(res.FontEncodings) > 0 {
				t.Errorf("converted from %v: a real charset is no font encoding", res.FontEncodings)
			}
		})
	}
}

// TestMojibakeLeavesLatinAlone checks that repair does not touch correct
// text that merely has Latin-1 letters.
func TestMojibakeLeavesLatinAlone(t *testing.T) {
	page := `<html><head><meta charset="utf-8"><title>Café à Paris</title></head><body><article>` +
		strings.Repeat("<p>Le café de la Mairie, déjà célèbre, a reçu des éloges pour son crème brûlée à l'été dernier.</p>", 5) +
		`</article></body></html>`
	res, err := Extract(Input{Body: []byte(page)})
	if err != nil {
		t.Fatal(err)
	}
	if res.Article.Title != "Café à Paris" || !strings.Contains(res.Article.Body, "crème brûlée à l'été") {
		t.Errorf("latin text changed: %q / %.80q", res.Article.Title, res.Article.Body)
	}
}

// asWindows1252 reads the bytes of s as windows-1252 the way browsers do
// (WHATWG: the five undefined bytes become C1 controls), which is how
// double-encoded pages come about.
func asWindows1252(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		r := charmap.Windows1252.DecodeByte(s[i])
		if r == utf8.RuneError {
			r = rune(s[i])
		}
		b.WriteRune(r)
	}
	return b.String()
}
