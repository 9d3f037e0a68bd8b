import { describe, expect, it, onTestFinished } from "vitest";
import { METRIC_FAMILIES } from "../../../common/src/contract/protocol.js";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fixtureHost } from "../../test/fixtures/hosts.js";
import { REAL_HOST } from "./family.js";
import { createLinuxCollectors } from "./index.js";

describe("createLinuxCollectors", () => {
  it("returns one collector per family in contract order", () => {
    expect(createLinuxCollectors(REAL_HOST).map((c) => c.family)).toEqual([...METRIC_FAMILIES]);
  });

  it("collects every family of a fixture host", async () => {
    const stateDir = mkdtempSync(join(tmpdir(), "hostwatch-state-"));
    onTestFinished(() => rmSync(stateDir, { recursive: true, force: true }));
    const collectors = createLinuxCollectors(fixtureHost("host-8core-sensors"), {
      disk: {
        statfs: async () => ({ bsize: 4096, blocks: 100, bfree: 50, bavail: 50, files: 10, ffree: 5 }),
      },
      processes: { uidOf: () => 0 },
      security: {
        sshWindowS: 600,
        authLogPaths: [],
        journalctl: null,
        stateDir,
      },
    });
    const snapshot = Object.assign({}, ...(await Promise.all(collectors.map((c) => c.collect()))));
    expect(snapshot.temperature.cpu_celsius).toBe(55);
    expect(snapshot.cpu.count).toBe(8);
    expect(snapshot.memory.swap_percent).toBe(25);
    expect(snapshot.disks).toHaveLength(4);
    expect(snapshot.network.tcp_connections).toBe(37);
    expect(snapshot.processes.count).toBe(0); // this fixture has no /proc/PID directories
    expect(snapshot.security.ssh_failed_logins.window_s).toBe(600);
  });

  it("collects every family of this machine", async () => {
    const snapshot = Object.assign(
      {},
      ...(await Promise.all(createLinuxCollectors(REAL_HOST).map((c) => c.collect()))),
    );
    expect(Object.keys(snapshot).sort()).toEqual(
      ["cpu", "disk_io", "disks", "load", "memory", "network", "processes", "security", "temperature"].sort(),
    );
  });
});
