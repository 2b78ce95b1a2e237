// The search page: reads its state from the URL, asks /api/search, and
// draws results and facets. Article text arrives HTML-escaped with only
// <mark> added (snippet, title_html); everything else is set as text.
"use strict";
const $ = (id) => document.getElementById(id);
const FACETS = { site: "Trang", section: "Chuyên mục", year: "Năm" };

function state() { return new URLSearchParams(location.search); }

function el(tag, text, cls) {
  const e = document.createElement(tag);
  if (text != null) e.textContent = text;
  if (cls) e.className = cls;
  return e;
}

function viDate(iso) {
  if (!iso) return "";
  const [y, m, d] = iso.slice(0, 10).split("-");
  return `${d}/${m}/${y}`;
}

async function run() {
  const p = state();
  $("q").value = p.get("q") || "";
  const api = new URLSearchParams(p);
  api.set("facets", Object.keys(FACETS).join(","));
  $("status").textContent = "Đang tìm…";
  let res;
  try {
    const r = await fetch("/api/search?" + api);
    res = await r.json();
    if (!r.ok) throw new Error(res.error ? res.error.message : r.statusText);
  } catch (e) {
    $("status").textContent = "Lỗi: " + e.message;
    $("hits").replaceChildren(); $("facets").replaceChildren(); $("pager").replaceChildren();
    return;
  }
  $("status").textContent = res.total
    ? `${res.total.toLocaleString("vi-VN")} kết quả (${res.took_ms} ms)`
    : "Không tìm thấy kết quả. Thử bỏ dấu, bớt từ, hoặc bỏ bộ lọc.";
  drawHits(res.hits);
  drawFacets(res.facets || {}, p);
  drawPager(res, p);
}

function drawHits(hits) {
  const list = hits.map((h) => {
    const li = el("li");
    const h3 = el("h3");
    const a = el("a");
    a.href = h.url || "/api/articles/" + encodeURIComponent(h.id);
    a.innerHTML = h.title_html; // escaped by the server, only <mark> added
    h3.append(a);
    const meta = el("div", [h.site, h.section, viDate(h.published), h.author].filter(Boolean).join(" · "), "meta");
    const snip = el("p", null, "snip");
    snip.innerHTML = h.snippet; // escaped by the server, only <mark> added
    li.append(h3, meta, snip);
    return li;
  });
  $("hits").replaceChildren(...list);
}

function drawFacets(facets, p) {
  const parts = [];
  for (const [field, label] of Object.entries(FACETS)) {
    const vals = facets[field];
    if (!vals || !vals.length) continue;
    const chosen = new Set(field === "year" ? [] : p.getAll(field));
    parts.push(el("h2", label));
    const ul = el("ul");
    for (const v of vals) {
      const li = el("li");
      const lab = el("label");
      const box = el("input");
      box.type = "checkbox";
      box.checked = field === "year" ? p.get("from") === v.value && p.get("to") === v.value : chosen.has(v.value);
      box.addEventListener("change", () => toggle(field, v.value, box.checked));
      lab.append(box, " " + v.value + " ", el("span", `(${v.count})`, "n"));
      li.append(lab);
      ul.append(li);
    }
    parts.push(ul);
  }
  $("facets").replaceChildren(...parts);
}

function toggle(field, value, on) {
  const p = state();
  p.delete("page"); p.delete("after");
  if (field === "year") {
    if (on) { p.set("from", value); p.set("to", value); } else { p.delete("from"); p.delete("to"); }
  } else {
    const vals = p.getAll(field).filter((v) => v !== value);
    if (on) vals.push(value);
    p.delete(field);
    vals.forEach((v) => p.append(field, v));
  }
  go(p);
}

function drawPager(res, p) {
  const page = parseInt(p.get("page") || "1", 10);
  const btns = [];
  if (page > 1) btns.push(pageButton("‹ Trang trước", page - 1));
  if (res.next && page * 10 < 10000) btns.push(pageButton("Trang sau ›", page + 1));
  $("pager").replaceChildren(...btns);
}

function pageButton(label, n) {
  const b = el("button", label);
  b.type = "button";
  b.addEventListener("click", () => { const p = state(); p.set("page", n); go(p); });
  return b;
}

function go(p) {
  history.pushState(null, "", "?" + p);
  run();
}

$("f").addEventListener("submit", (e) => {
  e.preventDefault();
  const p = state();
  p.set("q", $("q").value.trim());
  p.delete("page"); p.delete("after");
  go(p);
});
addEventListener("popstate", run);
run();
