package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"

	"github.com/tracuu/tracuu/internal/corpus"
	"github.com/tracuu/tracuu/internal/corpus/corpustest"
)

// datedNews writes the first n dated articles of the shared corpus (one
// site, 2020 to 2021) to a JSONL file for the research views to chart.
func datedNews(t *testing.T, n int) string {
	t.Helper()
	var buf bytes.Buffer
	k := 0
	err := corpus.Lines(context.Background(), corpustest.Path(t, "vi-news"), func(_ string, _ int, text []byte) (bool, error) {
		if bytes.Contains(text, []byte(`"published"`)) {
			buf.Write(text)
			buf.WriteByte('\n')
			k++
		}
		return k < n, nil
	})
	if err != nil {
		t.Fatalf("read the vi-news corpus: %v", err)
	}
	p := filepath.Join(t.TempDir(), "dated.jsonl")
	if err := os.WriteFile(p, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

type trendsAnswer struct {
	Interval string `json:"interval"`
	Buckets  []struct {
		Key, Start, End string
		Articles        int
	} `json:"buckets"`
	Series []struct {
		Q       string    `json:"q"`
		Total   int       `json:"total"`
		Counts  []int     `json:"counts"`
		PerTenK []float64 `json:"per_10k"`
	} `json:"series"`
}

// The research views in Chromium: the trends chart is drawn from the API's
// numbers, a click on a point opens the search of that query and period,
// the concordance sorts on the words beside the match and shows article
// text as text, and the search page links to the views and the feed.
func TestResearchBrowser(t *testing.T) {
	chrome := chromiumPath()
	if chrome == "" {
		t.Skip("no chromium on PATH: install Chromium (apt-get install chromium) to run the browser tests")
	}
	dir := filepath.Join(t.TempDir(), "index")
	importSample(t, dir)
	probe := filepath.Join(t.TempDir(), "probe.jsonl")
	if err := os.WriteFile(probe, []byte(markupProbe+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, src := range []string{probe, datedNews(t, 400)} {
		if _, errOut, code := tracuu(t, "import", "--index", dir, "--json", src); code != 0 {
			t.Fatalf("import %s exited %d: %s", src, code, errOut)
		}
	}
	base := serve(t, dir)
	shots := os.Getenv("TRACUU_SCREENSHOTS")
	if shots == "" {
		shots = t.TempDir()
	} else if err := os.MkdirAll(shots, 0o755); err != nil {
		t.Fatal(err)
	}

	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(chrome), chromedp.Flag("headless", true), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.NoFirstRun, chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true), chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1280, 900))
	defer cancelAlloc()
	ctx, cancel := chromedp.NewContext(actx)
	defer cancel()
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

	t.Run("Trends", func(t *testing.T) {
		b.t = t
		v := url.Values{"q": {"covid", "vắc xin"}, "interval": {"month"}}
		code, body := get(t, base, "/api/trends", v)
		var tr trendsAnswer
		if code != 200 || json.Unmarshal(body, &tr) != nil || len(tr.Series) != 2 {
			t.Fatalf("trends: %d %.300s", code, body)
		}
		b.open("/research.html?view=trends&q=covid&q=v%E1%BA%AFc+xin&interval=month")
		b.wait("the chart", `document.querySelector("#chart canvas") && document.getElementById("chart").uplot`)
		// The chart holds the API's counts, bucket for bucket.
		got := evalJS[[][]float64](b, `document.getElementById("chart").uplot.data.slice(1)`)
		for i, s := range tr.Series {
			for j, n := range s.Counts {
				if got[i][j] != float64(n) {
					t.Fatalf("series %q bucket %d: chart %v, API %d", s.Q, j, got[i][j], n)
				}
			}
		}
		// The busiest month of the first query.
		j := 0
		for k, n := range tr.Series[0].Counts {
			if n > tr.Series[0].Counts[j] {
				j = k
			}
		}
		point := func(series, idx int) (float64, float64) {
			xy := evalJS[[]float64](b, fmt.Sprintf(`(() => { const u = document.getElementById("chart").uplot;
				const r = u.over.getBoundingClientRect();
				return [r.left + u.valToPos(u.data[0][%d], "x"), r.top + u.valToPos(u.data[%d][%d], "y")]; })()`, idx, series, idx))
			return xy[0], xy[1]
		}
		x, y := point(1, j)
		b.run("hover the point", chromedp.MouseEvent(input.DispatchMouseEventTypeMouseMoved, x, y))
		b.wait("the legend shows the count", fmt.Sprintf(`[...document.querySelectorAll(".u-legend .u-value")].some(e => e.textContent === "%d")`, tr.Series[0].Counts[j]))
		b.wait("telling words", `document.querySelectorAll("#terms-list li").length > 3`)
		viewShot(b, "trends")
		// Normalised: the same points per 10,000 articles, in the URL.
		b.run("normalise", chromedp.Click(chromedp.CSS("#norm")))
		b.wait("norm in the URL", `location.search.includes("norm=1")`)
		b.wait("the chart redrawn", fmt.Sprintf(`document.getElementById("chart").uplot.data[1][%d] === %v`, j, tr.Series[0].PerTenK[j]))
		if href := evalJS[string](b, `document.getElementById("t-csv").href`); !strings.Contains(href, "/api/trends?") || !strings.Contains(href, "format=csv") {
			t.Errorf("CSV link %q", href)
		}
		b.wait("telling words", `document.querySelectorAll("#terms-list li").length > 3`)
		// A click on the point opens the search of that query and month.
		x, y = point(1, j)
		b.run("click the point", chromedp.MouseEvent(input.DispatchMouseEventTypeMouseMoved, x, y), chromedp.MouseClickXY(x, y))
		b.wait("the search page", `location.pathname === "/"`)
		want := url.Values{"q": {"covid"}, "from": {tr.Buckets[j].Start}, "to": {tr.Buckets[j].End}}
		if s := b.search(); func() string { v, _ := url.ParseQuery(strings.TrimPrefix(s, "?")); return v.Encode() }() != want.Encode() {
			t.Errorf("click opened %q, want ?%s", s, want.Encode())
		}
		b.wait("the month's total", fmt.Sprintf(`document.getElementById("status").textContent.includes("%d")`, tr.Series[0].Counts[j]))
		// The search page links to the feed and the views of this search.
		b.wait("feed link", `document.getElementById("feed-link").href.endsWith("/api/feed?" + new URLSearchParams(location.search).toString())`)
		if h := evalJS[string](b, `document.getElementById("trends-link").href`); !strings.Contains(h, "/research.html?view=trends&q=covid") {
			t.Errorf("trends link %q", h)
		}
	})

	t.Run("Concordance", func(t *testing.T) {
		b.t = t
		b.open("/research.html?view=context&q=covid&width=5")
		b.wait("lines", `document.querySelectorAll("#kwic tbody tr").length > 10`)
		if !evalJS[bool](b, `[...document.querySelectorAll("#kwic td.m")].every(td => td.textContent.toLowerCase().includes("covid"))`) {
			t.Error("a line's match is not the query")
		}
		sorted := func(side string) bool {
			return evalJS[bool](b, fmt.Sprintf(`(() => {
				const coll = new Intl.Collator("vi", {sensitivity: "base"});
				const fold = (w) => w.normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/đ/g, "d").replace(/Đ/g, "D").toLowerCase();
				const keys = [...document.querySelectorAll("#kwic td.%s")].map(td => {
					const ws = td.textContent.match(/[\p{L}\p{N}\p{M}]+/gu) || [];
					return ("%s" === "l" ? ws.reverse() : ws).map(fold).join(" ");
				});
				return keys.length > 10 && keys.every((k, i) => i === 0 || coll.compare(keys[i-1], k) <= 0);
			})()`, side, side))
		}
		if sorted("r") && sorted("l") {
			t.Log("newest-first order happens to be sorted both ways")
		}
		b.run("sort by the right word", chromedp.SetValue(chromedp.CSS("#c-sort"), "right"),
			chromedp.Evaluate[chromedp.Void](`document.getElementById("c-sort").dispatchEvent(new Event("change"))`))
		b.wait("sort in the URL", `location.search.includes("sort=right")`)
		if !sorted("r") {
			t.Error("lines not sorted by the words to the right")
		}
		viewShot(b, "context")
		b.run("sort by the left word", chromedp.SetValue(chromedp.CSS("#c-sort"), "left"),
			chromedp.Evaluate[chromedp.Void](`document.getElementById("c-sort").dispatchEvent(new Event("change"))`))
		b.wait("sort in the URL", `location.search.includes("sort=left")`)
		if !sorted("l") {
			t.Error("lines not sorted by the words to the left")
		}
		if h := evalJS[string](b, `document.querySelector("#kwic td.a a").getAttribute("href")`); !strings.HasPrefix(h, "/?") || !strings.Contains(h, "article=") {
			t.Errorf("article link %q", h)
		}
		if h := evalJS[string](b, `document.getElementById("c-csv").href`); !strings.Contains(h, "format=csv") {
			t.Errorf("CSV link %q", h)
		}
		// Article text that looks like markup is shown as text, never run.
		b.open("/research.html?view=context&q=%22%C4%91o%E1%BA%A1n+hai%22&width=6")
		b.wait("the probe's line", `document.querySelectorAll("#kwic tbody tr").length === 1`)
		if !evalJS[bool](b, `document.querySelector("#kwic td.r").textContent.includes("<script>") && !document.querySelector("#kwic td.r script") && window.__pwned === undefined`) {
			t.Errorf("markup in the context was not shown as text: %s", evalJS[string](b, `document.querySelector("#kwic tbody").innerHTML`))
		}
	})
}

// viewShot saves a PNG of what the window shows (the views are long).
func viewShot(b *browser, name string) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 10*time.Second)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		b.t.Fatalf("screenshot %s: %v", name, err)
	}
	if err := os.WriteFile(filepath.Join(b.shots, name+".png"), png, 0o644); err != nil {
		b.t.Fatal(err)
	}
}
