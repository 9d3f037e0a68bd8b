import type { FigureValues, SampleFigures } from "../figures.js";
import type { PollSample } from "../records.js";
import { fromDbTime } from "./connection.js";

/**
 * The samples columns figures are made of, in the order of a FigureRow (queried with
 * rowsAsArray). Per-core usage is only in the snapshot JSON (storeSnapshotJson): the server
 * extracts it, so a row without JSON costs nothing more and one with JSON ships a short array.
 */
export const FIGURE_SELECT = [
  "ts",
  "agent_id",
  "cpu_usage_percent",
  "cpu_count",
  "load_1",
  "load_5",
  "load_15",
  "cpu_temperature_celsius",
  "memory_usage_percent",
  "swap_percent",
  "net_rx_bytes_per_s",
  "net_tx_bytes_per_s",
  "security_status",
  "security_issue_count",
  "ssh_failed_total",
  "JSON_EXTRACT(snapshot, '$.cpu.per_core_percent')",
].join(", ");

type Cell = number | string | null;

/** A row of FIGURE_SELECT. */
export type FigureRow = [
  ts: string,
  agentId: number,
  cpuPercent: Cell,
  cpuCount: Cell,
  load1: Cell,
  load5: Cell,
  load15: Cell,
  temperature: Cell,
  memoryPercent: Cell,
  swapPercent: Cell,
  rx: Cell,
  tx: Cell,
  securityStatus: string | null,
  securityIssues: Cell,
  sshFailed: Cell,
  perCore: string | null,
];

/** disk_samples columns for figures, in (ts, agent_id, mount) order, as arrays. */
export const DISK_FIGURE_SELECT = "ts, agent_id, mount, usage_percent";
export type DiskFigureRow = [ts: string, agentId: number, mount: string, usagePercent: Cell];

/** The full samples of the newest figures, attached at the end of a read (see SampleFigures.sample). */
const fetched = new WeakMap<MysqlFigures, PollSample>();

export function attachSample(figures: MysqlFigures, sample: PollSample): void {
  fetched.set(figures, sample);
}

/** One sample's figures from a FigureRow; every field is set in the constructor, for one object shape. */
export class MysqlFigures implements SampleFigures {
  agent: string;
  ts: string;
  time: number;
  cpuPercent: number;
  cpuCoreMin: number;
  cpuCoreMax: number;
  cpuCount: number;
  temperatureCelsius: number;
  load1: number;
  load5: number;
  load15: number;
  memoryPercent: number;
  swapPercent: number;
  diskMounts: string[];
  diskPercents: number[];
  rxBytesPerS: number;
  txBytesPerS: number;
  securityIssues: number;
  sshFailed: number;

  constructor(row: FigureRow, agent: string, ts: string, time: number) {
    this.agent = agent;
    this.ts = ts;
    this.time = time;
    this.cpuPercent = num(row[2]);
    this.cpuCoreMin = Number.NaN;
    this.cpuCoreMax = Number.NaN;
    this.cpuCount = num(row[3]);
    this.temperatureCelsius = num(row[7]);
    this.load1 = num(row[4]);
    this.load5 = num(row[5]);
    this.load15 = num(row[6]);
    this.memoryPercent = num(row[8]);
    this.swapPercent = num(row[9]);
    this.diskMounts = [];
    this.diskPercents = [];
    this.rxBytesPerS = num(row[10]);
    this.txBytesPerS = num(row[11]);
    this.securityIssues = row[12] === "unavailable" ? Number.NaN : num(row[13]);
    this.sshFailed = num(row[14]);
    if (row[15] !== null) setCoreRange(this, row[15]);
  }

  /** The whole sample for the newest figures of each agent, once the read has ended; undefined for the others. */
  sample(): PollSample | undefined {
    return fetched.get(this);
  }
}

/**
 * Turns a page of rows into figures, each with the disks of its (ts, agent) from `disks` (both
 * sorted by (ts, agent_id); a disk of a sample not in the page is skipped), and records each
 * agent's newest figures in `newest`.
 */
export function pageFigures(
  rows: readonly FigureRow[],
  disks: readonly DiskFigureRow[],
  times: DbTimes,
  nameOf: (agentId: number) => string,
  newest: Map<number, MysqlFigures>,
): MysqlFigures[] {
  const out = new Array<MysqlFigures>(rows.length);
  let d = 0;
  let lastId = -1;
  let lastName = "";
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i] as FigureRow;
    const ts = row[0];
    const agentId = row[1];
    if (agentId !== lastId) {
      lastId = agentId;
      lastName = nameOf(agentId);
    }
    const figures = new MysqlFigures(row, lastName, times.iso(ts), times.ms(ts));
    for (; d < disks.length; d++) {
      const disk = disks[d] as DiskFigureRow;
      if (disk[0] > ts || (disk[0] === ts && disk[1] >= agentId)) break;
    }
    for (; d < disks.length; d++) {
      const disk = disks[d] as DiskFigureRow;
      if (disk[0] !== ts || disk[1] !== agentId) break;
      figures.diskMounts.push(disk[2]);
      figures.diskPercents.push(num(disk[3]));
    }
    newest.set(agentId, figures);
    out[i] = figures;
  }
  return out;
}

/**
 * DATETIME(3) strings ('YYYY-MM-DD HH:MM:SS.mmm', as the connection returns them) to epoch ms
 * and ISO 8601, with the date part parsed once per day rather than Date.parse per row.
 */
export class DbTimes {
  private day = "";
  private dayMs = Number.NaN;

  ms(value: string): number {
    if (!isCanonical(value)) return Date.parse(fromDbTime(value));
    if (Number.isNaN(this.dayMs) || !value.startsWith(this.day)) {
      this.day = value.slice(0, 10);
      this.dayMs = Date.parse(`${this.day}T00:00:00.000Z`);
    }
    const digit = (i: number): number => value.charCodeAt(i) - 48;
    const seconds =
      (digit(11) * 10 + digit(12)) * 3600 + (digit(14) * 10 + digit(15)) * 60 + digit(17) * 10 + digit(18);
    return this.dayMs + seconds * 1000 + digit(20) * 100 + digit(21) * 10 + digit(22);
  }

  iso(value: string): string {
    return isCanonical(value) ? `${value.slice(0, 10)}T${value.slice(11)}Z` : fromDbTime(value);
  }
}

function isCanonical(value: string): boolean {
  return value.length === 23 && value.charCodeAt(10) === 32 && value.charCodeAt(19) === 46;
}

/** Lowest and highest core from per_core_percent as JSON text, like readFigures (numbers only). */
function setCoreRange(out: FigureValues, perCore: string): void {
  let cores: unknown;
  try {
    cores = JSON.parse(perCore);
  } catch {
    return;
  }
  if (!Array.isArray(cores)) return;
  for (const core of cores) {
    if (typeof core !== "number") continue;
    if (Number.isNaN(out.cpuCoreMin) || core < out.cpuCoreMin) out.cpuCoreMin = core;
    if (Number.isNaN(out.cpuCoreMax) || core > out.cpuCoreMax) out.cpuCoreMax = core;
  }
}

/** mysql2 gives DOUBLE and INT as numbers; NULL (or anything else) is NaN. */
function num(value: Cell): number {
  return typeof value === "number" ? value : Number.NaN;
}
