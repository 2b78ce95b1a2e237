package extract

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"golang.org/x/net/html"
	"io"
	"math/rand"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"
)

func TestDevDump(t *testing.T) {
	glob := os.Getenv("DEV_GLOB")
	if glob == "" {
		t.Skip()
	}
	files, _ := filepath.Glob(glob)
	for _, f := range files {
		b, _ := os.ReadFile(f)
		r, err := Extract(Input{Body: b})
		a := r.Article
		body := a.Body
		if os.Getenv("DEV_FULL") == "" && len(body) > 300 {
			body = body[:150] + " ... " + body[len(body)-150:]
		}
		fmt.Printf("== %s err=%v kind=%s (%s) cs=%s\n  title=%q\n  site=%s url=%s lang=%s sec=%q\n  pub=%v upd=%v author=%q\n  lead=%.100q\n  kw=%v\n  body(%d)=%q\n", filepath.Base(f), err, r.Kind, r.Reason, r.Charset, a.Title, a.Site, a.URL, a.Lang, a.Section, a.Published, a.Updated, a.Author, a.Lead, a.Keywords, len(a.Body), body)
	}
}

func TestDevTop(t *testing.T) {
	f := os.Getenv("DEV_FILE")
	if f == "" {
		t.Skip()
	}
	b, _ := os.ReadFile(f)
	text, _, _ := decode(b, nil)
	doc, _ := html.Parse(bytes.NewReader(text))
	m := readMeta(doc)
	c := findContent(doc, m, true)
	for p := c.top; p != nil; p = p.Parent {
		st := c.stats[p]
		if st != nil {
			fmt.Printf("  <%s class=%q id=%q> runes=%d links=%d score=%.1f\n", p.Data, attr(p, "class"), attr(p, "id"), st.runes, st.linkRunes, st.score)
		}
	}
	for _, p := range c.paras {
		fmt.Printf("   | %.100s\n", p.text)
	}
}

func TestDevBlock(t *testing.T) {
	f := os.Getenv("DEV_FILE")
	needle := os.Getenv("DEV_NEEDLE")
	if f == "" || needle == "" {
		t.Skip()
	}
	b, _ := os.ReadFile(f)
	text, _, _ := decode(b, nil)
	doc, _ := html.Parse(bytes.NewReader(text))
	blocks, stats := buildBlocks(findBody(doc), true)
	for _, bl := range blocks {
		if strings.Contains(bl.text, needle) {
			fmt.Printf("block %d runes=%d links=%d: %.200s\n", bl.index, bl.runes, bl.linkRunes, bl.text)
			for p := bl.node; p != nil; p = p.Parent {
				st := stats[p]
				if st != nil {
					fmt.Printf("  <%s class=%q id=%q> runes=%d links=%d unlikely=%v strong=%v\n", p.Data, attr(p, "class"), attr(p, "id"), st.runes, st.linkRunes, hintsOf(p, stats).unlikely, hintsOf(p, stats).strong)
				}
			}
		}
	}
}

func TestDevScores(t *testing.T) {
	f := os.Getenv("DEV_FILE")
	if f == "" {
		t.Skip()
	}
	b, _ := os.ReadFile(f)
	text, _, _ := decode(b, nil)
	doc, _ := html.Parse(bytes.NewReader(text))
	body := findBody(doc)
	blocks, stats := buildBlocks(body, true)
	top := scoreCandidates(blocks, stats, func(n *html.Node) bool { return false })
	type kv struct {
		n *html.Node
		s float64
	}
	var all []kv
	for n, st := range stats {
		if st.scored {
			all = append(all, kv{n, st.score})
		}
	}
	sort.Slice(all, func(i, j int) bool { return all[i].s > all[j].s })
	for i := 0; i < len(all) && i < 8; i++ {
		fmt.Printf("%.1f <%s class=%q id=%q> runes=%d links=%d\n", all[i].s, all[i].n.Data, attr(all[i].n, "class"), attr(all[i].n, "id"), stats[all[i].n].runes, stats[all[i].n].linkRunes)
	}
	_ = top
}

