package extract

import (
	"strings"
	"testing"
	"time"
)

// TestMetadata checks the metadata sources one by one on small pages.
func TestMetadata(t *testing.T) {
	story := strings.Repeat("<p>Đây là một đoạn văn của bài báo, có dấu phẩy, đủ dài để được chọn làm nội dung chính của trang.</p>", 5)
	page := func(head, body string) []byte {
		return []byte("<html><head>" + head + "</head><body>" + body + "<div class=\"content\">" + story + "</div></body></html>")
	}
	type want struct {
		title, author, section, site, url, lang, published, updated string
		keywords                                                    []string
	}
	tests := []struct {
		name string
		in   Input
		want want
	}{
		{"json-ld graph with author list", Input{Body: page(`<script type="application/ld+json">{"@context":"https://schema.org","@graph":[
			{"@type":"WebSite","name":"Báo Mẫu"},
			{"@type":["NewsArticle"],"headline":"Tiêu đề từ JSON-LD","datePublished":"2021-03-04T05:06:07+07:00","dateModified":"2021-03-05T08:00:00+07:00",
			 "author":[{"@type":"Person","name":"Nguyễn Văn A"},{"@type":"Person","name":"Trần Thị B"}],
			 "articleSection":["Thời sự"],"keywords":"giáo dục, thi cử","mainEntityOfPage":{"@id":"https://baomau.vn/tieu-de-123.html"}}]}</script>`, "")},
			want{title: "Tiêu đề từ JSON-LD", author: "Nguyễn Văn A, Trần Thị B", section: "Thời sự", site: "baomau.vn",
				url: "https://baomau.vn/tieu-de-123.html", lang: "vi", published: "2021-03-04T05:06:07+07:00", updated: "2021-03-05T08:00:00+07:00",
				keywords: []string{"giáo dục", "thi cử"}}},
		{"opengraph and meta", Input{Body: page(`<meta property="og:title" content="Tiêu đề OG - Báo Mẫu"><meta property="og:site_name" content="Báo Mẫu">
			<meta property="og:url" content="https://www.BaoMau.vn/og-1.html"><meta property="article:published_time" content="2020-07-16T13:40:00+07:00">
			<meta property="article:section" content="Kinh tế"><meta property="article:author" content="Lê Văn C"><meta name="keywords" content="xăng dầu; giá cả">`, "")},
			want{title: "Tiêu đề OG", author: "Lê Văn C", section: "Kinh tế", site: "baomau.vn", url: "https://www.BaoMau.vn/og-1.html",
				lang: "vi", published: "2020-07-16T13:40:00+07:00", keywords: []string{"xăng dầu", "giá cả"}}},
		{"relative canonical, zone-less meta date, time element", Input{URL: "http://tinh.example.gov.vn/tin/abc.aspx?id=5", Body: page(
			`<title>Tin địa phương</title><link rel="canonical" href="/tin/abc-5.html"><meta name="pubdate" content="2019-01-02 03:04:05">`,
			`<h1>Tin địa phương</h1><time datetime="2019-01-02T09:00:00+07:00">2/1/2019</time>`)},
			want{title: "Tin địa phương", site: "tinh.example.gov.vn", url: "http://tinh.example.gov.vn/tin/abc-5.html", lang: "vi",
				published: "2019-01-02T03:04:05+07:00"}},
		{"visible byline and breadcrumb", Input{Body: page(`<title>Một bài viết</title><html lang="vi">`,
			`<div class="breadcrumb"><a href="/">Trang chủ</a> › <a href="/xa-hoi">Xã hội</a></div><h1>Một bài viết</h1>
			<div class="author">Tác giả: Phạm Minh D</div><div class="date">Cập nhật 10:15, 05/06/2022</div>`)},
			want{title: "Một bài viết", author: "Phạm Minh D", section: "Xã hội", lang: "vi", published: "2022-06-05T10:15:00+07:00",
				updated: "2022-06-05T10:15:00+07:00"}},
		// The story mentions 02/8/2017; the URL says when it was published.
		{"url date beats story date", Input{URL: "https://example.com/2018/05/09/story.html", Body: page(`<title>Story</title>`,
			`<h1>Story</h1><p>Ngày 02/8/2017, hội nghị đã diễn ra tại hội trường lớn của tỉnh, với sự tham dự của nhiều đại biểu.</p>`)},
			want{title: "Story", site: "example.com", url: "https://example.com/2018/05/09/story.html", lang: "vi", published: "2018-05-09T00:00:00+07:00"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := Extract(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			a := res.Article
			date := func(tm time.Time) string {
				if tm.IsZero() {
					return ""
				}
				return tm.Format(time.RFC3339)
			}
			got := want{a.Title, a.Author, a.Section, a.Site, a.URL, a.Lang, date(a.Published), date(a.Updated), a.Keywords}
			if strings.Join(got.keywords, "|") != strings.Join(tt.want.keywords, "|") {
				t.Errorf("keywords %q, want %q", got.keywords, tt.want.keywords)
			}
			got.keywords, tt.want.keywords = nil, nil
			if got.title != tt.want.title || got.author != tt.want.author || got.section != tt.want.section || got.site != tt.want.site ||
				got.url != tt.want.url || got.lang != tt.want.lang || got.published != tt.want.published || got.updated != tt.want.updated {
				t.Errorf("\n got %+v\nwant %+v", got, tt.want)
			}
		})
	}
}
