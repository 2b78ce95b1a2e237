package extract

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSampleLeads: a lead is the story's own text. On the sample pages it
// is the opening of the story or nothing; a site's slogan in the meta
// description ("Website Đảng bộ Khối các cơ quan tỉnh Thừa Thiên Huế",
// on every page of that site) is not a lead.
func TestSampleLeads(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join(sampleDir, "expected.json"))
	if err != nil {
		t.Skipf("sample archive not available (%v)", err)
	}
	var pages []sampleExpect
	if err := json.Unmarshal(raw, &pages); err != nil {
		t.Fatalf("expected.json: %v", err)
	}
	for _, p := range pages {
		body, err := os.ReadFile(filepath.Join(sampleDir, p.File))
		if err != nil {
			t.Fatal(err)
		}
		res, err := Extract(Input{Body: body, URL: p.URL})
		if err != nil {
			t.Fatal(err)
		}
		lead := strings.TrimRight(clean(res.Article.Lead), ".…")
		if lead == "" {
			continue
		}
		story := clean(strings.Join(p.Paragraphs, " "))
		if !strings.Contains(story, lead) {
			t.Errorf("%s: lead %q is not the story's text", p.Host, res.Article.Lead)
		}
	}
}
