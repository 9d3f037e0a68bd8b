import type { NormalisedSnapshot } from "../../polling/normalise/normalised-snapshot.js";
import type { AlertRecord, PollEvent, PollSample } from "../records.js";

/**
 * metrics_data.jsonl: the snapshot flat beside agent, ts and duration_ms. The snapshot's own
 * `agent` (the agent's AgentInfo) would clash with the agent's name, so it is `agent_info`.
 */
export function sampleJsonLine(sample: PollSample): string {
  const { agent: agentInfo, ...families } = sample.snapshot;
  return JSON.stringify({
    agent: sample.agent,
    ts: sample.ts,
    duration_ms: sample.duration_ms,
    agent_info: agentInfo,
    ...families,
  });
}

export function eventJsonLine(event: PollEvent): string {
  const { agent, ts, kind, error, consecutive_failures, duration_ms } = event;
  return JSON.stringify({ agent, ts, kind, error, consecutive_failures, duration_ms });
}

/**
 * metrics_data.log:
 * 2026-11-22T06:21:10.123Z web-01 cpu=12.5% temp=48.0C load=0.52/0.40/0.31 mem=43.2% disk=71.0%(/var) security=ok
 */
export function sampleLogLine({ ts, agent, snapshot: s }: PollSample): string {
  const cpu = percent(s.cpu?.usage_percent);
  const temp = fixed(s.temperature?.cpu_celsius, 1, "C");
  const load =
    s.load === undefined
      ? NA
      : [s.load.load_1, s.load.load_5, s.load.load_15].map((v) => fixed(v, 2)).join("/");
  const mem = percent(s.memory?.usage_percent);
  let worst: { usage_percent?: number; mount?: string } | undefined;
  for (const disk of s.disks ?? [])
    if (worst === undefined || (disk.usage_percent ?? -1) > (worst.usage_percent ?? -1)) worst = disk;
  const disk = worst === undefined ? NA : `${percent(worst.usage_percent)}(${oneLine(worst.mount ?? "?")})`;
  const security = s.security === undefined ? NA : oneLine(s.security.status ?? NA);
  return `${ts} ${oneLine(agent)} cpu=${cpu} temp=${temp} load=${load} mem=${mem} disk=${disk} security=${security}`;
}

/** The number with `digits` decimals and its unit, or n/a: every field of a sample may be missing. */
function fixed(value: number | null | undefined, digits: number, unit = ""): string {
  return typeof value === "number" && Number.isFinite(value) ? `${value.toFixed(digits)}${unit}` : NA;
}

function percent(value: number | null | undefined): string {
  return fixed(value, 1, "%");
}

const NA = "n/a";

/**
 * Control characters and line breaks as "?". Not only C0 and DEL: a mount "\u0085" (NEL, a C1
 * control and a Unicode line break) or "\u2028" (LINE SEPARATOR) split the line in tools that
 * honour Unicode line breaks (found by lines.property.test.ts).
 */
function oneLine(text: string): string {
  return text.replace(/[\p{Cc}\u2028\u2029]/gu, "?");
}

/** Rebuilds a sample from its jsonl line; undefined for a malformed line. */
export function parseSampleLine(line: string): PollSample | undefined {
  const value = parseObject(line);
  if (value === undefined) return undefined;
  const { agent, ts, duration_ms, agent_info, ...families } = value;
  if (typeof agent !== "string" || typeof ts !== "string" || typeof duration_ms !== "number")
    return undefined;
  const snapshot = { ...families, agent: agent_info } as unknown as NormalisedSnapshot;
  return { agent, ts, duration_ms, snapshot };
}

export function parseEventLine(line: string): PollEvent | undefined {
  const value = parseObject(line);
  if (value === undefined) return undefined;
  const { agent, ts, kind, error, consecutive_failures, duration_ms } = value;
  if (typeof agent !== "string" || typeof ts !== "string" || typeof kind !== "string") return undefined;
  return {
    agent,
    ts,
    kind: kind as PollEvent["kind"],
    error: typeof error === "string" ? error : null,
    consecutive_failures: typeof consecutive_failures === "number" ? consecutive_failures : 0,
    duration_ms: typeof duration_ms === "number" ? duration_ms : 0,
  };
}

/** Rebuilds an alert record from its alerts.jsonl line (FileStore writes the record as is). */
export function parseAlertLine(line: string): AlertRecord | undefined {
  const value = parseObject(line);
  if (value === undefined) return undefined;
  const { kind, ts, alert } = value;
  if (typeof kind !== "string" || typeof ts !== "string" || typeof alert !== "object" || alert === null)
    return undefined;
  const { id, agent } = alert as Record<string, unknown>;
  if (typeof id !== "string" || typeof agent !== "string") return undefined;
  return value as unknown as AlertRecord;
}

function parseObject(line: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(line);
    return typeof value === "object" && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
