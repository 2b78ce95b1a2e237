// Package indexdoc says what an index keeps of an article, whatever the
// engine: the cleaned text its text fields analyse, the one spelling each
// facet value is counted under, the publication day in Vietnam time, and the
// stored record that searches return. Backends map a Doc onto their own
// fields; all of them then search, count and return the same values.
package indexdoc

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/tracuu/tracuu/internal/article"
	"github.com/tracuu/tracuu/internal/vi"
)

// Doc is an article as an index keeps it.
type Doc struct {
	ID string
	// Title and Text are what the text fields analyse: one tone placement,
	// no invisible characters (vi.Clean). Text is the lead, a blank line,
	// then the body.
	Title, Text string
	// Facet values (FacetValue): "Hoà Bình" and "Hòa Bình" are one bucket.
	Site, Section string
	Authors       []string
	Cluster       string    // the near-duplicate key, as given
	Published     time.Time // in Vietnam time; zero when unknown
	// Stored is the article as JSON, with title, lead and body as
	// published (NFC only): a quote must carry the source's "hoả", not the
	// canonical "hỏa". Highlights re-read it, so no offsets are indexed.
	Stored []byte
	Hash   string // article.ContentHash: re-imports skip unchanged articles
}

// New builds the Doc of an article.
func New(a *article.Article) (Doc, error) {
	if a.ID == "" {
		return Doc{}, fmt.Errorf("article %q has no id", a.Title)
	}
	clean := *a
	clean.Title = vi.Clean(a.Title)
	clean.Lead = vi.Clean(a.Lead)
	clean.Body = vi.Clean(a.Body)
	clean.Site = FacetValue(a.Site)
	clean.Section = FacetValue(a.Section)
	clean.Author = vi.Clean(strings.TrimSpace(a.Author))
	stored := clean
	stored.Title, stored.Lead, stored.Body = vi.Published(a.Title), vi.Published(a.Lead), vi.Published(a.Body)
	src, err := json.Marshal(&stored)
	if err != nil {
		return Doc{}, fmt.Errorf("article %s: %w", a.ID, err)
	}
	text := clean.Body
	if clean.Lead != "" {
		text = clean.Lead + "\n\n" + clean.Body
	}
	d := Doc{
		ID: a.ID, Title: clean.Title, Text: text,
		Site: clean.Site, Section: clean.Section, Authors: Authors(clean.Author), Cluster: a.Cluster,
		Stored: src, Hash: a.ContentHash(),
	}
	if !a.Published.IsZero() {
		d.Published = a.Published.In(article.Vietnam)
	}
	return d, nil
}

// Year is the year of publication ("2020"), "" when unknown.
func (d *Doc) Year() string { return d.format("2006") }

// Month is the month of publication ("2020-07"), "" when unknown.
func (d *Doc) Month() string { return d.format("2006-01") }

// Day is the day of publication ("2020-07-16"), "" when unknown.
func (d *Doc) Day() string { return d.format("2006-01-02") }

func (d *Doc) format(layout string) string {
	if d.Published.IsZero() {
		return ""
	}
	return d.Published.Format(layout)
}

// FacetValue is the one spelling a facet bucket is counted under and a
// filter value is matched as: clean, inner spaces squeezed.
func FacetValue(s string) string {
	return strings.Join(strings.Fields(vi.Clean(s)), " ")
}

// Authors splits an author line at commas into facet values.
func Authors(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = FacetValue(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// stored decodes the stored form, which New wrote (RFC 3339 times, no
// "authors" list), without Article's lenient import decoder: one pass
// instead of two on every hit.
type stored article.Article

// Decode reads a stored record back.
func Decode(src []byte) (article.Article, error) {
	var a article.Article
	if len(src) == 0 {
		return a, errors.New("stored article missing")
	}
	if err := json.Unmarshal(src, (*stored)(&a)); err != nil {
		return a, fmt.Errorf("decode stored article: %w", err)
	}
	return a, nil
}
