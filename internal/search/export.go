package search

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/tracuu/tracuu/index"
	"github.com/tracuu/tracuu/internal/article"
	"github.com/tracuu/tracuu/internal/vi"
)

// exportPage is how many articles each engine call of an export fetches:
// memory stays bounded by one page whatever the number of matches.
const exportPage = 500

// Export formats.
const (
	FormatJSONL = "jsonl"
	FormatCSV   = "csv"
)

// utf8BOM opens a CSV export.
const utf8BOM = "\uFEFF"

// ExportFilename names an export after its query and the day it was made:
// tracuu-quy-che-dan-chu-2026-12-04.csv. The name is ASCII (tone marks
// folded away) so that every browser and file system keeps it as is.
func ExportFilename(q, format string, day time.Time) string {
	var b strings.Builder
	dash := false
runes:
	for _, r := range vi.Fold(q) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(r)
		case r >= 'A' && r <= 'Z':
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(r + 'a' - 'A')
		default:
			dash = true
		}
		if b.Len() >= 48 {
			break runes
		}
	}
	name := "tracuu"
	if b.Len() > 0 {
		name += "-" + strings.TrimRight(b.String(), "-")
	}
	return name + "-" + day.Format("2006-01-02") + "." + format
}

// CSVHeader is the first row of a CSV export.
var CSVHeader = []string{"id", "url", "title", "published", "site", "section", "author", "lead", "body"}

// Export writes every match of p to w, newest first (oldest first with
// sort=oldest), walking the engine with cursors so that memory does not
// grow with the result. It returns how many articles it wrote.
func (s *Service) Export(ctx context.Context, p Params, format string, w io.Writer) (int, error) {
	plan, err := s.Plan(ctx, p.Q, p.Exact)
	if err != nil {
		return 0, err
	}
	q := plan.Query
	if format != FormatJSONL && format != FormatCSV {
		return 0, &ParamError{Param: "format", Msg: fmt.Sprintf("%q is not jsonl or csv", format)}
	}
	req := index.Request{Query: q, Filters: p.Filters, From: p.From, To: p.To, Sort: p.Sort, Size: exportPage}
	if req.Sort == index.SortRelevance {
		// Relevance scores shift a little whenever the index changes or
		// merges, and a long export walks many pages: in date order (ties
		// by id) every match comes out exactly once whatever happens.
		req.Sort = index.SortNewest
	}
	var cw *csv.Writer
	var enc *json.Encoder
	if format == FormatCSV {
		// Excel reads a CSV without a byte order mark as the local code
		// page and garbles every Vietnamese letter; with one it reads UTF-8.
		// The mark leads the header's first cell, so it goes out with the
		// first rows: an export that fails before them writes nothing.
		cw = csv.NewWriter(w)
		header := append([]string{utf8BOM + CSVHeader[0]}, CSVHeader[1:]...)
		if err := cw.Write(header); err != nil {
			return 0, err
		}
	} else {
		enc = json.NewEncoder(w)
		enc.SetEscapeHTML(false)
	}
	n := 0
	for {
		res, err := s.Backend.Search(ctx, req)
		if err != nil {
			return n, err
		}
		for _, h := range res.Hits {
			if err := writeRow(cw, enc, h.Article); err != nil {
				return n, err
			}
			n++
		}
		if cw != nil {
			cw.Flush()
			if err := cw.Error(); err != nil {
				return n, err
			}
		}
		if len(res.Hits) < req.Size {
			return n, nil
		}
		req.After = res.Hits[len(res.Hits)-1].SortKey
	}
}

func writeRow(cw *csv.Writer, enc *json.Encoder, a article.Article) error {
	if enc != nil {
		return enc.Encode(exportArticle(a))
	}
	pub := ""
	if !a.Published.IsZero() {
		pub = a.Published.Format(time.RFC3339)
	}
	row := []string{a.ID, a.URL, a.Title, pub, a.Site, a.Section, a.Author, a.Lead, a.Body}
	for i := range row {
		row[i] = csvSafe(row[i])
	}
	return cw.Write(row)
}

// csvSafe neutralises a cell that a spreadsheet would run as a formula:
// one starting with =, +, -, @, a tab or a carriage return gets a leading
// single quote, as OWASP's CSV injection guidance recommends (the writer
// already quotes cells holding commas, quotes or line breaks). Scraped
// titles and authors are attacker-controlled text, and an export is
// opened in spreadsheets.
func csvSafe(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// exportArticle drops the fields that only matter inside the index.
func exportArticle(a article.Article) Article {
	a.Cluster = ""
	return Article(a)
}
