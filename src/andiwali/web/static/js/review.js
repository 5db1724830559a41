/* Review queue: j/k move, x select, a accept, r reject, e edit; bulk accept/reject. */
(function () {
  "use strict";
  const { api, el, clear, entityHref, claimHref, documentHref, pct, dates } = window.andiwali;
  let items = [];
  let cursor = 0;
  const selected = new Set();

  function status(msg) { document.getElementById("review-status").textContent = msg; }

  function card(c, i) {
    const ev = c.evidence && c.evidence[0];
    const box = el("div", { class: "review-item" + (i === cursor ? " current" : ""), "data-claim-id": c.id, tabindex: "-1" },
      el("label", { class: "select" }, el("input", { type: "checkbox", class: "pick", "aria-label": "select" })),
      el("div", { class: "review-body" },
        el("div", { class: "review-title" },
          el("a", { href: entityHref(c.subject) }, c.subject_name), " ",
          el("strong", { class: "predicate" }, (c.polarity === "negated" ? "not " : "") + c.predicate), " ",
          el("a", { href: entityHref(c.object) }, c.object_name)),
        el("div", { class: "muted small" }, dates(c) + " · " + c.modality +
          (c.attributed_to_name ? " · per " + c.attributed_to_name : "") + " · confidence " + pct(c.confidence) +
          " · " + c.extractor + (c.grade ? " · grade " + c.grade : "")),
        ev ? el("blockquote", null, ev.quote) : null,
        ev ? el("div", { class: "small" }, el("a", { href: documentHref(ev.doc_id) }, ev.title || ev.doc_id),
          " · ", el("a", { href: claimHref(c.id) }, "claim and document")) : null,
        el("div", { class: "review-actions needs-write" },
          el("button", { type: "button", "data-act": "accepted" }, "Accept (a)"),
          el("button", { type: "button", "data-act": "rejected" }, "Reject (r)"),
          el("button", { type: "button", "data-act": "edit" }, "Edit (e)"),
          el("span", { class: "item-status status" }))));
    box.querySelector(".pick").checked = selected.has(c.id);
    return box;
  }

  function render() {
    const list = document.getElementById("review-list");
    clear(list);
    items.forEach((c, i) => list.appendChild(card(c, i)));
  }

  function currentNode() {
    return document.querySelector('.review-item[data-claim-id="' + CSS.escape(items[cursor] ? items[cursor].id : "") + '"]');
  }

  function move(delta) {
    if (!items.length) return;
    const old = currentNode();
    if (old) old.classList.remove("current");
    cursor = Math.max(0, Math.min(items.length - 1, cursor + delta));
    const n = currentNode();
    if (n) { n.classList.add("current"); n.scrollIntoView({ block: "nearest" }); }
  }

  async function decide(id, decision, changes) {
    const c = items.find((x) => x.id === id);
    if (!c) return;
    const node = document.querySelector('.review-item[data-claim-id="' + CSS.escape(id) + '"]');
    const st = node && node.querySelector(".item-status");
    if (st) st.textContent = "saving…";
    try {
      const body = { status: decision, expected_version: c.version };
      if (changes) body.changes = changes;
      const res = await api("POST", "/api/claims/" + encodeURIComponent(id) + "/review", body);
      const idx = items.indexOf(c);
      items.splice(idx, 1);
      selected.delete(id);
      if (cursor >= items.length) cursor = Math.max(0, items.length - 1);
      render();
      status(res.status + ": " + c.subject_name + " " + c.predicate + " " + c.object_name + " · " + items.length + " left");
    } catch (e) {
      if (st) st.textContent = "not saved: " + e.message;
      status("not saved: " + e.message);
    }
  }

  function edit(id) {
    const node = document.querySelector('.review-item[data-claim-id="' + CSS.escape(id) + '"]');
    const c = items.find((x) => x.id === id);
    if (!node || !c || node.querySelector(".edit-form")) return;
    const form = document.getElementById("edit-template").content.firstElementChild.cloneNode(true);
    form.elements.polarity.value = c.polarity;
    form.elements.modality.value = c.modality;
    form.elements.predicate.value = c.predicate;
    form.elements.valid_from.value = c.valid_from || "";
    form.elements.valid_to.value = c.valid_to || "";
    form.addEventListener("submit", (ev) => {
      ev.preventDefault();
      const changes = {};
      for (const k of ["polarity", "modality", "predicate"]) if (form.elements[k].value !== c[k]) changes[k] = form.elements[k].value;
      for (const k of ["valid_from", "valid_to"]) {
        const v = form.elements[k].value.trim() || null;
        if (v !== (c[k] || null)) changes[k] = v;
      }
      decide(id, "edited", changes);
    });
    form.querySelector(".cancel").addEventListener("click", () => form.remove());
    node.querySelector(".review-body").appendChild(form);
    form.elements.polarity.focus();
  }

  async function bulk(decision) {
    const ids = Array.from(selected);
    if (!ids.length) { status("select claims first (x or the check boxes)"); return; }
    try {
      const res = await api("POST", "/api/claims/review", { ids, status: decision });
      selected.clear();
      await load();
      status(res.done.length + " " + decision + (res.failed.length ? ", " + res.failed.length + " failed" : "") +
        " · " + items.length + " left");
    } catch (e) {
      status("not saved: " + e.message);
    }
  }

  async function load() {
    const order = document.getElementById("review-order").value;
    const pred = document.getElementById("review-predicate").value;
    const q = "/api/review-queue?limit=200&order=" + order + (pred ? "&predicate=" + encodeURIComponent(pred) : "");
    try {
      const res = await api("GET", q);
      items = res.items;
      cursor = 0;
      render();
      status(res.total + " pending claims" + (res.total > items.length ? " (showing " + items.length + ")" : ""));
    } catch (e) {
      status("could not load: " + e.message);
    }
  }

  document.addEventListener("DOMContentLoaded", () => {
    const list = document.getElementById("review-list");
    list.addEventListener("click", (ev) => {
      const node = ev.target.closest(".review-item");
      if (!node) return;
      const id = node.dataset.claimId;
      const idx = items.findIndex((x) => x.id === id);
      if (idx >= 0 && idx !== cursor) { cursor = idx; document.querySelectorAll(".review-item.current").forEach((n) => n.classList.remove("current")); node.classList.add("current"); }
      const b = ev.target.closest("button[data-act]");
      if (b) {
        if (b.dataset.act === "edit") edit(id); else decide(id, b.dataset.act);
      }
      if (ev.target.classList.contains("pick")) {
        if (ev.target.checked) selected.add(id); else selected.delete(id);
      }
    });
    document.addEventListener("keydown", (ev) => {
      const t = ev.target;
      if (t && (t.tagName === "INPUT" || t.tagName === "SELECT" || t.tagName === "TEXTAREA")) return;
      if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
      const c = items[cursor];
      if (ev.key === "j") move(1);
      else if (ev.key === "k") move(-1);
      else if (ev.key === "a" && c) decide(c.id, "accepted");
      else if (ev.key === "r" && c) decide(c.id, "rejected");
      else if (ev.key === "e" && c) { ev.preventDefault(); edit(c.id); }
      else if (ev.key === "x" && c) {
        if (selected.has(c.id)) selected.delete(c.id); else selected.add(c.id);
        const n = currentNode();
        if (n) n.querySelector(".pick").checked = selected.has(c.id);
      } else return;
      ev.preventDefault();
    });
    document.getElementById("bulk-accept").addEventListener("click", () => bulk("accepted"));
    document.getElementById("bulk-reject").addEventListener("click", () => bulk("rejected"));
    document.getElementById("review-order").addEventListener("change", load);
    document.getElementById("review-predicate").addEventListener("change", load);
    load();
  });
})();
