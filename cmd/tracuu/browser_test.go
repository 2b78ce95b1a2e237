package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// The browser test drives the real page in headless Chromium: the binary
// serves the sample index (plus one article full of markup), and the test
// types, clicks and navigates as a reader would, then looks at the DOM.
// Screenshots of the main states go to $TRACUU_SCREENSHOTS, or to a
// temporary folder whose path the test logs.

// chromiumPath finds a Chromium or Chrome binary on PATH, or returns "".
func chromiumPath() string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// markupProbe is an article whose title and body look like HTML: the page
// must show them as text and never run them.
const markupProbe = `{"id":"markup-probe","url":"https://example.org/hong-hac","site":"example.org","section":"Thử nghiệm",` +
	`"published":"2019-05-04","title":"Hồng hạc <script>window.__pwned=1</script> trở lại",` +
	`"body":"Bầy hồng hạc đã về đầm lầy.\n\nĐoạn hai <script>window.__pwned=1</script> và <img src=x onerror=\"window.__pwned=2\"> vẫn là văn bản."}`

// scriptURL is an article whose stored URL is a "javascript:" address: the
// page must not make a link of it.
const scriptURL = `{"id":"script-url","url":"javascript:window.__pwned=3","site":"example.org",` +
	`"title":"Liên kết lạ","body":"Một bài ngắn về kỳ lân, có địa chỉ gốc không phải trang web."}`

// craneCopies are one story published twice: with near-duplicate
// collapsing the page shows it once, with a link to the copies.
const craneCopies = `{"id":"crane-1","url":"https://a.example.org/seu","site":"a.example.org","published":"2021-03-02",` +
	`"title":"Sếu đầu đỏ trở về vườn quốc gia Tràm Chim","body":"Một cặp sếu đầu đỏ được nhìn thấy tại vườn quốc gia Tràm Chim sáng nay.\n\nCác nhà khoa học vui mừng vì loài chim quý đã quay lại sau nhiều năm vắng bóng."}
{"id":"crane-2","url":"https://b.example.org/seu","site":"b.example.org","published":"2021-03-03",` +
	`"title":"Sếu đầu đỏ trở về vườn quốc gia Tràm Chim","body":"Một cặp sếu đầu đỏ được nhìn thấy tại vườn quốc gia Tràm Chim sáng nay.\n\nCác nhà khoa học vui mừng vì loài chim quý đã quay lại sau nhiều năm vắng bóng."}`

// penguins are JSONL articles whose paragraphs are separated by single
// newlines, as in the shared vi-news corpus; one has no date.
const penguins = `{"id":"penguin-1","url":"https://c.example.org/chim-canh-cut","site":"c.example.org","published":"2022-06-01",` +
	`"title":"Chim cánh cụt hoàng đế ở Nam Cực","body":"Đoạn một kể về đàn chim cánh cụt hoàng đế.\nĐoạn hai nói về mùa đông dài.\nĐoạn ba nói về chim non."}
{"id":"penguin-2","url":"https://c.example.org/chim-canh-cut-2","site":"c.example.org",` +
	`"title":"Chim cánh cụt không rõ ngày","body":"Một bài về chim cánh cụt không có ngày đăng."}`

// regexpDate is the Vietnamese form of a date: 16/07/2020.
var regexpDate = regexp.MustCompile(`^\d{2}/\d{2}/\d{4}$`)

type browser struct {
	t     *testing.T
	ctx   context.Context
	base  string
	shots string
}

// run runs browser steps with a deadline.
func (b *browser) run(what string, steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 15*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		b.t.Fatalf("%s: %v (page: %s)", what, err, b.describe())
	}
}

// wait polls a JavaScript condition until it holds.
func (b *browser) wait(what, cond string) {
	b.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		ctx, cancel := context.WithDeadline(b.ctx, deadline.Add(2*time.Second))
		_, err := chromedp.Run(ctx, chromedp.Poll[bool]("!!("+cond+")", chromedp.WithPollingTimeout(time.Until(deadline))))
		cancel()
		if err == nil {
			return
		}
		// A navigation that is still settling replaces the page's JavaScript
		// context under the poll; poll again in the new one.
		if msg := err.Error(); time.Now().Before(deadline) && (strings.Contains(msg, "context with specified id") || strings.Contains(msg, "context was destroyed") ||
			strings.Contains(msg, "Inspected target navigated or closed")) {
			time.Sleep(50 * time.Millisecond)
			continue
		}
		b.t.Fatalf("waiting for %s (%s): %v (page: %s)", what, cond, err, b.describe())
	}
}

