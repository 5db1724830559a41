/* andiwali: shared helpers. Every text from the knowledge base enters the DOM as a text
 * node (textContent / createTextNode); no script here parses a string as HTML. */
(function () {
  "use strict";

  function cookie(name) {
    const parts = document.cookie ? document.cookie.split("; ") : [];
    for (const p of parts) {
      const i = p.indexOf("=");
      if (p.slice(0, i) === name) return decodeURIComponent(p.slice(i + 1));
    }
    return "";
  }

  // el("a", {href: "/x", class: "c"}, "text", child) -> element; strings become text nodes
  const SAFE_URL = /^\/(?!\/)/; // only same-site paths are ever put in href/src
  function el(tag, attrs, ...children) {
    const ns = attrs && attrs.ns;
    const e = ns ? document.createElementNS(ns, tag) : document.createElement(tag);
    if (attrs) {
      for (const [k, v] of Object.entries(attrs)) {
        if (v === null || v === undefined || v === false || k === "ns") continue;
        if (k.startsWith("on")) throw new Error("no inline handlers");
        if ((k === "href" || k === "src") && !SAFE_URL.test(String(v))) continue;
        if (k === "text") e.textContent = String(v);
        else if (k === "dataset") Object.assign(e.dataset, v);
        else e.setAttribute(k, v === true ? "" : String(v));
      }
    }
    for (const c of children) {
      if (c === null || c === undefined || c === false) continue;
      e.appendChild(typeof c === "string" || typeof c === "number" ? document.createTextNode(String(c)) : c);
    }
    return e;
  }

  function clear(node) {
    while (node.firstChild) node.removeChild(node.firstChild);
  }

  async function api(method, url, body) {
    const opts = { method, headers: { Accept: "application/json" }, credentials: "same-origin" };
    if (method !== "GET") opts.headers["X-CSRF-Token"] = cookie("andiwali_csrf");
    if (body !== undefined) {
      opts.headers["Content-Type"] = "application/json";
      opts.body = JSON.stringify(body);
    }
    const r = await fetch(url, opts);
    let data = null;
    try { data = await r.json(); } catch (_e) { data = null; }
    if (!r.ok) {
      const d = data && data.detail;
      const msg = typeof d === "string" ? d : (Array.isArray(d) ? d.map((x) => x.msg).join("; ") : r.statusText);
      const err = new Error(msg || ("HTTP " + r.status));
      err.status = r.status;
      throw err;
    }
    return data;
  }

  function entityHref(id) { return "/entities/" + encodeURIComponent(id); }
  function claimHref(id) { return "/claims/" + encodeURIComponent(id); }
  function documentHref(id) { return "/documents/" + encodeURIComponent(id); }
  function pct(x) { return x === null || x === undefined ? "" : Math.round(x * 100) + "%"; }
  function dates(c) {
    const vf = c.valid_from, vt = c.valid_to;
    if (vf || vt) return (vf || "…") + " – " + (vt || "open");
    if (c.reported_at) return "undated (reported " + c.reported_at + ")";
    return "undated";
  }

  window.andiwali = { cookie, el, clear, api, entityHref, claimHref, documentHref, pct, dates };

  document.addEventListener("DOMContentLoaded", () => {
    const out = document.getElementById("logout");
    if (out) {
      out.addEventListener("click", async () => {
        try { await api("POST", "/logout"); } catch (_e) { /* already out */ }
        window.location.assign("/login");
      });
    }
  });
})();
