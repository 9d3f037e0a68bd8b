import {
  closeSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  writeSync,
} from "node:fs";
import { dirname } from "node:path";
import type { HostPaths } from "../../metrics/family.js";
import { isMissingFileError } from "../../metrics/read.js";
import type { UnexpectedListener } from "../../../../common/src/contract/protocol.js";
import type { CheckResult } from "../check-result.js";
import { InodeOwners } from "./inode-owner.js";
import { readProcNetForListeners } from "./proc-net-reader.js";
import type { InodeOwnerOptions } from "./inode-owner.js";
import { NET_PROTOS, parseListening, protoFamily } from "./proc-net.js";
import type { ProcNetSocket } from "./proc-net.js";

export const UNEXPECTED_LISTENERS_CHECK = "unexpected_listeners";

const PERMISSION_HINT = "no permission to read /proc/PID/fd: run as root or grant CAP_SYS_PTRACE";

export interface ListenerOptions {
  /** Ports expected to listen (TCP and UDP). Unset: the first run's listening ports become the baseline. */
  expectedPorts?: number[] | undefined;
  /** Where the baseline is kept (JSON), e.g. /var/lib/hostwatch-agent/listeners-baseline.json. */
  baselineFile: string;
  /** The agent's own pid: its sockets are never findings. Default process.pid. */
  selfPid?: number;
  /** Clock for the baseline's timestamp. Default: new Date(). */
  now?: () => Date;
  /** readlink/readdir of the /proc/PID/fd scan (tests inject EACCES). */
  owners?: InodeOwnerOptions;
}

/** The baseline file: which "tcp:PORT" / "udp:PORT" were listening, and when that was seen. */
export interface ListenerBaseline {
  taken_at: string;
  listening: string[];
}

interface LoadedBaseline {
  keys: Set<string>;
  takenAt: string;
  /** How it came to be, for the detail: "from FILE", "saved to FILE", "kept in memory only: ...". */
  origin: string;
}

/** "tcp:22", "udp:68": the baseline's unit (the address does not matter). */
export function listenerKey(socket: Pick<ProcNetSocket, "proto" | "port">): string {
  return `${protoFamily(socket.proto)}:${socket.port}`;
}

/** The file's content, or null when it is not a baseline. */
export function parseBaseline(text: string): ListenerBaseline | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof value !== "object" || value === null) return null;
  const { taken_at: takenAt, listening } = value as Record<string, unknown>;
  if (typeof takenAt !== "string" || !Array.isArray(listening)) return null;
  if (!listening.every((key) => typeof key === "string" && /^(tcp|udp):\d+$/.test(key))) return null;
  return { taken_at: takenAt, listening: listening as string[] };
}

function isoSeconds(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, "Z");
}

function compareKeys(a: string, b: string): number {
  const [protoA = "", portA = "0"] = a.split(":");
  const [protoB = "", portB = "0"] = b.split(":");
  return protoA.localeCompare(protoB) || Number(portA) - Number(portB);
}

/** Writes a file so that readers see the old or the new content, never a part. */
function writeAtomically(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const temp = `${path}.${process.pid}.tmp`;
  const fd = openSync(temp, "w", 0o644);
  try {
    try {
      writeSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, path);
  } catch (err) {
    rmSync(temp, { force: true });
    throw err;
  }
}

