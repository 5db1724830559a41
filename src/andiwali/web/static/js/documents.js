/* Upload by drag and drop (or file picker) with a progress bar (XMLHttpRequest upload events). */
(function () {
  "use strict";
  const { cookie, el, clear, documentHref } = window.andiwali;

  function upload(files) {
    const zone = document.getElementById("dropzone");
    const maxBytes = Number(zone.dataset.maxBytes), maxFiles = Number(zone.dataset.maxFiles);
    const status = document.getElementById("upload-status");
    const bar = document.getElementById("upload-progress");
    const results = document.getElementById("upload-results");
    clear(results);
    const list = Array.from(files);
    if (!list.length) return;
    const total = list.reduce((s, f) => s + f.size, 0);
    if (list.length > maxFiles) { status.textContent = "too many files: at most " + maxFiles; return; }
    if (total > maxBytes) { status.textContent = "too large: at most " + (maxBytes / 1048576).toFixed(1) + " MB per upload"; return; }
    const form = new FormData();
    for (const f of list) form.append("files", f, f.name);
    const source = document.getElementById("upload-source").value.trim();
    const grade = document.getElementById("upload-grade").value.trim();
    if (source) form.append("source", source);
    if (grade) form.append("grade", grade);
    const xhr = new XMLHttpRequest();
    xhr.open("POST", "/api/documents");
    xhr.setRequestHeader("X-CSRF-Token", cookie("andiwali_csrf"));
    xhr.setRequestHeader("Accept", "application/json");
    bar.hidden = false;
    bar.value = 0;
    status.textContent = "uploading " + list.length + " file(s)…";
    xhr.upload.addEventListener("progress", (ev) => {
      if (ev.lengthComputable) bar.value = Math.round((ev.loaded / ev.total) * 100);
    });
    xhr.addEventListener("load", () => {
      bar.value = 100;
      let data = null;
      try { data = JSON.parse(xhr.responseText); } catch (_e) { data = null; }
      if (xhr.status >= 200 && xhr.status < 300 && data) {
        status.textContent = data.documents + " document(s) ingested; reload to see them in the list";
        for (const r of data.files || []) {
          const li = el("li", null, r.file + ": " + (r.error ? r.error : (r.documents + " document(s)" + (r.status ? " (" + r.status + ")" : ""))));
          for (const id of r.doc_ids || []) { li.appendChild(document.createTextNode(" ")); li.appendChild(el("a", { href: documentHref(id) }, "open")); }
          results.appendChild(li);
        }
      } else {
        const d = data && data.detail;
        status.textContent = "upload refused: " + (typeof d === "string" ? d : xhr.status + " " + xhr.statusText);
      }
    });
    xhr.addEventListener("error", () => { status.textContent = "upload failed (network)"; });
    xhr.send(form);
  }

  document.addEventListener("DOMContentLoaded", () => {
    const zone = document.getElementById("dropzone");
    const input = document.getElementById("file-input");
    ["dragenter", "dragover"].forEach((t) => zone.addEventListener(t, (ev) => { ev.preventDefault(); zone.classList.add("over"); }));
    ["dragleave", "drop"].forEach((t) => zone.addEventListener(t, (ev) => { ev.preventDefault(); zone.classList.remove("over"); }));
    zone.addEventListener("drop", (ev) => upload(ev.dataTransfer.files));
    input.addEventListener("change", () => upload(input.files));
  });
})();
