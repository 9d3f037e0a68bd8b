/** localStorage key for the pause choice, shared by every page. */
export const REFRESH_STORAGE_KEY = "hostwatch.autoRefresh";

/**
 * Reloads the page every `data-interval` seconds (read from the #refresh-toggle button) unless the
 * reader paused it; the choice survives reloads in localStorage, and only for this page view when
 * storage is unavailable (file:// in some browsers, privacy modes). Static text: its CSP hash is
 * stable, so no data may ever be interpolated here.
 */
export const RELOAD_SCRIPT = `
(function () {
  "use strict";
  var KEY = ${JSON.stringify(REFRESH_STORAGE_KEY)};
  var button = document.getElementById("refresh-toggle");
  var label = document.getElementById("refresh-state");
  if (!button) return;
  var seconds = Number(button.getAttribute("data-interval")) || 60;
  var timer = null;
  var memory = null;
  function load() {
    try {
      return window.localStorage.getItem(KEY) === "paused";
    } catch (e) {
      return memory === "paused";
    }
  }
  function save(paused) {
    memory = paused ? "paused" : null;
    try {
      if (paused) window.localStorage.setItem(KEY, "paused");
      else window.localStorage.removeItem(KEY);
    } catch (e) {
      /* storage unavailable: the choice lasts until the page is closed */
    }
  }
  var paused = load();
  function render() {
    button.textContent = paused ? "Resume auto-refresh" : "Pause auto-refresh";
    button.setAttribute("aria-pressed", paused ? "true" : "false");
    if (label) label.textContent = paused ? "Auto-refresh paused" : "Auto-refresh every " + seconds + " s";
  }
  function schedule() {
    if (timer !== null) window.clearTimeout(timer);
    timer = paused ? null : window.setTimeout(function () { window.location.reload(); }, seconds * 1000);
  }
  button.addEventListener("click", function () {
    paused = !paused;
    save(paused);
    render();
    schedule();
  });
  window.addEventListener("storage", function (event) {
    if (event.key !== KEY) return;
    paused = load();
    render();
    schedule();
  });
  button.hidden = false;
  render();
  schedule();
})();
`;
