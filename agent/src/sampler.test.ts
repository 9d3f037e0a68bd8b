import { describe, expect, it } from "vitest";
import type { FamilyCollector } from "./metrics/family.js";
import type { AgentInfo, MetricFamily } from "../../common/src/contract/protocol.js";
import { METRIC_FAMILIES } from "../../common/src/contract/protocol.js";
import { Sampler } from "./sampler.js";

const info: AgentInfo = {
  name: "test",
  hostname: "test",
  version: "0",
  platform: "linux",
  os: "Debian",
  kernel: "6",
  arch: "x64",
  uptime_s: 1,
  boot_time: "2026-01-01T00:00:00.000Z",
};
const allOn = Object.fromEntries(METRIC_FAMILIES.map((f) => [f, true])) as Record<MetricFamily, boolean>;

describe("sampler", () => {
  it("keeps going when a family fails, and reports it in collector_status", async () => {
    const collectors: FamilyCollector[] = [
      { family: "memory", collect: () => Promise.reject(new Error("cannot read /proc/meminfo")) },
      { family: "cpu", collect: async () => ({ load: { load_1: 1, load_5: 2, load_15: 3 } }) },
    ];
    const errors: string[] = [];
    const sampler = new Sampler({
      collectors,
      enabled: { ...allOn, processes: false },
      intervalMs: 1000,
      agentInfo: () => info,
      onSampleError: (family, error) => errors.push(`${family}: ${error.message}`),
    });
    const snapshot = await sampler.sampleOnce();
    expect(snapshot.load).toEqual({ load_1: 1, load_5: 2, load_15: 3 });
    expect(snapshot.memory).toBeUndefined();
    const status = Object.fromEntries(snapshot.collector_status.map((s) => [s.name, s]));
    expect(status.cpu).toMatchObject({ ok: true, error: null });
    expect(status.memory).toMatchObject({ ok: false, error: "cannot read /proc/meminfo" });
    expect(status.processes).toMatchObject({ ok: false, error: "disabled" });
    expect(status.network).toMatchObject({ ok: false, error: "unsupported" });
    expect(errors).toEqual(["memory: cannot read /proc/meminfo"]);
    expect(sampler.latest()).toBe(snapshot);
    // the same error is logged once, not every sample
    await sampler.sampleOnce();
    expect(errors).toHaveLength(1);
  });

  it("cuts the lists of the snapshot it keeps to the configured limits", async () => {
    const interfaces = Array.from({ length: 2000 }, (_, i) => ({
      name: `veth${i}`,
      rx_bytes_per_s: i === 1500 ? 1e9 : 0,
      tx_bytes_per_s: 0,
    }));
    const network = { rx_bytes_per_s: 0, tx_bytes_per_s: 0, rx_errors: 0, tx_errors: 0, tcp_connections: 0 };
    const sampler = new Sampler({
      collectors: [{ family: "network", collect: async () => ({ network: { ...network, interfaces } }) }],
      enabled: allOn,
      intervalMs: 1000,
      agentInfo: () => info,
      limits: { maxListItems: 5, maxSshSources: 5, maxCpuCores: 5 },
    });
    const snapshot = await sampler.sampleOnce();
    expect(snapshot.network?.interfaces.map((nic) => nic.name)).toEqual([
      "veth0",
      "veth1",
      "veth2",
      "veth3",
      "veth1500",
    ]);
    expect(snapshot.network?.interface_count).toBe(2000);
    expect(sampler.latest()).toBe(snapshot);
  });

  it("gives up on a family that hangs, without holding the others", async () => {
    const sampler = new Sampler({
      collectors: [
        { family: "disk", collect: () => new Promise(() => {}) },
        { family: "cpu", collect: async () => ({ load: { load_1: 0, load_5: 0, load_15: 0 } }) },
      ],
      enabled: allOn,
      intervalMs: 1000,
      familyTimeoutMs: 50,
      agentInfo: () => info,
    });
    const snapshot = await sampler.sampleOnce();
    expect(snapshot.load).toBeDefined();
    expect(snapshot.collector_status.find((s) => s.name === "disk")?.error).toBe(
      "disk did not answer within 50 ms",
    );
  });

  it("publishes a new snapshot object per sample", async () => {
    let calls = 0;
    const sampler = new Sampler({
      collectors: [
        { family: "cpu", collect: async () => ({ load: { load_1: ++calls, load_5: 0, load_15: 0 } }) },
      ],
      enabled: allOn,
      intervalMs: 1000,
      agentInfo: () => info,
    });
    const first = await sampler.sampleOnce();
    const second = await sampler.sampleOnce();
    expect(second).not.toBe(first);
    expect(second.load?.load_1).toBe(2);
  });
});
