/**
 * Rewrites the text of every <time datetime> to the browser's local time, in the same shape as
 * format.ts displayLocal ("2024-05-01 14:03:22 +02:00"), keeping the UTC instant as a tooltip.
 * Static text (CSP hash): no data is interpolated here.
 */
export const LOCAL_TIME_SCRIPT = `
(function () {
  "use strict";
  function pad(n) {
    return (n < 10 ? "0" : "") + n;
  }
  function format(d) {
    var offset = -d.getTimezoneOffset();
    var sign = offset >= 0 ? "+" : "-";
    offset = Math.abs(offset);
    return d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate()) + " " +
      pad(d.getHours()) + ":" + pad(d.getMinutes()) + ":" + pad(d.getSeconds()) + " " +
      sign + pad(Math.floor(offset / 60)) + ":" + pad(offset % 60);
  }
  var nodes = document.querySelectorAll("time[datetime]");
  for (var i = 0; i < nodes.length; i++) {
    var d = new Date(nodes[i].getAttribute("datetime"));
    if (isNaN(d.getTime())) continue;
    nodes[i].textContent = format(d);
    nodes[i].title = d.toISOString();
  }
})();
`;
