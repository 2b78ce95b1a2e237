// Links from the search page to the research views and the Atom feed of
// the current search. The page keeps its state in the URL, so the links
// are worked out from location.search whenever the results change.
(() => {
  "use strict";
  const ids = ["trends-link", "context-link", "feed-link"];
  function update() {
    const cur = new URLSearchParams(location.search);
    const keep = new URLSearchParams();
    for (const k of ["q", "site", "section", "author", "from", "to", "exact"]) {
      for (const v of cur.getAll(k)) if (v) keep.append(k, v);
    }
    const q = cur.get("q") || "";
    const view = (v) => {
      const p = new URLSearchParams({ view: v });
      if (q) p.set("q", q);
      for (const k of ["from", "to"]) if (cur.get(k)) p.set(k, cur.get(k));
      return "/research.html?" + p.toString();
    };
    const set = (id, href) => { const a = document.getElementById(id); if (a) a.href = href; };
    set("trends-link", view("trends"));
    set("context-link", view("context"));
    const feed = "/api/feed?" + keep.toString();
    set("feed-link", feed);
    let alt = document.querySelector('link[rel="alternate"][type="application/atom+xml"]');
    if (!alt) {
      alt = document.createElement("link");
      alt.rel = "alternate";
      alt.type = "application/atom+xml";
      alt.title = "tracuu";
      document.head.append(alt);
    }
    alt.href = feed;
  }
  const status = document.getElementById("status");
  if (status) new MutationObserver(update).observe(status, { childList: true, characterData: true, subtree: true });
  for (const id of ids) {
    const a = document.getElementById(id);
    if (a) for (const ev of ["pointerdown", "focus", "mouseenter"]) a.addEventListener(ev, update);
  }
  addEventListener("popstate", update);
  update();
})();
