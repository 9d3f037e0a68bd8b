import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { fixturePath, tempHost } from "../../test/fixtures/hosts.js";
import { createLinuxCollectors } from "./index.js";

// node_exporter-style end to end: every family over a fake root, two samples 10 s apart,
// compared field by field with a checked-in golden snapshot (UPDATE_GOLDEN=1 rewrites it).
const GOLDEN = fixturePath("host-8core-sensors.golden.json");

describe("all families over the 8-core fixture host", () => {
  const host = tempHost("host-8core-sensors");
  afterAll(() => host.cleanup());

  it("matches the golden snapshot", async () => {
    let now = 1_000_000;
    const clock = () => now;
    const collectors = createLinuxCollectors(host.paths, {
      temperature: { now: clock },
      network: { now: clock },
      processes: { now: clock, uidOf: () => 0 },
      security: { authLogPaths: [], journalctl: null, stateDir: join(host.root, "state") },
      disk: {
        now: clock,
        statfs: async (mount) => ({
          bsize: 4096,
          blocks: 1_000_000 + mount.length,
          bfree: 400_000,
          bavail: 350_000,
          files: 65_536,
          ffree: 60_000,
        }),
      },
    });
    for (const collector of collectors) await collector.collect();
    for (const file of ["proc/stat", "proc/diskstats", "proc/net/dev", "proc/uptime"]) {
      host.overlay("host-8core-sensors-later", file);
    }
    now += 10_000;
    const all = Object.assign({}, ...(await Promise.all(collectors.map((c) => c.collect()))));
    // security has its own tests; its details name temp paths and times
    const { security: _security, ...snapshot } = all;

    if (process.env.UPDATE_GOLDEN === "1") {
      writeFileSync(GOLDEN, `${JSON.stringify(snapshot, null, 2)}\n`);
    }
    expect(snapshot).toEqual(JSON.parse(readFileSync(GOLDEN, "utf8")));
  });
});
