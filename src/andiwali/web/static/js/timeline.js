/* Horizontal timelines of dated claims (SVG built element by element; labels are text nodes). */
(function () {
  "use strict";
  const { api, el, clear, claimHref } = window.andiwali;
  const NS = "http://www.w3.org/2000/svg";
  const SIGN = { 1: "#2e8b57", "-1": "#c0392b", 0: "#7f8c8d" };

  function start(d) {
    if (!d) return null;
    const [y, m, day] = d.split("-").map(Number);
    return y + ((m || 1) - 1) / 12 + ((day || 1) - 1) / 365;
  }
  function end(d) {
    if (!d) return null;
    const p = d.split("-").map(Number);
    if (p.length === 1) return p[0] + 1;
    if (p.length === 2) return p[0] + p[1] / 12;
    return start(d) + 1 / 365;
  }
  function s(tag, attrs, ...kids) { return el(tag, Object.assign({ ns: NS }, attrs), ...kids); }

  function draw(container, items, maxRows) {
    clear(container);
    if (!items.length) { container.appendChild(el("p", { class: "muted" }, "No dated claims.")); return; }
    const rows = items.slice(0, maxRows);
    let lo = Infinity, hi = -Infinity;
    for (const it of rows) {
      const a = start(it.from) ?? start(it.to), b = end(it.to) ?? end(it.from);
      lo = Math.min(lo, a); hi = Math.max(hi, b);
    }
    const now = new Date().getFullYear() + 1;
    hi = Math.max(hi, lo + 1);
    if (rows.some((r) => r.open_end)) hi = Math.max(hi, Math.min(now, hi + 2));
    const width = Math.max(600, container.clientWidth || 900), left = 10, right = 10, rowH = 18, top = 24;
    const x = (v) => left + ((v - lo) / (hi - lo)) * (width - left - right);
    const svg = s("svg", { width: width, height: top + rows.length * rowH + 10, class: "timeline-svg", role: "img",
      "aria-label": "timeline of " + rows.length + " claims" });
    const step = Math.max(1, Math.ceil((hi - lo) / 12));
    for (let y = Math.ceil(lo); y <= hi; y += step) {
      svg.appendChild(s("line", { x1: x(y), x2: x(y), y1: 14, y2: top + rows.length * rowH, class: "tick" }));
      svg.appendChild(s("text", { x: x(y) + 2, y: 12, class: "tick-label" }, String(y)));
    }
    rows.forEach((it, i) => {
      const a = start(it.from) ?? start(it.to);
      const b = it.open_end ? hi : (end(it.to) ?? end(it.from));
      const y = top + i * rowH;
      const link = s("a", { href: claimHref(it.claim_id) });
      const colour = SIGN[String(it.sign)] || SIGN[0];
      if (it.event && (b - a) <= 1.01) {
        link.appendChild(s("circle", { cx: x(a) + 3, cy: y + 6, r: 5, fill: colour }));
      } else {
        link.appendChild(s("rect", { x: x(a), y: y, width: Math.max(3, x(b) - x(a)), height: 12, rx: 2, fill: colour,
          "fill-opacity": it.undated ? 0.45 : 0.85, class: it.polarity === "negated" ? "negated" : null }));
      }
      const label = (it.polarity === "negated" ? "✗ " : "") + it.label + " (" + (it.from || "…") + (it.to && it.to !== it.from ? "–" + it.to : (it.open_end ? "–" : "")) + ")";
      // labels start at the bar; in the right part of the chart they end there instead
      const leftSide = x(a) < width * 0.55;
      link.appendChild(s("text", { x: leftSide ? Math.max(left, x(a) + 6) : x(a) - 6, y: y + 10, class: "bar-label",
        "text-anchor": leftSide ? "start" : "end" }, label));
      link.appendChild(s("title", null, label + (it.undated ? " · undated, placed at the report date" : "")));
      svg.appendChild(link);
    });
    container.appendChild(svg);
    if (items.length > rows.length) container.appendChild(el("p", { class: "muted small" }, (items.length - rows.length) + " more not shown"));
  }

  async function load(container, url, maxRows) {
    container.textContent = "loading…";
    try {
      const data = await api("GET", url);
      draw(container, data.items || data.timeline || [], maxRows);
      container.dataset.count = String((data.items || data.timeline || []).length);
    } catch (e) {
      container.textContent = "could not load the timeline: " + e.message;
    }
  }

  document.addEventListener("DOMContentLoaded", () => {
    const small = document.getElementById("entity-timeline");
    if (small) load(small, small.dataset.source, 40);
    const big = document.getElementById("timeline");
    if (big) {
      const go = () => {
        const p = new URLSearchParams();
        const layer = document.getElementById("timeline-layer").value;
        const f = document.getElementById("timeline-from").value.trim();
        const t = document.getElementById("timeline-to").value.trim();
        if (layer) p.set("layer", layer);
        if (f) p.set("date_from", f);
        if (t) p.set("date_to", t);
        p.set("limit", "400");
        load(big, "/api/timeline?" + p.toString(), 400);
      };
      document.getElementById("timeline-apply").addEventListener("click", go);
      go();
    }
  });
})();
