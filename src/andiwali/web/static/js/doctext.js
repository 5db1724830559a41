/* Document text with evidence highlighted in place, built only from text nodes and <mark>
 * elements: the text is never parsed as HTML. */
(function () {
  "use strict";
  const { api, el, clear, claimHref } = window.andiwali;

  function build(container, text, spans, focus) {
    clear(container);
    const pre = el("div", { class: "text-body", dir: "auto" });
    // boundaries of every span, then one segment per piece between boundaries
    const cuts = new Set([0, text.length]);
    for (const s of spans) {
      cuts.add(Math.max(0, Math.min(text.length, s.start)));
      cuts.add(Math.max(0, Math.min(text.length, s.end)));
    }
    const points = Array.from(cuts).sort((a, b) => a - b);
    let focusNode = null;
    for (let i = 0; i < points.length - 1; i++) {
      const a = points[i], b = points[i + 1];
      if (a === b) continue;
      const piece = text.slice(a, b);
      const covering = spans.filter((s) => s.start <= a && s.end >= b);
      if (covering.length === 0) {
        pre.appendChild(document.createTextNode(piece));
      } else {
        const m = el("mark", { class: "evidence-mark", title: covering.map((s) => s.label || "").join("\n") });
        m.appendChild(document.createTextNode(piece));
        if (covering[0].claim_id) m.dataset.claimId = covering[0].claim_id;
        pre.appendChild(m);
        if (focus !== null && focusNode === null && a >= focus) focusNode = m;
      }
    }
    container.appendChild(pre);
    if (focusNode) {
      focusNode.classList.add("focus");
      // scroll inside the text box only
      pre.scrollTop = Math.max(0, focusNode.offsetTop - pre.offsetTop - 40);
    }
    pre.addEventListener("click", (ev) => {
      const m = ev.target.closest && ev.target.closest("mark[data-claim-id]");
      if (m && container.classList.contains("full")) window.location.assign(claimHref(m.dataset.claimId));
    });
  }

  async function load(container) {
    const id = container.dataset.docId;
    container.textContent = "loading text…";
    try {
      const d = await api("GET", "/api/documents/" + encodeURIComponent(id));
      let spans = d.spans || [];
      if (container.dataset.spans) {
        spans = container.dataset.spans.split(",").map((p) => {
          const [s, e] = p.split("-").map(Number);
          return { start: s, end: e, label: "evidence" };
        });
      }
      const focus = container.dataset.focus ? Number(container.dataset.focus) : (spans.length ? spans[0].start : null);
      build(container, d.text || "", spans, focus);
    } catch (e) {
      container.textContent = "could not load the text: " + e.message;
    }
  }

  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll(".doctext[data-doc-id]").forEach(load);
  });
})();
