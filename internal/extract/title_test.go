package extract

import (
	"strings"
	"testing"
)

// TestTitleSuffixes checks that site names and sections are cut from
// <title>/og:title when no heading on the page confirms the title.
func TestTitleSuffixes(t *testing.T) {
	body := strings.Repeat("<p>Nội dung bài viết đủ dài để là một bài báo, có dấu phẩy, có dấu chấm và nhiều chữ.</p>", 6)
	tests := []struct{ head, url, want string }{
		{`<title>Đau bụng kéo dài - Báo VnExpress Sức khỏe</title>`, "", "Đau bụng kéo dài"},
		{`<title>Giá xăng giảm mạnh | VnExpress</title>`, "https://vnexpress.net/gia-xang-1.html", "Giá xăng giảm mạnh"},
		{`<title>Chốt lịch nghỉ Tết của công chức - Sự kiện - Dân trí</title><meta property="article:section" content="Sự kiện">`, "", "Chốt lịch nghỉ Tết của công chức"},
		{`<title>Thiếu tiền, xách dao đi đòi nợ | Pháp luật | Người Lao Động Online</title>`, "", "Thiếu tiền, xách dao đi đòi nợ"},
		{`<meta property="og:title" content="Hội nghị sơ kết quý III - Cổng thông tin điện tử tỉnh"><title>x</title>`, "", "Hội nghị sơ kết quý III"},
		{`<title>Mùa thu Hà Nội – Tạp chí Văn nghệ</title><meta property="og:site_name" content="Tạp chí Văn nghệ">`, "", "Mùa thu Hà Nội"},
		{`<title>Bộ Y tế: Không để thiếu thuốc - Ảnh</title>`, "", "Bộ Y tế: Không để thiếu thuốc"},
		// A dash inside the headline is not a suffix.
		{`<title>Việt Nam - Nhật Bản ký kết hợp tác giáo dục</title>`, "", "Việt Nam - Nhật Bản ký kết hợp tác giáo dục"},
		{`<title>Apple unveils new MacBook Pro | TechCrunch</title><meta property="og:site_name" content="TechCrunch">`, "", "Apple unveils new MacBook Pro"},
	}
	for _, tt := range tests {
		page := "<html><head>" + tt.head + "</head><body><div class=\"content\">" + body + "</div></body></html>"
		res, err := Extract(Input{Body: []byte(page), URL: tt.url})
		if err != nil {
			t.Fatal(err)
		}
		if res.Article.Title != tt.want {
			t.Errorf("%s: title %q, want %q", tt.head, res.Article.Title, tt.want)
		}
	}
}
