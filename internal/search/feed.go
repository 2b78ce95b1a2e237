package search

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/xml"
	"fmt"
	"io"
	"net/url"
	"strings"
	"time"

	"github.com/tracuu/tracuu/index"
)

// Feed sizes.
const (
	DefaultFeedSize = 20
	MaxFeedSize     = 100
)

// ParseFeedParams reads the query, filters and size of a feed; its order
// is always newest first, and it has no pages.
func ParseFeedParams(v url.Values) (Params, error) {
	v = cloneValues(v)
	size, err := intParam(v, "size", DefaultFeedSize, 1, MaxFeedSize)
	if err != nil {
		return Params{}, err
	}
	v.Del("size")
	p, err := parseFiltersOnly(v, "a feed")
	p.Size, p.Sort = size, index.SortNewest
	return p, err
}

// Feed is an Atom 1.0 document (RFC 4287) of the newest matches of a
// search, with what HTTP validators need.
type Feed struct {
	atomFeed
	ETag     string    // changes whenever an entry or the query changes
	Modified time.Time // the newest entry's date, or the index's
}

// FeedLinks are the absolute addresses a feed points to: itself, the page
// showing the same search, and the API base for entry ids.
type FeedLinks struct {
	Self string // this feed's URL
	Page string // the search on the page
	Base string // scheme://host, for entry ids
}

type atomFeed struct {
	XMLName xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	ID      string      `xml:"id"`
	Title   string      `xml:"title"`
	Sub     string      `xml:"subtitle,omitempty"`
	Updated string      `xml:"updated"`
	Links   []atomLink  `xml:"link"`
	Author  atomPerson  `xml:"author"`
	Gen     string      `xml:"generator"`
	Entries []atomEntry `xml:"entry"`
}

type atomLink struct {
	Rel  string `xml:"rel,attr,omitempty"`
	Type string `xml:"type,attr,omitempty"`
	Href string `xml:"href,attr"`
}

type atomPerson struct {
	Name string `xml:"name"`
}

type atomText struct {
	Type string `xml:"type,attr"`
	Text string `xml:",chardata"`
}

type atomCategory struct {
	Term  string `xml:"term,attr"`
	Label string `xml:"label,attr,omitempty"`
}

type atomEntry struct {
	ID         string         `xml:"id"`
	Title      string         `xml:"title"`
	Links      []atomLink     `xml:"link"`
	Published  string         `xml:"published,omitempty"`
	Updated    string         `xml:"updated"`
	Authors    []atomPerson   `xml:"author"`
	Categories []atomCategory `xml:"category"`
	Summary    atomText       `xml:"summary"`
}

// Feed builds the Atom feed of the newest matches of p. An entry's id is
// its article's API address, which never changes; its summary is the
// search's snippet (HTML with the query's words marked).
func (s *Service) Feed(ctx context.Context, p Params, links FeedLinks) (Feed, error) {
	res, err := s.Search(ctx, Params{Q: p.Q, Filters: p.Filters, From: p.From, To: p.To, Exact: p.Exact, Sort: index.SortNewest, Size: p.Size, Page: 1})
	if err != nil {
		return Feed{}, err
	}
	title := "tracuu"
	if p.Q != "" {
		title = "tracuu: " + p.Q
	}
	var sub []string
	for _, f := range index.FilterFields {
		if vals := p.Filters[f]; len(vals) > 0 {
			sub = append(sub, f+": "+strings.Join(vals, ", "))
		}
	}
	f := Feed{atomFeed: atomFeed{
		ID: links.Self, Title: title, Sub: strings.Join(sub, "; "),
		Links:  []atomLink{{Rel: "self", Type: "application/atom+xml", Href: links.Self}, {Rel: "alternate", Type: "text/html", Href: links.Page}},
		Author: atomPerson{Name: "tracuu"}, Gen: "tracuu", Entries: []atomEntry{},
	}}
	var indexed time.Time // the index's last change: the date of undated entries
	if st, err := s.Backend.Stats(ctx); err == nil {
		indexed = st.Updated
	}
	tag := sha256.New()
	fmt.Fprintf(tag, "%s\n", links.Self)
	for _, h := range res.Hits {
		e := atomEntry{ID: links.Base + "/api/articles/" + url.PathEscape(h.ID), Title: h.Title,
			Summary: atomText{Type: "html", Text: h.Snippet}}
		if h.URL != "" {
			e.Links = append(e.Links, atomLink{Rel: "alternate", Type: "text/html", Href: h.URL})
		}
		// Atom requires a date on every entry: an undated article takes
		// the index's last change, stable between imports.
		when := indexed
		if h.Published != nil {
			when = *h.Published
			e.Published = when.Format(time.RFC3339)
			if when.After(f.Modified) {
				f.Modified = when
			}
		}
		e.Updated = when.Format(time.RFC3339)
		for _, a := range strings.Split(h.Author, ",") {
			if a = strings.TrimSpace(a); a != "" {
				e.Authors = append(e.Authors, atomPerson{Name: a})
			}
		}
		if h.Site != "" {
			e.Categories = append(e.Categories, atomCategory{Term: h.Site, Label: "site"})
		}
		if h.Section != "" {
			e.Categories = append(e.Categories, atomCategory{Term: h.Section, Label: "section"})
		}
		fmt.Fprintf(tag, "%s %s %s\n", h.ID, e.Published, h.Title)
		f.Entries = append(f.Entries, e)
	}
	if f.Modified.IsZero() {
		f.Modified = indexed
	}
	if f.Modified.IsZero() {
		f.Modified = time.Unix(0, 0)
	}
	f.Updated = f.Modified.Format(time.RFC3339)
	f.ETag = `"` + hex.EncodeToString(tag.Sum(nil)[:12]) + `"`
	return f, nil
}

// WriteXML writes the feed as an XML document.
func (f Feed) WriteXML(w io.Writer) error {
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", " ")
	if err := enc.Encode(f.atomFeed); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}
