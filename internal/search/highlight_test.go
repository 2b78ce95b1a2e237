package search

import (
	"strings"
	"testing"
)

func TestHighlight(t *testing.T) {
	for _, tc := range []struct {
		q, text, want string
	}{
		{"quy che", "Thực hiện Quy chế dân chủ", "Thực hiện <mark>Quy chế</mark> dân chủ"},
		{"quy chế", "quy chế và QUY CHẾ", "<mark>quy chế</mark> và <mark>QUY CHẾ</mark>"},
		{`"dân chủ"`, "dân, chủ", "<mark>dân</mark>, <mark>chủ</mark>"},
		{"hoa binh", "Thủy điện Hòa Bình", "Thủy điện <mark>Hòa Bình</mark>"},
		{"da nang", "Đến Đà Nẵng.", "Đến <mark>Đà Nẵng</mark>."},
		{"thuy*", "thủy điện Thuỵ Khuê", "<mark>thủy</mark> điện <mark>Thuỵ</mark> Khuê"},
		{"alert", "<script>alert(1)</script> & co", "&lt;script&gt;<mark>alert</mark>(1)&lt;/script&gt; &amp; co"},
		{"x -dân", "dân x", "dân <mark>x</mark>"},
		{"site:dân", "dân", "dân"},
		// Marks typed are marks meant: only what matched is marked.
		{"thủ tướng", "Thủ tướng thăm thu hoạch, thứ tư tưởng tượng", "<mark>Thủ tướng</mark> thăm thu hoạch, thứ tư tưởng tượng"},
		{"thu tướng", "Thủ tướng và tượng", "<mark>Thủ tướng</mark> và tượng"},
		{"thu tướng", "Thủ tướng và thu hoạch", "Thủ <mark>tướng</mark> và <mark>thu</mark> hoạch"},
		{"việt nam", "Việt Nam năm nay", "<mark>Việt Nam</mark> năm nay"},
		{"việt nam", "tiếng Việt năm nay", "tiếng <mark>Việt năm</mark> nay"},
		{"hoà", "Hòa và hoa, HOÀ", "<mark>Hòa</mark> và hoa, <mark>HOÀ</mark>"},
		{"hòa", "Hòa và hoa", "<mark>Hòa</mark> và hoa"},
		{"thuỷ*", "thủy điện thụy", "<mark>thủy</mark> điện thụy"},
	} {
		q, err := Parse(tc.q)
		if err != nil {
			t.Fatal(err)
		}
		if got := newHighlighter(q).Mark(tc.text); got != tc.want {
			t.Errorf("q=%q Mark(%q) = %q, want %q", tc.q, tc.text, got, tc.want)
		}
	}
}

func TestSnippet(t *testing.T) {
	filler := strings.Repeat("Một câu không liên quan gì đến truy vấn. ", 40)
	text := filler + "Hội nghị bàn về quy chế dân chủ ở cơ sở.\n\nĐoạn sau. " + filler
	q, _ := Parse("quy che dan chu")
	s := newHighlighter(q).Snippet(text)
	if !strings.Contains(s, "<mark>quy chế dân chủ</mark>") {
		t.Errorf("snippet misses the match: %q", s)
	}
	if !strings.HasPrefix(s, "… ") || !strings.HasSuffix(s, " …") {
		t.Errorf("snippet cut from the middle should show ellipses: %q", s)
	}
	if strings.Contains(s, "\n") {
		t.Errorf("snippet keeps line breaks: %q", s)
	}
	if n := len(s); n > snippetBytes+80 {
		t.Errorf("snippet is %d bytes", n)
	}
	// No match: the start of the text.
	s = newHighlighter(q).Snippet("Đoạn <b>đầu</b>. " + filler)
	if !strings.HasPrefix(s, "Đoạn &lt;b&gt;đầu&lt;/b&gt;.") || strings.Contains(s, "<mark>") {
		t.Errorf("snippet without match = %q", s)
	}
}
