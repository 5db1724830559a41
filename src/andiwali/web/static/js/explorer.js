/* The network explorer: sigma.js (WebGL) over a graphology graph from /api/graph.
 * The time slider filters ties by the valid time of their claims; nothing is re-laid out,
 * so moving it stays fast at 10,000 nodes. */
(function () {
  "use strict";
  const { api, el, clear, entityHref, claimHref, pct } = window.andiwali;

  const SIGN_COLOUR = { 1: "#2e8b57", "-1": "#c0392b", 0: "#9aa0a6" };
  const CONTESTED = "#e67e22";
  const KIND_COLOUR = {
    organization: "#1f77b4", person: "#9467bd", state: "#8c564b", place: "#17becf", platform: "#bcbd22", unknown: "#999999",
  };

  const state = {
    allTime: true, year: null, cumulative: false, layers: new Set(), showPending: true, contestedOnly: false,
    sizeBy: "degree", focus: null, depth: 1, highlight: null,
  };
  let graph, renderer, data, visibleEdges = new Set(), visibleNodes = new Set();
  let scheduled = false;
  let lastMarked = null, lastFocus = null;

  function edgeVisibleInTime(e) {
    const pendingOk = state.showPending;
    if (state.allTime) {
      if (pendingOk) return true;
      return e.iv.some((iv) => iv[2] === 1) || e.u === 2;
    }
    const wStart = state.cumulative ? "" : state.year + "-01-01";
    const wEnd = state.year + "-12-31";
    for (const iv of e.iv) {
      if (!pendingOk && iv[2] !== 1) continue;
      const f = iv[0], t = iv[1];
      if ((f === null || f <= wEnd) && (t === null || t >= wStart)) return true;
    }
    return false;
  }

  function egoSet() {
    if (!state.focus || !graph.hasNode(state.focus)) return null;
    const keep = new Set([state.focus]);
    let frontier = [state.focus];
    for (let d = 0; d < state.depth; d++) {
      const next = [];
      for (const n of frontier) {
        graph.forEachEdge(n, (edge, attrs, s, t) => {
          if (!visibleEdges.has(edge)) return;
          const other = s === n ? t : s;
          if (!keep.has(other)) { keep.add(other); next.push(other); }
        });
      }
      frontier = next;
    }
    return keep;
  }

  function recompute() {
    scheduled = false;
    const oldEdges = visibleEdges, oldNodes = visibleNodes;
    visibleEdges = new Set();
    for (const e of data.edges) {
      if (!state.layers.has(e.layer)) continue;
      if (state.contestedOnly && !e.c) continue;
      if (!edgeVisibleInTime(e)) continue;
      visibleEdges.add(e.id);
    }
    const ego = egoSet();
    if (ego) {
      for (const id of Array.from(visibleEdges)) {
        const s = graph.source(id), t = graph.target(id);
        if (!(ego.has(s) && ego.has(t))) visibleEdges.delete(id);
      }
    }
    visibleNodes = new Set();
    for (const id of visibleEdges) {
      visibleNodes.add(graph.source(id));
      visibleNodes.add(graph.target(id));
    }
    if (state.focus) visibleNodes.add(state.focus);
    if (state.highlight) visibleNodes.add(state.highlight);
    const status = document.getElementById("status");
    status.dataset.edges = String(visibleEdges.size);
    status.dataset.nodes = String(visibleNodes.size);
    const when = state.allTime ? "all time" : (state.cumulative ? "up to " : "in ") + state.year;
    status.textContent = visibleEdges.size + " ties · " + visibleNodes.size + " entities · " + when +
      (state.focus ? " · focus: " + graph.getNodeAttribute(state.focus, "label") : "");
    document.getElementById("time-label").textContent = when;
    // redraw only what changed (a slider step at 10,000 nodes touches a few thousand items)
    const edgesChanged = [], nodesChanged = [];
    for (const id of visibleEdges) if (!oldEdges.has(id)) edgesChanged.push(id);
    for (const id of oldEdges) if (!visibleEdges.has(id)) edgesChanged.push(id);
    for (const id of visibleNodes) if (!oldNodes.has(id)) nodesChanged.push(id);
    for (const id of oldNodes) if (!visibleNodes.has(id)) nodesChanged.push(id);
    if (lastMarked !== state.highlight || lastFocus !== state.focus) {
      for (const id of [lastMarked, lastFocus, state.highlight, state.focus]) if (id && graph.hasNode(id)) nodesChanged.push(id);
      lastMarked = state.highlight; lastFocus = state.focus;
    }
    if (edgesChanged.length + nodesChanged.length > 0) {
      renderer.refresh({ partialGraph: { nodes: nodesChanged, edges: edgesChanged } });
    }
  }

  function schedule() {
    if (!scheduled) { scheduled = true; requestAnimationFrame(recompute); }
  }

  function applySizes() {
    const key = state.sizeBy;
    let max = 0;
    for (const n of data.nodes) max = Math.max(max, n[key] || 0);
    graph.forEachNode((id, a) => {
      const v = a.metrics[key] || 0;
      graph.setNodeAttribute(id, "size", 2 + 14 * Math.sqrt(max > 0 ? v / max : 0));
    });
  }

  function showDetails(id) {
    const box = document.getElementById("details");
    clear(box);
    if (!id) { box.hidden = true; return; }
    const a = graph.getNodeAttributes(id);
    box.hidden = false;
    box.appendChild(el("h2", null, el("a", { href: entityHref(id) }, a.label)));
    box.appendChild(el("p", { class: "muted" }, a.kind + " · degree " + a.metrics.degree + " · PageRank " +
      a.metrics.pagerank.toFixed(4) + " · " + a.metrics.claims + " claims"));
    const list = el("ul", { class: "ties" });
    let n = 0;
    graph.forEachEdge(id, (edge, attrs, s, t) => {
      if (!visibleEdges.has(edge) || n >= 60) return;
      n++;
      const other = s === id ? t : s;
      const arrow = attrs.symmetric ? "↔" : (s === id ? "→" : "←");
      const li = el("li", null, arrow + " " + attrs.predicate + " ",
        el("a", { href: entityHref(other) }, graph.getNodeAttribute(other, "label")),
        attrs.contested ? el("span", { class: "badge contested" }, "contested") : null,
        " ", el("span", { class: "muted small" }, attrs.claims + " claim(s), strength " + pct(attrs.strength)));
      if (attrs.cid) {
        li.appendChild(document.createTextNode(" "));
        li.appendChild(el("a", { href: claimHref(attrs.cid), class: "small" }, "evidence"));
      }
      list.appendChild(li);
    });
    box.appendChild(list);
    const close = el("button", { type: "button" }, "Close");
    close.addEventListener("click", () => { box.hidden = true; });
    box.appendChild(close);
  }

  function focusOn(id) {
    state.focus = id;
    document.getElementById("focus-label").textContent = id ? "Focused on " + graph.getNodeAttribute(id, "label") : "Click a node to focus on its ego network.";
    recompute();
    showDetails(id);
    if (id) {
      const d = renderer.getNodeDisplayData(id);
      if (d) renderer.getCamera().animate({ x: d.x, y: d.y, ratio: 0.5 }, { duration: 300 });
    }
  }

  let lastQuery = "";
  function search(q, force) {
    q = (q || "").trim().toLowerCase();
    if (q === lastQuery && !force) return; // a blur after Enter repeats the query: keep the panel as it is
    lastQuery = q;
    if (!q) { state.highlight = null; schedule(); return; }
    let found = null, partial = null;
    for (const n of data.nodes) {
      const names = [n.label].concat(n.aliases || []);
      for (const name of names) {
        const low = name.toLowerCase();
        if (low === q) { found = n.id; break; }
        if (!partial && low.includes(q)) partial = n.id;
      }
      if (found) break;
    }
    const id = found || partial;
    const status = document.getElementById("status");
    if (!id) { status.textContent = "no entity matches " + JSON.stringify(q); return; }
    state.highlight = id;
    focusOn(id);
  }

  function bind() {
    const slider = document.getElementById("time-slider");
    const allTime = document.getElementById("all-time");
    slider.addEventListener("input", () => {
      state.year = Number(slider.value);
      state.allTime = false;
      allTime.checked = false;
      schedule();
    });
    allTime.addEventListener("change", () => {
      state.allTime = allTime.checked;
      state.year = Number(slider.value);
      schedule();
    });
    document.getElementById("cumulative").addEventListener("change", (ev) => { state.cumulative = ev.target.checked; schedule(); });
    document.querySelectorAll(".layer-toggle").forEach((cb) => {
      if (cb.checked) state.layers.add(cb.value);
      cb.addEventListener("change", () => {
        if (cb.checked) state.layers.add(cb.value); else state.layers.delete(cb.value);
        schedule();
      });
    });
    document.getElementById("show-pending").addEventListener("change", (ev) => { state.showPending = ev.target.checked; schedule(); });
    document.getElementById("contested-only").addEventListener("change", (ev) => { state.contestedOnly = ev.target.checked; schedule(); });
    document.getElementById("size-by").addEventListener("change", (ev) => { state.sizeBy = ev.target.value; applySizes(); renderer.refresh(); });
    document.getElementById("ego-depth").addEventListener("change", (ev) => { state.depth = Number(ev.target.value); schedule(); });
    document.getElementById("clear-focus").addEventListener("click", () => { state.highlight = null; lastQuery = ""; focusOn(null); });
    const input = document.getElementById("search");
    input.addEventListener("change", () => search(input.value));
    input.addEventListener("keydown", (ev) => { if (ev.key === "Enter") { ev.preventDefault(); search(input.value, true); } });
    renderer.on("clickNode", ({ node }) => focusOn(node));
    renderer.on("doubleClickNode", ({ node, event }) => { event.preventSigmaDefault(); window.location.assign(entityHref(node)); });
    renderer.on("clickStage", () => showDetails(null));
  }

  async function main() {
    const status = document.getElementById("status");
    try {
      data = await api("GET", "/api/graph");
    } catch (e) {
      status.textContent = "could not load the graph: " + e.message;
      return;
    }
    graph = new graphology.MultiDirectedGraph();
    for (const n of data.nodes) {
      graph.addNode(n.id, {
        x: n.x, y: n.y, label: n.label, kind: n.kind, color: KIND_COLOUR[n.kind] || KIND_COLOUR.unknown, size: 4,
        metrics: { degree: n.degree, pagerank: n.pagerank, betweenness: n.betweenness, claims: n.claims, strength: n.strength },
      });
    }
    data.edges.forEach((e, i) => {
      const pred = data.predicates[e.p] || { layer: "?", sign: 0, symmetric: false };
      e.id = "e" + i;
      e.layer = pred.layer;
      graph.addEdgeWithKey(e.id, data.nodes[e.s].id, data.nodes[e.t].id, {
        predicate: e.p, layer: pred.layer, sign: pred.sign, contested: !!e.c, symmetric: pred.symmetric,
        claims: e.n, cid: e.cid, strength: e.w,
        color: e.c ? CONTESTED : SIGN_COLOUR[String(pred.sign)],
        size: e.c ? 2.5 : 0.6 + 2 * e.w,
        type: pred.symmetric ? "line" : "arrow",
      });
    });
    applySizes();
    const container = document.getElementById("graph");
    renderer = new Sigma(graph, container, {
      renderEdgeLabels: false,
      labelRenderedSizeThreshold: 9,
      zIndex: true,
      nodeReducer: (node, attrs) => {
        if (!visibleNodes.has(node)) return Object.assign({}, attrs, { hidden: true });
        if (node === state.highlight || node === state.focus) return Object.assign({}, attrs, { highlighted: true, zIndex: 2 });
        return attrs;
      },
      edgeReducer: (edge, attrs) => {
        if (!visibleEdges.has(edge)) return Object.assign({}, attrs, { hidden: true });
        return attrs;
      },
    });
    // positions are in [-1, 1] (server layout): a fixed frame keeps the picture still while filters change
    renderer.setCustomBBox({ x: [-1, 1], y: [-1, 1] });
    const slider = document.getElementById("time-slider");
    if (data.years) {
      slider.min = String(data.years[0]);
      slider.max = String(data.years[1]);
      slider.value = String(data.years[1]);
      state.year = data.years[1];
    } else {
      slider.disabled = true;
    }
    const dl = document.getElementById("search-names");
    if (data.nodes.length <= 5000) {
      for (const n of data.nodes) dl.appendChild(el("option", { value: n.label }));
    }
    bind();
    recompute();
    window.andiwaliExplorer = { graph, renderer, state, recompute, data };
    document.body.dataset.ready = "1";
  }

  document.addEventListener("DOMContentLoaded", main);
})();
