/**
 * Client-side filters of alerts.html: rows of #events carry data-ts (epoch ms), data-severity and
 * data-agent; #filter-from (datetime-local, the browser's local time), #filter-severity and
 * #filter-agent (filled from the rows) hide the rows that do not match. The state lives in the URL
 * fragment so it survives the auto-refresh. Static text (CSP hash): no data is interpolated here.
 */
export const ALERTS_FILTER_SCRIPT = `
(function () {
  "use strict";
  var table = document.getElementById("events");
  var from = document.getElementById("filter-from");
  var severity = document.getElementById("filter-severity");
  var agent = document.getElementById("filter-agent");
  var reset = document.getElementById("filter-reset");
  var count = document.getElementById("filter-count");
  var form = document.getElementById("filters");
  if (!table || !from || !severity || !agent) return;
  var rows = Array.prototype.slice.call(table.querySelectorAll("tbody tr[data-ts]"));
  var names = [];
  rows.forEach(function (row) {
    var name = row.getAttribute("data-agent") || "";
    if (names.indexOf(name) < 0) names.push(name);
  });
  names.sort();
  names.forEach(function (name) {
    var option = document.createElement("option");
    option.value = name;
    option.textContent = name;
    agent.appendChild(option);
  });
  function readState() {
    var state = Object.create(null);
    window.location.hash.replace(/^#/, "").split("&").forEach(function (pair) {
      var i = pair.indexOf("=");
      if (i <= 0) return;
      try {
        state[decodeURIComponent(pair.slice(0, i))] = decodeURIComponent(pair.slice(i + 1));
      } catch (e) {
        /* ignore a malformed fragment */
      }
    });
    return state;
  }
  function writeState() {
    var parts = [];
    if (from.value) parts.push("from=" + encodeURIComponent(from.value));
    if (severity.value) parts.push("severity=" + encodeURIComponent(severity.value));
    if (agent.value) parts.push("agent=" + encodeURIComponent(agent.value));
    var hash = "#" + parts.join("&");
    if (hash === "#" && !window.location.hash) return;
    try {
      window.history.replaceState(null, "", hash);
    } catch (e) {
      window.location.replace(hash);
    }
  }
  function apply() {
    var fromMs = from.value ? new Date(from.value).getTime() : NaN;
    var shown = 0;
    rows.forEach(function (row) {
      var ok =
        (isNaN(fromMs) || Number(row.getAttribute("data-ts")) >= fromMs) &&
        (!severity.value || row.getAttribute("data-severity") === severity.value) &&
        (!agent.value || row.getAttribute("data-agent") === agent.value);
      row.hidden = !ok;
      if (ok) shown++;
    });
    if (count) count.textContent = shown + " of " + rows.length + " events shown";
    writeState();
  }
  var state = readState();
  if (state.from) from.value = state.from;
  if (state.severity) severity.value = state.severity;
  if (state.agent) agent.value = state.agent;
  [from, severity, agent].forEach(function (control) {
    control.addEventListener("input", apply);
    control.addEventListener("change", apply);
  });
  if (form) form.addEventListener("submit", function (event) { event.preventDefault(); });
  if (reset) {
    reset.addEventListener("click", function () {
      from.value = "";
      severity.value = "";
      agent.value = "";
      apply();
    });
  }
  if (form) form.hidden = false;
  apply();
})();
`;
