package extract

import (
	"net/url"
	"regexp"
	"strings"

	"github.com/tracuu/tracuu/internal/article"
)

// errorTitle matches titles of error pages in English and Vietnamese.
var errorTitle = regexp.MustCompile(`(?i)(^|\D)404(\D|$)|not found|page not found|không tìm thấy|không tồn tại|trang bạn tìm|lỗi hệ thống|server error|access denied|forbidden|(^|\s)error(\s|$)`)

// rootPaths are URL paths that mean "the site's front page".
var rootPaths = map[string]bool{
	"": true, "/": true, "/index.html": true, "/index.htm": true, "/index.php": true, "/default.aspx": true,
	"/home": true, "/trang-chu": true, "/trangchu.aspx": true, "/index.aspx": true, "/home.aspx": true,
	"/en": true, "/vi": true, "/vn": true,
}

// listingPath matches URL paths of section, tag, search and archive listings.
var listingPath = regexp.MustCompile(`(?i)/(tag|tags|tim-kiem|search|chu-de|topic|category|categories|chuyen-muc|archive|page/\d+|trang-\d+)(/|$|\.)|[?&](q|s|query|keyword|keywords|tukhoa|tu-khoa|search)=`)

// classify decides whether the page is an article and, when not, why.
func classify(m *meta, c *content, a *article.Article, inURL string) (Kind, string) {
	bodyRunes := runeLen(a.Body)
	if a.Title == "" && bodyRunes == 0 {
		return KindEmpty, "no text found"
	}
	if errorTitle.MatchString(a.Title) && bodyRunes < 1000 {
		return KindError, "title says the page is an error page"
	}
	articleMeta := m.hasLD || strings.EqualFold(m.get("og:type"), "article") || m.get("article:published_time") != ""
	long := 0
	for _, p := range c.paras {
		if p.runes >= 120 && p.linkRunes*5 < p.runes {
			long++
		}
	}
	u := a.URL
	if u == "" {
		u = inURL
	}
	if p, err := url.Parse(u); err == nil && p.Host != "" {
		if rootPaths[strings.ToLower(p.Path)] && p.RawQuery == "" {
			return KindHomepage, "URL is the site's front page"
		}
		if listingPath.MatchString(p.Path+"?"+p.RawQuery) && (long < 3 || !articleMeta) {
			return KindListing, "URL is a listing or search page"
		}
	}
	pageRunes, pageLinks := 0, 0
	if st := c.stats[c.body]; st != nil {
		pageRunes, pageLinks = st.runes, st.linkRunes
	}
	linkShare := 0.0
	if pageRunes > 0 {
		linkShare = float64(pageLinks) / float64(pageRunes)
	}
	website := strings.EqualFold(m.get("og:type"), "website")
	// A date from metadata or beside the title is evidence of an article;
	// one taken from running text or a sidebar is not.
	noDate := c.dateRank > 6
	topLD := 0.0
	if st := c.stats[c.top]; st != nil && st.runes > 0 {
		topLD = float64(st.linkRunes) / float64(st.runes)
	}
	switch {
	case c.dateLines >= 5:
		return notArticleKind(website, m), "the main block lists several dated stories"
	case topLD > 0.5 && !m.hasLD:
		return notArticleKind(website, m), "the main block is mostly links"
	case c.linkedHeads >= 5 && c.linkedHeads*2 >= long && noDate && !m.hasLD:
		return notArticleKind(website, m), "the main block is a list of linked story titles"
	case bodyRunes < 150 && long == 0:
		if linkShare > 0.3 {
			return notArticleKind(website, m), "many links and no story text"
		}
		return KindEmpty, "too little text for an article"
	case long < 2 && !articleMeta && linkShare > 0.35 && noDate:
		return notArticleKind(website, m), "many links and no dominant text block"
	case bodyRunes < 400 && long <= 1 && linkShare > 0.5 && noDate:
		return notArticleKind(website, m), "many links, little text and no date"
	case website && !articleMeta && long < 4 && linkShare > 0.3:
		return notArticleKind(website, m), "declared a website page, link-heavy, little story text"
	}
	return KindArticle, ""
}

// notArticleKind tells a front page (declared a website) from a listing.
func notArticleKind(website bool, m *meta) Kind {
	if website {
		return KindHomepage
	}
	return KindListing
}
