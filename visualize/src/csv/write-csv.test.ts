import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { AgentHistory, AgentSeries } from "../model.js";
import { RowBytes } from "./row-bytes.js";
import { CSV_HEADER, agentCsv, historyCsv, writeAgentCsv, writeHistoryCsv } from "./write-csv.js";

const T0 = Date.parse("2026-11-22T06:00:00.000Z");
const column = (...values: number[]): Float64Array => Float64Array.from(values);

function series(agent: string, n = 2): AgentSeries {
  const values = (base: number) => column(...Array.from({ length: n }, (_, i) => base + i));
  return {
    agent,
    t: column(...Array.from({ length: n }, (_, i) => T0 + i * 10_000)),
    cpu: values(12.5),
    cpuCoreMin: values(1),
    cpuCoreMax: values(99),
    temperature: values(48),
    load1: values(0.52),
    load5: values(0.4),
    load15: values(0.25),
    memory: values(43.2),
    swap: values(0),
    disks: new Map([
      ["/", values(71)],
      ["/var", values(20)],
    ]),
    rxBytesPerS: values(1000),
    txBytesPerS: values(500),
    securityIssues: values(0),
    sshFailed: values(3),
    latest: undefined,
    cpuCount: 4,
  };
}

const history = (s: AgentSeries): AgentHistory => ({
  series: s,
  events: [],
  down: false,
  lastSeen: undefined,
  rules: {},
});
const lines = (csv: string): string[] => csv.split("\r\n").slice(0, -1);

describe("CSV of the plotted range", () => {
  it("has the header, then a row per sample with the time in ISO 8601 UTC", () => {
    expect(lines(agentCsv(series("web-01")))).toEqual([
      CSV_HEADER,
      "web-01,2026-11-22T06:00:00.000Z,12.5,48,0.52,0.4,0.25,43.2,0,71,1000,500,0",
      "web-01,2026-11-22T06:00:10.000Z,13.5,49,1.52,1.4,1.25,44.2,1,72,1001,501,1",
    ]);
    expect(CSV_HEADER).toBe(
      "agent,time,cpu_percent,cpu_temperature_celsius,load_1,load_5,load_15,memory_percent,swap_percent," +
        "worst_disk_percent,rx_bytes_per_s,tx_bytes_per_s,security_issues",
    );
  });

  it("leaves a missing value empty and takes the worst disk among those present", () => {
    const s = series("db-01", 3);
    s.temperature.fill(Number.NaN);
    s.cpu[1] = Number.NaN;
    s.securityIssues[2] = Number.NaN;
    s.disks.set("/", column(71, Number.NaN, Number.NaN));
    s.disks.set("/var", column(20, 30, Number.NaN));
    expect(lines(agentCsv(s)).slice(1)).toEqual([
      "db-01,2026-11-22T06:00:00.000Z,12.5,,0.52,0.4,0.25,43.2,0,71,1000,500,0",
      "db-01,2026-11-22T06:00:10.000Z,,,1.52,1.4,1.25,44.2,1,30,1001,501,1",
      "db-01,2026-11-22T06:00:20.000Z,14.5,,2.52,2.4,2.25,45.2,2,,1002,502,",
    ]);
  });

  it("quotes an agent name with a comma, a quote or a line break (RFC 4180)", () => {
    const cells = (name: string) => lines(agentCsv(series(name, 1)))[1]?.split(",2026-")[0];
    expect(cells('web "blue", 1')).toBe('"web ""blue"", 1"');
    expect(cells("two\nlines")).toBe('"two\nlines"');
    expect(cells("plain.name-01")).toBe("plain.name-01");
  });

  it("writes every time as toISOString does", () => {
    const times = [
      -62_198_755_200_001,
      -1,
      0,
      999,
      59_999,
      60_000,
      T0 + 0.5,
      T0 + 61_001,
      253_402_300_800_000,
    ];
    const s = { ...series("a", times.length), t: column(...times) };
    const written = lines(agentCsv(s))
      .slice(1)
      .map((line) => line.split(",")[1]);
    expect(written).toEqual(times.map((time) => new Date(time).toISOString()));
  });

  it("writes every number as JavaScript prints it, and nothing for a missing one", () => {
    let seed = 7;
    const random = () => ((seed = (seed * 48271) % 2147483647) / 2147483647) * 2 - 1;
    const values = [0, -0, 0.1, -0.05, 0.5, -1.25, 1e-7, 5e-324, 1e21, 123456789012.34, 9.99, 99.9, 100];
    for (let i = 0; i < 5_000; i++) {
      const scale = 10 ** Math.floor(Math.abs(random()) * 14);
      values.push(Math.round(random() * scale) / 100, random() * scale, Math.round(random() * scale) / 10);
    }
    values.push(NaN, Infinity, -Infinity);
    const rows = new RowBytes();
    for (const value of values) {
      rows.startRow(0);
      rows.number(value);
      rows.byte(10);
    }
    const written = Buffer.concat(rows.finish()).toString("latin1").split("\n").slice(0, -1);
    expect(written).toEqual(values.map((value) => (Number.isFinite(value) ? String(value) : "")));
  });

  it("puts every agent in one CSV, agent after agent", () => {
    const csv = historyCsv([history(series("a")), history(series("b", 1))]);
    expect(lines(csv).map((line) => line.split(",")[0])).toEqual(["agent", "a", "a", "b"]);
    expect(lines(historyCsv([]))).toEqual([CSV_HEADER]);
  });

  describe("written to a file", () => {
    let dir: string;
    beforeEach(() => {
      dir = mkdtempSync(path.join(tmpdir(), "write-csv-"));
    });
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    it("gives the same text, replacing the file at once", async () => {
      const histories = [history(series("a", 10_000)), history(series('b,"c"', 3))];
      const file = path.join(dir, "data.csv");
      await writeHistoryCsv(file, histories);
      await writeHistoryCsv(file, histories);
      expect(readFileSync(file, "utf8")).toBe(historyCsv(histories));
      await writeAgentCsv(path.join(dir, "a.csv"), histories[0]!.series);
      expect(readFileSync(path.join(dir, "a.csv"), "utf8")).toBe(agentCsv(histories[0]!.series));
      expect(readdirSync(dir).sort()).toEqual(["a.csv", "data.csv"]);
    });

    it("leaves no partial file when it cannot write", async () => {
      mkdirSync(path.join(dir, "data.csv", "occupied"), { recursive: true });
      await expect(writeHistoryCsv(path.join(dir, "data.csv"), [])).rejects.toThrow();
      expect(readdirSync(dir)).toEqual(["data.csv"]);
    });
  });
});
