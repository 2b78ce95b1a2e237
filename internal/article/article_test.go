package article

import (
	"encoding/json"
	"testing"
	"time"
)

func TestCanonicalURL(t *testing.T) {
	for in, want := range map[string]string{
		"HTTPS://VnExpress.NET:443/a/b/?utm_source=fb&x=2&fbclid=9#top": "https://vnexpress.net/a/b?x=2",
		"http://a.vn:80":              "http://a.vn/",
		"http://a.vn/x?b=2&a=1":       "http://a.vn/x?a=1&b=2",
		"https://a.vn:8443/x/":        "https://a.vn:8443/x",
		"  https://user:pw@a.vn/p  ":  "https://a.vn/p",
		"not a url":                   "not a url",
		"https://a.vn/tin?gclid=1":    "https://a.vn/tin",
		"https://a.vn/%C4%91%C3%A0-n": "https://a.vn/%C4%91%C3%A0-n",
	} {
		if got := CanonicalURL(in); got != want {
			t.Errorf("CanonicalURL(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestIDsAreStable(t *testing.T) {
	a := Article{URL: "https://a.vn/x?utm_medium=1", Title: "T"}
	b := Article{URL: "HTTPS://A.VN/x/", Title: "Other title"}
	a.EnsureID()
	b.EnsureID()
	if a.ID != b.ID || a.ID == "" {
		t.Errorf("ids of one URL differ: %q %q", a.ID, b.ID)
	}
	c := Article{Title: "T", Body: "B"}
	d := Article{Title: "T", Body: "B"}
	c.EnsureID()
	d.EnsureID()
	if c.ID != d.ID || c.ID == a.ID {
		t.Errorf("content ids: %q %q", c.ID, d.ID)
	}
	e := Article{ID: "given", URL: "https://a.vn/x"}
	e.EnsureID()
	if e.ID != "given" {
		t.Errorf("a given id was replaced: %q", e.ID)
	}
}

func TestUnmarshalImportLine(t *testing.T) {
	var a Article
	err := json.Unmarshal([]byte(`{"title":"T","body":"B","published":"2020-07-16","authors":["A","B"],"updated":"2020-07-16T13:40:00+07:00"}`), &a)
	if err != nil {
		t.Fatal(err)
	}
	if !a.Published.Equal(time.Date(2020, 7, 16, 0, 0, 0, 0, Vietnam)) || a.Author != "A, B" || a.Updated.Hour() != 13 {
		t.Errorf("parsed %+v", a)
	}
	for _, bad := range []string{`{"title":"T","published":"16/07/2020"}`, `{"title":1}`} {
		if err := json.Unmarshal([]byte(bad), &a); err == nil {
			t.Errorf("%s: no error", bad)
		}
	}
	if err := (&Article{Title: " "}).Validate(); err != ErrEmpty {
		t.Errorf("blank article validated: %v", err)
	}
}

func TestIsWebURL(t *testing.T) {
	for in, want := range map[string]bool{"https://a.vn/x": true, "HTTP://a.vn": true, "javascript:alert(1)": false,
		"file:///etc/passwd": false, "/relative": false, "data:text/html,x": false} {
		if IsWebURL(in) != want {
			t.Errorf("IsWebURL(%q) = %v", in, !want)
		}
	}
}

// Leads from the sample pages: most bodies open with their lead, once in
// full and once cut short by the site's meta description.
func TestLeadRepeated(t *testing.T) {
	for _, tc := range []struct {
		lead, body string
		want       bool
	}{
		{"Ngày 02/8/2017, Ban Chỉ đạo Quy chế dân chủ cơ sở Đảng ủy khối tổ chức Hội nghị giao ban quý 2 và triển khai công tác 6 tháng cuối năm 2017.",
			"Ngày 02/8/2017, Ban Chỉ đạo Quy chế dân chủ cơ sở Đảng ủy khối tổ chức Hội nghị giao ban quý 2 và triển khai công tác 6 tháng cuối năm 2017.\n\nĐánh giá thực hiện nhiệm vụ", true},
		{"Tiếp tục chương trình công tác, chiều ngày 6-8, Đoàn kiểm tra của Tỉnh ủy do đồng chí Bùi Hải Tú, Tỉnh ủy viên, Phó Chủ nhiệm Thường trực Ủy ban Kiểm tra Tỉnh...",
			"Tiếp tục chương trình công tác, chiều ngày 6-8, Đoàn kiểm tra của Tỉnh ủy do đồng chí Bùi Hải Tú, Tỉnh ủy viên, Phó Chủ nhiệm Thường trực Ủy ban Kiểm tra Tỉnh ủy làm Trưởng đoàn", true},
		{"Ngày 15/7,  Ban Dân vận\nTỉnh ủy tổ chức Hội nghị.", "Ngày 15/7, Ban Dân vận Tỉnh ủy tổ chức Hội nghị.\n\nQuang cảnh Hội nghị", true},
		{"Bầy hồng hạc đã về đầm lầy.", "Đoạn hai nói chuyện khác.", false},
		{"", "Một bài không có sapo.", false},
	} {
		a := Article{Lead: tc.lead, Body: tc.body}
		if got := a.LeadRepeated(); got != tc.want {
			t.Errorf("lead %.40q: repeated %v, want %v", tc.lead, got, tc.want)
		}
		want := tc.lead + "\n\n" + tc.body
		if tc.want || tc.lead == "" {
			want = tc.body
		}
		if got := a.Text(); got != want {
			t.Errorf("lead %.40q: Text() = %.80q, want %.80q", tc.lead, got, want)
		}
	}
}
