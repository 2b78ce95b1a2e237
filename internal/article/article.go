// Package article defines Article, the one shape that travels from
// extraction to the index, and the rules every stage agrees on: which
// fields are required, how dates are written and how ids are derived.
package article

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Article is a news article as extracted from a page or read from JSONL.
// Text fields hold the text as published (NFC); analysis happens later.
type Article struct {
	ID        string    `json:"id"`
	URL       string    `json:"url,omitempty"`
	Title     string    `json:"title"`
	Lead      string    `json:"lead,omitempty"`
	Body      string    `json:"body"`
	Published time.Time `json:"published,omitzero"`
	Updated   time.Time `json:"updated,omitzero"`
	Author    string    `json:"author,omitempty"`
	Section   string    `json:"section,omitempty"`
	Site      string    `json:"site,omitempty"`
	Lang      string    `json:"lang,omitempty"`
	Keywords  []string  `json:"keywords,omitempty"`
	// Cluster groups near-duplicates (the same wire story on many sites):
	// articles with the same key are copies of one story. Set on import.
	Cluster string `json:"cluster,omitempty"`
}

// ErrEmpty reports an article with neither title nor body.
var ErrEmpty = errors.New("article has neither title nor body")

// ErrBadDate reports a date in a form ParseDate does not read.
var ErrBadDate = errors.New("bad date")

// Validate reports whether a is fit to index: it needs a title or a body.
func (a *Article) Validate() error {
	if strings.TrimSpace(a.Title) == "" && strings.TrimSpace(a.Body) == "" {
		return ErrEmpty
	}
	return nil
}

// EnsureID sets a.ID when it is empty: from the canonical URL when there is
// one, otherwise from the content, so that the same article always gets the
// same id and re-imports replace instead of duplicating.
func (a *Article) EnsureID() {
	if a.ID != "" {
		return
	}
	if a.URL != "" {
		a.ID = hashID("u", CanonicalURL(a.URL))
		return
	}
	a.ID = hashID("c", a.Title+"\x00"+a.Body)
}

func hashID(kind, s string) string {
	sum := sha256.Sum256([]byte(s))
	return kind + hex.EncodeToString(sum[:10])
}

// ContentHash fingerprints everything that ends up in the index, so that an
// importer can skip articles that have not changed since the last run.
func (a *Article) ContentHash() string {
	b, _ := json.Marshal(a) // cannot fail: plain strings, times and slices
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:16])
}

// dateLayouts are the forms accepted for "published" in JSONL input.
var dateLayouts = []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02 15:04:05", "2006-01-02"}

// Vietnam is the zone given to dates that carry none: the archive is
// Vietnamese news, published on Indochina Time.
var Vietnam = time.FixedZone("ICT", 7*3600)

// ParseDate parses an RFC 3339 timestamp or a YYYY-MM-DD date (read as
// midnight in Vietnam).
func ParseDate(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	for _, layout := range dateLayouts {
		if t, err := time.ParseInLocation(layout, s, Vietnam); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("%w %q: want RFC 3339 or YYYY-MM-DD", ErrBadDate, s)
}

// UnmarshalJSON reads the JSONL import format, where dates may be plain
// YYYY-MM-DD and "authors" may come as a list.
func (a *Article) UnmarshalJSON(b []byte) error {
	type plain Article
	var aux struct {
		plain
		Published string   `json:"published"`
		Updated   string   `json:"updated"`
		Authors   []string `json:"authors"`
	}
	if err := json.Unmarshal(b, &aux); err != nil {
		return err
	}
	*a = Article(aux.plain)
	for _, d := range []struct {
		s   string
		dst *time.Time
		key string
	}{{aux.Published, &a.Published, "published"}, {aux.Updated, &a.Updated, "updated"}} {
		if d.s == "" {
			continue
		}
		t, err := ParseDate(d.s)
		if err != nil {
			return fmt.Errorf("%s: %w", d.key, err)
		}
		*d.dst = t
	}
	if a.Author == "" && len(aux.Authors) > 0 {
		a.Author = strings.Join(aux.Authors, ", ")
	}
	return nil
}

// LeadRepeated reports whether the body opens with the lead, as most
// pages do when the lead comes from their meta description: showing the
// lead and then the body would print the same sentences twice. A lead cut
// short with "..." counts when the body opens with the part before it.
func (a *Article) LeadRepeated() bool {
	lead := squash(strings.TrimRight(strings.TrimSpace(a.Lead), ".…"))
	if lead == "" {
		return false
	}
	body := squash(a.Body)
	if len(body) > len(lead)+16 {
		body = body[:len(lead)+16]
	}
	return strings.HasPrefix(strings.ToLower(body), strings.ToLower(lead))
}

// Text is the article's readable text: the lead, unless the body repeats
// it, then the body, separated by a blank line.
func (a *Article) Text() string {
	if a.Lead == "" || a.LeadRepeated() {
		return a.Body
	}
	return a.Lead + "\n\n" + a.Body
}

// squash collapses runs of white space into one space.
func squash(s string) string { return strings.Join(strings.Fields(s), " ") }