func evalJS[T any](b *browser, expr string) T {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 10*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		b.t.Fatalf("evaluate %s: %v", expr, err)
	}
	return v
}

// describe says where the page is, for failure messages.
func (b *browser) describe() string {
	ctx, cancel := context.WithTimeout(b.ctx, 3*time.Second)
	defer cancel()
	s, err := chromedp.Run(ctx, chromedp.Evaluate[string](
		`location.href + " | status: " + ((document.getElementById("status")||{}).textContent||"") + " | notice: " + ((document.getElementById("notice")||{}).textContent||"")`))
	if err != nil {
		return "unknown: " + err.Error()
	}
	return s
}

func (b *browser) open(path string) {
	b.t.Helper()
	b.run("open "+path, chromedp.Navigate(b.base+path))
}

// shot saves a PNG of the whole page, or of the viewport only when the
// page is long and narrow (a phone).
func (b *browser) shot(name string) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 10*time.Second)
	defer cancel()
	capture := chromedp.FullScreenshot(100)
	if evalJS[bool](b, `innerWidth < 600`) {
		capture = chromedp.CaptureScreenshot()
	}
	png, err := chromedp.Run(ctx, capture)
	if err != nil {
		b.t.Fatalf("screenshot %s: %v", name, err)
	}
	if err := os.WriteFile(filepath.Join(b.shots, name+".png"), png, 0o644); err != nil {
		b.t.Fatal(err)
	}
}

func (b *browser) search() string { return evalJS[string](b, `location.search`) }

