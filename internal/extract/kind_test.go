package extract

import (
	"fmt"
	"strings"
	"testing"
)

// listingPage builds a portal category page: ten stories, each a linked
// title, a date and a one-sentence summary.
func listingPage(withDates bool) string {
	var b strings.Builder
	b.WriteString(`<html><head><meta charset="utf-8"><title>Công tác đảng - Cổng thông tin điện tử phường</title></head><body>`)
	b.WriteString(`<div class="menu"><a href="/">Trang chủ</a> <a href="/tin-tuc">Tin tức</a> <a href="/van-ban">Văn bản</a></div><div class="list-content">`)
	for i := 1; i <= 10; i++ {
		fmt.Fprintf(&b, `<div class="item"><h3><a href="/tin-tuc/cong-tac-dang/bai-%d.html">Hội nghị sơ kết công tác số %d của chi bộ khu dân cư</a></h3>`, i, i)
		if withDates {
			fmt.Fprintf(&b, `<div class="time">%02d/09/2021</div>`, 28-i)
		}
		fmt.Fprintf(&b, `<p>Chi bộ khu dân cư số %d đã tổ chức hội nghị, đánh giá kết quả thực hiện nhiệm vụ và đề ra phương hướng cho thời gian tới.</p></div>`, i)
	}
	b.WriteString(`</div><div class="paging"><a href="?page=2">2</a> <a href="?page=3">3</a></div></body></html>`)
	return b.String()
}

func TestListingPages(t *testing.T) {
	tests := []struct {
		name, page, url string
	}{
		{"dated category list", listingPage(true), ""},
		{"undated category list", listingPage(false), ""},
		{"category URL", listingPage(false), "https://phuong.example.gov.vn/chuyen-muc/cong-tac-dang"},
		{"search URL", listingPage(false), "https://phuong.example.gov.vn/tim-kiem?q=hoi+nghi"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := Extract(Input{Body: []byte(tt.page), URL: tt.url})
			if err != nil {
				t.Fatal(err)
			}
			if res.Kind == KindArticle || res.Reason == "" {
				t.Errorf("kind %s (%q), want a listing", res.Kind, res.Reason)
			}
		})
	}
}

// TestConcurrentUse checks that Extract keeps no shared state: the importer
// runs it from a worker pool.
func TestConcurrentUse(t *testing.T) {
	pages := []string{listingPage(true), viPage(""), asWindows1252(viPage(""))}
	want := make([]Result, len(pages))
	for i, p := range pages {
		r, err := Extract(Input{Body: []byte(p)})
		if err != nil {
			t.Fatal(err)
		}
		want[i] = r
	}
	errs := make(chan string, 64)
	done := make(chan bool)
	for w := 0; w < 8; w++ {
		go func(w int) {
			for k := 0; k < 20; k++ {
				i := (w + k) % len(pages)
				r, err := Extract(Input{Body: []byte(pages[i])})
				if err != nil || r.Article.Body != want[i].Article.Body || r.Kind != want[i].Kind || r.Article.Title != want[i].Article.Title {
					errs <- fmt.Sprintf("page %d differs under concurrency (err %v)", i, err)
				}
			}
			done <- true
		}(w)
	}
	for w := 0; w < 8; w++ {
		<-done
	}
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}
