/**
 * Client-side filters of alerts.html: rows of #events carry data-ts (epoch ms), data-severity and
 * data-agent; #filter-from (datetime-local, the browser's local time), #filter-severity and
 * #filter-agent (filled from the rows) hide the rows that do not match. The state lives in the URL
 * fragment so that it survives the auto-refresh (a reload keeps the fragment) and can be linked.
 * The form stays hidden without JavaScript, where it could not work.
 *
 * Inlined as a classic <script> and allowed by its CSP hash: no import/export, no data in it.
 */
(function (): void {
  const table = document.getElementById("events");
  const from = document.getElementById("filter-from");
  const severity = document.getElementById("filter-severity");
  const agent = document.getElementById("filter-agent");
  const reset = document.getElementById("filter-reset");
  const count = document.getElementById("filter-count");
  const form = document.getElementById("filters");
  // no events (the page then shows a note instead of the table), or not the alerts page
  if (
    !table ||
    !(from instanceof HTMLInputElement) ||
    !(severity instanceof HTMLSelectElement) ||
    !(agent instanceof HTMLSelectElement)
  )
    return;
  // each control under its name in the URL fragment
  const controls: readonly (readonly [string, HTMLInputElement | HTMLSelectElement])[] = [
    ["from", from],
    ["severity", severity],
    ["agent", agent],
  ];
  const rows = Array.from(table.querySelectorAll<HTMLTableRowElement>("tbody tr[data-ts]"));

  const names = [...new Set(rows.map((row) => row.getAttribute("data-agent") ?? ""))].sort();
  for (const name of names) {
    const option = document.createElement("option");
    option.value = name;
    option.textContent = name;
    agent.appendChild(option);
  }

  // arrow functions, not declarations: those are hoisted above the checks and lose their narrowing
  const readState = (): Map<string, string> => {
    const state = new Map<string, string>();
    for (const pair of window.location.hash.replace(/^#/, "").split("&")) {
      const i = pair.indexOf("=");
      if (i <= 0) continue;
      try {
        state.set(decodeURIComponent(pair.slice(0, i)), decodeURIComponent(pair.slice(i + 1)));
      } catch {
        // ignore a malformed fragment
      }
    }
    return state;
  };

  const writeState = (): void => {
    const parts = controls
      .filter(([, control]) => control.value)
      .map(([key, control]) => `${key}=${encodeURIComponent(control.value)}`);
    const hash = `#${parts.join("&")}`;
    // no filter and no fragment yet: leave the URL as it is
    if (hash === "#" && !window.location.hash) return;
    try {
      window.history.replaceState(null, "", hash);
    } catch {
      // replaceState may throw (a SecurityError in some file:// or sandboxed documents); replacing
      // only the fragment does not reload the page either
      window.location.replace(hash);
    }
  };

  const apply = (): void => {
    const fromMs = from.value ? new Date(from.value).getTime() : NaN;
    let shown = 0;
    for (const row of rows) {
      const ok =
        (isNaN(fromMs) || Number(row.getAttribute("data-ts")) >= fromMs) &&
        (!severity.value || row.getAttribute("data-severity") === severity.value) &&
        (!agent.value || row.getAttribute("data-agent") === agent.value);
      row.hidden = !ok;
      if (ok) shown++;
    }
    if (count) count.textContent = `${shown} of ${rows.length} events shown`;
    writeState();
  };

  const state = readState();
  for (const [key, control] of controls) {
    const value = state.get(key);
    if (value) control.value = value;
    control.addEventListener("input", apply);
    control.addEventListener("change", apply);
  }
  // Enter in the date field must not submit (the CSP forbids form actions anyway)
  form?.addEventListener("submit", (event) => event.preventDefault());
  reset?.addEventListener("click", () => {
    for (const [, control] of controls) control.value = "";
    apply();
  });
  if (form) form.hidden = false;
  apply();
})();
