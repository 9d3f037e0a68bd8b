import type {
  InterfaceMetrics,
  MetricsSnapshot,
  NetworkMetrics,
} from "../../../common/src/contract/protocol.js";
import type { FamilyCollector, HostPaths } from "./family.js";
import { counterDelta, round } from "./numbers.js";
import { readText } from "./read.js";
import { readUptime } from "./uptime.js";

export interface InterfaceCounters {
  rxBytes: number;
  rxErrors: number;
  txBytes: number;
  txErrors: number;
}

/** /proc/net/dev: two header lines, then "name: rx(bytes packets errs ...8) tx(bytes packets errs ...8)". */
export function parseNetDev(text: string): Map<string, InterfaceCounters> {
  const interfaces = new Map<string, InterfaceCounters>();
  for (const line of text.split("\n")) {
    const colon = line.indexOf(":");
    if (colon < 0) continue;
    // Old kernels print no space after the colon when the byte count is wide.
    const f = line
      .slice(colon + 1)
      .trim()
      .split(/\s+/)
      .map(Number);
    if (f.length < 16) continue;
    interfaces.set(line.slice(0, colon).trim(), {
      rxBytes: f[0] ?? 0,
      rxErrors: f[2] ?? 0,
      txBytes: f[8] ?? 0,
      txErrors: f[10] ?? 0,
    });
  }
  return interfaces;
}

/** CurrEstab from /proc/net/snmp, whose "Tcp:" lines are a header line then a value line (IPv4 and IPv6). */
export function parseTcpEstablished(text: string): number {
  const [header, values] = text
    .split("\n")
    .filter((line) => line.startsWith("Tcp:"))
    .map((line) => line.trim().split(/\s+/));
  const index = header?.indexOf("CurrEstab") ?? -1;
  const value = index >= 0 ? Number(values?.[index]) : Number.NaN;
  if (!Number.isFinite(value)) throw new Error("no Tcp CurrEstab in /proc/net/snmp");
  return value;
}

/**
 * Rates between two readings, "lo" left out. Without a previous reading, `elapsedS` is the uptime
 * and the rates are since boot; an interface new since the previous reading reports 0 once.
 */
export function networkRates(
  previous: Map<string, InterfaceCounters> | undefined,
  current: Map<string, InterfaceCounters>,
  elapsedS: number,
): Omit<NetworkMetrics, "tcp_connections"> {
  const rate = (bytes: number): number => (elapsedS > 0 ? round(bytes / elapsedS, 2) : 0);
  const interfaces: InterfaceMetrics[] = [];
  let rxBytes = 0;
  let txBytes = 0;
  let rxErrors = 0;
  let txErrors = 0;
  for (const [name, now] of current) {
    if (name === "lo") continue;
    rxErrors += now.rxErrors;
    txErrors += now.txErrors;
    const before = previous === undefined ? { rxBytes: 0, txBytes: 0 } : (previous.get(name) ?? now);
    const rx = counterDelta(now.rxBytes, before.rxBytes);
    const tx = counterDelta(now.txBytes, before.txBytes);
    rxBytes += rx;
    txBytes += tx;
    interfaces.push({ name, rx_bytes_per_s: rate(rx), tx_bytes_per_s: rate(tx) });
  }
  interfaces.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return {
    rx_bytes_per_s: rate(rxBytes),
    tx_bytes_per_s: rate(txBytes),
    rx_errors: rxErrors,
    tx_errors: txErrors,
    interfaces,
  };
}

export interface NetworkOptions {
  /** Milliseconds clock; tests inject one. Default performance.now. */
  now?: () => number;
}

/** Family "network": /proc/net/dev rates and /proc/net/snmp established TCP connections. */
export class NetworkCollector implements FamilyCollector {
  readonly family = "network" as const;
  private readonly now: () => number;
  private previous: { counters: Map<string, InterfaceCounters>; at: number } | undefined;

  constructor(
    private readonly paths: HostPaths,
    options: NetworkOptions = {},
  ) {
    this.now = options.now ?? (() => performance.now());
  }

  async collect(): Promise<Partial<MetricsSnapshot>> {
    const counters = parseNetDev(readText(`${this.paths.proc}/net/dev`));
    const at = this.now();
    const tcp = parseTcpEstablished(readText(`${this.paths.proc}/net/snmp`));
    const elapsedS = this.previous === undefined ? readUptime(this.paths) : (at - this.previous.at) / 1000;
    const rates = networkRates(this.previous?.counters, counters, elapsedS);
    this.previous = { counters, at };
    return { network: { ...rates, tcp_connections: tcp } };
  }
}
