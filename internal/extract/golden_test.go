package extract

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// golden is the expected extraction of a hand-written page under testdata/.
type golden struct {
	Kind      Kind     `json:"kind"`
	Title     string   `json:"title"`
	Published string   `json:"published"`
	Author    string   `json:"author"`
	Lang      string   `json:"lang"`
	Site      string   `json:"site"`
	Body      string   `json:"body"`
	Keywords  []string `json:"keywords"`
}

// TestGoldenPortals extracts the portal-template pages written for these
// tests (ASP.NET form around everything, visitor counters, login and search
// boxes, "Các tin khác"/"Tin mới hơn" lists inside the article container,
// the date forms of the seed portals) and compares with testdata/golden.
func TestGoldenPortals(t *testing.T) {
	pages, err := filepath.Glob("testdata/portal_*.html")
	if err != nil || len(pages) == 0 {
		t.Fatalf("no golden pages: %v", err)
	}
	for _, page := range pages {
		name := strings.TrimSuffix(filepath.Base(page), ".html")
		t.Run(name, func(t *testing.T) {
			raw, err := os.ReadFile(filepath.Join("testdata", "golden", name+".json"))
			if err != nil {
				t.Fatal(err)
			}
			var want golden
			if err := json.Unmarshal(raw, &want); err != nil {
				t.Fatalf("golden %s: %v", name, err)
			}
			body, err := os.ReadFile(page)
			if err != nil {
				t.Fatal(err)
			}
			res, err := Extract(Input{Body: body})
			if err != nil {
				t.Fatal(err)
			}
			a := res.Article
			if res.Kind != want.Kind {
				t.Errorf("kind %s (%s), want %s", res.Kind, res.Reason, want.Kind)
			}
			if a.Title != want.Title {
				t.Errorf("title %q, want %q", a.Title, want.Title)
			}
			wantPub, err := time.Parse(time.RFC3339, want.Published)
			if err != nil {
				t.Fatalf("golden date: %v", err)
			}
			if !a.Published.Equal(wantPub) || a.Published.Format(time.RFC3339) != want.Published {
				t.Errorf("published %s, want %s", a.Published.Format(time.RFC3339), want.Published)
			}
			if a.Author != want.Author {
				t.Errorf("author %q, want %q", a.Author, want.Author)
			}
			if a.Lang != want.Lang {
				t.Errorf("lang %q, want %q", a.Lang, want.Lang)
			}
			if want.Site != "" && a.Site != want.Site {
				t.Errorf("site %q, want %q", a.Site, want.Site)
			}
			for _, k := range want.Keywords {
				if !containsString(a.Keywords, k) {
					t.Errorf("keyword %q missing from %q", k, a.Keywords)
				}
			}
			if a.Body != want.Body {
				t.Errorf("body differs:\n got: %q\nwant: %q", a.Body, want.Body)
			}
			if res.Charset != "utf-8" {
				t.Errorf("charset %q", res.Charset)
			}
		})
	}
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
