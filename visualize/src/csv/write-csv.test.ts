import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SERIES_COLUMNS } from "../../../collector/src/storage/index.js";
import { seriesValues, valuesOf, type AgentHistory, type AgentSeries } from "../model.js";
import { RowBytes } from "./row-bytes.js";
import { CSV_HEADER, agentCsv, historyCsv, writeAgentCsv, writeHistoryCsv } from "./write-csv.js";

const T0 = Date.parse("2026-11-22T06:00:00.000Z");
const column = (...values: number[]): Float64Array => Float64Array.from(values);

/** The series columns the rows below fill, in catalog order (a series column is only ever appended). */
const FILLED = [
  "cpu_usage_percent",
  "cpu_count",
  "load_1",
  "load_5",
  "load_15",
  "cpu_temperature_celsius",
  "memory_total_bytes",
  "memory_usage_percent",
  "swap_percent",
  "net_rx_bytes_per_s",
  "net_tx_bytes_per_s",
  "security_issue_count",
  "ssh_failed_total",
  "worst_disk_usage_percent",
  "cpu_core_min_percent",
  "cpu_core_max_percent",
];
/** The empty cells of the series columns after FILLED, which the rows leave missing. */
const REST = ",".repeat(SERIES_COLUMNS.length - FILLED.length);

function series(agent: string, n = 2): AgentSeries {
  const values = (base: number) => column(...Array.from({ length: n }, (_, i) => base + i));
  return {
    agent,
    t: column(...Array.from({ length: n }, (_, i) => T0 + i * 10_000)),
    values: seriesValues(n, {
      cpu_usage_percent: values(12.5),
      cpu_count: values(4),
      load_1: values(0.52),
      load_5: values(0.4),
      load_15: values(0.25),
      cpu_temperature_celsius: values(48),
      memory_total_bytes: values(8_000_000_000),
      memory_usage_percent: values(43.2),
      swap_percent: values(0),
      net_rx_bytes_per_s: values(1000),
      net_tx_bytes_per_s: values(500),
      security_issue_count: values(0),
      ssh_failed_total: values(3),
      worst_disk_usage_percent: values(71),
      cpu_core_min_percent: values(1),
      cpu_core_max_percent: values(99),
    }),
    disks: new Map([
      ["/", values(71)],
      ["/var", values(20)],
    ]),
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
      "web-01,2026-11-22T06:00:00.000Z,12.5,4,0.52,0.4,0.25,48,8000000000,43.2,0,1000,500,0,3,71,1,99" + REST,
      "web-01,2026-11-22T06:00:10.000Z,13.5,5,1.52,1.4,1.25,49,8000000001,44.2,1,1001,501,1,4,72,2,100" +
        REST,
    ]);
  });

  it("names its columns as MySQL's samples table does: every series column of the catalog, in its order", () => {
    expect(CSV_HEADER).toBe(["agent", "time", ...SERIES_COLUMNS.map((c) => c.name)].join(","));
    expect(CSV_HEADER).toBe(
      "agent,time,cpu_usage_percent,cpu_count,load_1,load_5,load_15,cpu_temperature_celsius," +
        "memory_total_bytes,memory_usage_percent,swap_percent,net_rx_bytes_per_s,net_tx_bytes_per_s," +
        "security_issue_count,ssh_failed_total,worst_disk_usage_percent,cpu_core_min_percent," +
        "cpu_core_max_percent" +
        SERIES_COLUMNS.slice(FILLED.length)
          .map((c) => `,${c.name}`)
          .join(""),
    );
  });

  it("leaves a missing value empty and takes the worst disk from its column", () => {
    const s = series("db-01", 3);
    valuesOf(s, "cpu_temperature_celsius").fill(Number.NaN);
    valuesOf(s, "cpu_usage_percent")[1] = Number.NaN;
    valuesOf(s, "security_issue_count")[2] = Number.NaN;
    s.values.worst_disk_usage_percent = column(71, 30, Number.NaN);
    s.disks.set("/", column(71, Number.NaN, Number.NaN));
    s.disks.set("/var", column(20, 30, Number.NaN));
    const rows = lines(agentCsv(s)).slice(1);
    expect(rows).toEqual([
      "db-01,2026-11-22T06:00:00.000Z,12.5,4,0.52,0.4,0.25,,8000000000,43.2,0,1000,500,0,3,71,1,99" + REST,
      "db-01,2026-11-22T06:00:10.000Z,,5,1.52,1.4,1.25,,8000000001,44.2,1,1001,501,1,4,30,2,100" + REST,
      "db-01,2026-11-22T06:00:20.000Z,14.5,6,2.52,2.4,2.25,,8000000002,45.2,2,1002,502,,5,,3,101" + REST,
    ]);
    // the per-mount usage is not in the CSV: the worst disk is the stored column
    expect(lines(agentCsv({ ...s, disks: new Map() })).slice(1)).toEqual(rows);
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
      rows.startRow(0, 1);
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

  it("writes the widest numbers whole, whatever the agent name's length (rows fill the buffer chunks exactly)", () => {
    // 25 characters: the widest a double prints without an exponent
    const widest = -1.2345678901234567e-6;
    const n = 2000;
    const t = Float64Array.from({ length: n }, (_, i) => Date.UTC(2026, 0, 1) + i * 1000);
    const values = seriesValues(
      n,
      Object.fromEntries(SERIES_COLUMNS.map((c) => [c.name, new Float64Array(n).fill(widest)])),
    );
    for (const length of [1, 40, 50, 80]) {
      const agent = "a".repeat(length);
      const csv = agentCsv({ agent, t, values, disks: new Map(), latest: undefined, cpuCount: undefined });
      const row = (time: number) =>
        [agent, new Date(time).toISOString(), ...SERIES_COLUMNS.map(() => String(widest))].join(",");
      expect(csv).toBe(`${CSV_HEADER}\r\n${[...t].map((time) => `${row(time)}\r\n`).join("")}`);
    }
  });
});
