import type { NormalisedSnapshot } from "../../polling/normalise/normalised-snapshot.js";
import type { PollEvent, PollSample } from "../records.js";
import { NULL_CELL, dbl, str, time, ubig, uint } from "./encoding.js";
import { SAMPLE_SCALARS, valueOf, type Column } from "../columns.js";

/** The snapshot's families, as stored in samples.families (a SET column). */
export const FAMILIES = [
  "cpu",
  "load",
  "temperature",
  "memory",
  "disks",
  "disk_io",
  "network",
  "processes",
  "security",
] as const;
export type Family = (typeof FAMILIES)[number];

/** samples' columns in INSERT order: the keys, the catalog's scalars, `snapshot` last so it can be left out. */
export const SAMPLE_COLUMNS: readonly string[] = [
  "agent_id",
  "ts",
  "agent_ts",
  "duration_ms",
  "families",
  ...SAMPLE_SCALARS.map((column) => column.name),
  "snapshot",
];

export const DISK_COLUMNS = [
  "agent_id",
  "ts",
  "mount",
  "device",
  "fstype",
  "total_bytes",
  "used_bytes",
  "usage_percent",
  "inodes_percent",
] as const;

export const FINDING_COLUMNS = [
  "agent_id",
  "ts",
  "seq",
  "kind",
  "severity",
  "reason",
  "pid",
  "name",
  "user",
  "exe",
  "ip",
  "count",
  "proto",
  "address",
  "port",
] as const;

export const EVENT_COLUMNS = [
  "agent_id",
  "ts",
  "kind",
  "error",
  "consecutive_failures",
  "duration_ms",
] as const;

export type FindingKind = "suspicious_process" | "ssh_brute_force" | "unexpected_listener";

/** Column widths, kept here beside the code that cuts strings to them. */
const MOUNT_MAX = 512;
const NAME_MAX = 255;
const SHORT_MAX = 64;
/** TEXT holds 65,535 bytes; utf8mb4 needs up to 4 per character. */
export const TEXT_MAX = 16_383;

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);
const asArray = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

/**
 * The snapshot as JSON for samples.snapshot (not yet escaped as a field). JSON.stringify writes a
 * lone surrogate (an agent's string "\udfff") as the escape \udfff, which JSON.parse takes but
 * MariaDB's JSON functions refuse: JSON_EXTRACT of the document gave NULL, and the per-core
 * figures of that sample were lost (found by mysql-store.property.integration.test.ts). So lone
 * surrogates become U+FFFD, as they do in every other column (the text goes as UTF-8). The check
 * is on the output: well-formed strings, nearly all of them, pay for one includes().
 */
export function snapshotJson(snapshot: NormalisedSnapshot): string {
  const json = JSON.stringify(snapshot) ?? "null";
  if (!json.includes("\\ud")) return json;
  return JSON.stringify(snapshot, (_key, value: unknown) =>
    typeof value === "string" ? value.replace(LONE_SURROGATE, "\ufffd") : value,
  );
}

const LONE_SURROGATE = /\p{Cs}/gu;

/** The families present in a snapshot, as a SET value ('cpu,load,...'). */
export function familiesOf(snapshot: NormalisedSnapshot): string {
  const present: string[] = [];
  const record = snapshot as unknown as Record<string, unknown>;
  for (const family of FAMILIES) {
    const value = record[family];
    if (family === "disks" ? Array.isArray(value) : isObject(value)) present.push(family);
  }
  return present.join(",");
}

/**
 * One samples row as a tab-separated line (encoding.ts). The snapshot comes from the collector's
 * normaliser, but every field is still checked for its type: a bad value becomes NULL instead of
 * failing the batch. `snapshotField` is the encoded JSON for the snapshot column, or null to
 * leave the column out.
 */
export function sampleRow(
  agentId: number,
  ts: string,
  sample: PollSample,
  snapshotField: string | null,
  agentTs: string | null,
): string {
  const duration = dbl(sample.duration_ms);
  const values = [
    String(agentId),
    time(ts),
    time(agentTs),
    duration === NULL_CELL ? "0" : duration,
    familiesOf(sample.snapshot),
  ];
  for (const column of SAMPLE_SCALARS) values.push(cell(column, valueOf(column, sample.snapshot)));
  if (snapshotField !== null) values.push(snapshotField);
  return values.join("\t");
}

