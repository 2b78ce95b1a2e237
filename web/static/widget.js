/*
 * tracuu search widget.
 *
 *   <script src="https://search.example.org/widget.js" async></script>
 *   <div data-tracuu-search></div>
 *
 * Each element with data-tracuu-search becomes a search box whose results
 * drop down under it. The API is the origin this script was loaded from,
 * or the element's (or the script tag's) data-api. Other options on the
 * element: data-size (results shown, default 5), data-lang ("vi" or "en"),
 * data-placeholder, data-link="tracuu" (open results on the tracuu page
 * instead of the original article).
 *
 * Styling: every class starts with "tracuu-"; colours, fonts and sizes are
 * CSS custom properties on .tracuu-widget (--tracuu-accent, --tracuu-bg,
 * --tracuu-text, --tracuu-muted, --tracuu-border, --tracuu-mark,
 * --tracuu-radius, --tracuu-font, --tracuu-width, --tracuu-z). The
 * built-in rules are inserted first in <head>, so any rule of the page with
 * the same selector wins. The only global name is window.TracuuWidget.
 */
(function () {
  "use strict";
  if (window.TracuuWidget) {
    window.TracuuWidget.scan();
    return;
  }

  var script = document.currentScript;
  var scriptAPI = "";
  if (script) {
    scriptAPI = script.getAttribute("data-api") || "";
    if (!scriptAPI && script.src) {
      try {
        scriptAPI = new URL(script.src, location.href).origin;
      } catch (e) {
        scriptAPI = "";
      }
    }
  }

  var TEXT = {
    vi: {
      label: "Tìm tin tức",
      placeholder: "Tìm tin tức…",
      button: "Tìm",
      loading: "Đang tìm…",
      none: "Không tìm thấy kết quả. Thử bỏ dấu hoặc bớt từ.",
      error: "Không tìm được. ",
      errQuery: "Kiểm tra từ khóa: dấu * chỉ đứng cuối một từ, sau ít nhất hai chữ cái.",
      errBusy: "Máy chủ tìm kiếm đang bận. Thử lại sau ít phút.",
      errServer: "Máy chủ tìm kiếm gặp lỗi. Thử lại sau ít phút.",
      errReach: "Không kết nối được máy chủ tìm kiếm: mạng bị ngắt, hoặc máy chủ chưa cho phép trang này gọi tới.",
      all: function (n) { return "Xem tất cả " + n + " kết quả"; },
      count: function (n) { return n + " kết quả. Dùng mũi tên lên, xuống để chọn."; },
      results: "Kết quả tìm kiếm",
    },
    en: {
      label: "Search the news",
      placeholder: "Search the news…",
      button: "Search",
      loading: "Searching…",
      none: "No results. Try without tone marks or with fewer words.",
      error: "Search failed. ",
      errQuery: "Check the query: * goes only at the end of a word, after at least two letters.",
      errBusy: "The search service is busy. Retry in a few minutes.",
      errServer: "The search service had a problem. Retry in a few minutes.",
      errReach: "Could not reach the search service: the network is down, or the service does not allow this site to call it.",
      all: function (n) { return "See all " + n + " results"; },
      count: function (n) { return n + " results. Use the up and down arrows to pick one."; },
      results: "Search results",
    },
  };

  var CSS = [
    ".tracuu-widget{--tracuu-accent:#0b3d63;--tracuu-bg:#fff;--tracuu-text:#1b1b1b;--tracuu-muted:#555;",
    "--tracuu-border:#c8c8c8;--tracuu-mark:#ffe27a;--tracuu-active:#e6eef6;--tracuu-radius:6px;",
    "--tracuu-font:inherit;--tracuu-width:100%;--tracuu-z:1000;",
    "position:relative;box-sizing:border-box;width:var(--tracuu-width);max-width:100%;font:var(--tracuu-font);color:var(--tracuu-text);text-align:left}",
    ".tracuu-widget *{box-sizing:border-box}",
    ".tracuu-form{display:flex;gap:.4em;margin:0}",
    ".tracuu-input{flex:1;min-width:0;font:inherit;padding:.45em .6em;border:1px solid var(--tracuu-border);",
    "border-radius:var(--tracuu-radius);background:var(--tracuu-bg);color:var(--tracuu-text)}",
    ".tracuu-input:focus{outline:2px solid var(--tracuu-accent);outline-offset:1px}",
    ".tracuu-button{font:inherit;padding:.45em .9em;border:0;border-radius:var(--tracuu-radius);",
    "background:var(--tracuu-accent);color:#fff;cursor:pointer}",
    ".tracuu-button:focus-visible{outline:2px solid var(--tracuu-text);outline-offset:2px}",
    ".tracuu-panel{position:absolute;left:0;right:0;top:calc(100% + 4px);z-index:var(--tracuu-z);",
    "background:var(--tracuu-bg);border:1px solid var(--tracuu-border);border-radius:var(--tracuu-radius);",
    "box-shadow:0 6px 20px rgba(0,0,0,.18);max-height:26em;overflow:auto;font-size:.95em}",
    ".tracuu-widget [hidden],.tracuu-panel[hidden]{display:none!important}",
    ".tracuu-results{list-style:none;margin:0;padding:.25em 0}",
    ".tracuu-result{padding:.5em .75em;cursor:pointer;border-bottom:1px solid var(--tracuu-border)}",
    ".tracuu-result:last-child{border-bottom:0}",
    ".tracuu-result[aria-selected=true],.tracuu-result:hover{background:var(--tracuu-active)}",
    ".tracuu-result[aria-selected=true]{box-shadow:inset 3px 0 0 var(--tracuu-accent)}",
    ".tracuu-title{display:block;color:var(--tracuu-accent);font-weight:600;text-decoration:none;line-height:1.35}",
    ".tracuu-meta{display:block;color:var(--tracuu-muted);font-size:.82em;margin-top:.1em}",
    ".tracuu-snippet{display:block;color:var(--tracuu-text);font-size:.88em;margin-top:.2em;line-height:1.45;",
    "overflow:hidden;display:-webkit-box;-webkit-line-clamp:2;-webkit-box-orient:vertical}",
    ".tracuu-widget mark.tracuu-mark,.tracuu-widget mark{background:var(--tracuu-mark);color:inherit;padding:0 .1em}",
    ".tracuu-message{margin:0;padding:.6em .75em;color:var(--tracuu-muted)}",
    ".tracuu-message.tracuu-error{color:#a11d1d}",
    ".tracuu-all{display:block;padding:.5em .75em;border-top:1px solid var(--tracuu-border);color:var(--tracuu-accent);font-size:.9em}",
    ".tracuu-sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);clip-path:inset(50%);white-space:nowrap}",
  ].join("");

  function addStyle() {
    if (document.getElementById("tracuu-widget-style")) return;
    var st = document.createElement("style");
    st.id = "tracuu-widget-style";
    st.textContent = CSS;
    var head = document.head || document.documentElement;
    head.insertBefore(st, head.firstChild); // first, so the page's own rules win
  }

  function make(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = text;
    return e;
  }

  // onlyMarks keeps the server's <mark> tags and escapes any other "<".
  function onlyMarks(html) {
    return String(html || "").replace(/<(?!\/?mark>)/g, "&lt;");
  }

  function viDate(iso) {
    var m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso || "");
    return m ? m[3] + "/" + m[2] + "/" + m[1] : "";
  }

  var uid = 0;

  function mount(root, opts) {
    if (!root || root.getAttribute("data-tracuu-mounted")) return null;
    opts = opts || {};
    root.setAttribute("data-tracuu-mounted", "1");
    var api = String(opts.api || root.getAttribute("data-api") || scriptAPI || location.origin).replace(/\/+$/, "");
    var langAttr = opts.lang || root.getAttribute("data-lang") || (document.documentElement.lang || "vi").slice(0, 2);
    var L = TEXT[langAttr] || TEXT.vi;
    var size = Math.max(1, Math.min(20, parseInt(opts.size || root.getAttribute("data-size") || "5", 10) || 5));
    var toTracuu = (opts.link || root.getAttribute("data-link")) === "tracuu";
    var n = ++uid;
    var id = function (s) { return "tracuu-" + n + "-" + s; };

    var box = make("div", "tracuu-widget");
    var form = make("form", "tracuu-form");
    form.setAttribute("role", "search");
    var label = make("label", "tracuu-sr", L.label);
    label.htmlFor = id("input");
    var input = make("input", "tracuu-input");
    input.type = "search";
    input.id = id("input");
    input.autocomplete = "off";
    input.spellcheck = false;
    input.placeholder = opts.placeholder || root.getAttribute("data-placeholder") || L.placeholder;
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", id("list"));
    var button = make("button", "tracuu-button", L.button);
    button.type = "submit";
    var panel = make("div", "tracuu-panel");
    panel.hidden = true;
    var list = make("ul", "tracuu-results");
    list.id = id("list");
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", L.results);
    var msg = make("p", "tracuu-message");
    var all = make("a", "tracuu-all");
    var live = make("div", "tracuu-sr");
    live.setAttribute("role", "status");
    live.setAttribute("aria-live", "polite");
    panel.appendChild(list);
    panel.appendChild(msg);
    panel.appendChild(all);
    form.appendChild(label);
    form.appendChild(input);
    form.appendChild(button);
    box.appendChild(form);
    box.appendChild(panel);
    box.appendChild(live);
    root.appendChild(box);

    var hits = [];
    var active = -1;
    var timer = 0;
    var seq = 0;
    var ctrl = null;

    function pageURL(params) {
      return api + "/?" + new URLSearchParams(params).toString();
    }

    function open(show) {
      panel.hidden = !show;
      input.setAttribute("aria-expanded", show && hits.length ? "true" : "false");
    }

    function setActive(i) {
      var items = list.children;
      if (items[active]) items[active].setAttribute("aria-selected", "false");
      active = i;
      if (items[i]) {
        items[i].setAttribute("aria-selected", "true");
        items[i].scrollIntoView({ block: "nearest" });
        input.setAttribute("aria-activedescendant", items[i].id);
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function message(text, isError) {
      msg.textContent = text || "";
      msg.className = "tracuu-message" + (isError ? " tracuu-error" : "");
      msg.hidden = !text;
    }

    function draw(q, res) {
      hits = res.hits || [];
      active = -1;
      input.removeAttribute("aria-activedescendant");
      while (list.firstChild) list.removeChild(list.firstChild);
      hits.forEach(function (h, i) {
        var li = make("li", "tracuu-result");
        li.id = id("opt-" + i);
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", "false");
        var a = make("a", "tracuu-title");
        // Only web addresses become links: a stored "javascript:" URL must not run.
        var web = /^https?:\/\//i.test(h.url || "");
        a.href = toTracuu || !web ? pageURL({ article: h.id, q: q }) : h.url;
        a.tabIndex = -1;
        a.innerHTML = onlyMarks(h.title_html || "") || "";
        if (!h.title_html) a.textContent = h.title || h.url || h.id;
        li.appendChild(a);
        var meta = [h.site, h.section, viDate(h.published)].filter(Boolean).join(" · ");
        if (meta) li.appendChild(make("span", "tracuu-meta", meta));
        if (h.snippet) {
          var sn = make("span", "tracuu-snippet");
          sn.innerHTML = onlyMarks(h.snippet);
          li.appendChild(sn);
        }
        li.addEventListener("mousedown", function (e) { e.preventDefault(); });
        li.addEventListener("click", function (e) {
          if (e.target.closest && e.target.closest("a")) return; // the link itself navigates
          follow(i);
        });
        list.appendChild(li);
      });
      message(hits.length ? "" : L.none);
      all.hidden = !res.total || !hits.length;
      all.textContent = L.all(res.total || 0);
      all.href = pageURL({ q: q });
      live.textContent = hits.length ? L.count(res.total) : L.none;
      open(true);
    }

    function run(q) {
      clearTimeout(timer);
      if (ctrl) ctrl.abort();
      if (!q) {
        hits = [];
        open(false);
        return;
      }
      var mine = ++seq;
      ctrl = typeof AbortController === "function" ? new AbortController() : null;
      var params = new URLSearchParams({ q: q, size: String(size), facets: "" });
      fetch(api + "/api/search?" + params.toString(), { signal: ctrl ? ctrl.signal : undefined, mode: "cors" })
        .then(function (r) {
          return r.json().then(
            function (body) { return { ok: r.ok, body: body, status: r.status }; },
            function () { return { ok: false, body: null, status: r.status }; }
          );
        })
        .then(function (r) {
          if (mine !== seq) return;
          if (!r.ok) {
            var err = new Error((r.body && r.body.error && r.body.error.message) || "HTTP " + r.status);
            err.status = r.status;
            throw err;
          }
          draw(q, r.body);
        })
        .catch(function (e) {
          if (mine !== seq || (e && e.name === "AbortError")) return;
          hits = [];
          while (list.firstChild) list.removeChild(list.firstChild);
          all.hidden = true;
          // Visitors read the reason in their language; the site owner
          // finds the technical one in the console.
          var status = (e && e.status) || 0;
          var reason = status === 400 ? L.errQuery : status === 429 || status === 503 ? L.errBusy : status ? L.errServer : L.errReach;
          if (!status && window.console) {
            console.warn("tracuu widget: " + api + "/api/search failed (" + (e && e.message) + "): the server is down, or it does not allow the origin " +
              location.origin + " (start it with --cors-origins " + location.origin + ", or leave the list empty to allow any site)");
          }
          message(L.error + reason, true);
          live.textContent = msg.textContent;
          open(true);
        });
    }

    function follow(i) {
      var a = list.children[i] && list.children[i].querySelector("a");
      if (a) location.assign(a.href);
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      var q = input.value.trim();
      if (q.length < 2) {
        run("");
        return;
      }
      timer = setTimeout(function () { run(q); }, 250);
    });
    input.addEventListener("keydown", function (e) {
      var shown = !panel.hidden && hits.length > 0;
      if (e.key === "ArrowDown" && hits.length) {
        e.preventDefault();
        if (!shown) open(true);
        setActive(active + 1 >= hits.length ? 0 : active + 1);
      } else if (e.key === "ArrowUp" && shown) {
        e.preventDefault();
        setActive(active <= 0 ? hits.length - 1 : active - 1);
      } else if (e.key === "Enter" && shown && active >= 0) {
        e.preventDefault();
        follow(active);
      } else if (e.key === "Escape" && !panel.hidden) {
        e.preventDefault();
        open(false);
      }
    });
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      run(input.value.trim());
    });
    box.addEventListener("focusout", function () {
      setTimeout(function () {
        if (!box.contains(document.activeElement)) open(false);
      }, 150);
    });
    return { input: input, search: function (q) { input.value = q; run(q); } };
  }

  function scan() {
    addStyle();
    var els = document.querySelectorAll("[data-tracuu-search]");
    for (var i = 0; i < els.length; i++) mount(els[i]);
  }

  window.TracuuWidget = {
    mount: function (el, opts) {
      addStyle();
      return mount(el, opts);
    },
    scan: scan,
  };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", scan);
  else scan();
})();
