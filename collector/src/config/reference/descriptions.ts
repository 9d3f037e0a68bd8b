import { DEFAULT_FOR, DEFAULT_HYSTERESIS_RATIO, DEFAULT_THRESHOLDS } from "../../alerts/evaluator/rules.js";
import type { MetricName } from "../../alerts/evaluator/types.js";
import { formatConfigValue } from "./walk-schema.js";

/** What the README says about one config key. Markdown; `|` is escaped when the table is made. */
export interface KeyDoc {
  /** One line: what the key does, with its unit. */
  meaning: string;
  /**
   * The default for a key whose default the code works out after the schema has parsed the
   * config (the schema has none, or not the one that applies). Every other key shows the
   * schema's default, so only these texts can drift; the test checks them against the parsers.
   */
  computedDefault?: string;
}

export type KeyDocs = Readonly<Record<string, KeyDoc>>;

const family = (names: string) =>
  `sample ${names}; \`false\`: absent from the snapshot, \`disabled\` in \`collector_status\``;

export const AGENT_KEY_DOCS: KeyDocs = {
  name: { meaning: "the name reported in `agent.name`", computedDefault: "the host name" },
  host: { meaning: "listen address (`--host` overrides it)" },
  port: { meaning: "listen port (`--port` overrides it); `0` takes any free port" },
  check_interval: { meaning: "seconds between background samples (more than 0, at most 3600)" },
  log_level: {
    meaning:
      "`debug`, `info`, `warn` or `error`, in any case (Python's `WARNING`, `CRITICAL` and `FATAL` are accepted)",
  },
  log_file: {
    meaning:
      "also log JSON lines to this file, rotated daily and by size, gzipped; the name links to the current file. `null`: console (stderr) only",
  },
  log_max_size: {
    meaning: "rotate `log_file` at this size: bytes, or with a suffix `k`, `m`, `g` (`500k`, `10m`)",
  },
  log_max_files: { meaning: "how many log files are kept; older ones are deleted" },
  state_dir: {
    meaning:
      "folder of the agent's state (the listening-ports baseline); `./var/agent` is relative to the working directory",
    computedDefault: "`$STATE_DIRECTORY` or `./var/agent`",
  },
  max_body_bytes: { meaning: "largest request body in bytes (1024 to 16 MiB); a larger request gets 413" },
  max_connections: { meaning: "most connections open at once; more are closed as they arrive" },
  "metrics.enable_temperature": { meaning: family("`temperature`") },
  "metrics.enable_cpu": { meaning: family("`cpu` and `load`") },
  "metrics.enable_memory": { meaning: family("`memory`") },
  "metrics.enable_disk": { meaning: family("`disks` and `disk_io`") },
  "metrics.enable_network": { meaning: family("`network`") },
  "metrics.enable_processes": { meaning: family("`processes`") },
  "metrics.enable_security": { meaning: family("`security` (the security checks)") },
  "security.allowed_ips": {
    meaning:
      "IPs and CIDRs (IPv4 and IPv6) that may connect, checked at accept; IPv4 rules also match IPv4-mapped IPv6 peers",
  },
  "security.require_auth": {
    meaning:
      "with `security.token` or `token_file`: every request must carry the token. Without a token (the Python agent's meaning): only `allowed_ips` is enforced, and the agent logs one warning at start",
  },
  "security.token": { meaning: "the shared token, at least 16 characters; not together with `token_file`" },
  "security.token_file": {
    meaning: "file holding the token (trimmed, at least 16 characters); must not be world-readable",
  },
  "security.auth_log_paths": {
    meaning:
      "SSH auth logs: the first that exists is followed; with none, `journalctl -u ssh -u sshd` is read",
  },
  "security.suspicious_dirs": {
    meaning: "a process whose executable lies under one of these folders is a critical finding",
  },
  "security.ignore_exe": {
    meaning:
      "executables that are no finding: whole `/proc/PID/exe` targets, `*` for any characters (see Security findings); `[]` reports all",
    computedDefault: "memfd copies of runc, crun, youki, LXC",
  },
  "security.expected_ports": {
    meaning:
      "ports that may listen; any other listening TCP or bound UDP port is a finding. Unset: the baseline is kept in `state_dir/listeners-baseline.json`",
    computedDefault: "the ports listening at the first sample",
  },
  "security.ssh_window_s": { meaning: "seconds of failed SSH logins counted per source IP" },
  "security.ssh_failed_threshold": {
    meaning: "failed SSH logins from one source IP within the window that make a finding",
  },
  "limits.max_list_items": {
    meaning:
      "most entries of any list in `get_metrics` (disks, interfaces, sensors, findings, user names); a cut list keeps the most important ones and its `*_count` field says how many there were",
  },
  "limits.max_ssh_sources": {
    meaning:
      "most entries of `ssh_failed_logins.sources` (those with the most failures); `source_count` has the total",
  },
  "limits.max_cpu_cores": {
    meaning: "most entries of `cpu.per_core_percent`, cut at the end (`cpu.count` has the total)",
  },
  "tls.cert_file": { meaning: "PEM certificate; with `tls.key_file` the agent speaks HTTPS only" },
  "tls.key_file": { meaning: "PEM private key of `tls.cert_file`" },
};

