import { readFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { fixtureHost, fixturePath, tempHost } from "../../test/fixtures/hosts.js";
import type { TempHost } from "../../test/fixtures/hosts.js";
import { REAL_HOST } from "./family.js";
import { NetworkCollector, networkRates, parseNetDev, parseTcpEstablished } from "./network.js";

const fixture = (host: string, file: string): string =>
  readFileSync(fixturePath(host, "proc", file), "latin1");

describe("parseNetDev", () => {
  it("reads bytes and errors of each interface", () => {
    const interfaces = parseNetDev(fixture("host-8core-sensors", "net/dev"));
    expect([...interfaces.keys()]).toEqual(["lo", "eth0", "wlan0", "docker0"]);
    expect(interfaces.get("eth0")).toEqual({
      rxBytes: 48211093412,
      rxErrors: 3,
      txBytes: 9120334122,
      txErrors: 0,
    });
    expect(interfaces.get("wlan0")).toEqual({
      rxBytes: 1209331204,
      rxErrors: 12,
      txBytes: 220133012,
      txErrors: 1,
    });
  });

  it("reads old kernels' lines with no space after the colon", () => {
    const line =
      "  eth0:4294967296   10    0    0    0     0          0         0  512   4    0    0    0     0       0          0";
    expect(parseNetDev(line).get("eth0")).toEqual({
      rxBytes: 4294967296,
      rxErrors: 0,
      txBytes: 512,
      txErrors: 0,
    });
  });
});

describe("parseTcpEstablished", () => {
  it("reads CurrEstab from the Tcp header/value lines", () => {
    expect(parseTcpEstablished(fixture("host-8core-sensors", "net/snmp"))).toBe(37);
    expect(parseTcpEstablished(fixture("host-2core", "net/snmp"))).toBe(2);
  });

  it("fails without a Tcp section", () => {
    expect(() => parseTcpEstablished("Ip: Forwarding\nIp: 1\n")).toThrow(/CurrEstab/);
  });
});

describe("networkRates", () => {
  const before = new Map([
    ["lo", { rxBytes: 0, rxErrors: 0, txBytes: 0, txErrors: 0 }],
    ["eth0", { rxBytes: 1000, rxErrors: 1, txBytes: 5000, txErrors: 0 }],
  ]);

  it("gives 0 for a counter that went backwards (wrap or reset) and for a new interface", () => {
    const after = new Map([
      ["lo", { rxBytes: 10_000, rxErrors: 0, txBytes: 10_000, txErrors: 0 }],
      ["eth0", { rxBytes: 3000, rxErrors: 2, txBytes: 100, txErrors: 0 }],
      ["tun0", { rxBytes: 99_999, rxErrors: 0, txBytes: 99_999, txErrors: 4 }],
    ]);
    expect(networkRates(before, after, 2)).toEqual({
      rx_bytes_per_s: 1000,
      tx_bytes_per_s: 0,
      rx_errors: 2,
      tx_errors: 4,
      interfaces: [
        { name: "eth0", rx_bytes_per_s: 1000, tx_bytes_per_s: 0 },
        { name: "tun0", rx_bytes_per_s: 0, tx_bytes_per_s: 0 },
      ],
    });
  });
});

describe("NetworkCollector", () => {
  let host: TempHost | undefined;
  afterEach(() => host?.cleanup());

  it("reports since-boot rates first, then rates over the elapsed time, lo left out", async () => {
    host = tempHost("host-8core-sensors");
    let now = 5_000;
    const collector = new NetworkCollector(host.paths, { now: () => now });
    // Counters over the 52437.12 s of /proc/uptime.
    expect((await collector.collect()).network).toEqual({
      rx_bytes_per_s: 942493.31,
      tx_bytes_per_s: 179656.68,
      rx_errors: 15,
      tx_errors: 1,
      interfaces: [
        { name: "docker0", rx_bytes_per_s: 23.08, tx_bytes_per_s: 1529.68 },
        { name: "eth0", rx_bytes_per_s: 919407.73, tx_bytes_per_s: 173928.97 },
        { name: "wlan0", rx_bytes_per_s: 23062.5, tx_bytes_per_s: 4198.04 },
      ],
      tcp_connections: 37,
    });
    host.overlay("host-8core-sensors-later", "proc/net/dev");
    now += 10_000;
    expect((await collector.collect()).network).toEqual({
      rx_bytes_per_s: 1260000,
      tx_bytes_per_s: 255000,
      rx_errors: 15,
      tx_errors: 1,
      interfaces: [
        { name: "docker0", rx_bytes_per_s: 0, tx_bytes_per_s: 0 },
        { name: "eth0", rx_bytes_per_s: 1250000, tx_bytes_per_s: 250000 },
        { name: "wlan0", rx_bytes_per_s: 10000, tx_bytes_per_s: 5000 },
      ],
      tcp_connections: 37,
    });
  });

  it("reads this machine's copy", async () => {
    const { network } = await new NetworkCollector(fixtureHost("host-2core")).collect();
    expect(network?.interfaces.map((i) => i.name)).toEqual(["eth0", "ifb0", "ifb1"]);
    expect(network?.tcp_connections).toBe(2);
  });

  it("reads this machine", async () => {
    const collector = new NetworkCollector(REAL_HOST);
    await collector.collect();
    const { network } = await collector.collect();
    expect(network?.interfaces.some((i) => i.name === "lo")).toBe(false);
    expect(network?.rx_bytes_per_s).toBeGreaterThanOrEqual(0);
    expect(network?.tcp_connections).toBeGreaterThanOrEqual(0);
  });
});
