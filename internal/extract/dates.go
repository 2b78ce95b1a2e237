package extract

import (
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/tracuu/tracuu/internal/article"
	"github.com/tracuu/tracuu/internal/vi"
)

// machineLayouts are the forms dates take in metadata (JSON-LD, meta tags,
// <time datetime>).
var machineLayouts = []string{
	time.RFC3339Nano, "2006-01-02T15:04:05Z0700", "2006-01-02T15:04:05.999999999Z0700",
	"2006-01-02T15:04Z07:00", "2006-01-02T15:04:05", "2006-01-02T15:04:05.999999999", "2006-01-02T15:04",
	"2006-01-02 15:04:05Z07:00", "2006-01-02 15:04:05 Z07:00", "2006-01-02 15:04:05 -0700", "2006-01-02 15:04:05",
	"2006-01-02 15:04", "2006-01-02", "2006/01/02 15:04:05", "2006/01/02 15:04", "2006/01/02", "20060102",
	time.RFC1123Z, time.RFC1123, "Mon, 2 Jan 2006 15:04:05 -0700", "Mon, 2 Jan 2006 15:04:05 MST",
	"January 2, 2006", "Jan 2, 2006", "2 January 2006",
}

// parseMachineDate parses a metadata date; a date without a zone is read in
// Vietnam time.
func parseMachineDate(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > 64 {
		return time.Time{}, false
	}
	for _, layout := range machineLayouts {
		if t, err := time.ParseInLocation(layout, s, article.Vietnam); err == nil {
			return sane(t)
		}
	}
	// Some CMSs write "2020-07-16T13:40:00+0700" or "+07" variants; the
	// visible-date parser copes with most of what remains.
	return parseVisibleDate(s)
}

// sane rejects dates before 1990 or more than a year ahead: counters,
// ids and typos, not publish dates.
func sane(t time.Time) (time.Time, bool) {
	if t.Year() < 1990 || t.After(time.Now().AddDate(1, 0, 0)) {
		return time.Time{}, false
	}
	return t, true
}

// Vietnamese visible dates: "Thứ Năm, 16/07/2020, 13:40", "16:41, 06/08/2018",
// "Ngày đăng 25/09/2020 | 21:01", "06-08-2018", "16/7/2020 13:40 (GMT+7)",
// "2020-07-16 13:40", "ngày 16 tháng 7 năm 2020".
var (
	dmyRe     = regexp.MustCompile(`(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})`)
	ymdRe     = regexp.MustCompile(`(\d{4})[/.-](\d{1,2})[/.-](\d{1,2})`)
	wordDMYRe = regexp.MustCompile(`(?i)ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})(?:\s*,)?\s+năm\s+(\d{4})`)
	hmRe      = regexp.MustCompile(`(\d{1,2})\s*[:hH]\s*(\d{2})(?:\s*:\s*(\d{2}))?(?:\s*([AaPp][Mm]))?`)
	gmtRe     = regexp.MustCompile(`(?i)(?:GMT|UTC)\s*([+-])\s*(\d{1,2})(?::?(\d{2}))?`)
	enMDYRe   = regexp.MustCompile(`(?i)\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+(\d{1,2}),?\s+(\d{4})`)
	enDMYRe   = regexp.MustCompile(`(?i)\b(\d{1,2})\s+(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?,?\s+(\d{4})`)
)

