// uppdrag: follow a background job without reloading the page (the page reloads itself
// through its Refresh header when this file does not run).
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  const box = document.querySelector("[data-job-status-url]");
  const bar = document.getElementById("jobb-forlopp");
  if (!box || !bar) return;
  const label = document.getElementById("jobb-etikett");
  const status = document.getElementById("jobb-status");
  const poll = async () => {
    let state;
    try {
      const response = await fetch(box.dataset.jobStatusUrl, {headers: {Accept: "application/json"}});
      if (!response.ok) throw new Error(String(response.status));
      state = await response.json();
    } catch (err) {
      window.setTimeout(poll, 2000);
      return;
    }
    if (state.status !== "running") {
      window.location.assign(box.dataset.jobUrl);
      return;
    }
    bar.max = Math.max(state.total, 1);
    bar.value = state.count;
    bar.textContent = state.percent + " %";
    if (label && state.step) label.textContent = state.step;
    if (status) {
      let text = box.dataset.countText
        .replace("{count}", state.count).replace("{total}", state.total);
      if (state.estimate !== null) {
        text += " " + box.dataset.estimateText.replace("{seconds}", state.estimate);
      }
      status.textContent = text;
    }
    window.setTimeout(poll, 700);
  };
  // The page's own reload is only for browsers without this script.
  window.setTimeout(poll, 300);
});
