import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { decodeMethodResponse } from "../../../../common/src/xmlrpc/index.js";
import type { XmlRpcStruct, XmlRpcValue } from "../../../../common/src/xmlrpc/index.js";
import { PollError } from "../client/poll-error.js";
import { normaliseSnapshot } from "./normalise-snapshot.js";

const receivedAt = new Date("2026-02-01T12:00:00.000Z");
const context = { agent: "web-1", receivedAt };
const normalise = (value: XmlRpcValue) => normaliseSnapshot(value, context);

function fixture(name: string): XmlRpcStruct {
  const response = decodeMethodResponse(
    readFileSync(new URL(`../../../test/fixtures/${name}`, import.meta.url)),
  );
  if (response.kind !== "result") throw new Error(`${name} is a fault`);
  return response.value as XmlRpcStruct;
}

/** A snapshot with just the given top-level members. */
const minimal = (members: XmlRpcStruct): XmlRpcStruct => ({
  timestamp: "2026-02-01T11:59:59.000Z",
  agent: {
    name: "a",
    hostname: "h",
    version: "1",
    platform: "linux",
    os: "o",
    kernel: "k",
    arch: "x64",
    uptime_s: 5,
    boot_time: "2026-02-01T11:59:54.000Z",
  },
  collector_status: [],
  ...members,
});