// monthAbbr maps English month abbreviations to months.
var monthAbbr = map[string]time.Month{"jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12}

// parseVisibleDate finds the first date in s (day before month, as
// Vietnamese pages write it) and the time of day next to it.
func parseVisibleDate(s string) (time.Time, bool) {
	return parseVisibleDateOrder(s, false)
}

// parseVisibleDateOrder is parseVisibleDate for a page that writes numeric
// dates month first (US forums and CMSs: "12-24-2012") when monthFirst is
// set. A numeric date that only makes sense one way is read that way.
func parseVisibleDateOrder(s string, monthFirst bool) (time.Time, bool) {
	if !hasYear(s) {
		return time.Time{}, false
	}
	var y, m, d int
	loc := -1
	end := -1
	type find struct {
		re           *regexp.Regexp
		yi, mi, di   int
		monthIsWords bool
	}
	for _, f := range []find{{wordDMYRe, 3, 2, 1, false}, {dmyRe, 3, 2, 1, false}, {ymdRe, 1, 2, 3, false}, {enMDYRe, 3, 1, 2, true}, {enDMYRe, 3, 2, 1, true}} {
		idx := f.re.FindStringSubmatchIndex(s)
		if idx == nil {
			continue
		}
		if loc >= 0 && idx[0] >= loc {
			continue
		}
		get := func(i int) string { return s[idx[2*i]:idx[2*i+1]] }
		yy, _ := strconv.Atoi(get(f.yi))
		dd, _ := strconv.Atoi(get(f.di))
		var mm int
		if f.monthIsWords {
			mm = int(monthAbbr[strings.ToLower(get(f.mi))[:3]])
		} else {
			mm, _ = strconv.Atoi(get(f.mi))
		}
		if f.re == dmyRe && (monthFirst && dd <= 12 || mm > 12 && dd <= 12) {
			dd, mm = mm, dd
		}
		if mm < 1 || mm > 12 || dd < 1 || dd > 31 {
			continue
		}
		y, m, d, loc, end = yy, mm, dd, idx[0], idx[1]
	}
	if loc < 0 {
		return time.Time{}, false
	}
	hour, minute, sec := 0, 0, 0
	// The time of day is the one closest to the date, before or after it.
	best := -1
	for _, idx := range hmRe.FindAllStringSubmatchIndex(s, -1) {
		dist := 0
		switch {
		case idx[1] <= loc:
			dist = loc - idx[1]
		case idx[0] >= end:
			dist = idx[0] - end
		default:
			continue
		}
		if dist > 25 || best >= 0 && dist >= best {
			continue
		}
		h, _ := strconv.Atoi(s[idx[2]:idx[3]])
		mi, _ := strconv.Atoi(s[idx[4]:idx[5]])
		se := 0
		if idx[6] >= 0 {
			se, _ = strconv.Atoi(s[idx[6]:idx[7]])
		}
		if idx[8] >= 0 {
			ap := strings.ToLower(s[idx[8]:idx[9]])
			if ap == "pm" && h < 12 {
				h += 12
			} else if ap == "am" && h == 12 {
				h = 0
			}
		}
		if h > 23 || mi > 59 || se > 59 {
			continue
		}
		hour, minute, sec, best = h, mi, se, dist
	}
	loc7 := article.Vietnam
	if g := gmtRe.FindStringSubmatch(s); g != nil {
		h, _ := strconv.Atoi(g[2])
		mi := 0
		if g[3] != "" {
			mi, _ = strconv.Atoi(g[3])
		}
		off := h*3600 + mi*60
		if g[1] == "-" {
			off = -off
		}
		if off != 7*3600 && h <= 14 {
			loc7 = time.FixedZone("", off)
		}
	}
	t := time.Date(y, time.Month(m), d, hour, minute, sec, 0, loc7)
	if t.Day() != d {
		return time.Time{}, false // 31/02 and the like
	}
	return sane(t)
}

// urlDateRe finds /2020/07/16/, /2020-07-16/, 20200716 in story ids and
// the 14–17 digit timestamps some Vietnamese CMSs put in URLs.
var (
	urlYMDRe   = regexp.MustCompile(`/((?:19|20)\d{2})[/-](\d{1,2})[/-](\d{1,2})(?:/|-|$)`)
	urlStampRe = regexp.MustCompile(`[^0-9]((?:19|20)\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})\d{0,5}(?:[^0-9]|$)`)
)

// urlDate returns the date a URL spells, if any.
func urlDate(u string) (time.Time, bool) {
	for _, re := range []*regexp.Regexp{urlYMDRe, urlStampRe} {
		g := re.FindStringSubmatch(u)
		if g == nil {
			continue
		}
		y, _ := strconv.Atoi(g[1])
		m, _ := strconv.Atoi(g[2])
		d, _ := strconv.Atoi(g[3])
		if m < 1 || m > 12 || d < 1 || d > 31 {
			continue
		}
		t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, article.Vietnam)
		if len(g) > 5 {
			h, _ := strconv.Atoi(g[4])
			mi, _ := strconv.Atoi(g[5])
			s, _ := strconv.Atoi(g[6])
			if h < 24 && mi < 60 && s < 60 {
				t = time.Date(y, time.Month(m), d, h, mi, s, 0, article.Vietnam)
			}
		}
		return sane(t)
	}
	return time.Time{}, false
}

// dateLabel matches labels in front of a publish or update date.
var (
	publishLabel = regexp.MustCompile(`(?i)(ngày đăng|đăng ngày|đăng lúc|ngày xuất bản|xuất bản|published|posted|ngày:)`)
	updateLabel  = regexp.MustCompile(`(?i)(ngày cập nhật|cập nhật|updated|modified)`)
)

