(function () {
  "use strict";
  const { api, el } = window.andiwali;
  document.addEventListener("DOMContentLoaded", () => {
    const box = document.getElementById("claim-actions");
    if (!box) return;
    const status = document.getElementById("action-status");
    box.addEventListener("click", async (ev) => {
      const b = ev.target.closest("button[data-action]");
      if (!b) return;
      status.textContent = "saving…";
      try {
        const res = await api("POST", "/api/claims/" + encodeURIComponent(box.dataset.claimId) + "/review", {
          status: b.dataset.action, expected_version: Number(box.dataset.version),
        });
        box.dataset.version = res.version;
        document.getElementById("claim-status").textContent = res.status;
        const audit = await api("GET", "/api/audit?object_id=" + encodeURIComponent(box.dataset.claimId));
        const list = document.getElementById("claim-audit");
        window.andiwali.clear(list);
        for (const a of audit) {
          list.appendChild(el("li", null, el("span", { class: "mono" }, a.ts), " ", el("strong", null, a.actor), " " + a.action));
        }
        status.textContent = "saved: " + res.status;
      } catch (e) {
        status.textContent = "not saved: " + e.message;
      }
    });
  });
})();
