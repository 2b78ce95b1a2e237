package extract

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// sampleDir holds the product's bundled sample archive (five portal pages
// rebuilt around the seed texts) and its expected.json.
const sampleDir = "../../sample"

type sampleExpect struct {
	File           string   `json:"file"`
	URL            string   `json:"url"`
	Host           string   `json:"host"`
	Title          string   `json:"title"`
	Published      string   `json:"published"`
	Author         string   `json:"author"`
	Section        string   `json:"section"`
	Encoding       string   `json:"encoding"`
	MustContain    []string `json:"must_contain"`
	Paragraphs     []string `json:"paragraphs"`
	Optional       []string `json:"optional_in_body"`
	Distractors    []string `json:"body_date_distractors"`
	MustNotContain []string `json:"must_not_contain"`
}

// TestSamplePages extracts each page of the bundled sample, with and
// without its URL, and checks title, date, author, section, charset, that
// every paragraph is in the body and that no boilerplate string of the page
// reached it.
func TestSamplePages(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join(sampleDir, "expected.json"))
	if err != nil {
		t.Skipf("sample archive not available (%v)", err)
	}
	var pages []sampleExpect
	if err := json.Unmarshal(raw, &pages); err != nil {
		t.Fatalf("expected.json: %v", err)
	}
	// The sample keeps the seeds' U+00A0; the extractor collapses white
	// space inside paragraphs, so both sides are compared collapsed.
	norm := func(s string) string { return clean(s) }
	for _, p := range pages {
		for _, url := range []string{p.URL, ""} {
			name := p.Host
			if url == "" {
				name += "/no-url"
			}
			t.Run(name, func(t *testing.T) {
				body, err := os.ReadFile(filepath.Join(sampleDir, p.File))
				if err != nil {
					t.Fatal(err)
				}
				res, err := Extract(Input{Body: body, URL: url})
				if err != nil {
					t.Fatal(err)
				}
				a := res.Article
				if res.Kind != KindArticle {
					t.Errorf("kind %s: %s", res.Kind, res.Reason)
				}
				if res.Charset != p.Encoding {
					t.Errorf("charset %q, want %q", res.Charset, p.Encoding)
				}
				if a.Title != norm(p.Title) {
					t.Errorf("title %q, want %q", a.Title, p.Title)
				}
				want, err := time.Parse(time.RFC3339, p.Published)
				if err != nil {
					t.Fatal(err)
				}
				if a.Published.Format(time.RFC3339) != want.Format(time.RFC3339) {
					t.Errorf("published %s, want %s", a.Published.Format(time.RFC3339), p.Published)
				}
				if a.Author != p.Author {
					t.Errorf("author %q, want %q", a.Author, p.Author)
				}
				if a.Section != p.Section {
					t.Errorf("section %q, want %q", a.Section, p.Section)
				}
				if (url != "" || a.Site != "") && a.Site != strings.TrimPrefix(p.Host, "www.") {
					t.Errorf("site %q, want %q", a.Site, p.Host)
				}
				if url != "" && a.URL != p.URL {
					t.Errorf("url %q, want %q", a.URL, p.URL)
				}
				got := norm(a.Body)
				for _, para := range p.Paragraphs {
					if !strings.Contains(got, norm(para)) {
						t.Errorf("paragraph missing or altered: %.80q", para)
					}
				}
				for _, s := range p.MustContain {
					if !strings.Contains(got, norm(s)) {
						t.Errorf("body lacks %q", s)
					}
				}
				for _, s := range p.MustNotContain {
					if strings.Contains(a.Body, s) || strings.Contains(got, norm(s)) {
						t.Errorf("boilerplate %q in body", s)
					}
				}
				// Nothing but the paragraphs and the optional lines may be
				// in the body.
				allowed := append(append([]string{}, p.Paragraphs...), p.Optional...)
				for _, para := range strings.Split(a.Body, "\n\n") {
					ok := false
					for _, al := range allowed {
						if strings.Contains(norm(al), norm(para)) {
							ok = true
							break
						}
					}
					if !ok {
						t.Errorf("unexpected body paragraph %.100q", para)
					}
				}
			})
		}
	}
}
