import { readFileSync } from "node:fs";
import path from "node:path";
import { REPO_ROOT } from "./run-collector.js";

/** A full get_metrics answer of a real 2-core VM (every family present). */
export function realSnapshot(): Record<string, unknown> {
  const file = path.join(REPO_ROOT, "collector/src/storage/file/fixtures/snapshot.json");
  const snapshot = JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>;
  snapshot.timestamp = new Date().toISOString();
  return snapshot;
}

function mapNumbers(value: unknown, replace: (n: number) => unknown): unknown {
  if (typeof value === "number") return replace(value);
  if (Array.isArray(value)) return value.map((item) => mapNumbers(item, replace));
  if (value !== null && typeof value === "object")
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, mapNumbers(item, replace)]));
  return value;
}

/**
 * Answers that break the get_metrics contract, each the way an agent in the field has: the
 * collector must store what it can of them and hold up no one else.
 */
export const HOSTILE_ANSWERS: Record<string, () => unknown> = {
  // a script that str()s its numbers, and a disk entry with nothing but a mount (the sample
  // that once failed every batch of the file store, for good)
  strings: () => ({
    ...(mapNumbers(realSnapshot(), (n) => String(n)) as object),
    disks: [{ mount: "/" }, { mount: "/data", usage_percent: "full" }],
  }),
  // every number nil
  nulls: () => mapNumbers(realSnapshot(), () => null),
  // families of the wrong shape: scalars for structs, structs for lists, lists of junk
  shapes: () => ({
    ...realSnapshot(),
    cpu: "busy",
    memory: [1, 2, 3],
    disks: { mount: "/" },
    load: { load_1: "high", load_5: -1, load_15: 1e308 },
    network: { interfaces: [null, 5, "eth0", { name: 7 }] },
    security: [],
    collector_status: "fine",
  }),
  // lists far past any limit (1,000 items each, 1.6 MB of XML, under max_response_bytes): every
  // list must arrive bounded in the store
  huge: () => {
    const snapshot = realSnapshot();
    const many = <T>(n: number, make: (i: number) => T): T[] => Array.from({ length: n }, (_, i) => make(i));
    const cpu = snapshot.cpu as Record<string, unknown>;
    return {
      ...snapshot,
      cpu: { ...cpu, per_core_percent: many(1_000, (i) => i % 100), count: 1_000 },
      disks: many(1_000, (i) => ({
        mount: `/srv/volume-${i}`,
        device: `/dev/loop${i}`,
        fstype: "ext4",
        total_bytes: 1e9,
        used_bytes: 5e8,
        usage_percent: i % 100,
        inodes_percent: 1,
      })),
      network: {
        ...(snapshot.network as object),
        interfaces: many(1_000, (i) => ({ name: `veth${i}`, rx_bytes_per_s: i, tx_bytes_per_s: i })),
      },
      security: {
        ...(snapshot.security as object),
        unexpected_listeners: many(1_000, (i) => ({
          proto: "tcp",
          address: "0.0.0.0",
          port: 10_000 + i,
          pid: i,
          process: "nc",
        })),
        ssh_failed_logins: {
          window_s: 900,
          total: 1_000,
          sources: many(1_000, (i) => ({ ip: `10.0.${i >> 8}.${i & 255}`, count: 1, users: ["root"] })),
        },
      },
    };
  },
};