/** A catalog column's value as a cell of its SQL type (NULL for anything that type cannot hold). */
function cell(column: Column, value: unknown): string {
  switch (column.sql) {
    case "DOUBLE":
      return dbl(value);
    case "INT UNSIGNED":
      return uint(value);
    case "BIGINT UNSIGNED":
      return ubig(value);
    case "VARCHAR(16)":
      return str(value, 16);
  }
}

/** One disk_samples row per disk, mounts deduplicated (the primary key holds the mount). */
export function diskRows(agentId: number, ts: string, snapshot: NormalisedSnapshot): string[] {
  const rows: string[] = [];
  const seen = new Set<string>();
  const head = `${agentId}\t${time(ts)}`;
  for (const disk of asArray(snapshot.disks)) {
    if (!isObject(disk) || typeof disk.mount !== "string" || disk.mount === "") continue;
    const mount = str(disk.mount, MOUNT_MAX);
    if (seen.has(mount)) continue;
    seen.add(mount);
    rows.push(
      `${head}\t${mount}\t${str(disk.device, NAME_MAX)}\t${str(disk.fstype, SHORT_MAX)}\t` +
        `${ubig(disk.total_bytes)}\t${ubig(disk.used_bytes)}\t${dbl(disk.usage_percent)}\t${dbl(disk.inodes_percent)}`,
    );
  }
  return rows;
}

/**
 * The security findings of a snapshot, numbered in a fixed order (suspicious processes, SSH
 * sources, unexpected listeners) so that the same snapshot always gives the same (agent, ts, seq)
 * rows. For an SSH source, `user` holds the tried user names, comma-separated.
 */
export function findingRows(agentId: number, ts: string, snapshot: NormalisedSnapshot): string[] {
  const security = snapshot.security;
  if (!isObject(security)) return [];
  const rows: string[] = [];
  const head = `${agentId}\t${time(ts)}`;
  const push = (kind: FindingKind, fields: Record<string, unknown>): void => {
    if (rows.length >= 65_535) return;
    rows.push(
      [
        head,
        rows.length,
        kind,
        str(fields.severity, 16),
        str(fields.reason, 32),
        uint(fields.pid),
        str(fields.name, NAME_MAX),
        str(fields.user, NAME_MAX),
        str(fields.exe, 1024),
        str(fields.ip, SHORT_MAX),
        uint(fields.count),
        str(fields.proto, 16),
        str(fields.address, SHORT_MAX),
        uint(fields.port),
      ].join("\t"),
    );
  };
  for (const p of asArray(security.suspicious_processes)) {
    if (isObject(p)) push("suspicious_process", p);
  }
  const ssh = isObject(security.ssh_failed_logins) ? security.ssh_failed_logins : undefined;
  for (const source of asArray(ssh?.sources)) {
    if (!isObject(source)) continue;
    const users = asArray(source.users).filter((u): u is string => typeof u === "string");
    push("ssh_brute_force", { ip: source.ip, count: source.count, user: users.join(",") });
  }
  for (const l of asArray(security.unexpected_listeners)) {
    if (isObject(l)) push("unexpected_listener", { ...l, name: l.process });
  }
  return rows;
}

export function eventRow(agentId: number, ts: string, event: PollEvent): string {
  const failures = uint(event.consecutive_failures);
  return [
    agentId,
    time(ts),
    str(event.kind, 16),
    str(event.error, TEXT_MAX),
    failures === NULL_CELL ? "0" : failures,
    dbl(event.duration_ms),
  ].join("\t");
}

/** Agent metadata from a snapshot, cut to the agents table's widths (encoded fields). */
export function agentInfoFields(snapshot: NormalisedSnapshot): {
  hostname: string;
  os: string;
  kernel: string;
  arch: string;
  platform: string;
  version: string;
} {
  const info: Record<string, unknown> = isObject(snapshot.agent) ? snapshot.agent : {};
  return {
    hostname: str(info.hostname, NAME_MAX),
    os: str(info.os, NAME_MAX),
    kernel: str(info.kernel, NAME_MAX),
    arch: str(info.arch, SHORT_MAX),
    platform: str(info.platform, SHORT_MAX),
    version: str(info.version, SHORT_MAX),
  };
}
