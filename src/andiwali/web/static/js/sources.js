(function () {
  "use strict";
  const { api } = window.andiwali;
  document.addEventListener("DOMContentLoaded", () => {
    document.getElementById("source-list").addEventListener("click", async (ev) => {
      const b = ev.target.closest(".save-grade");
      if (!b) return;
      const row = b.closest("tr");
      const st = row.querySelector(".grade-form .status");
      const grade = row.querySelector(".rel").value + row.querySelector(".cred").value;
      st.textContent = "saving…";
      try {
        const res = await api("POST", "/api/sources/" + encodeURIComponent(row.dataset.sourceId) + "/grade", { grade });
        const badge = row.querySelector(".badge.grade");
        badge.textContent = res.grade;
        badge.className = "badge grade grade-" + res.grade[0].toLowerCase();
        st.textContent = "saved";
      } catch (e) {
        st.textContent = "not saved: " + e.message;
      }
    });
  });
})();