/** tcp before udp, by port, IPv4 before IPv6. */
function compareFindings(a: UnexpectedListener, b: UnexpectedListener): number {
  const v6 = (address: string): number => (address.includes(":") ? 1 : 0);
  return (
    a.proto.localeCompare(b.proto) ||
    a.port - b.port ||
    v6(a.address) - v6(b.address) ||
    (a.address < b.address ? -1 : a.address > b.address ? 1 : 0)
  );
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * Check "unexpected_listeners": TCP sockets in LISTEN and unconnected UDP sockets from
 * /proc/net/{tcp,tcp6,udp,udp6} whose port is neither configured as expected nor in the
 * baseline. Owners are looked up (an fd scan) only for those findings.
 */
export class ListenerCheck {
  private readonly expectedPorts: Set<number> | null;
  private readonly selfPid: number;
  private readonly now: () => Date;
  private readonly owners: InodeOwners;
  private baseline: LoadedBaseline | undefined;

  constructor(
    private readonly paths: HostPaths,
    private readonly options: ListenerOptions,
  ) {
    this.expectedPorts = options.expectedPorts === undefined ? null : new Set(options.expectedPorts);
    this.selfPid = options.selfPid ?? process.pid;
    this.now = options.now ?? (() => new Date());
    this.owners = new InodeOwners(paths.proc, options.owners);
  }

  async run(): Promise<CheckResult<UnexpectedListener>> {
    const listening: ProcNetSocket[] = [];
    const unreadable: string[] = [];
    for (const proto of NET_PROTOS) {
      const path = `${this.paths.proc}/net/${proto}`;
      let text: string;
      try {
        text = readProcNetForListeners(this.paths.proc, proto);
      } catch (err) {
        unreadable.push(`${path} (${(err as NodeJS.ErrnoException).code ?? message(err)})`);
        continue;
      }
      listening.push(...parseListening(text, proto));
    }
    if (unreadable.length === NET_PROTOS.length) {
      return this.result(false, `cannot read ${unreadable.join(", ")}`, []);
    }

    let detail: string;
    let isExpected: (socket: ProcNetSocket) => boolean;
    if (this.expectedPorts !== null) {
      const ports = this.expectedPorts;
      isExpected = (socket) => ports.has(socket.port);
      const list = [...ports].sort((a, b) => a - b).join(", ");
      detail = `expected ports: ${list === "" ? "none" : list}`;
    } else {
      const baseline = (this.baseline ??= this.loadOrTakeBaseline(listening));
      isExpected = (socket) => baseline.keys.has(listenerKey(socket));
      detail = `baseline of ${plural(baseline.keys.size, "listening port")} taken ${baseline.takenAt} (${baseline.origin})`;
    }

    let unexpected = listening.filter((socket) => !isExpected(socket));
    if (unexpected.length > 0) {
      const own = this.owners.socketInodesOf(this.selfPid);
      if (own.size > 0) unexpected = unexpected.filter((socket) => !own.has(socket.inode));
    }

    // One finding per (tcp|udp, address, port): SO_REUSEPORT groups and pre-fork servers hold
    // several sockets on the same endpoint.
    const groups = new Map<string, ProcNetSocket[]>();
    for (const socket of unexpected) {
      const key = `${protoFamily(socket.proto)}|${socket.address}|${socket.port}`;
      const group = groups.get(key);
      if (group === undefined) groups.set(key, [socket]);
      else group.push(socket);
    }
    const alive = new Set(listening.map((socket) => socket.inode));
    const owners = await this.owners.resolve(
      unexpected.map((socket) => socket.inode),
      alive,
    );

    const findings: UnexpectedListener[] = [];
    let hidden = 0;
    for (const group of groups.values()) {
      const first = group[0];
      if (first === undefined) continue;
      const owned = group.find((socket) => owners.get(socket.inode) != null);
      const owner = owned === undefined ? null : (owners.get(owned.inode) ?? null);
      if (owner === null && group.some((socket) => this.owners.isHidden(socket.inode))) hidden++;
      findings.push({
        proto: protoFamily(first.proto),
        address: first.address,
        port: first.port,
        pid: owner?.pid ?? null,
        process: owner?.process ?? null,
      });
    }
    findings.sort(compareFindings);

    if (hidden > 0) detail += `; owner unknown for ${plural(hidden, "listener")} (${PERMISSION_HINT})`;
    if (unreadable.length > 0) detail += `; could not read ${unreadable.join(", ")}`;
    return this.result(true, detail, findings);
  }

  private loadOrTakeBaseline(listening: ReadonlyArray<ProcNetSocket>): LoadedBaseline {
    const file = this.options.baselineFile;
    let problem = "";
    try {
      const loaded = parseBaseline(readFileSync(file, "utf8"));
      if (loaded !== null) {
        return { keys: new Set(loaded.listening), takenAt: loaded.taken_at, origin: `from ${file}` };
      }
      problem = `${file} was not a baseline; `;
    } catch (err) {
      if (!isMissingFileError(err)) problem = `cannot read ${file}: ${message(err)}; `;
    }

    const keys = [...new Set(listening.map(listenerKey))].sort(compareKeys);
    const takenAt = isoSeconds(this.now());
    const content: ListenerBaseline = { taken_at: takenAt, listening: keys };
    try {
      writeAtomically(file, `${JSON.stringify(content, null, 2)}\n`);
      return { keys: new Set(keys), takenAt, origin: `${problem}saved to ${file}` };
    } catch (err) {
      return {
        keys: new Set(keys),
        takenAt,
        origin: `${problem}kept in memory only: cannot write ${file}: ${message(err)}`,
      };
    }
  }

  private result(
    available: boolean,
    detail: string,
    findings: UnexpectedListener[],
  ): CheckResult<UnexpectedListener> {
    return { check: { name: UNEXPECTED_LISTENERS_CHECK, available, detail }, findings };
  }
}
