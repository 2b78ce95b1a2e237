package extract

import (
	"bufio"
	"compress/gzip"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestFurnitureOnRealParagraphs runs the boilerplate filters over the
// paragraphs of real Vietnamese articles (vi-news), which are story text
// with only a little furniture left in ("Xem thêm: ..."): the filters must
// leave at least 99.5% of them alone.
func TestFurnitureOnRealParagraphs(t *testing.T) {
	path := filepath.Join(corpusDir, "vi-news", "part-00.jsonl.gz")
	f, err := os.Open(path)
	if err != nil {
		t.Skipf("vi-news corpus not available (%v)", err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	articles := 3000
	if testing.Short() {
		articles = 500
	}
	sc := bufio.NewScanner(zr)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	total, dropped := 0, 0
	reasons := map[string]int{}
	for n := 0; n < articles && sc.Scan(); n++ {
		var a struct {
			Body string `json:"body"`
		}
		if err := json.Unmarshal(sc.Bytes(), &a); err != nil {
			t.Fatalf("line %d: %v", n+1, err)
		}
		for _, p := range strings.Split(a.Body, "\n") {
			if p = clean(p); p == "" {
				continue
			}
			total++
			bl := &block{text: p, runes: runeLen(p)}
			why := furniture(bl)
			if why == "" && isStopLine(bl.folded(), bl.runes) {
				why = "stop line"
			}
			if why != "" {
				dropped++
				reasons[why]++
			}
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	share := float64(dropped) / float64(total)
	t.Logf("%d of %d paragraphs taken for furniture (%.2f%%): %v", dropped, total, 100*share, reasons)
	if total < 1000 {
		t.Fatalf("only %d paragraphs read", total)
	}
	if share > 0.005 {
		t.Errorf("filters drop %.2f%% of real paragraphs, want ≤ 0.5%%", 100*share)
	}
}
