// uppdrag: every form works without this file; it only enhances (focus on errors).
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  const summary = document.getElementById("felsammanfattning");
  if (summary) summary.focus();
});
