package extract

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

func TestLimits(t *testing.T) {
	tests := []struct {
		name string
		body []byte
		err  error // nil: must succeed
		kind Kind
	}{
		{"over size limit", bytes.Repeat([]byte("a"), MaxPageBytes+1), ErrTooLarge, ""},
		{"100000 nested divs", []byte("<html><body>" + strings.Repeat("<div>", 100000) + "x"), ErrParse, ""},
		{"100000 nested inline", []byte("<html><body><p>" + strings.Repeat("<b><i>", 50000) + "x"), ErrParse, ""},
		{"100000 unclosed tables", []byte("<html><body>" + strings.Repeat("<table><tr><td>", 34000)), ErrParse, ""},
		{"gzip bytes", []byte{0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00}, ErrBinary, ""},
		{"png", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), ErrBinary, ""},
		{"NUL bytes", append([]byte("<html>"), make([]byte, 64)...), ErrBinary, ""},
		{"empty", nil, nil, KindEmpty},
		{"only markup", []byte("<html><head></head><body><div><span></span></div></body></html>"), nil, KindEmpty},
		{"flat 30000 paragraphs", []byte("<html><body>" + strings.Repeat("<p>Một câu ngắn, có dấu phẩy.</p>", 30000)), nil, KindArticle},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start := time.Now()
			res, err := Extract(Input{Body: tt.body})
			if d := time.Since(start); d > 10*time.Second {
				t.Errorf("took %v", d)
			}
			if tt.err != nil {
				if !errors.Is(err, tt.err) {
					t.Fatalf("err = %v, want %v", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if res.Kind != tt.kind {
				t.Errorf("kind %s (%s), want %s", res.Kind, res.Reason, tt.kind)
			}
			if res.Kind != KindArticle && res.Reason == "" {
				t.Errorf("no reason given for kind %s", res.Kind)
			}
		})
	}
}

func TestErrorPages(t *testing.T) {
	for _, page := range []string{
		`<html><head><title>404 Not Found</title></head><body><h1>Not Found</h1><p>The requested URL was not found on this server.</p></body></html>`,
		`<html><head><title>Không tìm thấy trang</title></head><body><div class="content"><h1>Không tìm thấy trang</h1><p>Trang bạn yêu cầu không tồn tại hoặc đã bị xóa. Vui lòng quay lại trang chủ.</p></div></body></html>`,
	} {
		res, err := Extract(Input{Body: []byte(page), URL: "https://example.vn/tin-tuc/abc.html"})
		if err != nil {
			t.Fatal(err)
		}
		if res.Kind != KindError || res.Reason == "" {
			t.Errorf("kind %s reason %q, want error page", res.Kind, res.Reason)
		}
	}
}

func TestHomepageByURL(t *testing.T) {
	res, err := Extract(Input{Body: []byte(viPage("")), URL: "https://www.example.vn/"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Kind != KindHomepage {
		t.Errorf("kind %s, want homepage for the site root", res.Kind)
	}
	if res.Article.Site != "example.vn" {
		t.Errorf("site %q", res.Article.Site)
	}
}

func TestParseVisibleDate(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Thứ Năm, 16/07/2020, 13:40", "2020-07-16T13:40:00+07:00"},
		{"16:41, 06/08/2018", "2018-08-06T16:41:00+07:00"},
		{"Ngày đăng 25/09/2020 | 21:01 | Lượt xem: 59", "2020-09-25T21:01:00+07:00"},
		{"Ngày cập nhật 16/12/2011", "2011-12-16T00:00:00+07:00"},
		{"Thứ tư, 22/10/2025, 19:25 (GMT+7)", "2025-10-22T19:25:00+07:00"},
		{"06-08-2018", "2018-08-06T00:00:00+07:00"},
		{"ngày 16 tháng 7 năm 2020", "2020-07-16T00:00:00+07:00"},
		{"15:20 PM | 21/12/2012", "2012-12-21T15:20:00+07:00"},
		{"Thứ Bảy 19/12/2020 - 16:15", "2020-12-19T16:15:00+07:00"},
		{"Cập nhật: 09:30 GMT+9, 03.11.2019", "2019-11-03T09:30:00+09:00"},
		{"Nov. 18, 2019 7:45 am", "2019-11-18T07:45:00+07:00"},
	}
	for _, tt := range tests {
		got, ok := parseVisibleDate(tt.in)
		if !ok {
			t.Errorf("%q: no date", tt.in)
			continue
		}
		if s := got.Format(time.RFC3339); s != tt.want {
			t.Errorf("%q: %s, want %s", tt.in, s, tt.want)
		}
	}
	// Month-first pages (US-style forums): told by the page, or by a date
	// that cannot be read day first.
	if got, ok := parseVisibleDateOrder("Published on 03-08-2011 01:00 AM", true); !ok || got.Format(time.RFC3339) != "2011-03-08T01:00:00+07:00" {
		t.Errorf("month-first: %v %v", got, ok)
	}
	if got, ok := parseVisibleDate("12-24-2012 02:17 PM"); !ok || got.Format(time.RFC3339) != "2012-12-24T14:17:00+07:00" {
		t.Errorf("unambiguous month-first: %v %v", got, ok)
	}
	for _, bad := range []string{"31/02/2020", "lúc 10:30", "Tổng truy cập 26,144,383", "99/99/2020"} {
		if got, ok := parseVisibleDate(bad); ok {
			t.Errorf("%q: parsed as %v, want no date", bad, got)
		}
	}
}

func TestURLDate(t *testing.T) {
	tests := []struct{ in, want string }{
		{"https://www.hawaiinewsnow.com/2019/11/19/scientists-use-telescope/", "2019-11-19"},
		{"http://soha.vn/giai-tri/can-lo-lo-20121225102525545.htm", "2012-12-25"},
		{"https://example.vn/tin-tuc/abc-123.html", ""},
	}
	for _, tt := range tests {
		got, ok := urlDate(tt.in)
		s := ""
		if ok {
			s = got.Format("2006-01-02")
		}
		if s != tt.want {
			t.Errorf("%s: %q, want %q", tt.in, s, tt.want)
		}
	}
}

// FuzzExtract checks that no input makes Extract panic and that every text
// field of a result is valid UTF-8.
func FuzzExtract(f *testing.F) {
	pages, _ := filepath.Glob("testdata/*.html")
	for _, p := range pages {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte(viPage(`<meta charset="windows-1258">`)))
	f.Add([]byte(asWindows1252(viPage(""))))
	f.Add([]byte("<html><head><script type=\"application/ld+json\">{\"@graph\":[{\"@type\":\"NewsArticle\",\"author\":[{\"name\":\"A\"}]}]}</script></head></html>"))
	f.Add([]byte("\xff\xfe<\x00h\x00"))
	f.Add([]byte("<html><head><title>zqone " + strings.Repeat("y", 20000) + "</title></head><body><article><p>th" +
		strings.Repeat("x", 5000) + " kết thúc</p></article></body></html>"))
	f.Fuzz(func(t *testing.T, b []byte) {
		res, err := Extract(Input{Body: b, URL: "http://example.vn/2020/01/02/x.html"})
		if err != nil {
			return
		}
		a := res.Article
		fields := append([]string{a.URL, a.Title, a.Lead, a.Body, a.Author, a.Section, a.Site, a.Lang, res.Reason, res.Charset, string(res.Kind)}, a.Keywords...)
		for i, s := range fields {
			if !utf8.ValidString(s) {
				t.Fatalf("field %d not valid UTF-8: %q", i, s)
			}
		}
		if res.Kind == "" {
			t.Fatal("no kind")
		}
	})
}
