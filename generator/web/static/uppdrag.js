// uppdrag: every form works without this file; it only enhances (focus on errors).
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  const summary = document.getElementById("felsammanfattning");
  if (summary) { summary.focus(); return; }
  // After a button of the council editor: back to the part it changed (the page is new).
  const form = document.getElementById("radform");
  const place = form && form.dataset.focus && document.getElementById(form.dataset.focus);
  if (!place) return;
  const wanted = form.dataset.focusButton;
  const target = Array.from(place.querySelectorAll("button")).find((b) => b.value === wanted)
    || place.querySelector("input:not([type=hidden]), textarea") || place.querySelector("button")
    || place;
  if (target === place && !place.hasAttribute("tabindex")) place.setAttribute("tabindex", "-1");
  target.focus();
  target.scrollIntoView({ block: "center" });
});

// The clause picker's search field is part of the editor's form: Enter there searches, not saves.
document.addEventListener("DOMContentLoaded", () => {
  const query = document.getElementById("q");
  const search = document.getElementById("q-search");
  if (!query || !search) return;
  query.addEventListener("keydown", (event) => {
    if (event.key === "Enter") { event.preventDefault(); search.click(); }
  });
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
