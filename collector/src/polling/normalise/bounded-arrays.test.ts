import { describe, expect, it } from "vitest";
import type { XmlRpcStruct } from "../../../../common/src/xmlrpc/index.js";
import { SNAPSHOT_SPEC } from "./contract-spec.js";
import { normaliseSnapshot } from "./normalise-snapshot.js";
import type { Spec } from "./spec.js";

const N = 2000;
const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);
const context = { agent: "py-1", receivedAt: new Date("2026-02-01T12:00:00.000Z") };

/** What a home-made agent on a busy host may send: 2,000 of everything, and no counts. */
function pythonAnswer(): XmlRpcStruct {
  return {
    cpu: { per_core_percent: range(N).map((i) => i % 100), count: N },
    disks: range(N).map((i) => ({ mount: `/mnt/${i}`, usage_percent: i === 1999 ? 100 : 1 })),
    collector_status: range(N).map((i) => ({ name: `f${i}`, ok: true, duration_ms: 1, error: null })),
    security: {
      issue_count: 2 * N,
      unexpected_listeners: range(N).map((i) => ({
        proto: "tcp",
        address: i >= 1990 ? "0.0.0.0" : "127.0.0.1",
        port: 20_000 + i,
        pid: null,
        process: null,
      })),
      suspicious_processes: range(N).map((i) => ({ pid: i, severity: i === 1500 ? "critical" : "warning" })),
      ssh_failed_logins: {
        total: N,
        sources: range(N).map((i) => ({
          ip: `10.0.${i >> 8}.${i & 255}`,
          count: i,
          users: range(300).map((u) => `u${u}`),
        })),
      },
    },
  };
}

describe("normaliseSnapshot bounds every array", () => {
  const snapshot = normaliseSnapshot(pythonAnswer(), context);

  it("cuts 2,000 listeners to 50, the exposed ones first, and fills the count", () => {
    const listeners = snapshot.security?.unexpected_listeners ?? [];
    expect(listeners).toHaveLength(50);
    expect(snapshot.security?.unexpected_listener_count).toBe(N);
    expect(listeners.filter((l) => l.address === "0.0.0.0").map((l) => l.port)).toEqual(
      range(10).map((i) => 21_990 + i),
    );
    expect(listeners.slice(0, 40).map((l) => l.port)).toEqual(range(40).map((i) => 20_000 + i));
    expect(snapshot.security?.issue_count).toBe(2 * N);
  });

  it("keeps the critical process, the fullest disk and the SSH sources with most failures", () => {
    expect(snapshot.security?.suspicious_processes.map((p) => p.pid)).toContain(1500);
    expect(snapshot.security?.suspicious_process_count).toBe(N);
    expect(snapshot.disks?.map((d) => d.mount)).toContain("/mnt/1999");
    expect(snapshot.disk_count).toBe(N);
    const logins = snapshot.security?.ssh_failed_logins;
    expect(logins?.sources.map((s) => s.count)).toEqual(range(50).map((i) => N - 50 + i));
    expect(logins?.source_count).toBe(N);
    expect(logins?.sources[0]?.users).toHaveLength(50);
    expect(logins?.sources[0]?.user_count).toBe(300);
  });

  it("cuts arrays without a count too, and positional ones at the end only", () => {
    expect(snapshot.collector_status).toHaveLength(50);
    expect(snapshot.cpu?.per_core_percent).toEqual(range(1024).map((i) => i % 100));
  });

  it("takes the limits from its context", () => {
    const small = normaliseSnapshot(pythonAnswer(), {
      ...context,
      limits: { maxListItems: 2, maxPositionalItems: 3 },
    });
    expect(small.security?.unexpected_listeners.map((l) => l.port)).toEqual([21_990, 21_991]);
    expect(small.security?.unexpected_listener_count).toBe(N);
    expect(small.cpu?.per_core_percent).toEqual([0, 1, 2]);
  });

  it("keeps a count the agent sent rather than the length it sent", () => {
    const answer = pythonAnswer();
    const security = answer.security as XmlRpcStruct;
    security.unexpected_listener_count = 5000;
    const kept = normaliseSnapshot(answer, context);
    expect(kept.security?.unexpected_listener_count).toBe(5000);
  });
});

describe("SNAPSHOT_SPEC", () => {
  /** [array path, its count field, the count field's spec] for every array that names a count. */
  function counts(spec: Spec, path: string): [string, string, Spec | undefined][] {
    if (typeof spec !== "object") return [];
    if ("nullable" in spec) return counts(spec.nullable, path);
    if ("oneOf" in spec) return [];
    if ("arrayOf" in spec) return counts(spec.arrayOf, `${path}[]`);
    return Object.entries(spec.fields).flatMap(([name, field]) => {
      const own: [string, string, Spec | undefined][] =
        typeof field === "object" && "arrayOf" in field && field.count !== undefined
          ? [[`${path}.${name}`, field.count, spec.fields[field.count]]]
          : [];
      return [...own, ...counts(field, `${path}.${name}`)];
    });
  }

  it("names, for each count, a number field beside the array", () => {
    const found = counts(SNAPSHOT_SPEC, "$");
    expect(found.map(([path, count]) => `${path} → ${count}`)).toEqual([
      "$.temperature.sensors → sensor_count",
      "$.disks → disk_count",
      "$.network.interfaces → interface_count",
      "$.security.suspicious_processes → suspicious_process_count",
      "$.security.ssh_failed_logins.sources → source_count",
      "$.security.ssh_failed_logins.sources[].users → user_count",
      "$.security.unexpected_listeners → unexpected_listener_count",
    ]);
    for (const [path, , countSpec] of found) expect(countSpec, path).toBe("number");
  });
});
