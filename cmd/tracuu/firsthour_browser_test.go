package main

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// firstHour drives what a newcomer meets in the first hour on the page and
// the widget: repeated leads, JSONL paragraphs, the export links, error
// and edge states, the timeline's undated matches and the widget's states.
func firstHour(t *testing.T, b *browser, base string) {
	t.Run("LeadShownOnce", func(t *testing.T) {
		b.t = t
		b.open("/?q=dan+chu")
		b.wait("5 results", `document.querySelectorAll("#hits > li").length === 5`)
		// No snippet says the same 30 characters twice.
		rep := evalJS[string](b, `[...document.querySelectorAll("#hits .snip")].map(p => {
			const s = p.textContent.replace(/\s+/g, " ");
			for (let i = 0; i + 30 <= s.length; i++) if (s.indexOf(s.slice(i, i + 30), i + 1) >= 0) return s;
			return "";
		}).filter(Boolean).join("\n")`)
		if rep != "" {
			t.Errorf("snippets repeat their opening:\n%s", rep)
		}
		b.run("open the Huế article", chromedp.Click(chromedp.CSS(`#hits a.hit-title[href*="u307a244502c2d6e87f9e"]`)))
		b.wait("the article", `!document.getElementById("article").hidden && document.querySelectorAll("#article .art-body p").length > 2`)
		if lead := evalJS[string](b, `[...document.querySelectorAll("#article .lead")].map(p => p.textContent).join("|")`); strings.Contains(lead, "Website") {
			t.Errorf("the site's slogan is shown as the lead: %q", lead)
		}
		paras := evalJS[[]string](b, `[...document.querySelectorAll("#article .art-body p")].map(p => p.textContent.slice(0, 60))`)
		seen := map[string]bool{}
		for _, p := range paras {
			if seen[p] {
				t.Errorf("article view shows %q twice", p)
			}
			seen[p] = true
		}
	})

	t.Run("JSONLParagraphs", func(t *testing.T) {
		b.t = t
		b.open("/?article=penguin-1")
		b.wait("the article", `!document.getElementById("article").hidden && document.querySelector("#article .art-body p") !== null`)
		if n := evalJS[int](b, `document.querySelectorAll("#article .art-body p").length`); n != 3 {
			t.Errorf("a JSONL body of 3 lines shows as %d paragraphs", n)
		}
	})

	t.Run("UndatedCount", func(t *testing.T) {
		b.t = t
		b.open("/?q=chim+canh+cut")
		b.wait("2 results and the bars", `document.querySelectorAll("#hits > li").length === 2 && document.querySelector(".tbar") !== null`)
		b.wait("the undated note", `document.getElementById("undated") !== null`)
		if note := evalJS[string](b, `document.getElementById("undated").textContent`); !strings.Contains(note, "1 trong 2") {
			t.Errorf("timeline note %q, want it to say 1 of the 2 has a date", note)
		}
	})

	t.Run("NoExportProbe", func(t *testing.T) {
		b.t = t
		b.open("/?q=dan+chu")
		b.wait("5 results and the export links", `document.querySelectorAll("#hits > li").length === 5 && !document.getElementById("export").hidden`)
		if n := evalJS[int](b, `performance.getEntriesByType("resource").filter(e => e.name.includes("/api/export")).length`); n != 0 {
			t.Errorf("showing results fetched /api/export %d times", n)
		}
	})

	t.Run("BadDates", func(t *testing.T) {
		b.t = t
		b.open("/?q=dan+chu&from=2020-13")
		b.wait("the error", `document.querySelector("#notice.error") && !document.getElementById("notice").hidden`)
		text := evalJS[string](b, `document.getElementById("notice").innerText`)
		for _, bad := range []string{"parameter", "YYYY", "ngoặc kép"} {
			if strings.Contains(text, bad) {
				t.Errorf("bad-date notice shows %q:\n%s", bad, text)
			}
		}
		if !strings.Contains(text, "Ngày") {
			t.Errorf("bad-date notice does not say the date is wrong:\n%s", text)
		}
		if chips := evalJS[string](b, `document.getElementById("chips").textContent`); strings.Contains(chips, "13/2020") {
			t.Errorf("chip reads %q: a month 13 shown as a date", chips)
		}
		b.run("clear the dates", chromedp.Click(chromedp.CSS("#error-next")))
		b.wait("results without dates", `document.querySelectorAll("#hits > li").length === 5 && !location.search.includes("from=")`)
		// The form refuses a month 13 and a 30 February.
		for _, v := range []string{"2020-13", "2021-02-30"} {
			b.run("type "+v, chromedp.SetValue(chromedp.CSS("#from"), v), chromedp.Click(chromedp.CSS("#ff button[type=submit]")))
			b.wait("the field marked invalid", `document.getElementById("from").getAttribute("aria-invalid") === "true"`)
			if s := b.search(); strings.Contains(s, "from=") {
				t.Errorf("%s was accepted: %s", v, s)
			}
		}
	})

	t.Run("PageClamp", func(t *testing.T) {
		b.t = t
		for _, page := range []string{"5", "999999"} {
			b.open("/?q=dan+chu&page=" + page)
			b.wait("a page with results", `document.querySelectorAll("#hits > li").length > 0 && document.querySelector("#notice.error") === null`)
			if st := evalJS[string](b, `document.getElementById("status").textContent`); strings.Contains(st, "41") || strings.Contains(st, "999") {
				t.Errorf("page=%s: status %q", page, st)
			}
		}
	})

	t.Run("NoSillyHint", func(t *testing.T) {
		b.t = t
		b.open("/?q=qwertyzzz")
		b.wait("no results", `!document.getElementById("notice").hidden && document.querySelectorAll("#hits > li").length === 0`)
		if text := evalJS[string](b, `document.getElementById("notice").innerText`); strings.Contains(text, "bỏ dấu") {
			t.Errorf("a query without tone marks is told to drop them:\n%s", text)
		}
	})

	t.Run("WidgetStates", func(t *testing.T) {
		b.t = t
		// refusing answers like an API on another server that does not allow
		// the host page's origin: no CORS headers.
		refusing := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprint(w, `{"total":0,"hits":[]}`)
		}))
		defer refusing.Close()
		host := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprintf(w, `<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>Host</title></head>
<body><div class="one" data-tracuu-search></div><div class="two" data-tracuu-search data-api="%s" style="margin-top:20rem"></div>
<script src="%s/widget.js"></script></body></html>`, refusing.URL, base)
		}))
		defer host.Close()
		b.run("open the host page", chromedp.Navigate(host.URL))
		b.wait("the widgets", `document.querySelectorAll(".tracuu-input").length === 2`)
		visible := `(() => { const a = document.querySelector(".one .tracuu-all"); return a.offsetParent !== null && getComputedStyle(a).display !== "none"; })()`
		b.run("type", chromedp.SendKeys(chromedp.CSS(".one .tracuu-input"), "dan chu"))
		b.wait("results", `document.querySelectorAll(".one .tracuu-results [role=option]").length === 5`)
		if !evalJS[bool](b, visible) {
			t.Error("the see-all link is hidden under results")
		}
		b.run("a query with no match", chromedp.Evaluate[chromedp.Void](`document.querySelector(".one .tracuu-input").value = ""`), chromedp.SendKeys(chromedp.CSS(".one .tracuu-input"), "qwertyzzz"))
		b.wait("no results", `document.querySelectorAll(".one .tracuu-results [role=option]").length === 0 && !document.querySelector(".one .tracuu-message").hidden`)
		if evalJS[bool](b, visible) {
			t.Errorf("no results, yet the widget shows %q", evalJS[string](b, `document.querySelector(".one .tracuu-all").textContent`))
		}
		b.run("a broken query", chromedp.Evaluate[chromedp.Void](`document.querySelector(".one .tracuu-input").value = ""`), chromedp.SendKeys(chromedp.CSS(".one .tracuu-input"), `dan c*`))
		b.wait("the error", `document.querySelector(".one .tracuu-error") !== null && !document.querySelector(".one .tracuu-message").hidden`)
		msg := evalJS[string](b, `document.querySelector(".one .tracuu-message").textContent`)
		if strings.Contains(msg, "parameter") || strings.Contains(msg, "prefix") || !strings.Contains(msg, "chữ cái") {
			t.Errorf("query error shown to a Vietnamese visitor as %q", msg)
		}
		if evalJS[bool](b, visible) {
			t.Error("a stale see-all link shows under the error")
		}
		b.run("type in the box whose API refuses this origin", chromedp.SendKeys(chromedp.CSS(".two .tracuu-input"), "dan chu"+kb.Enter))
		b.wait("the refusal", `document.querySelector(".two .tracuu-error") !== null`)
		msg = evalJS[string](b, `document.querySelector(".two .tracuu-message").textContent`)
		if strings.Contains(msg, "Failed to fetch") || !strings.Contains(msg, "cho phép") {
			t.Errorf("a CORS refusal reads %q", msg)
		}
	})
}
