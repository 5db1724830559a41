/* Presence map: world boundaries from the world-atlas package (served locally), countries
 * shaded by the selected groups' geographic claims. */
(function () {
  "use strict";
  const { api, el, clear, entityHref, claimHref } = window.andiwali;
  const NS = "http://www.w3.org/2000/svg";
  function s(tag, attrs, ...kids) { return el(tag, Object.assign({ ns: NS }, attrs), ...kids); }
  let world = null, numericOf = null, paths = {};

  function shade(v, max) {
    if (!v) return "#eef0f2";
    const t = Math.sqrt(v / max);
    const r = Math.round(253 - t * (253 - 165)), g = Math.round(208 - t * (208 - 15)), b = Math.round(162 - t * (162 - 21));
    return "rgb(" + r + "," + g + "," + b + ")";
  }

  function details(iso, row, name) {
    const box = document.getElementById("map-details");
    clear(box);
    box.appendChild(el("h3", null, name + " (" + iso + ")"));
    if (!row) { box.appendChild(el("p", { class: "muted" }, "no presence claims")); return; }
    box.appendChild(el("p", null, row.claims + " claim(s): " + Object.entries(row.by_predicate).map(([k, v]) => k + " " + v).join(", ")));
    const ul = el("ul");
    for (const g of row.groups) ul.appendChild(el("li", null, el("a", { href: entityHref(g.id) }, g.name)));
    box.appendChild(ul);
    const claims = el("p", { class: "small" }, "claims: ");
    row.claim_ids.forEach((id, i) => { claims.appendChild(el("a", { href: claimHref(id) }, String(i + 1))); claims.appendChild(document.createTextNode(" ")); });
    box.appendChild(claims);
  }

  async function draw() {
    const status = document.getElementById("map-status");
    const sel = document.getElementById("map-groups");
    const p = new URLSearchParams();
    for (const o of sel.selectedOptions) p.append("group", o.value);
    const f = document.getElementById("map-from").value.trim(), t = document.getElementById("map-to").value.trim();
    if (f) p.set("date_from", f);
    if (t) p.set("date_to", t);
    let data;
    try { data = await api("GET", "/api/map?" + p.toString()); } catch (e) { status.textContent = e.message; return; }
    if (!sel.options.length) {
      for (const g of data.groups) sel.appendChild(el("option", { value: g.id }, g.name + " (" + g.claims + ")"));
    }
    const max = Math.max(1, ...Object.values(data.countries).map((r) => r.claims));
    let shaded = 0;
    for (const [num, node] of Object.entries(paths)) {
      const iso = node.dataset.iso;
      const row = iso ? data.countries[iso] : null;
      node.setAttribute("fill", shade(row ? row.claims : 0, max));
      node.dataset.claims = row ? String(row.claims) : "0";
      if (row) shaded++;
    }
    status.textContent = shaded + " countries shaded" + (data.selected.length ? " for " + data.selected.length + " selected group(s)" : " (all groups)") +
      (data.unmapped ? " · " + data.unmapped + " claims about places without a country" : "");
    status.dataset.shaded = String(shaded);
    window.andiwaliMap = data;
  }

  async function main() {
    const box = document.getElementById("map");
    const status = document.getElementById("map-status");
    try {
      const [topo, codes] = await Promise.all([
        fetch("/static/vendor/countries-50m.json").then((r) => r.json()),
        fetch("/static/vendor/iso-numeric.json").then((r) => r.json()),
      ]);
      world = topojson.feature(topo, topo.objects.countries);
      numericOf = codes;
    } catch (e) {
      status.textContent = "could not load the world map (run scripts/build-web.sh): " + e.message;
      return;
    }
    const alpha = {};
    for (const [a2, num] of Object.entries(numericOf)) alpha[num] = a2;
    const width = Math.max(640, box.clientWidth || 960), height = Math.round(width * 0.52);
    const projection = d3.geoNaturalEarth1().fitSize([width, height], world);
    const path = d3.geoPath(projection);
    const svg = s("svg", { width, height, class: "map-svg", role: "img", "aria-label": "world map" });
    for (const f of world.features) {
      const d = path(f);
      if (!d) continue;
      const iso = alpha[f.id] || "";
      const node = s("path", { d, fill: "#eef0f2", stroke: "#9aa0a6", "stroke-width": 0.4, class: "country" },
        s("title", null, (f.properties && f.properties.name) || iso));
      node.dataset.iso = iso;
      node.dataset.name = (f.properties && f.properties.name) || iso;
      paths[f.id || ("x" + Object.keys(paths).length)] = node;
      svg.appendChild(node);
    }
    svg.addEventListener("click", (ev) => {
      const n = ev.target.closest("path.country");
      if (!n || !window.andiwaliMap) return;
      details(n.dataset.iso, window.andiwaliMap.countries[n.dataset.iso], n.dataset.name);
    });
    box.appendChild(svg);
    document.getElementById("map-apply").addEventListener("click", draw);
    await draw();
  }

  document.addEventListener("DOMContentLoaded", main);
})();
