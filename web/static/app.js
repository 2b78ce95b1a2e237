// The tracuu search page.
//
// The URL is the page's whole state: ?q=&site=&section=&author=&from=&to=
// &sort=&size=&page=&after=&more=&cluster=&article=. Every change goes
// through navigate(), which pushes a history entry and redraws from the
// URL, so shared links, reload, back and forward all show the same thing.
//
// Article text reaches the DOM only through textContent. The two fields
// the server HTML-escapes and marks up (title_html, snippet) are the only
// ones set as HTML, and even those pass through onlyMarks() first.
"use strict";
(() => {
  const $ = (id) => document.getElementById(id);
  const FILTERS = ["site", "section", "author"];
  const FACETS = "site,section,author,year,month";
  const MAX_MORE = 20; // "more results" batches a URL may ask to replay
  const FACET_SHOWN = 8; // values listed before "show all"

  // ---- language -------------------------------------------------------

  const STRINGS = {
    vi: {
      skip: "Bỏ qua, tới kết quả",
      home: "Trang đầu",
      query: "Từ khóa",
      queryHint: "Gõ có dấu hoặc không dấu. Dùng mũi tên lên, xuống để chọn gợi ý.",
      placeholder: "Tìm tin tức, ví dụ: quy chế dân chủ",
      suggestions: "Gợi ý",
      search: "Tìm",
      loading: "Đang tìm…",
      filters: "Bộ lọc",
      sortLabel: "Sắp xếp",
      sortRelevance: "Liên quan nhất",
      sortNewest: "Mới nhất",
      sortOldest: "Cũ nhất",
      dates: "Thời gian",
      from: "Từ",
      to: "Đến",
      dateHint: "Dạng 2020, 2020-07 hoặc 2020-07-16",
      badDate: "Ngày không hợp lệ: dùng 2020, 2020-07 hoặc 2020-07-16",
      apply: "Áp dụng",
      clearDates: "Bỏ chọn thời gian",
      activeFilters: "Bộ lọc đang dùng",
      export: "Tải kết quả:",
      pages: "Trang",
      footer: "tracuu — tìm kiếm toàn văn trong kho tin tức.",
      resultsTitle: "Kết quả tìm kiếm",
      site: "Trang",
      section: "Chuyên mục",
      author: "Tác giả",
      showAll: (n) => `Xem tất cả (${n})`,
      showFewer: "Thu gọn",
      timelineYears: "Số kết quả theo năm",
      timelineMonths: (y) => `Số kết quả theo tháng, năm ${y}`,
      allYears: "‹ Tất cả các năm",
      barLabel: (v, n) => `${v}: ${n} kết quả`,
      rangeHint: "Bấm một cột để chọn; giữ Shift và bấm để mở rộng khoảng.",
      total: (n, ms) => `${n} kết quả (${ms} ms)`,
      shown: (a, b, n, ms) => `Kết quả ${a}–${b} trong ${n} (${ms} ms)`,
      prev: "‹ Trang trước",
      next: "Trang sau ›",
      first: "« Trang đầu",
      pageN: (n) => `Trang ${n}`,
      more: "Xem thêm kết quả",
      original: "Bài gốc",
      newTab: "(mở thẻ mới)",
      duplicates: (n) => `+${n} bản gần trùng`,
      clusterNotice: (n) => `Đang xem ${n} bản gần trùng của cùng một bài.`,
      clusterChip: "Bản gần trùng",
      backToAll: "Xem mọi kết quả",
      remove: (label) => `Bỏ lọc ${label}`,
      dateChip: (a, b) => (a === b ? a : a && b ? `${a} → ${b}` : a ? `từ ${a}` : `đến ${b}`),
      noResults: (q) => (q ? `Không tìm thấy kết quả nào cho «${q}».` : "Không có bài nào khớp các bộ lọc."),
      interpretedAs: "Kết quả cho",
      searchExactly: "tìm chính xác",
      tryFold: "Thử bỏ dấu:",
      undated: (d, n) => `${d} trong ${n} kết quả có ngày đăng; biểu đồ không tính các bài không rõ ngày.`,
      errBadDate: "Ngày trong bộ lọc không hợp lệ: dùng 2020, 2020-07 hoặc 2020-07-16.",
      errBadParam: "Địa chỉ trang có tham số không hợp lệ. Bỏ bộ lọc hoặc tìm lại từ đầu.",
      errDetail: "Chi tiết kỹ thuật",
      firstPage: "Về trang đầu",
      tryFewer: "Thử bớt từ, hoặc dùng từ khác gần nghĩa.",
      tryQuotes: "Bỏ dấu ngoặc kép để tìm các từ không cần liền nhau.",
      tryFilters: "Bộ lọc đang thu hẹp kết quả:",
      removeFilters: "Bỏ mọi bộ lọc",
      errorTitle: "Không tìm được.",
      errBadQuery: "Kiểm tra cú pháp: * chỉ đứng cuối một từ, sau ít nhất hai chữ cái; truy vấn tối đa 64 từ.",
      errTimeout: "Tìm kiếm quá lâu: thêm từ hoặc chọn khoảng thời gian hẹp hơn.",
      errNetwork: "Không kết nối được máy chủ. Kiểm tra mạng rồi thử lại.",
      errServer: "Máy chủ gặp lỗi. Thử lại sau ít phút.",
      retry: "Thử lại",
      back: "‹ Quay lại kết quả",
      related: "Bài liên quan",
      readOriginal: "Xem bài gốc",
      notFound: "Không có bài này trong kho. Có thể bài đã bị xóa khi nhập lại.",
      published: "Ngày đăng",
      introTitle: "Tra cứu tin tức",
      introCount: (n) => `Tìm trong ${n} bài báo. Gõ có dấu hay không dấu đều được.`,
      introTry: "Thử tìm:",
      browseAll: "Xem mọi bài, mới nhất trước",
      syntaxTitle: "Cách viết truy vấn",
      syntax: [
        ["quy che dan chu", "mọi từ, có dấu hay không dấu"],
        ['"dân chủ"', "các từ đứng liền nhau, đúng thứ tự"],
        ["dân chủ -nghị", "không có từ «nghị»"],
        ["thủy điện OR nhiệt điện", "một trong hai"],
        ["title:đà nẵng", "chỉ trong tiêu đề (cả body:, site:, section:, author:)"],
        ["thuy*", "các từ bắt đầu bằng «thuy»"],
      ],
      suggestCount: (n) => (n ? `${n} gợi ý. Dùng mũi tên lên, xuống để chọn.` : ""),
      suggestArticle: "bài",
      langButton: "EN",
      langLabel: "Switch to English",
      langCode: "en",
    },
    en: {
      skip: "Skip to results",
      home: "Home",
      query: "Search terms",
      queryHint: "With or without tone marks. Use the up and down arrows to pick a suggestion.",
      placeholder: "Search the news, e.g. quy chế dân chủ",
      suggestions: "Suggestions",
      search: "Search",
      loading: "Searching…",
      filters: "Filters",
      sortLabel: "Sort by",
      sortRelevance: "Relevance",
      sortNewest: "Newest first",
      sortOldest: "Oldest first",
      dates: "Date",
      from: "From",
      to: "To",
      dateHint: "As 2020, 2020-07 or 2020-07-16",
      badDate: "Not a date: use 2020, 2020-07 or 2020-07-16",
      apply: "Apply",
      clearDates: "Clear dates",
      activeFilters: "Active filters",
      export: "Download:",
      pages: "Pages",
      footer: "tracuu — full-text search over news archives.",
      resultsTitle: "Search results",
      site: "Site",
      section: "Section",
      author: "Author",
      showAll: (n) => `Show all (${n})`,
      showFewer: "Show fewer",
      timelineYears: "Matches per year",
      timelineMonths: (y) => `Matches per month in ${y}`,
      allYears: "‹ All years",
      barLabel: (v, n) => `${v}: ${n} ${n === 1 ? "match" : "matches"}`,
      rangeHint: "Click a bar to select it; Shift-click to extend the range.",
      total: (n, ms) => `${n} results (${ms} ms)`,
      shown: (a, b, n, ms) => `Results ${a}–${b} of ${n} (${ms} ms)`,
      prev: "‹ Previous",
      next: "Next ›",
      first: "« First page",
      pageN: (n) => `Page ${n}`,
      more: "More results",
      original: "Original",
      newTab: "(opens a new tab)",
      duplicates: (n) => `+${n} near-duplicate${n === 1 ? "" : "s"}`,
      clusterNotice: (n) => `Showing ${n} near-duplicate copies of one article.`,
      clusterChip: "Near-duplicates",
      backToAll: "Show all results",
      remove: (label) => `Remove filter ${label}`,
      dateChip: (a, b) => (a === b ? a : a && b ? `${a} → ${b}` : a ? `from ${a}` : `until ${b}`),
      noResults: (q) => (q ? `No results for “${q}”.` : "No article matches these filters."),
      interpretedAs: "Results for",
      searchExactly: "search exactly",
      tryFold: "Try without tone marks (thử bỏ dấu):",
      undated: (d, n) => `${d} of ${n} results have a date; the chart leaves out the undated ones.`,
      errBadDate: "A date in the filters is not valid: use 2020, 2020-07 or 2020-07-16.",
      errBadParam: "The page address has a parameter that is not valid. Remove the filters or start a new search.",
      errDetail: "Technical detail",
      firstPage: "Go to the first page",
      tryFewer: "Try fewer words, or other words with the same meaning.",
      tryQuotes: "Remove the quotes to find the words apart from each other.",
      tryFilters: "Filters are narrowing the results:",
      removeFilters: "Remove all filters",
      errorTitle: "The search failed.",
      errBadQuery: "Check the query: * goes only at the end of a word, after at least two letters; at most 64 words.",
      errTimeout: "The search took too long: add words or pick a narrower date range.",
      errNetwork: "Could not reach the server. Check your connection and retry.",
      errServer: "The server had a problem. Retry in a few minutes.",
      retry: "Retry",
      back: "‹ Back to results",
      related: "Related articles",
      readOriginal: "Read the original",
      notFound: "This article is not in the archive. It may have been removed by a re-import.",
      published: "Published",
      introTitle: "Search Vietnamese news",
      introCount: (n) => `Search ${n} articles. Tone marks are optional.`,
      introTry: "Try:",
      browseAll: "Browse every article, newest first",
      syntaxTitle: "Query syntax",
      syntax: [
        ["quy che dan chu", "all the words, with or without tone marks"],
        ['"dân chủ"', "the words side by side, in order"],
        ["dân chủ -nghị", "without the word “nghị”"],
        ["thủy điện OR nhiệt điện", "either"],
        ["title:đà nẵng", "in the title only (also body:, site:, section:, author:)"],
        ["thuy*", "words starting with “thuy”"],
      ],
      suggestCount: (n) => (n ? `${n} suggestions. Use the up and down arrows to pick one.` : ""),
      suggestArticle: "article",
      langButton: "VI",
      langLabel: "Chuyển sang tiếng Việt",
      langCode: "vi",
    },
  };

  let lang = "vi";
  try {
    const saved = localStorage.getItem("tracuu.lang");
    if (saved && STRINGS[saved]) lang = saved;
  } catch (_) {
    // storage disabled: stay in Vietnamese
  }

  function t(key, ...args) {
    const s = STRINGS[lang][key] ?? STRINGS.vi[key];
    return typeof s === "function" ? s(...args) : s ?? key;
  }

  function applyLanguage() {
    document.documentElement.lang = lang;
    for (const e of document.querySelectorAll("[data-i18n]")) e.textContent = t(e.dataset.i18n);
    for (const e of document.querySelectorAll("[data-i18n-placeholder]")) e.placeholder = t(e.dataset.i18nPlaceholder);
    for (const e of document.querySelectorAll("[data-i18n-label]")) e.setAttribute("aria-label", t(e.dataset.i18nLabel));
    for (const e of document.querySelectorAll("[data-i18n-title]")) e.title = t(e.dataset.i18nTitle);
    const b = $("lang");
    b.textContent = t("langButton");
    b.lang = t("langCode");
    b.setAttribute("aria-label", t("langLabel"));
  }

  function fmtNum(n) {
    return Number(n || 0).toLocaleString(lang === "vi" ? "vi-VN" : "en-GB");
  }

  // viDate shows the article's own calendar day as 16/07/2020, whatever the
  // reader's time zone: the date part of the RFC 3339 string is that day.
  function viDate(iso) {
    const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso || "");
    return m ? `${m[3]}/${m[2]}/${m[1]}` : "";
  }

  // viPeriod writes a from/to value the Vietnamese way: 07/2020, 16/07/2020.
  function viPeriod(v) {
    if (v && !validPeriod(v)) return v;
    return v ? v.split("-").reverse().join("/") : "";
  }

  // validPeriod accepts 2020, 2020-07 and 2020-07-16 when the month and
  // the day exist: the server refuses anything else.
  function validPeriod(v) {
    const m = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/.exec(v);
    if (!m) return false;
    if (m[2] && !(m[2] >= "01" && m[2] <= "12")) return false;
    if (m[3]) {
      const days = new Date(Date.UTC(+m[1], +m[2], 0)).getUTCDate();
      if (!(+m[3] >= 1 && +m[3] <= days)) return false;
    }
    return true;
  }

  // safeURL passes only web addresses, so that a stored "javascript:" URL
  // can never become a link that runs code.
  function safeURL(u) {
    return /^https?:\/\//i.test(u || "") ? u : "";
  }

  // fold removes Vietnamese tone and vowel marks: "dân chủ" → "dan chu".
  function fold(s) {
    return s.normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/đ/g, "d").replace(/Đ/g, "D");
  }

  // onlyMarks keeps <mark> and </mark> and escapes every other "<", so a
  // server bug can never turn article text into markup.
  function onlyMarks(html) {
    return String(html || "").replace(/<(?!\/?mark>)/g, "&lt;");
  }

  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v == null || v === false) continue;
      if (k === "class") e.className = v;
      else if (k === "text") e.textContent = v;
      else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
      else e.setAttribute(k, v === true ? "" : v);
    }
    for (const c of children) if (c != null && c !== false) e.append(c);
    return e;
  }

  // ---- state ----------------------------------------------------------

  function readState(search = location.search) {
    const p = new URLSearchParams(search);
    const int = (k, d) => {
      const n = parseInt(p.get(k) || "", 10);
      return Number.isFinite(n) && n > 0 ? n : d;
    };
    const s = {
      q: (p.get("q") || "").trim(),
      from: p.get("from") || "",
      to: p.get("to") || "",
      sort: p.get("sort") || "",
      size: Math.min(int("size", 0), 100),
      page: int("page", 1),
      after: p.get("after") || "",
      more: Math.min(int("more", 0), MAX_MORE),
      cluster: p.get("cluster") || "",
      exact: p.get("exact") === "1",
      article: p.get("article") || "",
    };
    for (const f of FILTERS) s[f] = p.getAll(f).filter(Boolean);
    return s;
  }

  function toQuery(s) {
    const p = new URLSearchParams();
    if (s.q) p.set("q", s.q);
    for (const f of FILTERS) for (const v of s[f] || []) p.append(f, v);
    for (const k of ["from", "to", "sort"]) if (s[k]) p.set(k, s[k]);
    if (s.exact) p.set("exact", "1");
    if (s.size) p.set("size", s.size);
    if (s.page > 1 && !s.after) p.set("page", s.page);
    if (s.after) p.set("after", s.after);
    if (s.more) p.set("more", s.more);
    if (s.cluster) p.set("cluster", s.cluster);
    if (s.article) p.set("article", s.article);
    const q = p.toString();
    return q ? "?" + q : location.pathname;
  }

  // apiQuery is what /api/search and /api/export take for a state.
  function apiQuery(s, { paging = true } = {}) {
    const p = new URLSearchParams();
    p.set("q", s.q);
    for (const f of FILTERS) for (const v of s[f]) p.append(f, v);
    for (const k of ["from", "to", "sort"]) if (s[k]) p.set(k, s[k]);
    if (paging) {
      if (s.size) p.set("size", s.size);
      if (s.after) p.set("after", s.after);
      else if (s.page > 1) p.set("page", s.page);
    }
    if (s.cluster) p.set("cluster", s.cluster);
    if (s.exact) p.set("exact", "1");
    return p;
  }

  function hasFilters(s) {
    return FILTERS.some((f) => s[f].length) || !!s.from || !!s.to;
  }

  function isIdle(s) {
    return !s.q && !hasFilters(s) && !s.sort && !s.cluster && !s.article;
  }

  // with returns a copy of s changed by patch; any change other than
  // paging starts again from the first page.
  function withState(s, patch) {
    const n = { ...s, page: 1, after: "", more: 0, article: "", ...patch };
    for (const f of FILTERS) n[f] = [...(patch[f] || s[f])];
    return n;
  }

  function navigate(s, { replace = false } = {}) {
    const url = toQuery(s);
    if (!replace) {
      history.replaceState({ ...(history.state || {}), y: scrollY }, "");
      history.pushState({ fromApp: true }, "", url);
      scrollTo(0, 0); // a new page of results starts at the top
    } else {
      history.replaceState(history.state, "", url);
    }
    render();
  }

  // Links inside the page carry their state in href; a plain click
  // navigates in place, a middle or modified click opens a tab as usual.
  document.addEventListener("click", (e) => {
    const a = e.target.closest && e.target.closest("a[data-nav]");
    if (!a || e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(readState(new URL(a.href).search));
  });

  function navLink(s, attrs, ...children) {
    return el("a", { href: toQuery(s), "data-nav": true, ...attrs }, ...children);
  }

  // ---- fetching -------------------------------------------------------

  class APIError extends Error {
    constructor(status, code, message) {
      super(message);
      this.status = status;
      this.code = code;
    }
  }

  async function getJSON(url, signal) {
    let r;
    try {
      r = await fetch(url, { signal, headers: { Accept: "application/json" } });
    } catch (e) {
      if (e.name === "AbortError") throw e;
      throw new APIError(0, "network", e.message);
    }
    let body = null;
    try {
      body = await r.json();
    } catch (e) {
      if (e.name === "AbortError") throw e;
    }
    if (!r.ok) {
      const err = (body && body.error) || {};
      throw new APIError(r.status, err.code || "http_" + r.status, err.message || r.statusText);
    }
    return body;
  }

  let loadingTimer = 0;
  function loading(on) {
    clearTimeout(loadingTimer);
    $("results").setAttribute("aria-busy", on ? "true" : "false");
    if (on) {
      loadingTimer = setTimeout(() => {
        $("loading").hidden = false;
        if (!$("results").hidden) $("status").textContent = t("loading");
      }, 250);
    } else {
      $("loading").hidden = true;
    }
  }

  // ---- rendering ------------------------------------------------------

  let current = null; // AbortController of the answer being drawn
  let last = null; // the last search answer, for "more results"

  async function render() {
    if (current) current.abort();
    current = new AbortController();
    const signal = current.signal;
    const s = readState();
    closeSuggestions();
    $("q").value = s.q;
    const view = s.article ? "article" : isIdle(s) ? "intro" : "results";
    $("results").hidden = view !== "results";
    $("filters").hidden = view !== "results";
    $("filters-toggle").hidden = view !== "results";
    $("article").hidden = view !== "article";
    $("intro").hidden = view !== "intro";
    try {
      if (view === "article") await showArticle(s, signal);
      else if (view === "intro") await showIntro(signal);
      else await showResults(s, signal);
    } catch (e) {
      if (e.name !== "AbortError") throw e;
    } finally {
      if (!signal.aborted) loading(false);
    }
  }

  async function search(s, signal) {
    const p = apiQuery(s);
    p.set("facets", FACETS);
    if (!s.cluster) p.set("collapse", "1");
    return getJSON("/api/search?" + p, signal);
  }

  async function showResults(s, signal) {
    document.title = (s.q ? s.q + " — " : "") + "tracuu";
    drawForm(s);
    drawChips(s);
    if ((s.from && !validPeriod(s.from)) || (s.to && !validPeriod(s.to))) {
      drawError(s, new APIError(400, "bad_date", ""));
      return;
    }
    // The API pages through the first 10,000 matches; a deeper page number
    // in a URL goes to the deepest page there is.
    const size = s.size || 10;
    if (!s.after && s.page > Math.floor(10000 / size)) {
      navigate({ ...s, page: Math.floor(10000 / size) }, { replace: true });
      return;
    }
    loading(true);
    let res;
    try {
      res = await search(s, signal);
      // A shared "more results" URL replays its extra batches.
      for (let i = 0; i < s.more && res.next; i++) {
        const p = apiQuery({ ...s, after: res.next, page: 1 });
        p.set("facets", "");
        if (!s.cluster) p.set("collapse", "1");
        const extra = await getJSON("/api/search?" + p, signal);
        res.hits = res.hits.concat(extra.hits);
        res.next = extra.next;
      }
    } catch (e) {
      if (e.name === "AbortError") throw e;
      drawError(s, e);
      return;
    }
    if (!res.hits.length && res.total > 0 && s.page > 1 && !s.after) {
      // Past the last page (a shared URL, a shrunken result): show the
      // last page instead of "results 41–40 of 11".
      const lastPage = Math.max(1, Math.ceil(res.total / (s.size || 10)));
      navigate({ ...s, page: lastPage < s.page ? lastPage : 1, more: 0 }, { replace: true });
      return;
    }
    last = { s, res };
    drawStatus(s, res);
    drawHits(res.hits, s, false);
    drawFacets(res.facets || {}, s, res.total);
    drawPager(s, res);
    drawExport(s, res.total);
    if (res.total === 0) drawNoResults(s);
    else if (res.interpreted) drawInterpreted(s, res.interpreted);
    else if (s.cluster) showNotice([el("p", { text: t("clusterNotice", fmtNum(res.total)) })], false);
    else showNotice(null);
    if (history.state && typeof history.state.y === "number") scrollTo(0, history.state.y);
  }

  // drawInterpreted says which reading was searched when it is not the
  // query typed, and links to the search of the query exactly as typed.
  function drawInterpreted(s, reading) {
    showNotice([el("p", { class: "interpreted" }, t("interpretedAs"), " ", el("strong", { text: reading }), "; ",
      t("searchExactly"), " ", navLink(withState(s, { exact: true }), { class: "exact" }, s.q))], false);
  }

  function drawStatus(s, res) {
    const size = s.size || 10;
    const first = s.after ? 1 : (s.page - 1) * size + 1;
    const shown = res.hits.length;
    $("status").textContent =
      res.total === 0
        ? t("noResults", s.q)
        : shown < res.total && !s.after
          ? t("shown", fmtNum(first), fmtNum(first + shown - 1), fmtNum(res.total), res.took_ms)
          : t("total", fmtNum(res.total), res.took_ms);
  }

  function hitItem(h, s) {
    const title = navLink({ ...s, article: h.id }, { class: "hit-title" });
    if (h.title_html) title.innerHTML = onlyMarks(h.title_html);
    else title.textContent = h.title || h.url || h.id;
    const links = el("div", { class: "hit-links" });
    if (safeURL(h.url)) {
      links.append(
        el("a", { href: safeURL(h.url), target: "_blank", rel: "noopener noreferrer", class: "orig" }, t("original"), " ↗",
          el("span", { class: "sr", text: " " + t("newTab") })),
      );
    }
    if (h.duplicates > 0 && h.cluster) {
      links.append(navLink(withState(s, { cluster: h.cluster }), { class: "dups" }, t("duplicates", fmtNum(h.duplicates))));
    }
    const snip = el("p", { class: "snip" });
    snip.innerHTML = onlyMarks(h.snippet);
    return el(
      "li",
      { class: "hit" },
      el("h2", {}, title),
      meta(h),
      snip,
      links.childNodes.length ? links : null,
    );
  }

  function meta(h) {
    const parts = [];
    if (h.site) parts.push(el("span", { class: "m-site", text: h.site }));
    if (h.section) parts.push(el("span", { class: "m-section", text: h.section }));
    if (h.published) parts.push(el("time", { datetime: h.published, text: viDate(h.published) }));
    if (h.author) parts.push(el("span", { class: "m-author", text: h.author }));
    const d = el("p", { class: "meta" });
    parts.forEach((p, i) => d.append(...(i ? [el("span", { class: "dot", "aria-hidden": "true", text: " · " }), p] : [p])));
    return d;
  }

  function drawHits(hits, s, append) {
    const items = hits.map((h) => hitItem(h, s));
    if (append) $("hits").append(...items);
    else $("hits").replaceChildren(...items);
    const size = s.size || 10;
    $("hits").start = s.after ? 1 : (s.page - 1) * size + 1;
  }

  function drawPager(s, res) {
    const size = s.size || 10;
    const parts = [];
    if (s.after) parts.push(navLink({ ...s, after: "", page: 1, more: 0 }, { class: "btn", rel: "first" }, t("first")));
    else if (s.page > 1) parts.push(navLink({ ...s, page: s.page - 1, more: 0 }, { class: "btn", rel: "prev", id: "prev" }, t("prev")));
    if (!s.after && (s.page > 1 || res.next)) parts.push(el("span", { class: "pageno", "aria-current": "page", text: t("pageN", s.page) }));
    if (res.next) {
      const nextPage = s.page + 1 + s.more; // "more results" already showed the pages between
      const next =
        !s.after && nextPage * size <= 10000
          ? { ...s, page: nextPage, more: 0 }
          : { ...s, after: res.next, page: 1, more: 0 };
      parts.push(navLink(next, { class: "btn", rel: "next", id: "next" }, t("next")));
      parts.push(el("button", { type: "button", id: "more", class: "btn more", onclick: () => loadMore() }, t("more")));
    }
    $("pager").replaceChildren(...parts);
  }

  async function loadMore() {
    if (!last || !last.res.next) return;
    const { s, res } = last;
    const btn = $("more");
    btn.disabled = true;
    loading(true);
    try {
      const p = apiQuery({ ...s, after: res.next, page: 1 });
      p.set("facets", "");
      if (!s.cluster) p.set("collapse", "1");
      const extra = await getJSON("/api/search?" + p);
      const before = $("hits").children.length;
      const ns = { ...s, more: s.more + 1 };
      drawHits(extra.hits, ns, true);
      res.hits = res.hits.concat(extra.hits);
      res.next = extra.next;
      last = { s: ns, res };
      if (ns.more <= MAX_MORE) history.replaceState(history.state, "", toQuery(ns));
      drawStatus(ns, res);
      drawPager(ns, res);
      const first = $("hits").children[before];
      if (first) first.querySelector("a").focus();
    } catch (e) {
      btn.disabled = false;
      showNotice([el("p", { text: t("errorTitle") + " " + e.message })], true);
    } finally {
      loading(false);
    }
  }

  // ---- facets, timeline, form ----------------------------------------

  function drawForm(s) {
    $("sort").value = s.sort;
    $("from").value = s.from;
    $("to").value = s.to;
    for (const id of ["from", "to"]) $(id).removeAttribute("aria-invalid");
    $("date-hint").textContent = t("dateHint");
    $("date-hint").classList.remove("bad");
    const n = FILTERS.reduce((k, f) => k + s[f].length, 0) + (s.from || s.to ? 1 : 0);
    $("filters-count").textContent = n ? String(n) : "";
  }

  function drawFacets(facets, s, total) {
    const groups = [];
    for (const f of FILTERS) {
      const vals = (facets[f] || []).filter((v) => v.value);
      const seen = new Set(vals.map((v) => v.value));
      for (const v of s[f]) if (!seen.has(v)) vals.push({ value: v, count: 0 });
      if (!vals.length) continue;
      const chosen = new Set(s[f]);
      const ul = el("ul", { class: "facet-list" });
      vals.forEach((v, i) => {
        const id = `fv-${f}-${i}`;
        const box = el("input", { type: "checkbox", id, name: f, value: v.value });
        box.checked = chosen.has(v.value);
        box.addEventListener("change", () => {
          const vs = s[f].filter((x) => x !== v.value);
          if (box.checked) vs.push(v.value);
          navigate(withState(s, { [f]: vs }));
        });
        const li = el(
          "li",
          { class: i >= FACET_SHOWN && !chosen.has(v.value) ? "extra" : null },
          box,
          el("label", { for: id }, breakable(v.value), el("span", { class: "n", text: fmtNum(v.count) })),
        );
        ul.append(li);
      });
      const fs = el("fieldset", { class: "facet", id: "facet-" + f }, el("legend", { text: t(f) }), ul);
      const extra = ul.querySelectorAll(".extra").length;
      if (extra) {
        const more = el("button", { type: "button", class: "small link", "aria-expanded": "false" }, t("showAll", vals.length));
        more.addEventListener("click", () => {
          const open = ul.classList.toggle("open");
          more.setAttribute("aria-expanded", String(open));
          more.textContent = open ? t("showFewer") : t("showAll", vals.length);
        });
        fs.append(more);
      }
      groups.push(fs);
    }
    $("facets").replaceChildren(...groups);
    drawTimeline(facets, s, total);
  }

  // breakable shows a value as text that may wrap after the dots of a
  // domain name rather than in the middle of a word.
  function breakable(value) {
    const span = el("span", { class: "fv" });
    value.split(/(?<=\.)/).forEach((part, i) => {
      if (i) span.append(el("wbr"));
      span.append(part);
    });
    return span;
  }

  // Periods compare by their first and last day, so "2020" and "2020-07"
  // can be mixed in one range.
  const startOf = (v) => v + ["-01-01", "-01", ""][(v.length - 4) / 3] || v;
  const endOf = (v) => v + ["-12-31", "-31", ""][(v.length - 4) / 3] || v;

  // fillYears adds the years without matches between the first and the
  // last, so that the bars are a true timeline (up to a century of them).
  function fillYears(years) {
    if (years.length < 2) return years;
    const lo = parseInt(years[0].value, 10);
    const hi = parseInt(years[years.length - 1].value, 10);
    if (!(hi - lo < 100)) return years;
    const counts = new Map(years.map((y) => [y.value, y.count]));
    const out = [];
    for (let y = lo; y <= hi; y++) out.push({ value: String(y), count: counts.get(String(y)) || 0 });
    return out;
  }

  function fillMonths(year, months) {
    const counts = new Map(months.map((m) => [m.value, m.count]));
    const out = [];
    for (let m = 1; m <= 12; m++) {
      const v = `${year}-${String(m).padStart(2, "0")}`;
      out.push({ value: v, count: counts.get(v) || 0 });
    }
    return out;
  }

  function drawTimeline(facets, s, total) {
    const years = facets.year || [];
    const months = facets.month || [];
    const box = $("timeline");
    const oneYear = s.from && s.to && s.from.slice(0, 4) === s.to.slice(0, 4) ? s.from.slice(0, 4) : years.length === 1 ? years[0].value : "";
    let bars = fillYears(years);
    let label = t("timelineYears");
    let drilled = false;
    if (oneYear && months.length) {
      bars = fillMonths(oneYear, months);
      label = t("timelineMonths", oneYear);
      drilled = true;
    }
    if (!bars.length) {
      box.replaceChildren();
      return;
    }
    const max = Math.max(...bars.map((b) => b.count), 1);
    const lo = s.from ? startOf(s.from) : "";
    const hi = s.to ? endOf(s.to) : "";
    const row = el("div", { class: "bars", role: "group", "aria-label": label });
    // Label as many bars as fit: every step-th one and the last.
    const step = Math.ceil(bars.length / (bars[0].value.length === 7 ? 12 : 5));
    bars.forEach((b, i) => {
      const labelled = i === bars.length - 1 || (i % step === 0 && bars.length - 1 - i >= step);
      const inRange = (lo || hi) && (!lo || endOf(b.value) >= lo) && (!hi || startOf(b.value) <= hi);
      const short = b.value.length === 7 ? b.value.slice(5) : b.value;
      const btn = el(
        "button",
        { type: "button", class: "tbar", "aria-pressed": inRange ? "true" : "false", "aria-label": t("barLabel", b.value, fmtNum(b.count)), title: t("barLabel", b.value, fmtNum(b.count)) },
        el("span", { class: "fill", style: `height:${Math.max(4, Math.round((b.count / max) * 100))}%` }),
        labelled ? el("span", { class: "tl", "aria-hidden": "true", text: short }) : null,
      );
      if (!b.count) btn.disabled = true; // a gap in the timeline: nothing to select
      btn.addEventListener("click", (e) => {
        let from = b.value;
        let to = b.value;
        if (e.shiftKey && (s.from || s.to)) {
          from = !s.from || startOf(b.value) < startOf(s.from) ? b.value : s.from;
          to = !s.to || endOf(b.value) > endOf(s.to) ? b.value : s.to;
        } else if (s.from === b.value && s.to === b.value) {
          from = to = ""; // a second click on the chosen bar clears it
        }
        navigate(withState(s, { from, to }));
      });
      row.append(btn);
    });
    const parts = [el("p", { class: "tcap", id: "tcap", text: label }), row, el("p", { class: "hint", text: t("rangeHint") })];
    // Matches without a date are on no bar: say how many bars cover.
    const dated = years.reduce((n, y) => n + y.count, 0);
    if (!s.from && !s.to && total > dated) {
      parts.push(el("p", { class: "hint", id: "undated", text: t("undated", fmtNum(dated), fmtNum(total)) }));
    }
    if (drilled && years.length > 1) {
      parts.unshift(el("button", { type: "button", class: "small link", onclick: () => navigate(withState(s, { from: "", to: "" })) }, t("allYears")));
    }
    box.replaceChildren(...parts);
  }

  function drawChips(s) {
    const chips = [];
    const chip = (label, patch) =>
      chips.push(
        el("button", { type: "button", class: "chip", "aria-label": t("remove", label), onclick: () => navigate(withState(s, patch)) },
          el("span", { text: label }), el("span", { class: "x", "aria-hidden": "true", text: "×" })),
      );
    for (const f of FILTERS) for (const v of s[f]) chip(`${t(f)}: ${v}`, { [f]: s[f].filter((x) => x !== v) });
    if (s.from || s.to) chip(`${t("dates")}: ${t("dateChip", viPeriod(s.from), viPeriod(s.to))}`, { from: "", to: "" });
    if (s.cluster) chip(t("clusterChip"), { cluster: "" });
    $("chips").replaceChildren(...chips);
  }

  function drawExport(s, total) {
    const box = $("export");
    if (!total) {
      box.hidden = true;
      return;
    }
    const p = apiQuery(s, { paging: false });
    for (const fmt of ["csv", "jsonl"]) {
      const q = new URLSearchParams(p);
      q.set("format", fmt);
      $("export-" + fmt).href = "/api/export?" + q;
    }
    box.hidden = false;
  }

  function drawNoResults(s) {
    const parts = [el("p", { class: "big", text: t("noResults", s.q) })];
    const tips = el("ul", { class: "tips" });
    if (s.q && fold(s.q) !== s.q) {
      tips.append(el("li", {}, t("tryFold") + " ", navLink(withState(s, { q: fold(s.q) }), {}, fold(s.q))));
    }
    if (s.q.includes('"')) tips.append(el("li", {}, t("tryQuotes") + " ", navLink(withState(s, { q: s.q.replace(/"/g, "") }), {}, s.q.replace(/"/g, ""))));
    if (s.q) tips.append(el("li", { text: t("tryFewer") }));
    if (hasFilters(s)) {
      const clear = {};
      for (const f of FILTERS) clear[f] = [];
      tips.append(el("li", {}, t("tryFilters") + " ", navLink(withState(s, { ...clear, from: "", to: "" }), { id: "clear-filters" }, t("removeFilters"))));
    }
    parts.push(tips);
    showNotice(parts, false);
  }

  // errorParam is the parameter a 400 names ("parameter from: …").
  function errorParam(e) {
    const m = /^parameter (\w+):/.exec(e.message || "");
    return m ? m[1] : "";
  }

  function drawError(s, e) {
    const param = e.code === "bad_query" ? errorParam(e) : "";
    const badDate = e.code === "bad_date" || param === "from" || param === "to";
    const hint =
      badDate ? t("errBadDate")
        : e.code === "bad_query" && (param === "q" || param === "") ? t("errBadQuery")
          : e.code === "bad_query" ? t("errBadParam")
            : e.code === "timeout" ? t("errTimeout")
              : e.code === "network" ? t("errNetwork")
                : t("errServer");
    // The way out: drop the bad dates, go back to page one, or retry.
    const next = badDate
      ? el("button", { type: "button", class: "btn", id: "error-next", onclick: () => navigate(withState(s, { from: "", to: "" })) }, t("clearDates"))
      : param && param !== "q"
        ? el("button", { type: "button", class: "btn", id: "error-next", onclick: () => navigate(readState("?" + new URLSearchParams({ q: s.q }))) }, t("firstPage"))
        : el("button", { type: "button", class: "btn", onclick: () => render() }, t("retry"));
    // The server's own words are English and technical: kept out of the
    // way, for a bug report, unless the page is in English.
    $("status").textContent = t("errorTitle");
    $("hits").replaceChildren();
    $("pager").replaceChildren();
    $("facets").replaceChildren();
    $("timeline").replaceChildren();
    $("export").hidden = true;
    const detail = !e.message || e.code === "network"
      ? null
      : lang === "en"
        ? el("p", { class: "errmsg" }, el("code", { text: e.message }))
        : el("details", { class: "errmsg" }, el("summary", { text: t("errDetail") }), el("code", { text: e.message }));
    showNotice([el("p", { class: "big", text: t("errorTitle") }), el("p", { text: hint }), detail, next], true);
  }

  function showNotice(parts, isError) {
    const n = $("notice");
    if (!parts) {
      n.hidden = true;
      n.replaceChildren();
      return;
    }
    n.className = "notice" + (isError ? " error" : "");
    n.setAttribute("role", isError ? "alert" : "note");
    n.replaceChildren(...parts.filter(Boolean));
    n.hidden = false;
  }

  $("ff").addEventListener("submit", (e) => {
    e.preventDefault();
    let bad = false;
    for (const id of ["from", "to"]) {
      const v = $(id).value.trim();
      const invalid = v !== "" && !validPeriod(v);
      $(id).setAttribute("aria-invalid", String(invalid));
      bad = bad || invalid;
    }
    $("date-hint").textContent = bad ? t("badDate") : t("dateHint");
    $("date-hint").classList.toggle("bad", bad);
    if (bad) return;
    navigate(withState(readState(), { from: $("from").value.trim(), to: $("to").value.trim() }));
  });
  $("clear-dates").addEventListener("click", () => navigate(withState(readState(), { from: "", to: "" })));
  $("sort").addEventListener("change", () => navigate(withState(readState(), { sort: $("sort").value })));
  $("filters-toggle").addEventListener("click", () => {
    const open = $("filters").classList.toggle("open");
    $("filters-toggle").setAttribute("aria-expanded", String(open));
  });

  // ---- article view ---------------------------------------------------

  async function showArticle(s, signal) {
    const box = $("article");
    const backState = { ...s, article: "" };
    const back = el("a", { href: toQuery(backState), class: "back" }, t("back"));
    back.addEventListener("click", (e) => {
      if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey) return;
      e.preventDefault();
      if (history.state && history.state.fromApp) history.back();
      else navigate(backState);
    });
    const nav = isIdle(backState) ? null : el("nav", { class: "art-nav" }, back);
    loading(true);
    let a;
    try {
      a = await getJSON("/api/articles/" + encodeURIComponent(s.article), signal);
    } catch (e) {
      if (e.name === "AbortError") throw e;
      document.title = "tracuu";
      const msg = e.status === 404 ? t("notFound") : t("errorTitle") + " " + (e.code === "network" ? t("errNetwork") : e.message);
      box.replaceChildren(nav || "", el("div", { class: "notice error", role: "alert" }, el("p", { text: msg })));
      return;
    }
    document.title = (a.title || a.id) + " — tracuu";
    const head = el("header", {}, el("h1", { id: "art-title", text: a.title || a.url || a.id }), meta(a));
    if (safeURL(a.url)) {
      head.append(
        el("p", {}, el("a", { href: safeURL(a.url), target: "_blank", rel: "noopener noreferrer", class: "orig" }, t("readOriginal"), " ↗",
          el("span", { class: "sr", text: " " + t("newTab") }))),
      );
    }
    const body = el("div", { class: "art-body" });
    // Paragraphs are separated by a blank line in extracted pages and by a
    // single newline in much JSONL: either ends a paragraph.
    const paras = String(a.body || "").split(/\n/).map((p) => p.trim()).filter(Boolean);
    const lead = (a.lead || "").trim();
    // Many pages open their body with the lead (sometimes cut short by
    // "..."): show it once.
    const squash = (x) => x.replace(/\s+/g, " ").trim().toLowerCase();
    const leadKey = squash(lead.replace(/[.…]+$/, ""));
    const repeated = leadKey && squash(paras.slice(0, 3).join(" ")).startsWith(leadKey);
    if (lead && !repeated) body.append(el("p", { class: "lead", text: lead }));
    paras.forEach((p, i) => body.append(el("p", { class: i === 0 && repeated && squash(p) === squash(lead) ? "lead" : null, text: p })));
    const related = el("section", { class: "related", hidden: true, "aria-labelledby": "rel-title" });
    box.replaceChildren(...[nav, head, body, related].filter(Boolean));
    scrollTo(0, 0);
    box.focus({ preventScroll: true });
    try {
      const r = await getJSON("/api/articles/" + encodeURIComponent(a.id || s.article) + "/related?size=5", signal);
      const hits = (r && r.hits) || [];
      if (!hits.length) return;
      const list = el("ul", { class: "rel-list" });
      for (const h of hits) {
        list.append(
          el("li", {}, navLink({ ...s, article: h.id }, { class: "rel-title", text: h.title || h.id }), meta(h)),
        );
      }
      related.replaceChildren(el("h2", { id: "rel-title", text: t("related") }), list);
      related.hidden = false;
    } catch (e) {
      if (e.name === "AbortError") throw e;
    }
  }

  // ---- intro ----------------------------------------------------------

  let statsCache = null;
  async function showIntro(signal) {
    document.title = "tracuu — tra cứu tin tức";
    const box = $("intro");
    const count = el("p", { class: "lead" });
    const examples = ["quy chế dân chủ", "dan van", '"dân chủ cơ sở"', "title:hội nghị"];
    const tryList = el("p", { class: "examples" }, t("introTry") + " ");
    examples.forEach((q, i) => {
      if (i) tryList.append(" · ");
      tryList.append(navLink(withState(readState(), { q }), {}, q));
    });
    const table = el("dl", { class: "syntax" });
    for (const [q, what] of t("syntax")) table.append(el("dt", {}, el("code", { text: q })), el("dd", { text: what }));
    box.replaceChildren(
      el("h1", { id: "intro-title", text: t("introTitle") }),
      count,
      tryList,
      el("p", {}, navLink(withState(readState(), { sort: "newest" }), { class: "btn" }, t("browseAll"))),
      el("h2", { text: t("syntaxTitle") }),
      table,
    );
    try {
      statsCache = statsCache || (await getJSON("/api/stats", signal));
      if (statsCache && statsCache.articles != null) count.textContent = t("introCount", fmtNum(statsCache.articles));
    } catch (e) {
      if (e.name === "AbortError") throw e;
    }
  }

  // ---- suggestions (ARIA 1.2 combobox) ------------------------------

  const input = $("q");
  const listbox = $("sugg");
  const sr = el("div", { class: "sr", role: "status", "aria-live": "polite" });
  document.body.append(sr);
  let sugg = [];
  let active = -1;
  let suggTimer = 0;
  let suggCtrl = null;

  function closeSuggestions() {
    clearTimeout(suggTimer);
    if (suggCtrl) suggCtrl.abort();
    sugg = [];
    active = -1;
    listbox.hidden = true;
    listbox.replaceChildren();
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
  }

  async function fetchSuggestions(q) {
    if (suggCtrl) suggCtrl.abort();
    suggCtrl = new AbortController();
    const signal = suggCtrl.signal;
    try {
      const r = await getJSON("/api/suggest?" + new URLSearchParams({ q, size: "8" }), signal);
      return (r && r.suggestions) || [];
    } catch (e) {
      return e.name === "AbortError" ? null : [];
    }
  }

  function showSuggestions(list) {
    sugg = list;
    active = -1;
    input.removeAttribute("aria-activedescendant");
    listbox.replaceChildren(
      ...list.map((sg, i) =>
        el(
          "li",
          {
            id: "sugg-" + i,
            role: "option",
            "aria-selected": "false",
            class: "opt " + (sg.kind === "title" ? "k-title" : "k-term"),
            onmousedown: (e) => e.preventDefault(), // keep focus in the box
            onclick: () => choose(i),
          },
          el("span", { class: "opt-text", text: sg.text }),
          sg.kind === "title" ? el("span", { class: "opt-kind", text: t("suggestArticle") }) : null,
        ),
      ),
    );
    const open = list.length > 0;
    listbox.hidden = !open;
    input.setAttribute("aria-expanded", String(open));
    sr.textContent = t("suggestCount", list.length);
  }

  function setActive(i) {
    const opts = listbox.children;
    if (active >= 0 && opts[active]) opts[active].setAttribute("aria-selected", "false");
    active = i;
    if (i >= 0 && opts[i]) {
      opts[i].setAttribute("aria-selected", "true");
      opts[i].scrollIntoView({ block: "nearest" });
      input.setAttribute("aria-activedescendant", opts[i].id);
    } else {
      input.removeAttribute("aria-activedescendant");
    }
  }

  function choose(i) {
    const sg = sugg[i];
    if (!sg) return;
    closeSuggestions();
    const s = readState();
    if (sg.kind === "title" && sg.id) {
      navigate({ ...s, article: sg.id });
    } else {
      input.value = sg.text;
      navigate(withState(s, { q: sg.text }));
    }
  }

  input.addEventListener("input", () => {
    clearTimeout(suggTimer);
    const q = input.value.trim();
    if (q.length < 2) {
      closeSuggestions();
      return;
    }
    suggTimer = setTimeout(async () => {
      const list = await fetchSuggestions(q);
      if (list && input.value.trim() === q && document.activeElement === input) showSuggestions(list);
    }, 150);
  });

  input.addEventListener("keydown", (e) => {
    const open = !listbox.hidden && sugg.length > 0;
    switch (e.key) {
      case "ArrowDown":
        if (!sugg.length) return;
        e.preventDefault();
        if (!open) showSuggestions(sugg);
        setActive(active + 1 >= sugg.length ? 0 : active + 1);
        break;
      case "ArrowUp":
        if (!open) return;
        e.preventDefault();
        setActive(active <= 0 ? sugg.length - 1 : active - 1);
        break;
      case "Enter":
        if (open && active >= 0) {
          e.preventDefault();
          choose(active);
        }
        break;
      case "Escape":
        if (open) {
          e.preventDefault();
          closeSuggestions();
        }
        break;
      case "Tab":
        closeSuggestions();
        break;
    }
  });
  input.addEventListener("blur", () => setTimeout(() => document.activeElement !== input && closeSuggestions(), 150));

  $("f").addEventListener("submit", (e) => {
    e.preventDefault();
    closeSuggestions();
    navigate(withState(readState(), { q: input.value.trim(), cluster: "", exact: false }));
  });

  // ---- start ----------------------------------------------------------

  $("lang").addEventListener("click", () => {
    lang = lang === "vi" ? "en" : "vi";
    try {
      localStorage.setItem("tracuu.lang", lang);
    } catch (_) {
      // not remembered; still switched for this page
    }
    applyLanguage();
    render();
  });
  $("home").addEventListener("click", (e) => {
    if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey) return;
    e.preventDefault();
    navigate(readState("?"));
  });

  if ("scrollRestoration" in history) history.scrollRestoration = "manual";
  addEventListener("popstate", render);
  applyLanguage();
  render();
  if (isIdle(readState())) input.focus();
})();