/** The global default of a threshold, from the evaluator's DEFAULT_THRESHOLDS, DEFAULT_FOR and hysteresis. */
function thresholdDefault(metric: MetricName): string {
  const value = DEFAULT_THRESHOLDS[metric];
  const samples = `\`for: ${DEFAULT_FOR[metric]}\``;
  if (typeof value !== "number") return `none (off); when set, ${samples}, hysteresis 5 % of the level`;
  const hysteresis = Math.round(value * DEFAULT_HYSTERESIS_RATIO * 1000) / 1000;
  return `\`${formatConfigValue(value)}\`, ${samples}, \`hysteresis: ${hysteresis}\``;
}

const threshold = (metric: MetricName, meaning: string): KeyDoc => ({
  meaning,
  computedDefault: thresholdDefault(metric),
});

export const COLLECTOR_KEY_DOCS: KeyDocs = {
  agents: {
    meaning: "the agents to poll; names must be unique, across `agents_files` too",
    computedDefault: "required, unless `agents_files` is given",
  },
  agents_files: {
    meaning:
      "glob patterns of JSON files of more agents, one agent or a list each; re-read at SIGHUP and when they change ([Agents from files](#agents-from-files))",
  },
  "agents[].name": {
    meaning:
      "the agent's name in samples, events and alerts: letters, digits and `.` `_` `-` `@` `:`, at most 255 characters",
  },
  "agents[].host": { meaning: "host name or IP address (IPv6 without brackets)" },
  "agents[].port": { meaning: "the agent's port" },
  "agents[].tls": { meaning: "poll over HTTPS (implied by `ca_file`)" },
  "agents[].ca_file": {
    meaning:
      "PEM CA certificate that verifies the agent's certificate; implies `tls`; relative to the working directory",
  },
  "agents[].token": {
    meaning: "the agent's token (at least 16 characters), sent as the HTTP Basic password",
  },
  "agents[].token_file": {
    meaning: "file holding the agent's token (trimmed); relative to the working directory",
  },
  "agents[].thresholds": {
    meaning:
      "this agent's thresholds, by metric as in `thresholds`; an entry replaces the global one as a whole, `null` switches the metric off",
    computedDefault: "the global `thresholds`",
  },
  "agents[].email": {
    meaning: "more alert recipients for this agent (an address or a list), besides `alerts.email.to`",
  },
  poll_interval: { meaning: "seconds between two polls of one agent (more than 0, at most 86400)" },
  timeout: {
    meaning:
      "seconds one poll may take, connect and answer. Above `poll_interval` it is taken down to the poll's deadline (`poll_interval` less 5 %, at most 1 s) with a warning",
  },
  max_workers: { meaning: "polls in flight at once (1 to 10000)" },
  max_response_bytes: {
    meaning: "larger answers are refused (`too_large`): bytes, or a size like `4MB` or `500KB`",
  },
  max_list_items: {
    meaning:
      "most entries kept of each list of a sample (listeners, disks, …; per-core usage has its own cap of 1024); a cut list keeps the most important ones and its `*_count` gets the length the agent sent",
  },
  health_interval: { meaning: "seconds between health lines in the log" },
  state_dir: {
    meaning:
      "agent states, alert state (`alerts-shardN.json`) and the spool; `./var/collector` is relative to the working directory",
    computedDefault: "`$STATE_DIRECTORY` or `./var/collector`",
  },
  log_level: {
    meaning:
      "`debug`, `info`, `warn` or `error`, in any case (Python's `WARNING`, `CRITICAL` and `FATAL` are accepted)",
  },
  log_file: {
    meaning:
      "the service log file (JSON lines, rotated and gzipped as `storage.rotation` says); the log also goes to the console (stderr)",
    computedDefault: "`storage.log_file` with file storage, none with MySQL",
  },
  "shard.index": { meaning: "this collector's shard, from 0, below `shard.count`" },
  "shard.count": {
    meaning:
      "how many collectors share `agents[]`; each polls its share (rendezvous hashing on the name, so adding one moves only its share)",
  },
  "storage.type": { meaning: "`file` or `mysql`" },
  "storage.dir": {
    meaning:
      "folder of the files below (relative names resolve against it); a relative `dir` resolves against the working directory",
    computedDefault: "`./var/data`",
  },
  "storage.log_file": { meaning: "the service log (see `log_file`)" },
  "storage.metrics_file": { meaning: "one human-readable line per sample" },
  "storage.json_file": { meaning: "the full snapshot of each sample, one JSON line each" },
  "storage.events_file": { meaning: "poll errors and up/down events, JSON lines" },
  "storage.figures_file": {
    meaning:
      "each sample's series columns (~250 bytes a line), JSON lines; the dashboard reads these instead of the full snapshots",
  },
  "storage.alerts_file": { meaning: "the alert history, JSON lines" },
  "storage.rotation.max_size": {
    meaning: "files rotate at this size and daily: bytes, or a size like `10MB` or `500KB`",
  },
  "storage.rotation.backup_count": { meaning: "gzipped archives kept per file (0 to 1000)" },
  "storage.mysql_host": { meaning: "MySQL/MariaDB server (`type: mysql`)" },
  "storage.mysql_port": { meaning: "MySQL/MariaDB port" },
  "storage.mysql_user": { meaning: "MySQL user" },
  "storage.mysql_password": { meaning: "MySQL password" },
  "storage.mysql_database": {
    meaning: "database (letters, digits and `_`); its tables are created at start",
  },
  "storage.retention_days": {
    meaning:
      "MySQL: day partitions of samples, disks, findings and poll events wholly older than this many days are dropped, at start and hourly (alert episodes resolved before it are deleted); `0` keeps all",
  },
  "storage.spool_dir": {
    meaning: "where batches wait while the store is unavailable; relative to `state_dir`",
    computedDefault: "`spool` in `state_dir` (`spool-shardN` with several shards)",
  },
  "storage.dead_letter_file": {
    meaning:
      "records the store refuses one by one (while it takes the rest of their batch) are set aside here, a JSON line each with the error; relative to `state_dir`",
    computedDefault: "`dead-letter.jsonl` in `state_dir` (`dead-letter-shardN.jsonl` with several shards)",
  },
  "storage.write_timeout": {
    meaning:
      "deadline of every store write, 0.5 s to 60 s; past it the store counts as hanging: its connections are dropped and batches are spooled",
  },
  "storage.probe_interval": {
    meaning:
      "while the store is away, how often it is probed (a fresh connection and `SELECT 1`, or the data folder's free space); the spool is replayed as soon as it answers",
  },
  "thresholds.cpu_usage": threshold(
    "cpu_usage",
    "CPU usage in %. Every threshold is a warning level, `{warning, critical, for, hysteresis, per_core}`, or `null` (off)",
  ),
  "thresholds.cpu_temperature": threshold("cpu_temperature", "CPU temperature in °C"),
  "thresholds.system_load": threshold(
    "system_load",
    "1-minute load average (per core with `per_core: true`)",
  ),
  "thresholds.memory_usage": threshold("memory_usage", "memory usage in %"),
  "thresholds.disk_usage": threshold("disk_usage", "disk usage in %, one alert per mount"),
  "thresholds.swap_usage": threshold("swap_usage", "swap usage in % (hosts with swap only)"),
  "thresholds.security_issues": threshold("security_issues", "the agent's security findings (`issue_count`)"),
  "alerts.down_after": {
    meaning: "failed polls in a row after which an agent is down (one `agent_down` alert)",
  },
  "alerts.repeat_interval": {
    meaning:
      "repeat a firing alert this often: seconds, or a duration like `30m`, `4h`, `1d`; `0` never repeats",
  },
  "alerts.email": { meaning: "alert e-mail over SMTP; without it no e-mail is sent" },
  "alerts.email.host": { meaning: "SMTP server (required when `alerts.email` is set)" },
  "alerts.email.port": { meaning: "SMTP port" },
  "alerts.email.secure": { meaning: "implicit TLS (port 465); otherwise STARTTLS when the server offers it" },
  "alerts.email.user": { meaning: "log in as this user (no AUTH without it)" },
  "alerts.email.password": { meaning: "password of `user`" },
  "alerts.email.from": { meaning: "sender address (required when `alerts.email` is set)" },
  "alerts.email.to": { meaning: "recipients of every alert (more per agent in `agents[].email`)" },
  "alerts.webhooks": {
    meaning: "each gets every notification as a JSON POST `{text, kind, message, alert}` (Slack-compatible)",
  },
  "alerts.webhooks[].url": { meaning: "the URL to POST to (required in each webhook)" },
  "alerts.webhooks[].headers": { meaning: "extra HTTP headers, e.g. `Authorization`" },
};
