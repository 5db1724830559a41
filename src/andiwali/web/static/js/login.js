(function () {
  "use strict";
  const { api } = window.andiwali;
  document.addEventListener("DOMContentLoaded", () => {
    const form = document.getElementById("login-form");
    const status = document.getElementById("login-status");
    form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      status.textContent = "checking…";
      try {
        await api("POST", "/login", {
          name: document.getElementById("login-name").value,
          password: document.getElementById("login-password").value,
        });
        window.location.assign("/");
      } catch (e) {
        status.textContent = e.message;
      }
    });
  });
})();