describe("normaliseSnapshot", () => {
  it("passes our agent's get_metrics answer unchanged", () => {
    const snapshot = fixture("agent-get-metrics.xml");
    expect(normalise(snapshot)).toStrictEqual(snapshot);
  });

  it("turns a home-made Python agent's answer into the contract's shape", () => {
    expect(normalise(fixture("python-agent-get-metrics.xml"))).toStrictEqual({
      timestamp: "2026-01-15T10:30:00.000Z",
      agent: {
        name: "seed-host",
        hostname: "seed-host",
        version: "seed-0.3",
        platform: "",
        os: "",
        kernel: "",
        arch: "",
        boot_time: "",
      },
      cpu: {
        usage_percent: 12.5,
        user_percent: 8,
        system_percent: 4.5,
        iowait_percent: 0,
        per_core_percent: [10, 15],
        count: 2,
      },
      load: { load_1: 0.5, load_5: 0.25, load_15: 0.125 },
      temperature: { cpu_celsius: null, max_celsius: null, sensors: [], sensor_count: 0 },
      memory: {
        total_bytes: 17179869184,
        used_bytes: 4294967296,
        available_bytes: 12884901888,
        usage_percent: 25,
        swap_total_bytes: 0,
        swap_used_bytes: 0,
        swap_percent: 0,
      },
      disks: [
        {
          mount: "/",
          device: "/dev/sda1",
          fstype: "ext4",
          total_bytes: 107374182400,
          used_bytes: 42949672960,
          usage_percent: 40,
          inodes_percent: null,
        },
      ],
      disk_count: 1,
      network: {
        rx_bytes_per_s: 1200,
        tx_bytes_per_s: 800,
        rx_errors: 0,
        tx_errors: 0,
        interfaces: [{ name: "eth0", rx_bytes_per_s: 1200, tx_bytes_per_s: 800 }],
        interface_count: 1,
        tcp_connections: 12,
      },
      processes: {
        count: 151,
        running: 2,
        top_memory: [
          { pid: 812, name: "postgres", user: "postgres", memory_percent: 3.5, rss_bytes: 601882624 },
        ],
        top_cpu: [{ pid: 1, name: "systemd", user: "root", cpu_percent: 0.5, cmdline: "/sbin/init" }],
      },
      collector_status: [],
    });
  });

  it("is idempotent", () => {
    const once = normalise(fixture("python-agent-get-metrics.xml"));
    expect(normalise(once as unknown as XmlRpcStruct)).toStrictEqual(once);
  });

  it("fills in what the contract requires at the top level", () => {
    expect(normalise({})).toStrictEqual({
      timestamp: "2026-02-01T12:00:00.000Z",
      agent: {
        name: "web-1",
        hostname: "",
        version: "",
        platform: "",
        os: "",
        kernel: "",
        arch: "",
        boot_time: "",
      },
      collector_status: [],
    });
  });

  it.each([
    ["a nil", null, "nil"],
    ["an array", [], "an array"],
    ["a string", "pong", "a string"],
    ["an int", 3, "a number"],
    ["a date", new Date(0), "a date"],
    ["base64", Buffer.from("x"), "base64 data"],
  ])("throws bad_response for %s", (_, value, described) => {
    const error = (() => {
      try {
        normalise(value);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(PollError);
    expect(error).toMatchObject({
      kind: "bad_response",
      message: `bad response: get_metrics returned ${described}, not a struct`,
    });
  });

  it.each([
    ["2026-02-01T10:00:00+02:00", "2026-02-01T08:00:00.000Z"],
    ["2026-02-01T08:00:00.123456+00:00", "2026-02-01T08:00:00.123Z"],
    ["2026-02-01T08:00:00", "2026-02-01T08:00:00.000Z"],
    ["2026-02-01 08:00", "2026-02-01T08:00:00.000Z"],
    [new Date("2026-02-01T08:00:00Z"), "2026-02-01T08:00:00.000Z"],
    ["yesterday", receivedAt.toISOString()],
    [1769932800, receivedAt.toISOString()],
  ])("reads the timestamp %s as %s", (timestamp, expected) => {
    expect(normalise({ timestamp }).timestamp).toBe(expected);
  });

  it("takes numbers from any numeric type, never from booleans or strings", () => {
    const snapshot = normalise(
      minimal({
        load: { load_1: 1, load_5: 2.5, load_15: true },
        memory: { total_bytes: "1024", used_bytes: 2 ** 40 },
      }),
    );
    expect(snapshot.load).toStrictEqual({ load_1: 1, load_5: 2.5 });
    expect(snapshot.memory).toStrictEqual({ used_bytes: 2 ** 40 });
  });

  it("takes strings only from strings", () => {
    const snapshot = normalise(
      minimal({ disks: [{ mount: "/", device: 8, fstype: new Date(0), usage_percent: 1 }] }),
    );
    expect(snapshot.disks).toStrictEqual([{ mount: "/", usage_percent: 1 }]);
  });

  it("keeps nil where the contract allows it and leaves the family or field out elsewhere", () => {
    const snapshot = normalise(
      minimal({
        cpu: null,
        temperature: { cpu_celsius: null, max_celsius: 50, sensors: null },
        disks: [{ mount: "/", inodes_percent: null, total_bytes: null }],
        security: {
          status: "ok",
          unexpected_listeners: [{ proto: "tcp", port: 22, pid: null, process: null }],
        },
      }),
    );
    expect(snapshot).not.toHaveProperty("cpu");
    expect(snapshot.temperature).toStrictEqual({ cpu_celsius: null, max_celsius: 50 });
    expect(snapshot.disks).toStrictEqual([{ mount: "/", inodes_percent: null }]);
    expect(snapshot.security).toStrictEqual({
      status: "ok",
      unexpected_listeners: [{ proto: "tcp", port: 22, pid: null, process: null }],
      unexpected_listener_count: 1,
    });
  });

  it("drops unknown keys, and families that are not structs or hold nothing known", () => {
    const snapshot = normalise(
      minimal({
        gpu: { usage_percent: 5 },
        cpu: { frequency_mhz: 2400 },
        load: [1, 2, 3],
        memory: "lots",
        disk_io: {},
      }),
    );
    expect(Object.keys(snapshot).sort()).toEqual(["agent", "collector_status", "timestamp"]);
  });

  it("drops bad array elements one by one, and elements without their key field", () => {
    const snapshot = normalise(
      minimal({
        disks: [{ mount: "/" }, "/home", null, { device: "/dev/sdb" }, { mount: 7 }, { mount: "/var" }],
        network: { interfaces: [{ name: "eth0" }, { rx_bytes_per_s: 5 }, []] },
        temperature: {
          sensors: [
            { label: "Package id 0", celsius: 41 },
            { label: "acpitz", celsius: null },
          ],
        },
        security: {
          ssh_failed_logins: {
            total: 3,
            sources: [{ ip: "203.0.113.9", count: 3, users: ["root", 5, null, "admin"] }],
          },
          suspicious_processes: [{ pid: 9, reason: "cryptominer", severity: "critical" }, { name: "x" }],
          checks: [{ name: "ssh_brute_force", available: 1 }],
        },
        collector_status: [{ name: "cpu", ok: true, duration_ms: 1, error: null }, { ok: false }],
      }),
    );
    // The counts (filled in, as the agent sent none) count the good elements only.
    expect(snapshot.disks).toStrictEqual([{ mount: "/" }, { mount: "/var" }]);
    expect(snapshot.disk_count).toBe(2);
    expect(snapshot.network).toStrictEqual({ interfaces: [{ name: "eth0" }], interface_count: 1 });
    expect(snapshot.temperature).toStrictEqual({
      sensors: [{ label: "Package id 0", celsius: 41 }],
      sensor_count: 1,
    });
    expect(snapshot.security).toStrictEqual({
      ssh_failed_logins: {
        total: 3,
        sources: [{ ip: "203.0.113.9", count: 3, users: ["root", "admin"], user_count: 2 }],
        source_count: 1,
      },
      suspicious_processes: [{ pid: 9, severity: "critical" }],
      suspicious_process_count: 1,
      checks: [{ name: "ssh_brute_force" }],
    });
    expect(snapshot.collector_status).toStrictEqual([{ name: "cpu", ok: true, duration_ms: 1, error: null }]);
  });

  it("drops per-core usage whole when one core is bad, since the index is the core", () => {
    const snapshot = normalise(minimal({ cpu: { usage_percent: 5, per_core_percent: [4, null, 6] } }));
    expect(snapshot.cpu).toStrictEqual({ usage_percent: 5 });
  });

  it("does not let a __proto__ member through", () => {
    const value = JSON.parse(
      '{"__proto__": {"polluted": 1}, "cpu": {"__proto__": {"count": 4}, "count": 2}}',
    ) as XmlRpcStruct;
    const snapshot = normalise(value);
    expect(snapshot.cpu).toStrictEqual({ count: 2 });
    expect(Object.getPrototypeOf(snapshot)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
