package importer

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/text/encoding/charmap"

	"github.com/tracuu/tracuu/index"
)

// Pages written in the TCVN3 and VNI font encodings are imported as Unicode
// and counted, by encoding, in the summary and the report.
func TestLegacyFontPagesConvertedAndCounted(t *testing.T) {
	// One sentence as each font's users typed it (bytes read as windows-1252).
	const (
		tcvn3 = "Héi nghÞ tæng kÕt c«ng t¸c n¨m 2020 cña c¸c c¬ quan ViÖt Nam vµ nh÷ng ®¹i biÓu ®Õn dù t¹i héi tr\u00adêng cña tØnh, ®· th¶o luËn vµ thèng nhÊt c¸c néi dung."
		vni   = "Hoäi nghò toång keát coâng taùc naêm 2020 cuûa caùc cô quan Vieät Nam vaø nhöõng ñaïi bieåu ñeán döï taïi hoäi tröôøng cuûa tænh, ñaõ thaûo luaän vaø thoáng nhaát caùc noäi dung."
		want  = "Hội nghị tổng kết công tác năm 2020 của các cơ quan Việt Nam và những đại biểu đến dự tại hội trường của tỉnh, đã thảo luận và thống nhất các nội dung."
	)
	dir := t.TempDir()
	for name, p := range map[string]struct{ face, text string }{
		"tcvn3.html": {".VnTime", tcvn3}, "vni.html": {"VNI-Times", vni},
	} {
		page := `<html><head><meta charset="windows-1252"><title>` + p.text[:40] + `</title></head><body><div class="content"><font face="` +
			p.face + `">` + strings.Repeat("<p>"+p.text+"</p>", 4) + `</font></div></body></html>`
		b, err := charmap.Windows1252.NewEncoder().String(page)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), []byte(b), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	b, st := openIndex(t)
	var report bytes.Buffer
	sum, err := Run(context.Background(), b, []string{dir, sampleDir}, Options{State: st, Report: &report})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Converted["TCVN3"] != 1 || sum.Converted["VNI"] != 1 || len(sum.Converted) != 2 {
		t.Errorf("converted %v, want TCVN3 1 and VNI 1", sum.Converted)
	}
	if sum.Skipped != 0 || sum.New != 7 {
		t.Errorf("summary %+v: both pages should be imported", sum)
	}
	var lines []ReportLine
	for _, l := range strings.Split(strings.TrimSpace(report.String()), "\n") {
		var r ReportLine
		if err := json.Unmarshal([]byte(l), &r); err != nil {
			t.Fatalf("report line %q: %v", l, err)
		}
		if r.Status == "converted" {
			lines = append(lines, r)
		}
	}
	if len(lines) != 2 {
		t.Errorf("report has %d converted lines, want 2: %s", len(lines), report.String())
	}
	res, err := b.Search(context.Background(), index.Request{Query: index.Phrase{Text: "đại biểu đến dự"}, Size: 10})
	if err != nil {
		t.Fatal(err)
	}
	if res.Total != 2 {
		t.Fatalf("phrase search found %d converted pages, want 2", res.Total)
	}
	for _, h := range res.Hits {
		if !strings.Contains(h.Article.Body, want) {
			t.Errorf("%s body %.120q, want the Unicode text", h.Article.URL, h.Article.Body)
		}
	}
}
