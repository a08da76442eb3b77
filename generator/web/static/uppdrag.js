// uppdrag: every form works without this file; it only enhances (focus on errors).
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  const summary = document.getElementById("felsammanfattning");
  if (summary) summary.focus();
});

// The council editor: the preview follows every save, in this tab or another, and says so.
document.addEventListener("DOMContentLoaded", () => {
  const panel = document.getElementById("forhandsvisning");
  if (!panel || !window.fetch) return;
  const body = document.getElementById("preview-body");
  const status = document.getElementById("preview-status");
  const formVersion = panel.dataset.version;
  const refresh = async () => {
    try {
      const response = await fetch(panel.dataset.previewUrl, { credentials: "same-origin", cache: "no-store" });
      if (!response.ok) return;
      const version = response.headers.get("X-Council-Version");
      if (version && version !== panel.dataset.version) {
        body.innerHTML = await response.text();
        panel.dataset.version = version;
        status.textContent = version === formVersion ? "" : panel.dataset.changedText;
      }
    } catch (_err) {
      // The server is away for a moment: the next round tries again.
    }
  };
  window.setInterval(refresh, 2000);
  document.addEventListener("visibilitychange", () => { if (!document.hidden) refresh(); });
});