// hasYear reports whether s has a run of four digits, which every date form
// we read includes; it spares the regexps most lines of a page.
func hasYear(s string) bool {
	run := 0
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			run++
			if run == 4 {
				return true
			}
		} else {
			run = 0
		}
	}
	return false
}

// monthFirstPage reports whether the numeric dates of lines read month
// first: some date among them has a "day" over 12 in second place and none
// has one in first place.
func monthFirstPage(lines []*block) bool {
	dmy, mdy := 0, 0
	for _, l := range lines {
		for _, g := range dmyRe.FindAllStringSubmatch(l.text, -1) {
			a, _ := strconv.Atoi(g[1])
			b, _ := strconv.Atoi(g[2])
			switch {
			case a > 12 && b <= 12:
				dmy++
			case b > 12 && a <= 12:
				mdy++
			}
		}
	}
	return mdy > dmy
}

// chooseDates ranks publish-date sources: JSON-LD, meta tags, <time>, a
// short visible date line, then a date inside the story text; a date that a
// URL also spells wins over one that disagrees with it.
func chooseDates(m *meta, c *content, title, urls string) (pub, upd time.Time, rank int) {
	type cand struct {
		t    time.Time
		rank int
	}
	var cands []cand
	monthFirst := monthFirstPage(c.dateBlocks)
	add := func(s string, rank int, machine bool) {
		var t time.Time
		var ok bool
		if machine {
			t, ok = parseMachineDate(s)
		} else {
			t, ok = parseVisibleDateOrder(s, monthFirst)
		}
		if ok {
			cands = append(cands, cand{t, rank})
		}
	}
	add(m.ld.Published, 0, true)
	for _, k := range []string{"article:published_time", "og:article:published_time", "datepublished", "pubdate", "publishdate", "publish-date", "publish_date", "article.published", "dc.date.issued", "dc.date", "dcterms.created", "date", "sailthru.date", "parsely-pub-date", "citation_publication_date", "og:published_time"} {
		add(m.get(k), 1, true)
	}
	add(m.itemDate, 2, true)
	for _, te := range m.times {
		r := 4
		if te.pubdate {
			r = 2
		}
		add(firstNonEmpty(te.datetime, textOf(te.node)), r, true)
	}
	var updLine time.Time
	// A date line is the story's when it sits between the title and the
	// first paragraph (or just after); dates elsewhere belong to other
	// stories' links, sidebars and footers.
	titleIdx := -1
	ft, titleLen := vi.Fold(title), runeLen(title)
	for _, bl := range c.blocks {
		if bl.runes <= 300 && (bl.heading == 1 || ft != "" && bl.runes == titleLen && bl.folded() == ft) {
			titleIdx = bl.index
			break
		}
	}
	for _, d := range c.dateBlocks {
		near := c.firstPara < len(c.blocks) && d.index <= c.firstPara+2 && (titleIdx < 0 || d.index >= titleIdx-3) ||
			titleIdx >= 0 && d.index >= titleIdx-3 && d.index <= titleIdx+3
		rank := 9
		if near {
			rank = 5
		}
		if updateLabel.MatchString(d.text) && !publishLabel.MatchString(d.text) {
			if t, ok := parseVisibleDateOrder(d.text, monthFirst); ok && updLine.IsZero() && near {
				updLine = t
			}
			rank++
		}
		add(d.text, rank, false)
	}
	for _, p := range c.paras {
		if p.runes >= 100 {
			add(p.text, 8, false)
			break
		}
	}
	ud, hasURLDate := urlDate(urls)
	best := -1
	for i, cd := range cands {
		if hasURLDate && !near(cd.t, ud) {
			continue
		}
		if best < 0 || cd.rank < cands[best].rank {
			best = i
		}
	}
	rank = 99
	switch {
	case best >= 0:
		pub, rank = cands[best].t, cands[best].rank
	case hasURLDate:
		pub, rank = ud, 3
	default:
		for i, cd := range cands {
			if best < 0 || cd.rank < cands[best].rank {
				best = i
			}
		}
		if best >= 0 {
			pub, rank = cands[best].t, cands[best].rank
		}
	}
	for _, s := range []string{m.ld.Modified, m.get("article:modified_time", "og:updated_time", "datemodified", "last-modified", "dc.date.modified", "lastmod")} {
		if t, ok := parseMachineDate(s); ok {
			upd = t
			break
		}
	}
	if upd.IsZero() {
		upd = updLine
	}
	return pub, upd, rank
}

// near reports dates at most about two days apart.
func near(a, b time.Time) bool {
	d := a.Sub(b)
	if d < 0 {
		d = -d
	}
	return d <= 50*time.Hour
}
