/**
 * Reloads the page every `data-interval` seconds (read from the #refresh-toggle button) unless the
 * reader paused it; the choice survives reloads in localStorage, and only for this page view when
 * storage is unavailable (file:// in some browsers, privacy modes).
 *
 * Inlined as a classic <script> and allowed by its CSP hash: no import/export, and nothing from the
 * data is ever interpolated (the pages pass the interval through the button's data attribute).
 * Wrapped in a function so that its names stay out of the page's global scope.
 */
(function (): void {
  // shared by every page, so pausing one page pauses them all
  const KEY = "hostwatch.autoRefresh";
  const button = document.getElementById("refresh-toggle");
  const label = document.getElementById("refresh-state");
  if (!button) return;
  const toggle: HTMLElement = button;
  const seconds = Number(toggle.getAttribute("data-interval")) || 60;
  let timer: number | null = null;
  // the choice for this page view when localStorage throws
  let memory: string | null = null;

  function load(): boolean {
    try {
      return window.localStorage.getItem(KEY) === "paused";
    } catch {
      return memory === "paused";
    }
  }

  function save(paused: boolean): void {
    memory = paused ? "paused" : null;
    try {
      if (paused) window.localStorage.setItem(KEY, "paused");
      else window.localStorage.removeItem(KEY);
    } catch {
      // storage unavailable: the choice lasts until the page is closed
    }
  }

  let paused = load();

  function render(): void {
    toggle.textContent = paused ? "Resume auto-refresh" : "Pause auto-refresh";
    toggle.setAttribute("aria-pressed", paused ? "true" : "false");
    if (label) label.textContent = paused ? "Auto-refresh paused" : `Auto-refresh every ${seconds} s`;
  }

  function schedule(): void {
    if (timer !== null) window.clearTimeout(timer);
    timer = paused ? null : window.setTimeout(() => window.location.reload(), seconds * 1000);
  }

  toggle.addEventListener("click", () => {
    paused = !paused;
    save(paused);
    render();
    schedule();
  });
  // another tab of the dashboard paused or resumed: follow it
  window.addEventListener("storage", (event) => {
    if (event.key !== KEY) return;
    paused = load();
    render();
    schedule();
  });
  toggle.hidden = false;
  render();
  schedule();
})();
