// The research views of tracuu: trends of queries over time (drawn with
// uPlot, vendored under /vendor/uplot) with the telling words of a query,
// and keyword in context. The whole state is in the URL, so a view can be
// bookmarked and shared. Article text is only ever set as textContent.
(() => {
  "use strict";

  const MAX_QUERIES = 8;
  const COLORS = ["#0b3d63", "#c0392b", "#2e8b57", "#8e44ad", "#d35400", "#16a085", "#7f8c8d", "#b7950b"];
  const $ = (id) => document.getElementById(id);

  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v == null || v === false) continue;
      if (k === "class") e.className = v;
      else if (k === "text") e.textContent = v;
      else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
      else e.setAttribute(k, v);
    }
    for (const c of children) if (c != null) e.append(c);
    return e;
  }

  async function getJSON(url) {
    const r = await fetch(url, { headers: { Accept: "application/json" } });
    const body = await r.json().catch(() => null);
    if (!r.ok) throw new Error((body && body.error && body.error.message) || "HTTP " + r.status);
    return body;
  }

  // ---- state ------------------------------------------------------------

  function readState() {
    const p = new URLSearchParams(location.search);
    return {
      view: p.get("view") === "context" ? "context" : "trends",
      q: p.getAll("q").map((s) => s.trim()).filter(Boolean).slice(0, MAX_QUERIES),
      interval: p.get("interval") || "",
      from: p.get("from") || "",
      to: p.get("to") || "",
      norm: p.get("norm") === "1",
      width: Math.min(50, Math.max(1, parseInt(p.get("width") || "8", 10) || 8)),
      sort: ["left", "right"].includes(p.get("sort")) ? p.get("sort") : "",
      terms: Math.max(0, parseInt(p.get("terms") || "0", 10) || 0),
    };
  }

  function toURL(s) {
    const p = new URLSearchParams();
    p.set("view", s.view);
    const qs = s.view === "context" ? s.q.slice(0, 1) : s.q;
    for (const q of qs) p.append("q", q);
    if (s.from) p.set("from", s.from);
    if (s.to) p.set("to", s.to);
    if (s.view === "trends") {
      if (s.interval) p.set("interval", s.interval);
      if (s.norm) p.set("norm", "1");
      if (s.terms) p.set("terms", s.terms);
    } else {
      if (s.width !== 8) p.set("width", s.width);
      if (s.sort) p.set("sort", s.sort);
    }
    return "?" + p.toString();
  }

  function go(s, replace) {
    const url = toURL(s);
    if (replace) history.replaceState(null, "", url);
    else history.pushState(null, "", url);
    render();
  }

  function filters(s) {
    const p = new URLSearchParams();
    if (s.from) p.set("from", s.from);
    if (s.to) p.set("to", s.to);
    return p;
  }

  // ---- trends -------------------------------------------------------------

  let plot = null;
  let lastTrends = null;
  let trendsKey = "";

  function queryInputs(qs) {
    const box = $("tq");
    box.replaceChildren();
    const list = qs.length ? [...qs] : [""];
    list.forEach((q, i) => {
      box.append(el("span", { class: "qi" },
        el("span", { class: "swatch", style: "background:" + COLORS[i % COLORS.length], "aria-hidden": "true" }),
        el("input", { type: "search", name: "q", value: q, size: "18", "aria-label": "Truy vấn / Query " + (i + 1) })));
    });
  }

  function formQueries() {
    return [...$("tq").querySelectorAll("input")].map((i) => i.value.trim()).filter(Boolean).slice(0, MAX_QUERIES);
  }

  $("tq-add").addEventListener("click", () => {
    const qs = [...$("tq").querySelectorAll("input")].map((i) => i.value);
    if (qs.length >= MAX_QUERIES) return;
    queryInputs([...qs, ""]);
    const ins = $("tq").querySelectorAll("input");
    ins[ins.length - 1].focus();
  });

  $("tf").addEventListener("submit", (e) => {
    e.preventDefault();
    const s = readState();
    go({ ...s, view: "trends", q: formQueries(), interval: $("interval").value, from: $("t-from").value.trim(),
      to: $("t-to").value.trim(), norm: $("norm").checked });
  });

  $("norm").addEventListener("change", () => {
    const s = readState();
    go({ ...s, norm: $("norm").checked }, true);
  });

  function trendsQuery(s) {
    const p = filters(s);
    for (const q of s.q) p.append("q", q);
    if (s.interval) p.set("interval", s.interval);
    return p;
  }

  // day parses YYYY-MM-DD as a UTC date, in seconds (uPlot's x unit).
  const day = (d) => Date.UTC(+d.slice(0, 4), +d.slice(5, 7) - 1, +d.slice(8, 10)) / 1000;

  async function renderTrends(s) {
    queryInputs(s.q);
    $("interval").value = s.interval;
    $("t-from").value = s.from;
    $("t-to").value = s.to;
    $("norm").checked = s.norm;
    const status = $("t-status");
    if (!s.q.length) {
      status.textContent = "Nhập một hoặc nhiều truy vấn để so sánh. Enter one or more queries to compare.";
      $("chart").replaceChildren();
      plot = null;
      return;
    }
    const key = trendsQuery(s).toString();
    $("t-csv").href = "/api/trends?" + key + "&format=csv";
    try {
      if (key !== trendsKey) {
        status.textContent = "Đang tính… / Counting…";
        lastTrends = await getJSON("/api/trends?" + key);
        trendsKey = key;
      }
      draw(lastTrends, s);
      const tot = lastTrends.series.map((x) => x.q + ": " + x.total.toLocaleString("vi")).join(" · ");
      status.textContent = tot + " (" + lastTrends.buckets.length + " × " + lastTrends.interval + ")";
    } catch (err) {
      status.textContent = "Lỗi / Error: " + err.message;
      $("chart").replaceChildren();
      plot = null;
      trendsKey = "";
    }
    renderTerms(s);
  }

  function draw(tr, s) {
    const box = $("chart");
    box.replaceChildren();
    const xs = tr.buckets.map((b) => day(b.start));
    const data = [xs, ...tr.series.map((x) => (s.norm ? x.per_10k : x.counts))];
    const fmt = s.norm ? (u, v) => (v == null ? "–" : v.toFixed(2)) : (u, v) => (v == null ? "–" : String(v));
    const label = (u, ts, i) => (i == null ? "–" : tr.buckets[i] ? tr.buckets[i].key : "");
    let focused = null;
    const width = Math.max(320, box.clientWidth - 20);
    const opts = {
      width, height: 360,
      scales: { x: { time: true } },
      // Buckets are calendar dates: show them as such in every time zone.
      tzDate: (ts) => uPlot.tzDate(new Date(ts * 1e3), "Etc/UTC"),
      series: [
        { label: tr.interval, value: (u, v, si, i) => label(u, v, i ?? u.cursor.idx) },
        ...tr.series.map((x, i) => ({ label: x.q, stroke: COLORS[i % COLORS.length], width: 2, value: fmt,
          points: { show: tr.buckets.length <= 60 } })),
      ],
      axes: [{}, { label: s.norm ? "bài / 10.000 — per 10,000" : "số bài — articles", size: 60 }],
      cursor: { focus: { prox: 24 }, points: { size: 9 } },
      focus: { alpha: 0.35 },
      legend: { live: true },
      hooks: { setSeries: [(u, i) => { focused = i; }] },
    };
    plot = new uPlot(opts, data, box);
    box.uplot = plot;
    plot.over.addEventListener("click", () => {
      const i = plot.cursor.idx;
      if (i == null) return;
      let si = focused;
      if (si == null || si < 1) {
        // No line under the pointer: the one nearest it.
        const y = plot.posToVal(plot.cursor.top, "y");
        let best = Infinity;
        for (let k = 1; k < data.length; k++) {
          const d = Math.abs(data[k][i] - y);
          if (d < best) { best = d; si = k; }
        }
      }
      const b = tr.buckets[i];
      const p = new URLSearchParams({ q: tr.series[si - 1].q, from: b.start, to: b.end });
      location.href = "/?" + p.toString();
    });
  }

  async function renderTerms(s) {
    const sel = $("terms-q");
    sel.replaceChildren(...s.q.map((q, i) => el("option", { value: i, text: q })));
    const i = Math.min(s.terms, s.q.length - 1);
    sel.value = String(i);
    const list = $("terms-list");
    const st = $("terms-status");
    const p = filters(s);
    p.set("q", s.q[i]);
    try {
      const r = await getJSON("/api/terms?" + p.toString());
      st.textContent = "Từ " + r.sample + " trong " + r.matches.toLocaleString("vi") + " bài khớp, so với " +
        r.articles.toLocaleString("vi") + " bài. From " + r.sample + " of " + r.matches + " matches against " + r.articles + " articles.";
      list.replaceChildren(...r.terms.map((t) => el("li", {},
        el("a", { href: toURL({ ...s, q: [...s.q, t.term].slice(0, MAX_QUERIES) }), title: "Thêm vào biểu đồ / Add to the chart", text: t.term }),
        " ", el("span", { class: "n", text: t.count + " / " + t.archive }))));
    } catch (err) {
      st.textContent = "Lỗi / Error: " + err.message;
      list.replaceChildren();
    }
  }

  $("terms-q").addEventListener("change", () => go({ ...readState(), terms: +$("terms-q").value }, true));

  // ---- keyword in context -------------------------------------------------

  let lines = [];
  let next = "";
  let contextKey = "";

  function contextQuery(s) {
    const p = filters(s);
    p.set("q", s.q[0] || "");
    p.set("width", s.width);
    return p;
  }

  const fold = (w) => (w || "").normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/đ/g, "d").replace(/Đ/g, "D").toLowerCase();
  const wordsOf = (t) => (t.match(/[\p{L}\p{N}\p{M}]+/gu) || []);

  // sortKey is the classic concordance order: the words nearest the match
  // first, outward (L1 L2 … or R1 R2 …).
  function sortKey(l, side) {
    const ws = wordsOf(side === "left" ? l.left : l.right);
    if (side === "left") ws.reverse();
    return ws.map(fold).join(" ");
  }

  function sortLines(s) {
    const out = lines.map((l, i) => ({ l, i }));
    if (s.sort) {
      const coll = new Intl.Collator("vi", { sensitivity: "base" });
      for (const o of out) o.k = sortKey(o.l, s.sort);
      out.sort((a, b) => coll.compare(a.k, b.k) || a.i - b.i);
    }
    return out.map((o) => o.l);
  }

  function showLines(s) {
    const body = $("kwic").tBodies[0];
    body.replaceChildren(...sortLines(s).map((l) => {
      const d = l.published ? l.published.slice(8, 10) + "/" + l.published.slice(5, 7) + "/" + l.published.slice(0, 4) : "";
      const art = new URLSearchParams({ q: s.q[0], article: l.id });
      return el("tr", {},
        el("td", { class: "d", text: d }),
        el("td", { class: "l" }, el("span", { text: l.left })),
        el("td", { class: "m", text: l.match }),
        el("td", { class: "r", text: l.right }),
        el("td", { class: "a" }, el("a", { href: "/?" + art.toString(), title: l.title, text: l.field === "title" ? "tít / title" : "bài / article" })));
    }));
  }

  async function loadLines(s, more) {
    const p = contextQuery(s);
    p.set("limit", "500");
    if (more) p.set("after", next);
    const r = await getJSON("/api/concordance?" + p.toString());
    lines = more ? lines.concat(r.lines) : r.lines;
    next = r.next || "";
  }

  async function renderContext(s) {
    $("c-q").value = s.q[0] || "";
    $("c-width").value = s.width;
    $("c-from").value = s.from;
    $("c-to").value = s.to;
    $("c-sort").value = s.sort;
    const status = $("c-status");
    if (!s.q.length) {
      status.textContent = "Nhập từ hoặc cụm từ để xem ngữ cảnh. Enter a word or phrase to see it in context.";
      $("kwic").tBodies[0].replaceChildren();
      $("c-more").hidden = true;
      return;
    }
    const key = contextQuery(s).toString();
    $("c-csv").href = "/api/concordance?" + key + "&format=csv&limit=10000";
    try {
      if (key !== contextKey) {
        status.textContent = "Đang tìm… / Searching…";
        await loadLines(s, false);
        contextKey = key;
      }
      showLines(s);
      status.textContent = lines.length.toLocaleString("vi") + " dòng / lines" + (next ? " (còn nữa / more)" : "");
      $("c-more").hidden = !next;
    } catch (err) {
      status.textContent = "Lỗi / Error: " + err.message;
      $("kwic").tBodies[0].replaceChildren();
      contextKey = "";
    }
  }

  $("cf").addEventListener("submit", (e) => {
    e.preventDefault();
    const s = readState();
    const q = $("c-q").value.trim();
    go({ ...s, view: "context", q: q ? [q] : [], width: +$("c-width").value || 8, from: $("c-from").value.trim(),
      to: $("c-to").value.trim(), sort: $("c-sort").value });
  });

  $("c-sort").addEventListener("change", () => go({ ...readState(), sort: $("c-sort").value }, true));

  $("c-more").addEventListener("click", async () => {
    const s = readState();
    $("c-more").disabled = true;
    try {
      await loadLines(s, true);
      showLines(s);
      $("c-status").textContent = lines.length.toLocaleString("vi") + " dòng / lines" + (next ? " (còn nữa / more)" : "");
      $("c-more").hidden = !next;
    } catch (err) {
      $("c-status").textContent = "Lỗi / Error: " + err.message;
    }
    $("c-more").disabled = false;
  });

  // ---- views ----------------------------------------------------------------

  function render() {
    const s = readState();
    $("trends").hidden = s.view !== "trends";
    $("context").hidden = s.view !== "context";
    for (const v of ["trends", "context"]) {
      const a = $("tab-" + v);
      a.href = toURL({ ...s, view: v });
      if (v === s.view) a.setAttribute("aria-current", "page");
      else a.removeAttribute("aria-current");
    }
    const sp = new URLSearchParams(filters(s));
    if (s.q[0]) sp.set("q", s.q[0]);
    $("tab-search").href = "/?" + sp.toString();
    document.title = "tracuu — " + (s.view === "trends" ? "xu hướng / trends" : "ngữ cảnh / in context") + (s.q.length ? ": " + s.q.join(", ") : "");
    if (s.view === "trends") renderTrends(s);
    else renderContext(s);
  }

  addEventListener("popstate", render);
  let resizing = 0;
  addEventListener("resize", () => {
    clearTimeout(resizing);
    resizing = setTimeout(() => { if (plot && lastTrends) draw(lastTrends, readState()); }, 150);
  });
  render();
})();
