// Package bench measures tracuu's speed on a real corpus against Bleve
// used naively (its default mapping), in one run, and reports the figures
// as a table and as JSON so that runs can be compared: import rate, peak
// memory and index size; single-client query latency per query class;
// throughput under concurrent clients over HTTP; suggest latency; and the
// server's memory during a large export. It also runs a bounded load test
// (Load) that mixes every kind of request with an import through the admin
// API. cmd/tracuu-bench is the command around it (make bench, make load).
//
// Every import runs in a child process so that its peak resident memory
// can be read from the kernel's rusage of that process alone.
package bench

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"time"
	"unicode"

	"github.com/tracuu/tracuu/internal/corpus"
)

// doc is one line of the corpus in the import format of the contract.
// Unknown fields are not carried over: the bench writes its own copy.
type doc struct {
	ID        string `json:"id,omitempty"`
	URL       string `json:"url,omitempty"`
	Title     string `json:"title"`
	Body      string `json:"body"`
	Published string `json:"published,omitempty"`
	Author    string `json:"author,omitempty"`
	Section   string `json:"section,omitempty"`
	Site      string `json:"site,omitempty"`
	Lang      string `json:"lang,omitempty"`
}

// FacetNote says how facet values were made up; every report carries it,
// because the figures of faceted queries depend on it.
const FacetNote = "most corpus articles have no site, section or date: the bench assigns each missing one " +
	"deterministically from an FNV-1a hash of the article id (12 synthetic sites, 10 sections, " +
	"dates 2012-2023); values present in the corpus are kept"

// Synthetic facet values. The sites are invented names; the sections are
// the ten of the corpus's own dantri.com.vn subset, so both kinds mix.
var (
	benchSites = []string{
		"tin01.bench.vn", "tin02.bench.vn", "tin03.bench.vn", "tin04.bench.vn", "tin05.bench.vn", "tin06.bench.vn",
		"tin07.bench.vn", "tin08.bench.vn", "tin09.bench.vn", "tin10.bench.vn", "tin11.bench.vn", "tin12.bench.vn",
	}
	benchSections = []string{
		"Du lịch", "Giáo dục", "Giải trí", "Khoa học", "Kinh doanh",
		"Sức khỏe", "Sức mạnh số", "Thế giới", "Thể thao", "Xã hội",
	}
)

// assignFacets fills the missing site, section and date of d from a hash
// of its id (or of its title when it has none), so every run assigns the
// same values.
func assignFacets(d *doc) {
	key := d.ID
	if key == "" {
		key = d.Title
	}
	h := fnv.New64a()
	h.Write([]byte(key))
	x := h.Sum64()
	if d.Site == "" {
		d.Site = benchSites[x%uint64(len(benchSites))]
	}
	x /= uint64(len(benchSites))
	if d.Section == "" {
		d.Section = benchSections[x%uint64(len(benchSections))]
	}
	x /= uint64(len(benchSections))
	if d.Published == "" {
		day := time.Date(2012, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, int(x%(12*365)))
		d.Published = day.Format("2006-01-02")
	}
}

// sampleSize is how many articles are kept, by seeded reservoir sampling,
// to generate queries from.
const sampleSize = 3000

// Corpus is the bench's copy of the corpus: one plain JSONL file that both
// engines import, so that they read the same bytes.
type Corpus struct {
	Path     string   `json:"-"`
	Docs     int      `json:"docs"`
	RawBytes int64    `json:"raw_bytes"` // size of the plain JSONL file
	Files    []string `json:"source_files"`
	// sample holds a few thousand titles and body openings for the query
	// generator; frequent is the word found in the most sampled articles.
	sample   []sampled
	frequent string
	freqDF   float64 // fraction of sampled articles containing frequent
}

type sampled struct {
	Title string
	Body  string // the first few hundred bytes
}

// Prepare reads up to n articles (all when n <= 0) from the .jsonl and
// .jsonl.gz files of dir in name order, assigns missing facet values,
// and writes them to out as plain JSONL.
func Prepare(ctx context.Context, dir string, n int, out string, seed uint64) (*Corpus, error) {
	f, err := os.Create(out)
	if err != nil {
		return nil, fmt.Errorf("corpus copy: %w", err)
	}
	defer f.Close()
	w := bufio.NewWriterSize(f, 1<<20)
	c := &Corpus{Path: out}
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	df := map[string]int{}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	err = corpus.Lines(ctx, dir, func(file string, line int, text []byte) (bool, error) {
		if name := filepath.Base(file); len(c.Files) == 0 || c.Files[len(c.Files)-1] != name {
			c.Files = append(c.Files, name)
		}
		var d doc
		if err := json.Unmarshal(text, &d); err != nil {
			return false, fmt.Errorf("corpus %s:%d: %w", file, line, err)
		}
		if strings.TrimSpace(d.Title) == "" && strings.TrimSpace(d.Body) == "" {
			return true, nil
		}
		assignFacets(&d)
		if err := enc.Encode(&d); err != nil {
			return false, fmt.Errorf("corpus copy: %w", err)
		}
		c.Docs++
		// Reservoir sampling: every article has the same chance to be in
		// the sample whatever the corpus size, and the seed fixes which.
		s := sampled{Title: d.Title, Body: prefix(d.Body, 600)}
		if len(c.sample) < sampleSize {
			c.sample = append(c.sample, s)
		} else if j := rng.IntN(c.Docs); j < sampleSize {
			c.sample[j] = s
		}
		return n <= 0 || c.Docs < n, nil
	})
	if err != nil {
		return nil, err
	}
	if err := w.Flush(); err != nil {
		return nil, fmt.Errorf("corpus copy: %w", err)
	}
	if err := f.Close(); err != nil {
		return nil, fmt.Errorf("corpus copy: %w", err)
	}
	if c.Docs == 0 {
		return nil, fmt.Errorf("corpus %s: no articles", dir)
	}
	st, err := os.Stat(out)
	if err != nil {
		return nil, fmt.Errorf("corpus copy: %w", err)
	}
	c.RawBytes = st.Size()
	// The broad query of the export is the word in the most sampled
	// articles: on this corpus, one found in most of them.
	for _, s := range c.sample {
		seen := map[string]bool{}
		for _, wd := range words(s.Title + " " + s.Body) {
			if !seen[wd] {
				seen[wd] = true
				df[wd]++
			}
		}
	}
	best := 0
	for wd, k := range df {
		if k > best || (k == best && wd < c.frequent) {
			best, c.frequent = k, wd
		}
	}
	c.freqDF = float64(best) / float64(len(c.sample))
	return c, nil
}

// prefix cuts s to at most n bytes on a rune boundary.
func prefix(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

func utf8RuneStart(b byte) bool { return b&0xC0 != 0x80 }

// words splits text into lower-case words made of letters only, which is
// what the query generator picks from: numbers and codes are left out so
// that every engine tokenizes the generated queries alike.
func words(s string) []string {
	return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !unicode.IsLetter(r) })
}
