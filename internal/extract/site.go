package extract

import (
	"net/url"
	"strings"
)

// pageURL is the canonical URL the page states (made absolute against the
// URL it came from), else its og:url, else the URL it came from.
func pageURL(m *meta, inURL string) string {
	base, _ := url.Parse(inURL)
	for _, cand := range []string{m.canonical, m.get("og:url"), m.ld.URL} {
		cand = strings.TrimSpace(cand)
		if cand == "" {
			continue
		}
		u, err := url.Parse(cand)
		if err != nil {
			continue
		}
		if !u.IsAbs() {
			if base == nil || !base.IsAbs() {
				continue
			}
			u = base.ResolveReference(u)
		}
		if u.Scheme != "http" && u.Scheme != "https" || u.Host == "" {
			continue
		}
		return u.String()
	}
	return strings.TrimSpace(inURL)
}

// siteOf returns the host of u, lower-case, without "www." and port.
func siteOf(u string) string {
	if u == "" {
		return ""
	}
	p, err := url.Parse(u)
	if err != nil || p.Host == "" {
		return ""
	}
	h := strings.ToLower(p.Hostname())
	return strings.TrimPrefix(h, "www.")
}
