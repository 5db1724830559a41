/* Media activity: documents per source over time, one line per source (top 8). */
(function () {
  "use strict";
  const { api, el, clear } = window.andiwali;
  const NS = "http://www.w3.org/2000/svg";
  const COLOURS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f"];
  function s(tag, attrs, ...kids) { return el(tag, Object.assign({ ns: NS }, attrs), ...kids); }

  async function load() {
    const by = document.getElementById("media-by").value;
    const box = document.getElementById("media-chart");
    const legend = document.getElementById("media-legend");
    const status = document.getElementById("media-status");
    clear(box); clear(legend);
    let data;
    try { data = await api("GET", "/api/media-activity?by=" + by); } catch (e) { status.textContent = e.message; return; }
    // sources with no document dated to this resolution are listed, not drawn
    const periods = data.periods, series = data.series.filter((x) => x.counts.some((v) => v > 0)).slice(0, 8);
    const undrawn = data.series.filter((x) => !x.counts.some((v) => v > 0));
    status.textContent = data.series.length + " sources, " + periods.length + " " + by + "s with dated documents";
    box.dataset.sources = String(data.series.length);
    if (!periods.length) return;
    const width = Math.max(600, box.clientWidth || 900), height = 320, l = 40, r = 10, t = 10, b = 40;
    const max = Math.max(1, ...series.flatMap((x) => x.counts));
    const x = (i) => l + (periods.length === 1 ? (width - l - r) / 2 : (i / (periods.length - 1)) * (width - l - r));
    const y = (v) => t + (1 - v / max) * (height - t - b);
    const svg = s("svg", { width, height, class: "chart-svg", role: "img", "aria-label": "documents per source per " + by });
    for (let k = 0; k <= 4; k++) {
      const v = Math.round((max * k) / 4);
      svg.appendChild(s("line", { x1: l, x2: width - r, y1: y(v), y2: y(v), class: "tick" }));
      svg.appendChild(s("text", { x: 4, y: y(v) + 4, class: "tick-label" }, String(v)));
    }
    const every = Math.max(1, Math.ceil(periods.length / 12));
    periods.forEach((p, i) => { if (i % every === 0) svg.appendChild(s("text", { x: x(i) - 14, y: height - 18, class: "tick-label" }, p)); });
    series.forEach((ser, k) => {
      const pts = ser.counts.map((v, i) => x(i).toFixed(1) + "," + y(v).toFixed(1)).join(" ");
      const g = s("g", null, s("title", null, ser.source + ": " + ser.total + " documents"));
      g.appendChild(s("polyline", { points: pts, fill: "none", stroke: COLOURS[k], "stroke-width": 2 }));
      ser.counts.forEach((v, i) => { if (v) g.appendChild(s("circle", { cx: x(i), cy: y(v), r: 3, fill: COLOURS[k] }, s("title", null, ser.source + " " + periods[i] + ": " + v))); });
      svg.appendChild(g);
      legend.appendChild(el("span", { class: "legend-item" }, s("svg", { width: 12, height: 12 }, s("rect", { width: 12, height: 12, fill: COLOURS[k] })), " " + ser.source + " (" + ser.total + (ser.quiet && ser.last ? ", quiet since " + ser.last : "") + ")"));
    });
    box.appendChild(svg);
    if (undrawn.length) {
      legend.appendChild(el("span", { class: "legend-item muted" }, "not dated to the " + by + ": " +
        undrawn.map((x) => x.source + " (" + x.total + ")").join(", ")));
    }
  }

  document.addEventListener("DOMContentLoaded", () => {
    document.getElementById("media-by").addEventListener("change", load);
    load();
  });
})();