func TestBrowser(t *testing.T) {
	chrome := chromiumPath()
	if chrome == "" {
		t.Skip("no chromium, chromium-browser or google-chrome on PATH: install Chromium (apt-get install chromium) to run the browser tests")
	}
	start := time.Now()
	want := loadExpected(t)
	dir := filepath.Join(t.TempDir(), "index")
	if s := importSample(t, dir); s.Indexed != 5 {
		t.Fatalf("sample import indexed %d articles, want 5", s.Indexed)
	}
	probe := filepath.Join(t.TempDir(), "probe.jsonl")
	if err := os.WriteFile(probe, []byte(markupProbe+"\n"+scriptURL+"\n"+craneCopies+"\n"+penguins+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, errOut, code := tracuu(t, "import", "--index", dir, "--json", probe); code != 0 {
		t.Fatalf("import of the markup probe exited %d: %s", code, errOut)
	}
	base := serve(t, dir)

	shots := os.Getenv("TRACUU_SCREENSHOTS")
	if shots == "" {
		shots = t.TempDir()
	} else if err := os.MkdirAll(shots, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshots in %s", shots)

	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(chrome),
		chromedp.Flag("headless", true),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
	)
	defer cancelAlloc()
	ctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	// The first call starts the browser and must not carry a timeout of its
	// own (it would stop the browser), so bound it from outside.
	started := make(chan error, 1)
	go func() { started <- chromedp.Do(ctx, chromedp.EmulateViewport(1280, 900)) }()
	select {
	case err := <-started:
		if err != nil {
			t.Fatalf("start %s: %v", chrome, err)
		}
	case <-time.After(30 * time.Second):
		cancel()
		t.Fatalf("%s did not start within 30s", chrome)
	}
	b := &browser{t: t, ctx: ctx, base: base, shots: shots}
	var jsErrors struct {
		sync.Mutex
		list []string
	}
	if err := chromedp.Listen(ctx, func(ev any) {
		if e, ok := ev.(*runtime.EventExceptionThrown); ok && e.ExceptionDetails != nil {
			msg := e.ExceptionDetails.Text
			if e.ExceptionDetails.Exception != nil {
				msg += " " + e.ExceptionDetails.Exception.Description
			}
			jsErrors.Lock()
			jsErrors.list = append(jsErrors.list, msg)
			jsErrors.Unlock()
		}
	}); err != nil {
		t.Fatal(err)
	}
	defer func() {
		jsErrors.Lock()
		defer jsErrors.Unlock()
		for _, e := range jsErrors.list {
			t.Errorf("uncaught JavaScript exception: %s", e)
		}
	}()

	t.Run("Search", func(t *testing.T) {
		b.t = t
		b.open("/")
		b.wait("the intro", `!document.getElementById("intro").hidden`)
		b.shot("01-empty")
		b.run("type a query", chromedp.SendKeys(chromedp.CSS("#q"), "dan chu"+kb.Enter))
		b.wait("5 results", `document.querySelectorAll("#hits > li").length === 5`)
		if s := b.search(); !strings.Contains(s, "q=dan+chu") {
			t.Errorf("URL query %q, want q=dan+chu", s)
		}
		if !evalJS[bool](b, `[...document.querySelectorAll("#hits .snip")].every(p => p.querySelector("mark"))`) {
			t.Error("a snippet has no <mark>")
		}
		if st := evalJS[string](b, `document.getElementById("status").textContent`); !strings.Contains(st, "5") {
			t.Errorf("status %q does not give the total", st)
		}
		if d := evalJS[string](b, `document.querySelector("#hits time").textContent`); !regexpDate.MatchString(d) {
			t.Errorf("date shown as %q, want dd/mm/yyyy", d)
		}
		b.shot("02-results")
	})

	t.Run("WrongMarkInterpreted", func(t *testing.T) {
		b.t = t
		// "chũ" is a slip for "chủ": the page answers "dân chu" and says so,
		// with a link to the spelling typed, which finds nothing.
		b.open("/?q=" + url.QueryEscape("dân chũ"))
		b.wait("5 results", `document.querySelectorAll("#hits > li").length === 5`)
		b.wait("the reading searched", `!document.getElementById("notice").hidden && !!document.querySelector("#notice .interpreted strong")`)
		if got := evalJS[string](b, `document.querySelector("#notice .interpreted strong").textContent`); got != "dân chu" {
			t.Errorf("interpreted as %q, want %q", got, "dân chu")
		}
		b.run("search exactly", chromedp.Click(chromedp.CSS(`#notice a.exact`)))
		b.wait("no results", `document.querySelectorAll("#hits > li").length === 0 && document.getElementById("status").textContent.includes("dân chũ")`)
		if s := b.search(); !strings.Contains(s, "exact=1") {
			t.Errorf("URL %q, want exact=1", s)
		}
	})

	t.Run("FacetAndBack", func(t *testing.T) {
		b.t = t
		b.open("/?q=dan+chu")
		b.wait("5 results", `document.querySelectorAll("#hits > li").length === 5`)
		site := evalJS[string](b, `document.querySelector("#facet-site input").value`)
		b.run("pick a site", chromedp.Click(chromedp.CSS("#facet-site input")))
		b.wait("the site's one result", `document.querySelectorAll("#hits > li").length === 1 && location.search.includes("site=")`)
		if s := b.search(); !strings.Contains(s, "site="+url.QueryEscape(site)) {
			t.Errorf("URL %q lacks site=%s", s, site)
		}
		if m := evalJS[string](b, `document.querySelector("#hits .meta").textContent`); !strings.Contains(m, site) {
			t.Errorf("remaining hit's metadata %q does not name %s", m, site)
		}
		if n := evalJS[int](b, `document.querySelectorAll("#facet-site input").length`); n < 5 {
			t.Errorf("site facet offers %d sites after picking one, want all 5 still selectable", n)
		}
		b.shot("03-facet-selected")
		b.run("go back", chromedp.Evaluate[chromedp.Void](`history.back()`))
		b.wait("the unfiltered list again", `document.querySelectorAll("#hits > li").length === 5 && !location.search.includes("site=")`)
		if evalJS[bool](b, `document.querySelector("#facet-site input:checked") !== null`) {
			t.Error("after going back a site is still ticked")
		}
	})

	t.Run("Timeline", func(t *testing.T) {
		b.t = t
		b.open("/?q=dan+chu")
		b.wait("the year bars", `document.querySelector('.tbar[aria-label^="2020:"]') !== null`)
		b.run("pick 2020", chromedp.Click(chromedp.CSS(`.tbar[aria-label^="2020:"]`)))
		b.wait("2020's matches by month", `location.search.includes("from=2020&to=2020") && document.querySelectorAll(".tbar").length === 12 && document.querySelectorAll("#hits > li").length === 2`)
		if n := evalJS[int](b, `[...document.querySelectorAll("#hits time")].filter(t => t.textContent.endsWith("/2020")).length`); n != 2 {
			t.Errorf("%d of the hits are from 2020, want both", n)
		}
		b.run("pick July", chromedp.Click(chromedp.CSS(`.tbar[aria-label^="2020-07:"]`)))
		b.wait("July 2020 only", `location.search.includes("from=2020-07&to=2020-07") && document.querySelectorAll("#hits > li").length === 1`)
		b.shot("03b-timeline-month")
	})

	t.Run("Paging", func(t *testing.T) {
		b.t = t
		b.open("/?q=dan+chu&size=2")
		b.wait("2 results", `document.querySelectorAll("#hits > li").length === 2`)
		first := evalJS[string](b, `[...document.querySelectorAll("#hits .hit-title")].map(a => a.href).join(" ")`)
		b.run("next page", chromedp.Click(chromedp.CSS("#next")))
		b.wait("page 2", `document.querySelectorAll("#hits > li").length === 2 && [...document.querySelectorAll("#hits .hit-title")].every(a => a.href.includes("page=2"))`)
		second := evalJS[string](b, `[...document.querySelectorAll("#hits .hit-title")].map(a => a.href).join(" ")`)
		if first == second {
			t.Errorf("page 2 shows the same hits as page 1: %s", first)
		}
		b.run("more results", chromedp.Click(chromedp.CSS("#more")))
		b.wait("one more batch appended", `document.querySelectorAll("#hits > li").length === 3 && location.search.includes("more=1")`)
		if evalJS[bool](b, `document.getElementById("more") !== null`) {
			t.Error("all 5 are shown but the page still offers more")
		}
		b.run("reload", chromedp.Reload())
		b.wait("the same 3 after a reload", `document.querySelectorAll("#hits > li").length === 3`)
		b.run("back to page 1", chromedp.Evaluate[chromedp.Void](`history.back()`))
		b.wait("page 1", `!location.search.includes("page=") && document.querySelectorAll("#hits > li").length === 2`)
	})

	t.Run("ArticleAndBack", func(t *testing.T) {
		b.t = t
		b.open("/?q=dan+chu&sort=newest")
		b.wait("5 results", `document.querySelectorAll("#hits > li").length === 5`)
		href := evalJS[string](b, `document.querySelector("#hits .hit-title").href`)
		u, err := url.Parse(href)
		if err != nil || u.Query().Get("article") == "" {
			t.Fatalf("first hit links to %q, want the article view", href)
		}
		id := u.Query().Get("article")
		b.run("open the article", chromedp.Click(chromedp.CSS("#hits .hit-title")))
		b.wait("the article", `!document.getElementById("article").hidden && document.querySelectorAll("#article .art-body p").length > 2`)
		code, body := get(t, base, "/api/articles/"+url.PathEscape(id), nil)
		var art struct{ Title, Body, URL string }
		if code != http.StatusOK || json.Unmarshal(body, &art) != nil {
			t.Fatalf("GET article %s: %d %s", id, code, body)
		}
		shown := evalJS[string](b, `document.getElementById("article").innerText`)
		for _, para := range strings.Split(art.Body, "\n\n") {
			if para = strings.TrimSpace(para); para != "" && !strings.Contains(shown, para) {
				t.Errorf("article view lacks the paragraph %.80q…", para)
			}
		}
		if !strings.Contains(shown, art.Title) {
			t.Errorf("article view lacks the title %q", art.Title)
		}
		if art.URL != "" && !evalJS[bool](b, fmt.Sprintf(`[...document.querySelectorAll("#article a")].some(a => a.href === %q)`, art.URL)) {
			t.Errorf("article view has no link to the original %s", art.URL)
		}
		b.wait("related articles (or none offered)", `document.querySelector("#article .related") && (document.querySelector("#article .related").hidden || document.querySelectorAll("#article .rel-list li").length > 0)`)
		b.shot("04-article")
		b.run("go back", chromedp.Evaluate[chromedp.Void](`history.back()`))
		b.wait("the result list again", `document.getElementById("article").hidden && document.querySelectorAll("#hits > li").length === 5`)
		if s := b.search(); strings.Contains(s, "article=") || !strings.Contains(s, "sort=newest") {
			t.Errorf("after back the URL query is %q", s)
		}
		if v := evalJS[string](b, `document.getElementById("q").value + "|" + document.getElementById("sort").value`); v != "dan chu|newest" {
			t.Errorf("after back the form holds %q, want the previous search", v)
		}
		b.run("go forward", chromedp.Evaluate[chromedp.Void](`history.forward()`))
		b.wait("the article again", `!document.getElementById("article").hidden && location.search.includes("article=")`)
	})

	t.Run("SharedURL", func(t *testing.T) {
		b.t = t
		site := want[1].Host
		path := "/?" + url.Values{"q": {"quy che dan chu"}, "site": {site}, "sort": {"oldest"}, "from": {"2000"}}.Encode()
		check := func(when string) {
			b.wait("the shared search "+when, `document.querySelectorAll("#hits > li").length === 1`)
			got := evalJS[string](b, `[document.getElementById("q").value, document.getElementById("sort").value, document.getElementById("from").value,
				[...document.querySelectorAll("#facet-site input:checked")].map(i => i.value).join(","), document.querySelectorAll("#chips .chip").length].join("|")`)
			if wantState := "quy che dan chu|oldest|2000|" + site + "|2"; got != wantState {
				t.Errorf("%s: page state %q, want %q", when, got, wantState)
			}
		}
		b.open(path)
		check("when opened")
		b.run("reload", chromedp.Reload())
		check("after a reload")
	})

	t.Run("NoResults", func(t *testing.T) {
		b.t = t
		b.open("/?q=" + url.QueryEscape("khủng long bạo chúa") + "&site=" + url.QueryEscape(want[0].Host))
		b.wait("the no-result advice", `!document.getElementById("notice").hidden && document.querySelectorAll("#hits > li").length === 0`)
		text := evalJS[string](b, `document.getElementById("notice").innerText`)
		for _, s := range []string{"bỏ dấu", "khung long bao chua"} {
			if !strings.Contains(text, s) {
				t.Errorf("no-result notice %q does not say %q", text, s)
			}
		}
		if !evalJS[bool](b, `document.getElementById("clear-filters") !== null`) {
			t.Error("no-result notice offers no way to drop the filters")
		}
		b.shot("05-no-results")
	})

	t.Run("Error", func(t *testing.T) {
		b.t = t
		b.open("/?q=" + url.QueryEscape(`quy c*`))
		b.wait("the error notice", `document.querySelector("#notice.error") && !document.getElementById("notice").hidden`)
		if r := evalJS[string](b, `document.getElementById("notice").getAttribute("role")`); r != "alert" {
			t.Errorf("error notice role %q, want alert", r)
		}
		if !evalJS[bool](b, `[...document.querySelectorAll("#notice button")].length === 1`) {
			t.Error("error notice has no retry button")
		}
		b.shot("06-error")
	})

	t.Run("SlowAndOffline", func(t *testing.T) {
		b.t = t
		b.open("/?q=dan+chu")
		b.wait("5 results", `document.querySelectorAll("#hits > li").length === 5`)
		// Answers that take 1.5 s show the loading bar, then the results.
		b.run("slow the network", chromedp.Evaluate[chromedp.Void](
			`(() => { const f = window.fetch; window.fetch = (...a) => new Promise(r => setTimeout(() => r(f(...a)), 1500)); })()`))
		b.run("search again", chromedp.SendKeys(chromedp.CSS("#q"), " co so"+kb.Enter))
		b.wait("the loading bar", `!document.getElementById("loading").hidden && document.getElementById("results").getAttribute("aria-busy") === "true"`)
		b.shot("06b-loading")
		b.wait("the slow results", `document.getElementById("loading").hidden && location.search.includes("co+so") && [...document.querySelectorAll("#hits .hit-title")].every(a => a.href.includes("co+so"))`)
		// No network at all: say so, and offer to retry.
		b.run("cut the network", chromedp.Evaluate[chromedp.Void](`window.fetch = () => Promise.reject(new TypeError("Failed to fetch"))`))
		b.run("search again", chromedp.Click(chromedp.CSS("#f button[type=submit]")))
		b.wait("the offline notice", `document.querySelector("#notice.error") && document.getElementById("notice").textContent.includes("kết nối")`)
	})

	t.Run("NearDuplicates", func(t *testing.T) {
		b.t = t
		b.open("/?q=seu+dau+do")
		b.wait("one hit with its copies", `document.querySelectorAll("#hits > li").length === 1 && document.querySelector("#hits .dups") !== null`)
		b.run("list the copies", chromedp.Click(chromedp.CSS("#hits .dups")))
		b.wait("both copies", `location.search.includes("cluster=") && document.querySelectorAll("#hits > li").length === 2`)
		b.shot("07b-near-duplicates")
	})

	t.Run("MarkupShownAsText", func(t *testing.T) {
		b.t = t
		b.open("/?q=hong+hac")
		b.wait("the probe article", `document.querySelectorAll("#hits > li").length === 1`)
		if title := evalJS[string](b, `document.querySelector("#hits .hit-title").textContent`); !strings.Contains(title, "<script>window.__pwned=1</script>") {
			t.Errorf("hit title shown as %q, want the markup as text", title)
		}
		b.run("open it", chromedp.Click(chromedp.CSS("#hits .hit-title")))
		b.wait("the article", `!document.getElementById("article").hidden && document.querySelectorAll("#article .art-body p").length >= 2`)
		text := evalJS[string](b, `document.getElementById("article").innerText`)
		for _, s := range []string{"Hồng hạc <script>window.__pwned=1</script> trở lại", `<img src=x onerror="window.__pwned=2">`} {
			if !strings.Contains(text, s) {
				t.Errorf("article text lacks %q as visible text:\n%s", s, text)
			}
		}
		if n := evalJS[int](b, `document.querySelectorAll("#main script, #main img").length`); n != 0 {
			t.Errorf("%d script or img elements made it into the page", n)
		}
		if !evalJS[bool](b, `typeof window.__pwned === "undefined"`) {
			t.Error("article markup ran: window.__pwned is set")
		}
		b.shot("07-markup-as-text")

		const scriptLinks = `document.querySelectorAll('a[href^="javascript:" i]').length`
		b.open("/?q=ky+lan")
		b.wait("the article with a javascript: URL", `document.querySelectorAll("#hits > li").length === 1`)
		if n := evalJS[int](b, scriptLinks); n != 0 {
			t.Errorf("results link %d times to a javascript: URL", n)
		}
		b.run("open it", chromedp.Click(chromedp.CSS("#hits .hit-title")))
		b.wait("the article", `!document.getElementById("article").hidden && document.querySelector("#article .art-body p") !== null`)
		if n := evalJS[int](b, scriptLinks); n != 0 {
			t.Errorf("article view links %d times to a javascript: URL", n)
		}
	})

	t.Run("Suggestions", func(t *testing.T) {
		b.t = t
		b.open("/")
		b.run("type a prefix", chromedp.SendKeys(chromedp.CSS("#q"), "quy che d"))
		b.wait("suggestions", `!document.getElementById("sugg").hidden && document.querySelectorAll("#sugg [role=option]").length > 0 && document.getElementById("q").getAttribute("aria-expanded") === "true"`)
		if opts := evalJS[string](b, `document.getElementById("sugg").textContent`); !strings.Contains(opts, "dân chủ") {
			t.Errorf("suggestions for %q are %q, want the accented words", "quy che d", opts)
		}
		b.run("arrow down", chromedp.SendKeys(chromedp.CSS("#q"), kb.ArrowDown))
		b.wait("the first option active", `document.getElementById("q").getAttribute("aria-activedescendant") === "sugg-0" && document.getElementById("sugg-0").getAttribute("aria-selected") === "true"`)
		b.shot("08-suggestions")
		b.run("escape", chromedp.SendKeys(chromedp.CSS("#q"), kb.Escape))
		b.wait("the list closed", `document.getElementById("sugg").hidden && document.getElementById("q").getAttribute("aria-expanded") === "false"`)
		b.run("arrow down and enter", chromedp.SendKeys(chromedp.CSS("#q"), kb.ArrowDown+kb.Enter))
		b.wait("the chosen suggestion's page", `location.search.includes("q=") || location.search.includes("article=")`)
	})

	t.Run("Language", func(t *testing.T) {
		b.t = t
		b.open("/?q=dan+chu")
		b.wait("5 results", `document.querySelectorAll("#hits > li").length === 5`)
		b.run("switch to English", chromedp.Click(chromedp.CSS("#lang")))
		b.wait("English", `document.documentElement.lang === "en" && document.querySelector("#f button[type=submit]").textContent === "Search"`)
		b.run("reload", chromedp.Reload())
		b.wait("English after a reload", `document.documentElement.lang === "en" && document.getElementById("status").textContent.includes("results")`)
		b.shot("12-english")
		b.run("switch back", chromedp.Click(chromedp.CSS("#lang")))
		b.wait("Vietnamese", `document.documentElement.lang === "vi" && document.querySelector("#f button[type=submit]").textContent === "Tìm"`)
	})

	t.Run("Phone", func(t *testing.T) {
		b.t = t
		b.run("phone viewport", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateTouch, chromedp.EmulateScale(2)))
		defer b.run("desktop viewport", chromedp.EmulateViewport(1280, 900))
		b.open("/?q=dan+chu")
		b.wait("5 results", `document.querySelectorAll("#hits > li").length === 5`)
		if w := evalJS[int](b, `document.documentElement.scrollWidth`); w > 390 {
			t.Errorf("page is %dpx wide on a 390px phone: it scrolls sideways", w)
		}
		b.shot("09-phone")
		b.run("open the filters", chromedp.Click(chromedp.CSS("#filters-toggle")))
		b.wait("the filters", `getComputedStyle(document.getElementById("filters")).display !== "none"`)
		b.shot("10-phone-filters")
	})

	t.Run("Widget", func(t *testing.T) {
		b.t = t
		// The second box takes its API from data-api: the same server under
		// another name, so the requests show which one it used.
		localBase := strings.Replace(base, "127.0.0.1", "localhost", 1)
		host := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprintf(w, `<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>Another site</title>
<style>body{font:16px Georgia,serif;margin:2rem;background:#fdfbf5} h1{color:#833}</style>
<script>window.__before = Object.keys(window);</script></head>
<body><h1>Báo Làng</h1><p class="host">Tìm trong kho tin:</p>
<div data-tracuu-search style="max-width:34rem"></div>
<p>Nội dung khác của trang.</p>
<div class="second" data-tracuu-search data-api="%s" data-lang="en" data-link="tracuu" style="max-width:34rem;margin-top:16rem"></div>
<script src="%s/widget.js"></script></body></html>`, localBase, base)
		}))
		defer host.Close()
		if strings.TrimPrefix(host.URL, "http://") == strings.TrimPrefix(base, "http://") {
			t.Fatal("the host page shares the API's origin")
		}
		b.run("open the host page", chromedp.Navigate(host.URL))
		b.wait("the widget", `document.querySelector(".tracuu-input") !== null`)
		b.run("type", chromedp.SendKeys(chromedp.CSS(".tracuu-input"), "dan chu"))
		b.wait("results in the dropdown", `document.querySelectorAll(".tracuu-results [role=option]").length === 5 && !document.querySelector(".tracuu-panel").hidden`)
		if !evalJS[bool](b, `document.querySelector(".tracuu-results mark") !== null`) {
			t.Error("widget results carry no highlight")
		}
		b.run("arrow down", chromedp.SendKeys(chromedp.CSS(".tracuu-input"), kb.ArrowDown))
		b.wait("an active result", `document.querySelector(".tracuu-input").getAttribute("aria-activedescendant") !== null`)
		globals := evalJS[[]string](b, `Object.keys(window).filter(k => !window.__before.includes(k) && k !== "__before")`)
		if len(globals) != 1 || globals[0] != "TracuuWidget" {
			t.Errorf("widget added globals %v, want only TracuuWidget", globals)
		}
		if ff := evalJS[string](b, `getComputedStyle(document.querySelector("p.host")).fontFamily`); !strings.Contains(ff, "Georgia") {
			t.Errorf("host page font changed to %q: widget CSS leaks", ff)
		}
		b.shot("11-widget")

		second := ".second .tracuu-input"
		if ph := evalJS[string](b, `document.querySelector(".second .tracuu-input").placeholder`); !strings.Contains(ph, "Search") {
			t.Errorf("data-lang=en box has placeholder %q", ph)
		}
		b.run("type in the second box", chromedp.SendKeys(chromedp.CSS(second), "quy che"))
		b.wait("its results", `document.querySelectorAll(".second .tracuu-results [role=option]").length > 0`)
		if !evalJS[bool](b, fmt.Sprintf(`performance.getEntriesByType("resource").some(e => e.name.startsWith(%q))`, localBase+"/api/search")) {
			t.Error("the data-api box did not call the API it names")
		}
		b.run("pick the first with the keyboard", chromedp.SendKeys(chromedp.CSS(second), kb.ArrowDown+kb.Enter))
		b.wait("the article on the tracuu page", `location.href.startsWith(`+strconv.Quote(localBase)+`) && document.getElementById("article") && !document.getElementById("article").hidden`)
	})

	firstHour(t, b, base)

	t.Logf("browser test took %s", time.Since(start).Round(100*time.Millisecond))
}
