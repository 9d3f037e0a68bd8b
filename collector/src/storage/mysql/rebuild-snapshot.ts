import type {
  DiskMetrics,
  MetricsSnapshot,
  SecurityMetrics,
  SecurityStatus,
  SuspiciousReason,
} from "../../../../common/src/contract/protocol.js";
import { SAMPLE_SCALARS, type Column } from "../columns.js";
import { fromDbTime } from "./connection.js";

/** An agents row: the metadata a rebuilt snapshot's agent section comes from. */
export interface AgentRow {
  id: number;
  name: string;
  hostname: string | null;
  os: string | null;
  kernel: string | null;
  arch: string | null;
  platform: string | null;
  agent_version: string | null;
}

export type Num = number | string | null;

/** A samples row: its keys, then one cell per catalog scalar (by column name). */
export interface SampleRow {
  agent_id: number;
  ts: string;
  agent_ts: string | null;
  duration_ms: number;
  families: string;
  snapshot: string | null;
  [scalar: string]: Num;
}

export interface DiskRow {
  agent_id: number;
  ts: string;
  mount: string;
  device: string | null;
  fstype: string | null;
  total_bytes: Num;
  used_bytes: Num;
  usage_percent: Num;
  inodes_percent: Num;
}

export interface FindingRow {
  agent_id: number;
  ts: string;
  seq: number;
  kind: string;
  severity: string | null;
  reason: string | null;
  pid: Num;
  name: string | null;
  user: string | null;
  exe: string | null;
  ip: string | null;
  count: Num;
  proto: string | null;
  address: string | null;
  port: Num;
}

const num = (value: Num | undefined): number | null =>
  value === null || value === undefined ? null : Number(value);
const num0 = (value: Num | undefined): number => (value === null || value === undefined ? 0 : Number(value));

/** Each family's lists, which the samples row does not hold (disks and findings come from their tables). */
const FAMILY_LISTS: Record<string, () => Record<string, unknown>> = {
  cpu: () => ({ per_core_percent: [] }),
  temperature: () => ({ sensors: [] }),
  network: () => ({ interfaces: [] }),
  processes: () => ({ top_memory: [], top_cpu: [] }),
};

/** The catalog's scalars of each family, read straight at [family, field]. */
const SCALARS_BY_FAMILY = new Map<string, Column[]>();
for (const column of SAMPLE_SCALARS) {
  const [family, field, ...deeper] = column.path;
  if (column.derive !== undefined || field === undefined || deeper.length > 0 || family === "security")
    continue;
  SCALARS_BY_FAMILY.set(family, [...(SCALARS_BY_FAMILY.get(family) ?? []), column]);
}

/**
 * The snapshot a samples row stands for, when its JSON was not kept: every family the row says
 * was present, each scalar from its catalog column (0 where missing, null where the contract
 * allows null), the lists the row does not hold empty, disks and findings from their tables.
 */
export function rebuildSnapshot(
  row: SampleRow,
  agent: AgentRow | undefined,
  disks: readonly DiskRow[],
  findings: readonly FindingRow[],
): MetricsSnapshot {
  const families = new Set(row.families === "" ? [] : row.families.split(","));
  const snapshot: Record<string, unknown> = {
    timestamp: fromDbTime(row.agent_ts ?? row.ts),
    agent: {
      name: agent?.name ?? `agent#${row.agent_id}`,
      hostname: agent?.hostname ?? "",
      version: agent?.agent_version ?? "",
      platform: agent?.platform ?? "",
      os: agent?.os ?? "",
      kernel: agent?.kernel ?? "",
      arch: agent?.arch ?? "",
      ...scalarsOf(row, "agent"),
      boot_time: "",
    },
    collector_status: [],
  };
  for (const family of families) {
    if (family === "disks") snapshot.disks = disks.map(rebuildDisk);
    else if (family === "security") snapshot.security = rebuildSecurity(row, findings);
    else snapshot[family] = { ...scalarsOf(row, family), ...FAMILY_LISTS[family]?.() };
  }
  // the shape is the contract's: every field written above comes from the catalog or the lists
  return snapshot as unknown as MetricsSnapshot;
}

function scalarsOf(row: SampleRow, family: string): Record<string, number | null> {
  const out: Record<string, number | null> = {};
  for (const column of SCALARS_BY_FAMILY.get(family) ?? []) {
    const cell = row[column.name];
    out[column.path[1] ?? column.name] = column.nullable === true ? num(cell) : num0(cell);
  }
  return out;
}

function rebuildDisk(d: DiskRow): DiskMetrics {
  return {
    mount: d.mount,
    device: d.device ?? "",
    fstype: d.fstype ?? "",
    total_bytes: num0(d.total_bytes),
    used_bytes: num0(d.used_bytes),
    usage_percent: num0(d.usage_percent),
    inodes_percent: num(d.inodes_percent),
  };
}

function rebuildSecurity(row: SampleRow, findings: readonly FindingRow[]): SecurityMetrics {
  const security: SecurityMetrics = {
    status: (row["security_status"] ?? "unavailable") as SecurityStatus,
    issue_count: num0(row["security_issue_count"] ?? null),
    suspicious_processes: [],
    ssh_failed_logins: { window_s: 0, total: num0(row["ssh_failed_total"] ?? null), sources: [] },
    unexpected_listeners: [],
    checks: [],
  };
  for (const f of findings) {
    if (f.kind === "suspicious_process") {
      security.suspicious_processes.push({
        pid: num0(f.pid),
        name: f.name ?? "",
        user: f.user ?? "",
        exe: f.exe ?? "",
        reason: (f.reason ?? "no_exe") as SuspiciousReason,
        severity: f.severity === "warning" ? "warning" : "critical",
      });
    } else if (f.kind === "ssh_brute_force") {
      security.ssh_failed_logins.sources.push({
        ip: f.ip ?? "",
        count: num0(f.count),
        users: f.user === null || f.user === "" ? [] : f.user.split(","),
      });
    } else if (f.kind === "unexpected_listener") {
      security.unexpected_listeners.push({
        proto: f.proto ?? "",
        address: f.address ?? "",
        port: num0(f.port),
        pid: num(f.pid),
        process: f.name,
      });
    }
  }
  return security;
}
