import { CMDLINE_MAX_CHARS, cutToChars } from "../../../common/src/contract/cmdline.js";
import type { SecurityMetrics } from "../../../common/src/contract/protocol.js";
import type { Received } from "../../../collector/src/polling/normalise/normalised-snapshot.js";
import type { NormalisedSnapshot } from "../../../collector/src/polling/normalise/normalised-snapshot.js";
import { formatBytes, formatCelsius, formatDuration, formatNumber, formatPercent, NONE } from "./format.js";
import { badge, table, td, timeTagIso } from "./fragments.js";
import { escapeHtml } from "./html.js";

/** Agent-supplied lists are capped so a flood (e.g. brute-force sources) cannot bloat the page. */
const MAX_ROWS = 50;
const MAX_USERS = 10;

function facts(items: ReadonlyArray<[string, string]>): string {
  return `<dl class="facts">${items.map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${v}</dd>`).join("")}</dl>`;
}

function capped<T>(items: readonly T[] = []): { shown: readonly T[]; more: string } {
  if (items.length <= MAX_ROWS) return { shown: items, more: "" };
  return {
    shown: items.slice(0, MAX_ROWS),
    more: `<p class="muted">… and ${items.length - MAX_ROWS} more.</p>`,
  };
}

function e(value: unknown): string {
  return escapeHtml(value);
}

function systemFacts(s: NormalisedSnapshot): string {
  const a = s.agent;
  return facts([
    ["Hostname", e(a.hostname)],
    ["OS", e(a.os)],
    ["Kernel", e(a.kernel)],
    ["Platform / arch", `${e(a.platform)} / ${e(a.arch)}`],
    ["Uptime", e(formatDuration(a.uptime_s))],
    ["Boot time", a.boot_time ? timeTagIso(a.boot_time) : NONE],
    ["Agent version", e(a.version)],
    ["CPUs", e(s.cpu?.count ?? NONE)],
  ]);
}

function resourceFacts(s: NormalisedSnapshot): string {
  const m = s.memory;
  const t = s.temperature;
  const temperature =
    t === undefined
      ? NONE
      : t.cpu_celsius === null && t.max_celsius === null
        ? `<span class="muted">no sensor</span>`
        : e(formatCelsius(t.cpu_celsius ?? t.max_celsius));
  return facts([
    ["CPU", e(formatPercent(s.cpu?.usage_percent))],
    [
      "Memory",
      m === undefined
        ? NONE
        : `${e(formatPercent(m.usage_percent))} (${e(formatBytes(m.used_bytes))} of ${e(formatBytes(m.total_bytes))})`,
    ],
    ["Swap", m === undefined ? NONE : e(formatPercent(m.swap_percent))],
    [
      "Load 1/5/15",
      s.load === undefined
        ? NONE
        : [s.load.load_1, s.load.load_5, s.load.load_15].map((v) => e(formatNumber(v))).join(" / "),
    ],
    ["Temperature", temperature],
    [
      "Processes",
      s.processes === undefined ? NONE : `${e(s.processes.count)} (${e(s.processes.running)} running)`,
    ],
  ]);
}

function disksTable(s: NormalisedSnapshot): string {
  if (s.disks === undefined || s.disks.length === 0) return "";
  const { shown, more } = capped(s.disks);
  const rows = shown.map(
    (d) =>
      `<tr>${td(e(d.mount), "mono")}${td(e(d.device), "mono")}${td(e(d.fstype))}` +
      `${td(`${e(formatBytes(d.used_bytes))} / ${e(formatBytes(d.total_bytes))}`, "num")}` +
      `${td(e(formatPercent(d.usage_percent)), "num")}${td(e(formatPercent(d.inodes_percent)), "num")}</tr>`,
  );
  return `<h3>Disks</h3>${table(["Mount", "Device", "Type", "Used", "Usage", "Inodes"], rows)}${more}`;
}

/**
 * A process's command line cell: "—" when the agent sent none (older agents, kernel threads);
 * cut as our agent cuts it, since another agent may send more.
 */
function commandCell(cmdline: string | undefined): string {
  if (cmdline === undefined || cmdline === "") return td(NONE);
  return td(e(cutToChars(cmdline, CMDLINE_MAX_CHARS)), "mono cmdline");
}

function processTables(s: NormalisedSnapshot): string {
  const p = s.processes;
  if (p === undefined) return "";
  const cpu = capped(p.top_cpu);
  const mem = capped(p.top_memory);
  const cpuRows = cpu.shown.map(
    (x) =>
      `<tr>${td(e(x.pid), "num")}${td(e(x.name), "mono")}${commandCell(x.cmdline)}${td(e(x.user))}` +
      `${td(e(formatPercent(x.cpu_percent)), "num")}</tr>`,
  );
  const memRows = mem.shown.map(
    (x) =>
      `<tr>${td(e(x.pid), "num")}${td(e(x.name), "mono")}${commandCell(x.cmdline)}${td(e(x.user))}` +
      `${td(e(formatPercent(x.memory_percent)), "num")}${td(e(formatBytes(x.rss_bytes)), "num")}</tr>`,
  );
  return (
    `<h3>Top processes by CPU</h3>${cpuRows.length > 0 ? table(["PID", "Name", "Command", "User", "CPU"], cpuRows) : `<p class="muted">None reported.</p>`}${cpu.more}` +
    `<h3>Top processes by memory</h3>${memRows.length > 0 ? table(["PID", "Name", "Command", "User", "Memory", "RSS"], memRows) : `<p class="muted">None reported.</p>`}${mem.more}`
  );
}

function securitySection(sec: Received<SecurityMetrics> | undefined): string {
  if (sec === undefined) return `<h3>Security</h3><p>${badge("unavailable")} not reported by the agent.</p>`;
  const status = sec.status ?? "unavailable";
  const parts = [`<h3>Security</h3><p>${badge(status)} ${e(sec.issue_count ?? NONE)} issue(s)</p>`];

  if (sec.suspicious_processes !== undefined && sec.suspicious_processes.length > 0) {
    const { shown, more } = capped(sec.suspicious_processes);
    const rows = shown.map(
      (p) =>
        `<tr>${td(badge(p.severity ?? "unknown"))}${td(e(p.pid), "num")}${td(e(p.name), "mono")}${td(e(p.user))}` +
        `${td(e(p.exe), "mono")}${td(e(p.reason))}</tr>`,
    );
    parts.push(
      `<h4>Suspicious processes</h4>${table(["Severity", "PID", "Name", "User", "Executable", "Reason"], rows)}${more}`,
    );
  }

  const ssh = sec.ssh_failed_logins ?? {};
  const sources = ssh.sources ?? [];
  if ((ssh.total ?? 0) > 0 || sources.length > 0) {
    const { shown, more } = capped(sources);
    const rows = shown.map((src) => {
      const tried = src.users ?? [];
      const users = tried.slice(0, MAX_USERS).map(e).join(", ");
      const extra =
        tried.length > MAX_USERS ? ` <span class="muted">+${tried.length - MAX_USERS} more</span>` : "";
      return `<tr>${td(e(src.ip), "mono")}${td(e(src.count), "num")}${td(users + extra, "mono")}</tr>`;
    });
    parts.push(
      `<h4>SSH brute-force sources</h4><p>${e(ssh.total ?? NONE)} failed logins in the last ${e(formatDuration(ssh.window_s))}.</p>` +
        (rows.length > 0 ? table(["Source", "Failures", "Users tried"], rows) : "") +
        more,
    );
  }

  if (sec.unexpected_listeners !== undefined && sec.unexpected_listeners.length > 0) {
    const { shown, more } = capped(sec.unexpected_listeners);
    const rows = shown.map(
      (l) =>
        `<tr>${td(e(l.proto))}${td(e(l.address), "mono")}${td(e(l.port), "num")}` +
        `${td(e(l.pid ?? NONE), "num")}${td(e(l.process ?? NONE), "mono")}</tr>`,
    );
    parts.push(
      `<h4>Unexpected listeners</h4>${table(["Proto", "Address", "Port", "PID", "Process"], rows)}${more}`,
    );
  }

  const unavailable = (sec.checks ?? []).filter((c) => c.available === false);
  if (unavailable.length > 0) {
    parts.push(
      `<h4>Checks not available</h4><ul>${unavailable.map((c) => `<li><strong>${e(c.name ?? NONE)}</strong>: ${e(c.detail ?? "")}</li>`).join("")}</ul>`,
    );
  }
  return parts.join("\n");
}

function failingFamilies(s: NormalisedSnapshot): string {
  const failing = s.collector_status.filter((f) => !f.ok && f.error !== "disabled");
  if (failing.length === 0) return "";
  return `<h3>Metric families that failed</h3><ul>${failing
    .map((f) => `<li><strong>${e(f.name)}</strong>: ${e(f.error ?? "failed")}</li>`)
    .join("")}</ul>`;
}

/** The newest snapshot in detail: system, resources, processes, security findings. */
export function renderSnapshotSection(snapshot: NormalisedSnapshot | undefined): string {
  if (snapshot === undefined)
    return `<section><h2>Latest sample</h2><p class="muted">No sample received.</p></section>`;
  return `<section><h2>Latest sample <span class="muted">(${timeTagIso(snapshot.timestamp)})</span></h2>
<div class="summary"><div class="card"><h3>System</h3>${systemFacts(snapshot)}</div>
<div class="card"><h3>Resources</h3>${resourceFacts(snapshot)}</div></div>
${disksTable(snapshot)}
${processTables(snapshot)}
${securitySection(snapshot.security)}
${failingFamilies(snapshot)}
</section>`;
}
