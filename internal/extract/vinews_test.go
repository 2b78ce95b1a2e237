package extract

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"testing"

	"github.com/tracuu/tracuu/internal/corpus"
	"github.com/tracuu/tracuu/internal/corpus/corpustest"
)

// TestFurnitureOnRealParagraphs runs the boilerplate filters over the
// paragraphs of real Vietnamese articles (vi-news), which are story text
// with only a little furniture left in ("Xem thêm: ..."): the filters must
// leave at least 99.5% of them alone.
func TestFurnitureOnRealParagraphs(t *testing.T) {
	articles := 3000
	if testing.Short() {
		articles = 500
	}
	total, dropped, n := 0, 0, 0
	reasons := map[string]int{}
	err := corpus.Lines(context.Background(), corpustest.Path(t, "vi-news"), func(file string, line int, text []byte) (bool, error) {
		var a struct {
			Body string `json:"body"`
		}
		if err := json.Unmarshal(text, &a); err != nil {
			return false, fmt.Errorf("%s line %d: %w", file, line, err)
		}
		n++
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
		return n < articles, nil
	})
	if errors.Is(err, fs.ErrNotExist) {
		t.Skipf("vi-news corpus not available (%v)", err)
	}
	if err != nil {
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