func TestDevFeatures(t *testing.T) {
	glob := os.Getenv("DEV_FEAT")
	if glob == "" {
		t.Skip()
	}
	files, _ := filepath.Glob(glob)
	for _, f := range files {
		b, _ := os.ReadFile(f)
		if strings.HasSuffix(f, ".gz") {
			zr, _ := gzip.NewReader(bytes.NewReader(b))
			b, _ = io.ReadAll(zr)
		}
		text, _, _ := decode(b, nil)
		doc, _ := html.Parse(bytes.NewReader(text))
		m := readMeta(doc)
		c := findContent(doc, m, true)
		res, _ := Extract(Input{Body: b})
		long := 0
		for _, p := range c.paras {
			if p.runes >= 120 && p.linkRunes*5 < p.runes {
				long++
			}
		}
		st := c.stats[c.body]
		linkHeads := 0
		for _, bl := range c.blocks {
			if bl.heading > 0 && bl.linkRunes*2 > bl.runes {
				linkHeads++
			}
		}
		topSt := c.stats[c.top]
		fmt.Printf("%-45.45s %-8s body=%5d long=%2d pageLD=%.2f og=%-8s ld=%v pubmeta=%v date=%v linkHeads=%3d topRunes=%5d topLD=%.2f teasers=%d dates=%d\n", filepath.Base(f), res.Kind, runeLen(res.Article.Body), long, float64(st.linkRunes)/float64(st.runes), m.get("og:type"), m.hasLD, m.get("article:published_time") != "", !res.Article.Published.IsZero(), linkHeads, topSt.runes, float64(topSt.linkRunes)/float64(topSt.runes+1), c.linkedHeads, c.dateLines)
	}
}

func TestDevOneLine(t *testing.T) {
	glob := os.Getenv("DEV_LINE")
	if glob == "" {
		t.Skip()
	}
	files, _ := filepath.Glob(glob)
	for _, f := range files {
		b, _ := os.ReadFile(f)
		r, err := Extract(Input{Body: b})
		a := r.Article
		fmt.Printf("%.14s %-8s err=%v pub=%s author=%q sec=%q\n", filepath.Base(f), r.Kind, err, a.Published.Format(time.RFC3339), a.Author, a.Section)
	}
}

func TestDevVINewsFilters(t *testing.T) {
	if os.Getenv("DEV_VINEWS") == "" {
		t.Skip()
	}
	f, _ := os.Open("../../../shared/corpus/vi-news/part-00.jsonl.gz")
	zr, _ := gzip.NewReader(f)
	sc := bufio.NewScanner(zr)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	total, dropped := 0, 0
	ex := map[string]int{}
	for sc.Scan() {
		var a struct{ Body string }
		json.Unmarshal(sc.Bytes(), &a)
		for _, p := range strings.Split(a.Body, "\n") {
			p = clean(p)
			if p == "" {
				continue
			}
			total++
			bl := &block{text: p, runes: runeLen(p)}
			why := ""
			switch {
			case isStopLine(bl.folded(), bl.runes):
				why = "stop"
			case isBoilerLine(bl.folded(), bl.runes):
				why = "boiler"
			case isPromo(bl.folded(), bl.runes):
				why = "promo"
			case bl.runes <= 100 && isDateLine(bl.text):
				why = "date"
			case bl.runes <= 100 && byLine.MatchString(bl.text):
				why = "byline"
			}
			if why != "" {
				dropped++
				if ex[why] < 8 {
					fmt.Printf("%s: %q\n", why, p)
				}
				ex[why]++
			}
		}
	}
	fmt.Println(total, dropped, ex)
}

func TestDevRandomSlow(t *testing.T) {
	if os.Getenv("DEV_RAND") == "" {
		t.Skip()
	}
	seeds, _ := filepath.Glob("testdata/*.html")
	var pages [][]byte
	for _, s := range seeds {
		b, _ := os.ReadFile(s)
		pages = append(pages, b)
	}
	rng := rand.New(rand.NewSource(1))
	worst := time.Duration(0)
	for i := 0; i < 3000; i++ {
		b := append([]byte(nil), pages[rng.Intn(len(pages))]...)
		for k := 0; k < 1+rng.Intn(20); k++ {
			switch rng.Intn(4) {
			case 0:
				b[rng.Intn(len(b))] = byte(rng.Intn(256))
			case 1:
				p := rng.Intn(len(b))
				q := p + rng.Intn(200)
				if q > len(b) {
					q = len(b)
				}
				b = append(b[:q], append(append([]byte(nil), b[p:q]...), b[q:]...)...)
			case 2:
				p := rng.Intn(len(b))
				q := p + rng.Intn(200)
				if q > len(b) {
					q = len(b)
				}
				b = append(b[:p], b[q:]...)
			case 3:
				p := rng.Intn(len(b))
				b = append(b[:p], append([]byte("<div><p>"), b[p:]...)...)
			}
			if len(b) == 0 {
				b = []byte("x")
			}
		}
		st := time.Now()
		Extract(Input{Body: b})
		if d := time.Since(st); d > worst {
			worst = d
			fmt.Println(i, d, len(b))
		}
	}
}

func TestDevListing(t *testing.T) {
	if os.Getenv("DEV_LIST") == "" {
		t.Skip()
	}
	os.WriteFile("/tmp/list.html", []byte(listingPage(false)), 0o644)
	b := []byte(listingPage(false))
	r, _ := Extract(Input{Body: b, URL: "https://phuong.example.gov.vn/chuyen-muc/cong-tac-dang"})
	fmt.Printf("%s %q\n%q\n", r.Kind, r.Reason, r.Article.Body)
}
