package search

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tracuu/tracuu/index/bleve"
	"github.com/tracuu/tracuu/internal/article"
)

// An article keeps the spelling it was published with ("hoả", "thuỷ",
// "khoẻ", tones on the second vowel), while queries in either placement
// find it and highlights land on the published words.
func TestPublishedSpellingKept(t *testing.T) {
	ctx := context.Background()
	b, err := bleve.Open(filepath.Join(t.TempDir(), "ix"), bleve.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	// The body's "hoả" is typed decomposed (o, a, combining hook): stored
	// as NFC, which is the same text to a reader.
	a := article.Article{
		URL:   "https://baotinh.vn/thoi-su/vi-hoa-hoan.html",
		Title: "Nhà máy thuỷ điện ngừng vì hoả hoạn",
		Lead:  "Công nhân vẫn khoẻ mạnh sau vụ hoả hoạn.",
		Body:  "Sáng nay, vụ hoa\u0309 hoạn tại nhà máy thuỷ điện đã được dập tắt; các công nhân đều khoẻ.",
	}
	a.EnsureID()
	if err := b.Upsert(ctx, a); err != nil {
		t.Fatal(err)
	}
	got, ok, err := b.Get(ctx, a.ID)
	if err != nil || !ok {
		t.Fatalf("get: %v %v", ok, err)
	}
	wantBody := "Sáng nay, vụ hoả hoạn tại nhà máy thuỷ điện đã được dập tắt; các công nhân đều khoẻ."
	if got.Title != a.Title || got.Lead != a.Lead || got.Body != wantBody {
		t.Errorf("stored %q / %q / %q; want the published spelling", got.Title, got.Lead, got.Body)
	}
	s := &Service{Backend: b}
	for _, tc := range []struct{ q, title, snippet string }{
		{"hỏa hoạn", "Nhà máy thuỷ điện ngừng vì <mark>hoả hoạn</mark>", "<mark>hoả hoạn</mark> tại"},
		{"hoả hoạn", "Nhà máy thuỷ điện ngừng vì <mark>hoả hoạn</mark>", "vụ <mark>hoả hoạn</mark>."},
		{`"thủy điện"`, "Nhà máy <mark>thuỷ điện</mark> ngừng vì hoả hoạn", "nhà máy <mark>thuỷ điện</mark> đã"},
		{"khỏe", "Nhà máy thuỷ điện ngừng vì hoả hoạn", "vẫn <mark>khoẻ</mark> mạnh"},
		{"hoa hoan", "Nhà máy thuỷ điện ngừng vì <mark>hoả hoạn</mark>", "vụ <mark>hoả hoạn</mark>"},
	} {
		res, err := s.Search(ctx, Params{Q: tc.q, Size: 10, Page: 1})
		if err != nil {
			t.Fatalf("%s: %v", tc.q, err)
		}
		if len(res.Hits) != 1 {
			t.Errorf("%s: %d hits, want 1", tc.q, len(res.Hits))
			continue
		}
		h := res.Hits[0]
		if h.Title != a.Title || h.TitleHTML != tc.title {
			t.Errorf("%s: title %q / %q, want %q", tc.q, h.Title, h.TitleHTML, tc.title)
		}
		if !strings.Contains(h.Snippet, tc.snippet) {
			t.Errorf("%s: snippet %q lacks %q", tc.q, h.Snippet, tc.snippet)
		}
	}
}

// Words joined by an invisible soft hyphen or zero-width joiner, which the
// index ignores, are still one word to the highlighter.
func TestHighlightAcrossInvisibleCharacters(t *testing.T) {
	q, err := Parse("hỏa hoạn")
	if err != nil {
		t.Fatal(err)
	}
	text := "vụ ho\u00adả hoạn"
	if got, want := newHighlighter(q).Mark(text), "vụ <mark>ho\u00adả hoạn</mark>"; got != want {
		t.Errorf("Mark(%q) = %q, want %q", text, got, want)
	}
}
