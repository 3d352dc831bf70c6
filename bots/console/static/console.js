// Operator console: bulk selection on lists, live progress of a running run.
// No inline script anywhere (the Content-Security-Policy forbids it).
"use strict";

function setupBulkSelect() {
  const all = document.querySelector("input[data-select-all]");
  const boxes = Array.from(document.querySelectorAll("input[data-select-item]"));
  const counter = document.querySelector("[data-selected-count]");
  const buttons = Array.from(document.querySelectorAll("[data-needs-selection]"));
  if (!boxes.length) return;
  const refresh = () => {
    const chosen = boxes.filter((b) => b.checked).length;
    if (counter) counter.textContent = chosen + " selected";
    buttons.forEach((b) => { b.disabled = chosen === 0; });
    if (all) all.checked = chosen === boxes.length;
  };
  if (all) {
    all.addEventListener("change", () => {
      boxes.forEach((b) => { b.checked = all.checked; });
      refresh();
    });
  }
  boxes.forEach((b) => b.addEventListener("change", refresh));
  refresh();
}

function text(el, value) {
  if (el) el.textContent = value;
}

function renderCounts(target, counts) {
  if (!target) return;
  target.replaceChildren();
  Object.keys(counts).sort().forEach((key) => {
    const badge = document.createElement("span");
    badge.className = "badge " + key;
    badge.textContent = key + " " + counts[key];
    target.appendChild(badge);
    target.appendChild(document.createTextNode(" "));
  });
}

function setupRunProgress() {
  const box = document.querySelector("[data-progress-url]");
  if (!box) return;
  const url = box.getAttribute("data-progress-url");
  const bar = box.querySelector("progress");
  const poll = async () => {
    let data;
    try {
      const response = await fetch(url, { headers: { Accept: "application/json" } });
      if (!response.ok) return;
      data = await response.json();
    } catch (err) {
      setTimeout(poll, 3000);
      return;
    }
    text(box.querySelector("[data-run-status]"), data.status);
    const status = box.querySelector("[data-run-status]");
    if (status) status.className = "badge " + data.status;
    text(box.querySelector("[data-run-processed]"), data.processed);
    text(box.querySelector("[data-run-total]"), data.total === null ? "?" : data.total);
    renderCounts(box.querySelector("[data-run-counts]"), data.counts || {});
    if (bar) {
      bar.max = Math.max(data.total || 0, data.processed || 0, 1);
      bar.value = data.processed || 0;
    }
    if (data.status === "running") {
      setTimeout(poll, 1500);
    } else if (box.hasAttribute("data-reload-when-done")) {
      window.location.reload();
    }
  };
  poll();
}

document.addEventListener("DOMContentLoaded", () => {
  setupBulkSelect();
  setupRunProgress();
});
