import type {
  DiskMetrics,
  MetricsSnapshot,
  SecurityMetrics,
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

export const num = (value: Num | undefined): number | null =>
  value === null || value === undefined ? null : Number(value);
export const num0 = (value: Num | undefined): number =>
  value === null || value === undefined ? 0 : Number(value);

/** Each family's lists, which the samples row does not hold (disks and findings come from their tables). */
const FAMILY_LISTS: Record<string, () => Record<string, unknown>> = {
  cpu: () => ({ per_core_percent: [] }),
  temperature: () => ({ sensors: [] }),
  network: () => ({ interfaces: [] }),
  processes: () => ({ top_memory: [], top_cpu: [] }),
};

/** The catalog's stored scalars by family (a derived column stands for no field of a snapshot). */
const SCALARS_BY_FAMILY: ReadonlyMap<string, readonly Column[]> = new Map(
  [...new Set(SAMPLE_SCALARS.map((column) => column.path[0]))].map((family) => [
    family,
    SAMPLE_SCALARS.filter(
      (column) => (column.derive === undefined || column.restore) && column.path[0] === family,
    ),
  ]),
);

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
      boot_time: "",
    },
    collector_status: [],
  };
  placeScalars(snapshot.agent as Record<string, unknown>, row, "agent");
  for (const family of families) {
    if (family === "disks") snapshot.disks = disks.map(rebuildDisk);
    else if (family === "security") snapshot.security = rebuildSecurity(row, findings);
    else snapshot[family] = placeScalars({ ...FAMILY_LISTS[family]?.() }, row, family);
  }
  // the shape is the contract's: every field written above comes from the catalog or the lists
  return snapshot as unknown as MetricsSnapshot;
}

/** Sets each of the family's catalog scalars at its path in `target` (nested objects made as needed). */
function placeScalars(
  target: Record<string, unknown>,
  row: SampleRow,
  family: string,
): Record<string, unknown> {
  for (const column of SCALARS_BY_FAMILY.get(family) ?? []) {
    const [, ...fields] = column.path;
    const last = fields.pop();
    if (last === undefined) continue;
    let node = target;
    for (const key of fields) node = (node[key] ??= {}) as Record<string, unknown>;
    node[last] = cellValue(column, row[column.name]);
  }
  return target;
}

/** A cell as the contract's value: text for a VARCHAR, else a number (0, or null where the contract allows it). */
function cellValue(column: Column, cell: Num | undefined): string | number | null {
  if (column.sql === "VARCHAR(16)") return cell === null || cell === undefined ? null : String(cell);
  return column.nullable === true ? num(cell) : num0(cell);
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
  const lists = {
    suspicious_processes: [],
    ssh_failed_logins: { window_s: 0, sources: [] },
    unexpected_listeners: [],
    checks: [],
  };
  // status, issue_count and ssh_failed_logins.total come from the catalog's columns
  const security = placeScalars(lists, row, "security") as unknown as SecurityMetrics;
  security.status ??= "unavailable";
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

/** A page's disks and findings by "agent_id|ts" (see groupParts). */
export interface SampleParts {
  disks: Map<string, DiskRow[]>;
  findings: Map<string, FindingRow[]>;
}

/** The disk and finding rows of `rows` (samples without snapshot JSON), by "agent_id|ts", in query order. */
export function groupParts(
  rows: readonly SampleRow[],
  diskRows: readonly DiskRow[],
  findingRows: readonly FindingRow[],
): SampleParts {
  const keys = new Set(rows.map((row) => `${row.agent_id}|${row.ts}`));
  const group = <T extends { agent_id: number; ts: string }>(source: readonly T[]): Map<string, T[]> => {
    const groups = new Map<string, T[]>();
    for (const row of source) {
      const key = `${row.agent_id}|${row.ts}`;
      if (!keys.has(key)) continue;
      const list = groups.get(key);
      if (list === undefined) groups.set(key, [row]);
      else list.push(row);
    }
    return groups;
  };
  return { disks: group(diskRows), findings: group(findingRows) };
}
