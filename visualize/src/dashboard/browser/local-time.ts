/**
 * Rewrites the text of every <time datetime> to the browser's local time, in the same shape as
 * format.ts displayLocal ("2024-05-01 14:03:22 +02:00"), keeping the UTC instant as a tooltip. The
 * pages are generated on the server, whose time zone need not be the reader's.
 *
 * Inlined as a classic <script> and allowed by its CSP hash: no import/export, no data in it.
 */
(function (): void {
  function pad(n: number): string {
    return (n < 10 ? "0" : "") + String(n);
  }

  function format(d: Date): string {
    const offset = -d.getTimezoneOffset();
    const sign = offset >= 0 ? "+" : "-";
    const abs = Math.abs(offset);
    const date = `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
    const time = `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
    return `${date} ${time} ${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
  }

  const nodes = document.querySelectorAll<HTMLTimeElement>("time[datetime]");
  for (const node of Array.from(nodes)) {
    const d = new Date(node.getAttribute("datetime") ?? "");
    if (isNaN(d.getTime())) continue;
    node.textContent = format(d);
    node.title = d.toISOString();
  }
})();
